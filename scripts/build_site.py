"""Build the static course (``make html``) and one reveal.js deck per notebook (``make slides``).

Usage: python scripts/build_site.py html|slides [--out DIR] [notebooks ...]

Uses the outputs recorded in the notebooks (nothing is re-executed, nothing is downloaded):
- html:   DIR/NN_name.html for every notebook plus DIR/index.html linking them all (default build/html)
- slides: DIR/NN_name.slides.html for every notebook (default build/slides); cells are grouped into
          slides by their ``slideshow`` metadata. Presenting loads reveal.js from its CDN unless you
          pass ``--SlidesExporter.reveal_url_prefix`` to nbconvert with a local copy.
Each page's <title> is the notebook's title metadata, e.g. "01 · N-gram language models".
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter

ROOT = Path(__file__).resolve().parents[1]


def notebook_title(nb) -> str:
    return nb.metadata.get("title") or nb.cells[0].source.splitlines()[0].removeprefix("# ").strip()


def build(kind: str, out: Path, paths: list[Path]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter() if kind == "html" else SlidesExporter()
    written = []
    entries = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb.metadata["title"] = notebook_title(nb)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        suffix = ".html" if kind == "html" else ".slides.html"
        target = out / f"{path.stem}{suffix}"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        entries.append((target.name, nb.metadata["title"]))
    if kind == "html":
        items = "\n".join(f'    <li><a href="{html.escape(name)}">{html.escape(title)}</a></li>'
                          for name, title in entries)
        index = out / "index.html"
        index.write_text(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Physics of Language Models in Python</title>\n</head>\n<body>\n"
            "<h1>Physics of Language Models in Python</h1>\n"
            "<p>Fourteen notebooks, with their recorded outputs. Run them live with "
            "<code>make lab</code> or on Binder.</p>\n<ol>\n" + items + "\n</ol>\n</body>\n</html>\n",
            encoding="utf-8")
        written.append(index)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["html", "slides"])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_intermixed_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    out = args.out or ROOT / "build" / args.kind
    for target in build(args.kind, out, paths):
        print(target.relative_to(out.parent) if out.parent in target.parents else target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
