"""make slides and make html: they build offline, one file per notebook, titled like the notebook,
and every page loads what it needs from its own folder (MathJax, reveal.js) by a relative path.

The browser half (formulas typeset with the network cut, decks driven by the keyboard) is
tests/browser/test_static_course.py.
"""

from __future__ import annotations

import html
import importlib.util
import io
import re
import socket
import tarfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


def _refuse(*args, **kwargs):
    raise AssertionError(f"the build tried to use the network: {args}")


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)


@pytest.fixture(scope="module")
def html_build(tmp_path_factory) -> tuple[Path, list[Path]]:
    """``make html`` into a temporary folder, once for this module, with the network refused."""
    out = tmp_path_factory.mktemp("html")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _refuse)
        mp.setattr(socket, "create_connection", _refuse)
        written = build_site.build("html", out, NOTEBOOKS)
    return out, written


@pytest.fixture(scope="module")
def fake_reveal() -> bytes:
    """A stand-in for the reveal.js npm tarball with the files a deck uses (no network in tests)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for rel in build_site.site_assets.REVEAL_FILES:
            theme = rel.endswith("white.css")
            data = (b"@import url(./fonts/x.css);\n.reveal { color: #222; }\n" if theme else b"//")
            info = tarfile.TarInfo(f"package/{rel}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def references(page: Path) -> list[str]:
    """Every src= and href= of a page except in-page anchors and inline data."""
    text = page.read_text(encoding="utf-8")
    return [html.unescape(m) for m in re.findall(r'(?:src|href)="([^"]*)"', text)
            if not m.startswith(("#", "data:"))]


def assert_self_contained(page: Path) -> None:
    """Scripts, style sheets and images load from the page's own folder; only plain links go out."""
    text = page.read_text(encoding="utf-8")
    loaded = re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]*)"', text)
    for ref in loaded:
        if ref.startswith("data:"):
            continue
        assert "://" not in ref and not ref.startswith("//"), f"{page.name} loads {ref} from the network"
        target = (page.parent / ref.split("?")[0]).resolve()
        assert target.exists(), f"{page.name} refers to {ref}, which is not in the build"
    assert "require.min.js" not in text and "unpkg.com" not in text and "cdnjs" not in text, page.name


def heading(path: Path) -> str:
    return nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].removeprefix("# ").strip()


def title_of(html_file: Path) -> str:
    import html

    return html.unescape(re.search(r"<title>(.*?)</title>", html_file.read_text(encoding="utf-8")).group(1))


def test_html_course_builds_offline_with_an_index(html_build):
    tmp_path, written = html_build
    for page in written:
        assert_self_contained(page)
    pages = sorted(p for p in written if p.name != "index.html")
    assert [p.name for p in pages] == [f"{nb.stem}.html" for nb in NOTEBOOKS]
    for nb, page in zip(NOTEBOOKS, pages):
        assert title_of(page) == heading(nb)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        assert f'href="{nb.stem}.html"' in index


def test_one_slide_deck_per_notebook_offline(tmp_path, offline, fake_reveal):
    written = build_site.build("slides", tmp_path, NOTEBOOKS, reveal_tarball=fake_reveal)
    assert [p.name for p in written] == [f"{nb.stem}.slides.html" for nb in NOTEBOOKS]
    for nb, deck in zip(NOTEBOOKS, written):
        assert title_of(deck) == f"{heading(nb)} slides"
        cells = nbformat.read(nb, as_version=4).cells
        n_slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in cells)
        assert deck.read_text(encoding="utf-8").count("<section") >= n_slides
        assert_self_contained(deck)
        reveal = f'src="{build_site.site_assets.REVEAL_PREFIX}/dist/reveal.js"'
        assert reveal in deck.read_text(encoding="utf-8")
    # the course theme drops the reveal theme's web-font import (a file that is not copied)
    theme = (tmp_path / "_static/reveal.js/dist/theme/course.css").read_text(encoding="utf-8")
    assert "@import" not in theme and ".reveal" in theme


def test_the_index_is_the_readme_course_map(html_build):
    tmp_path, _ = html_build
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) \| \[([^\]]+)\]\(notebooks/(\w+)\.ipynb\) \| ([^|]+) \|", readme, re.M)
    assert len(rows) == len(NOTEBOOKS)
    shown = html.unescape(re.sub(r"<[^>]+>", "", index))  # the index's text, as a reader sees it
    for _number, title, stem, idea in rows:
        assert title in shown and idea.strip().replace("`", "") in shown, stem
        assert f'href="{stem}.html"' in index and f'href="../slides/{stem}.slides.html"' in index
    assert 'name="viewport"' in index


def test_widget_panels_show_their_twin_and_how_to_run_them_live(html_build):
    tmp_path, _ = html_build
    nb_path = next(p for p in NOTEBOOKS if p.stem.startswith("02"))
    page = (tmp_path / f"{nb_path.stem}.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget" not in page  # no widget view nor state left to fail
    assert page.count('class="course-live-panel"') == 1 and "make lab" in page and "Binder" in page
    cells = nbformat.read(nb_path, as_version=4).cells
    panel = next(i for i, c in enumerate(cells) if c.cell_type == "code" and "_panel(" in c.source)
    twin_png = next(o.data["image/png"] for o in cells[panel - 1].outputs if "image/png" in o.get("data", {}))
    assert page.count(twin_png.strip()[:200]) == 2  # the twin's figure, and again under the panel


def test_a_progress_bar_shows_its_recorded_final_state():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import site_course

    children = ["IPY_MODEL_a", "IPY_MODEL_b", "IPY_MODEL_c"]
    state = {"box": {"state": {"_model_name": "HBoxModel", "children": children}},
             "a": {"state": {"_model_name": "HTMLModel", "value": "adam lr=0.3: 100%"}},
             "b": {"state": {"_model_name": "FloatProgressModel", "value": 50, "max": 100}},
             "c": {"state": {"_model_name": "HTMLModel", "value": " 50/100 [00:01&lt;00:00]"}}}
    assert site_course.progress_text({"model_id": "box"}, state) == (
        "adam lr=0.3: 100% [##########..........] 50/100 [00:01<00:00]")
    assert "progress bar" in site_course.progress_text({"model_id": "gone"}, state)


def test_every_notebook_carries_its_title_and_slide_metadata():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata.get("title") == heading(path), path.name
        assert all("slideshow" in c.metadata for c in nb.cells), path.name
        # the title and every '## ' section (the arc) start a slide of their own
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.source.startswith(("# ", "## ")):
                assert cell.metadata["slideshow"]["slide_type"] == "slide", (path.name, cell.source[:40])
        sections = [c for c in nb.cells if c.cell_type == "markdown" and "\n## " in "\n" + c.source]
        assert all(c.source.startswith("## ") for c in sections if not c.source.startswith("# ")), (
            f"{path.name}: a '## ' section starts in the middle of a cell, so it cannot start a slide")
