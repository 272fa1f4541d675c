"""The static course and the slide decks, opened from disk in headless Chromium with the network cut.

Builds ``build/html`` and ``build/slides`` (what ``make html`` and ``make slides`` write), then opens
the index, every notebook page and every deck from file://. Every request that is not file:// is
aborted and fails the test. On each page: formulas were typeset by the bundled MathJax (its output
elements exist, one per formula, none is a TeX error, and no raw ``$$`` or ``\\frac`` is left in the
visible text), every image loaded, no console error, no failed request, no widget placeholder. Each
deck advances and goes back with the keyboard and shows code at projector size. Screenshots of the
index, one page and one slide go to ``build/browser/``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_jupyterlab import chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BUILD = ROOT / "build"
SHOTS = BUILD / "browser"
MATH_TIMEOUT_MS = 30_000
#: the smallest code font, in CSS pixels on a 1920x1080 projector, that the decks may show
PROJECTOR_CODE_PX = 20

MATH_JS = """() => {
  const jax = window.MathJax && MathJax.Hub ? MathJax.Hub.getAllJax() : [];
  const hasError = n => !!n && (n.type === 'merror' || (n.data || []).some(hasError));
  const frames = Array.from(document.querySelectorAll('span.MathJax'));
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('script, style, pre, code, textarea, .MJX_Assistive_MathML')
    .forEach(e => e.remove());
  return {
    sources: document.querySelectorAll('script[type^="math/tex"]').length,
    jax: jax.length,
    drawn: frames.filter(f => f.querySelector('span.math')).length,
    // on screen (not in a hidden slide) yet of no size: drawn wrong
    empty: frames.filter(f => f.getClientRects().length && !f.getBoundingClientRect().width).length,
    errors: jax.filter(j => hasError(j.root)).map(j => j.originalText.slice(0, 80)),
    text: clone.textContent,
    fonts: Array.from(document.fonts).some(f => f.family.startsWith('STIXMathJax') && f.status === 'loaded'),
  };
}"""

IMAGES_JS = """() => Array.from(document.images)
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 60))"""

#: raw TeX that MathJax should have turned into a formula
RAW_TEX = re.compile(r"\$\$|\\frac|\\\(|\\\[|\\(?:sum|log|mathrm|theta|cdot|left|right|alpha|eta)\b")


@pytest.fixture(scope="module")
def site():
    """Build both folders with make's own commands, side by side (reveal.js: from the build cache,
    else once from the npm registry)."""
    start = time.monotonic()
    script = ROOT / "scripts" / "build_site.py"
    builds = [subprocess.Popen([sys.executable, str(script), kind, "--out", str(BUILD / kind)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
              for kind in ("html", "slides")]
    for kind, proc in zip(("html", "slides"), builds):
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"make {kind} failed:\n{err[-3000:]}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"built html + slides in {time.monotonic() - start:.1f} s")
    return BUILD


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium context for every visit (each visit opens its own page)."""
    with chromium() as b:
        yield b.new_context()


class Visit:
    """A page opened from disk; ``problems`` collects every request off file://, error and failure."""

    def __init__(self, context, path: Path, viewport=(1400, 1000)):
        self.problems: list[str] = []
        self.page = context.new_page()
        self.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.problems.append(f"network request: {url}")
            route.abort()

    def close(self):
        self.page.close()


