"""make slides and make html: they build offline, one file per notebook, titled like the notebook."""

from __future__ import annotations

import importlib.util
import re
import socket
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"the build tried to use the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def heading(path: Path) -> str:
    return nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].removeprefix("# ").strip()


def title_of(html_file: Path) -> str:
    import html

    return html.unescape(re.search(r"<title>(.*?)</title>", html_file.read_text(encoding="utf-8")).group(1))


def test_html_course_builds_offline_with_an_index(tmp_path, offline):
    written = build_site.build("html", tmp_path, NOTEBOOKS)
    pages = sorted(p for p in written if p.name != "index.html")
    assert [p.name for p in pages] == [f"{nb.stem}.html" for nb in NOTEBOOKS]
    for nb, page in zip(NOTEBOOKS, pages):
        assert title_of(page) == heading(nb)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        assert f'href="{nb.stem}.html"' in index


def test_one_slide_deck_per_notebook_offline(tmp_path, offline):
    written = build_site.build("slides", tmp_path, NOTEBOOKS)
    assert [p.name for p in written] == [f"{nb.stem}.slides.html" for nb in NOTEBOOKS]
    for nb, deck in zip(NOTEBOOKS, written):
        assert title_of(deck) == f"{heading(nb)} slides"
        cells = nbformat.read(nb, as_version=4).cells
        n_slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in cells)
        assert deck.read_text(encoding="utf-8").count("<section") >= n_slides


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
