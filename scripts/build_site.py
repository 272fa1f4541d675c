"""Build the static course (``make html``) and one reveal.js deck per notebook (``make slides``).

Usage: python scripts/build_site.py html|slides [--out DIR] [notebooks ...]

Uses the outputs recorded in the notebooks (nothing is re-executed) and writes folders that work
from file:// with the network off (copy them to a USB stick or any static host):
- html:   DIR/NN_name.html for every notebook plus DIR/index.html, the README's course map with a
          link to each notebook page and its deck in ../slides/ (default DIR: build/html)
- slides: DIR/NN_name.slides.html for every notebook (default build/slides); cells are grouped into
          slides by their ``slideshow`` metadata (every ``#``/``##`` section is a slide)
Both copy what a page needs at view time into DIR/_static/ and refer to it relatively: MathJax
(from the pinned ``jupyter-server-mathjax`` package) and, for the decks, reveal.js (fetched once
from the npm registry at a pinned version and integrity; see ``site_assets.py``). Widget panels
show their twin's recorded output and how to run them live (``site_course.py``).
Each page's <title> is the notebook's title metadata, e.g. "01 · N-gram language models".
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import site_assets  # noqa: E402
import site_course  # noqa: E402

ROOT = HERE.parent
TEMPLATES = HERE / "site_templates"
COURSE_TITLE = "Physics of Language Models in Python"
#: where the html index links the decks (the two folders side by side, as make builds them)
SLIDES_FROM_HTML = "../slides"
NOTEBOOK_LINK = re.compile(r'href="(?:\./)?(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')


def notebook_title(nb) -> str:
    return nb.metadata.get("title") or nb.cells[0].source.splitlines()[0].removeprefix("# ").strip()


def exporter(kind: str):
    common = dict(extra_template_basedirs=[str(TEMPLATES)], extra_template_paths=[str(TEMPLATES)],
                  mathjax_url=site_assets.MATHJAX_URL)
    if kind == "html":
        return HTMLExporter(template_name="course_html", **common)
    return SlidesExporter(template_name="course_slides", reveal_url_prefix=site_assets.REVEAL_PREFIX,
                          reveal_theme="course", **common)


def copy_assets(kind: str, out: Path, reveal_tarball: bytes | None = None) -> None:
    static = out / site_assets.STATIC
    site_assets.copy_course_css(static)
    site_assets.copy_mathjax(static)
    if kind == "slides":
        site_assets.copy_reveal(static, reveal_tarball)


def build(kind: str, out: Path, paths: list[Path], reveal_tarball: bytes | None = None) -> list[Path]:
    """Write the pages (``kind`` "html") or decks ("slides") of ``paths`` into ``out``.

    ``reveal_tarball``: the reveal.js npm package's bytes; by default the pinned one (cache or npm).
    Returns the written pages (decks), then index.html for "html"; the assets go to out/_static.
    """
    if kind not in ("html", "slides"):
        raise ValueError(f"kind must be 'html' or 'slides', got {kind!r}")
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(kind, out, reveal_tarball)
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.exists() else ""
    export = exporter(kind)
    suffix = ".html" if kind == "html" else ".slides.html"
    stems = [p.stem for p in paths]
    written, titles = [], {}
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        nb.metadata["title"] = notebook_title(nb)
        nb = site_course.static_widgets(nb, path.stem, site_course.binder_url(readme, path.stem))
        nav = {"slides": f"{SLIDES_FROM_HTML}/{path.stem}.slides.html",
               "previous": f"{stems[i - 1]}.html" if i > 0 else None,
               "next": f"{stems[i + 1]}.html" if i + 1 < len(stems) else None}
        body, _ = export.from_notebook_node(
            nb, resources={"metadata": {"name": path.stem}, "course_nav": nav if kind == "html" else None})
        # a markdown link to another notebook points at that notebook's page (or deck) here
        body = NOTEBOOK_LINK.sub(lambda m: f'href="{m.group(1)}{suffix}{m.group(2) or ""}"', body)
        target = out / f"{path.stem}{suffix}"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        titles[path.stem] = nb.metadata["title"]
    if kind == "html":
        entries = site_course.read_entries(titles, readme)
        index = out / "index.html"
        index.write_text(site_course.index_page(entries, SLIDES_FROM_HTML, COURSE_TITLE), encoding="utf-8")
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