def check_math_and_images(v: Visit, name: str) -> dict:
    v.page.wait_for_function("() => document.documentElement.getAttribute('data-math') === 'typeset'",
                             timeout=MATH_TIMEOUT_MS)
    math = v.page.evaluate(MATH_JS)
    raw = sorted(set(RAW_TEX.findall(math["text"])))
    assert not raw, f"{name}: raw TeX left in the visible text: {raw}"
    assert math["jax"] == math["sources"], f"{name}: {math['sources']} formulas, {math['jax']} typeset"
    assert math["drawn"] == math["jax"], f"{name}: {math['jax']} formulas, {math['drawn']} drawn"
    assert not math["errors"], f"{name}: TeX errors in {math['errors']}"
    assert not math["empty"], f"{name}: {math['empty']} formulas on screen have no size"
    assert math["fonts"] or not math["jax"], f"{name}: MathJax's STIX web fonts did not load"
    assert not v.page.evaluate(IMAGES_JS), f"{name}: images that did not load"
    return math


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_page_works_offline(site, browser, path):
    page_file = site / "html" / f"{path.stem}.html"
    v = Visit(browser, page_file)
    try:
        math = check_math_and_images(v, page_file.name)
        has_formulas = "$" in _markdown_text(path)
        assert (math["jax"] > 0) == has_formulas, f"{page_file.name}: {math['jax']} formulas typeset"
        assert v.page.locator("script[type='application/vnd.jupyter.widget-view+json']").count() == 0
        panels = v.page.locator(".course-live-panel")
        assert panels.count() == _panel_cells(path), f"{page_file.name}: live-panel notes"
        if panels.count():
            assert "make lab" in panels.first.inner_text()
        if path.stem.startswith("07"):
            v.page.screenshot(path=str(SHOTS / "static_page_07.png"))
        assert not v.problems, f"{page_file.name}: {v.problems}"
    finally:
        v.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_deck_works_offline_and_with_the_keyboard(site, browser, path):
    deck = site / "slides" / f"{path.stem}.slides.html"
    v = Visit(browser, deck, viewport=(1920, 1080))
    try:
        v.page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=10_000)
        check_math_and_images(v, deck.name)
        assert v.page.evaluate("Reveal.getTotalSlides()") >= _slide_cells(path)
        start = v.page.evaluate("Reveal.getIndices()")
        v.page.keyboard.press("ArrowRight")
        moved = v.page.evaluate("Reveal.getIndices()")
        assert moved["h"] == start["h"] + 1, f"{deck.name}: ArrowRight went from {start} to {moved}"
        v.page.keyboard.press("ArrowLeft")
        assert v.page.evaluate("Reveal.getIndices()")["h"] == start["h"]
        code_px = v.page.evaluate("""() => {
            const pre = document.querySelector('.jp-CodeCell .jp-InputArea-editor pre');
            return pre ? parseFloat(getComputedStyle(pre).fontSize) * Reveal.getScale() : null; }""")
        if code_px is not None:
            assert code_px >= PROJECTOR_CODE_PX, f"{deck.name}: code at {code_px:.1f} px on 1920x1080"
        if path.stem.startswith("07"):
            # the first slide with a formula
            v.page.evaluate("""() => { const s = Array.from(document.querySelectorAll('.slides section'))
                .find(e => !e.classList.contains('stack') && e.querySelector('.MathJax_Display'));
                if (s) Reveal.slide(...Object.values(Reveal.getIndices(s)).slice(0, 2)); }""")
            v.page.wait_for_timeout(900)  # the slide transition
            v.page.screenshot(path=str(SHOTS / "static_slide_07.png"))
        assert not v.problems, f"{deck.name}: {v.problems}"
    finally:
        v.close()


def test_index_is_the_course_map_and_fits_a_phone(site, browser):
    index = site / "html" / "index.html"
    for viewport, shot in (((1400, 1000), "static_index.png"), ((390, 844), "static_index_phone.png")):
        v = Visit(browser, index, viewport=viewport)
        try:
            cards = v.page.locator(".course-card")
            assert cards.count() == len(NOTEBOOKS)
            hrefs = v.page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
            for nb in NOTEBOOKS:
                assert f"{nb.stem}.html" in hrefs and f"../slides/{nb.stem}.slides.html" in hrefs
            for href in hrefs:
                assert (index.parent / href).resolve().exists(), f"index links to a missing file: {href}"
            width = v.page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport[0], f"the index scrolls sideways at {viewport[0]} px: {width} px wide"
            font = v.page.evaluate("getComputedStyle(document.querySelector('.course-idea')).fontSize")
            assert float(font.removesuffix("px")) >= 14
            v.page.screenshot(path=str(SHOTS / shot), full_page=viewport[0] < 500)
            assert not v.problems, v.problems
        finally:
            v.close()


def test_the_checks_catch_a_network_request_and_raw_tex(site, browser, tmp_path):
    """The checks above can fail: a page that loads a script from the web, a formula left as text."""
    bad = site / "html" / "zz_selftest.html"
    bad.write_text('<!DOCTYPE html><html data-math="typeset"><head>'
                   '<script src="https://cdn.example.org/x.js"></script></head>'
                   "<body><p>$$\\frac{a}{b}$$</p></body></html>", encoding="utf-8")
    try:
        v = Visit(browser, bad)
        try:
            with pytest.raises(AssertionError, match="raw TeX"):
                check_math_and_images(v, bad.name)
            assert any("network request: https://cdn.example.org/x.js" in p for p in v.problems)
        finally:
            v.close()
    finally:
        bad.unlink()


def _cells(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4).cells


def _markdown_text(path: Path) -> str:
    return "\n".join(c.source for c in _cells(path) if c.cell_type == "markdown")


def _panel_cells(path: Path) -> int:
    return sum(1 for c in _cells(path)
               if c.cell_type == "code" and re.search(r"^\w*_panel\(", c.source, re.M))


def _slide_cells(path: Path) -> int:
    return sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in _cells(path))
