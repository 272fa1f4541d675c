"""The course used the way a learner uses it: JupyterLab in a real (headless Chromium) browser.

Run with ``make test-browser`` (it installs Chromium with apt-get when missing). For each
notebook: open it, clear all outputs, run all cells through the Run menu, wait until every
code cell has run and the kernel is idle, fail on any error or stderr output (also inside
widget outputs), then move every slider and type into every text box, asserting that the
output below it changed. Screenshots go to ``build/browser/``. The server runs on a copy of
``notebooks/`` in a temporary folder (so checkpoints and autosave never touch the repository),
and every process this test starts is stopped at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOTS = ROOT / "build" / "browser"
#: Debian's chromium here; elsewhere any Chromium-family browser on the PATH, or $CHROMIUM.
CHROMIUM = next((shutil.which(c) for c in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser",
                                           "google-chrome") if c and shutil.which(c)), "/usr/bin/chromium")
RUN_TIMEOUT_S = 120
WIDGET_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(f"{base}{path}", method=method,
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a temporary copy of notebooks/; yields (base_url, token)."""
    root = tmp_path_factory.mktemp("lab")
    served = root / "notebooks"
    shutil.copytree(ROOT / "notebooks", served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = root / "settings"
    (settings / "@jupyterlab" / "docmanager-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        json.dumps({"autosave": False}))
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    # render every cell (no windowing) so each output is in the page to be checked
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = _free_port(), secrets.token_hex(24)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTER_RUNTIME_DIR=str(root / "runtime"))
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}",
           "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(root / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(cmd, cwd=served, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n"
                                       + (root / "server.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield base, token, served
    finally:
        try:  # kernels outlive a killed server: shut them down through the API first
            for kernel in _api(base, token, "/api/kernels") or []:
                _api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
        except OSError:
            pass
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@contextlib.contextmanager
def chromium():
    """Headless Chromium (Debian's, via Playwright), closed on exit; shared by the browser tests."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test-browser` (it installs it) "
                    "or apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const problems = [];
  for (const [i, c] of cells.entries()) {
    const outs = c.model.outputs;
    for (let j = 0; j < outs.length; j++) {
      const o = outs.get(j).toJSON();
      if (o.output_type === 'error') problems.push(`code cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr')
        problems.push(`code cell ${i} wrote to stderr: ${String(o.text).slice(0, 300)}`);
    }
  }
  return {status: kernel ? kernel.status : 'none',
          ran: cells.filter(c => c.model.executionCount !== null).length,
          total: cells.length, problems};
}"""

DOM_ERRORS_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) [data-mime-type="application/vnd.jupyter.stderr"]'))
  .map(e => e.innerText.slice(-300))"""


def _wait_for_run(page, name: str) -> dict:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(STATE_JS)
        if state and state["status"] == "idle" and state["ran"] == state["total"]:
            # idle twice in a row, a moment apart: the kernel is really done
            page.wait_for_timeout(500)
            again = page.evaluate(STATE_JS)
            if again["status"] == "idle" and again["ran"] == again["total"]:
                return again
        page.wait_for_timeout(250)
    raise AssertionError(f"{name}: cells did not finish within {RUN_TIMEOUT_S} s: {state}")


def _expected_panels(path: Path) -> int:
    """How many interactive panels the notebook displays (its cells that build a ``*_panel``)."""
    import re

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code"
               and re.search(r"^\w*_panel\(", "".join(c["source"]), re.M))


def _menu(page, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').first.click()


def _output_html(page, container) -> str:
    """What the learner sees below the controls: its text and its images (not the markup,
    which is rebuilt on every update even when nothing visible changes)."""
    return container.locator(".widget-output").first.evaluate(
        "e => e.innerText + '|' + Array.from(e.querySelectorAll('img')).map(i => i.src).join('|')")


#: Arms a watch on a panel's output just before a control moves: performance.now() at the move,
#: then at the first frame painted after the output shows something new (images decoded).
ARM_TIMER_JS = """([el, before]) => {
  const read = () => el.innerText + '|' + Array.from(el.querySelectorAll('img')).map(i => i.src).join('|');
  window.__lmMoved = performance.now();
  window.__lmPainted = null;
  const watch = new MutationObserver(() => {
    const now = read();
    if (now === before || now.replace(/[|\\s]/g, '') === '') return;  // cleared, not yet refilled
    watch.disconnect();
    const images = Array.from(el.querySelectorAll('img'));
    Promise.all(images.map(i => i.decode().catch(() => null))).then(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.__lmPainted = performance.now(); })));
  });
  watch.observe(el, {childList: true, subtree: true, characterData: true, attributes: true});
}"""

#: Milliseconds from moving each control to its new output being painted, per notebook.
TIMINGS: dict[str, list[tuple[str, float]]] = {}


def _arm_timer(page, container, before: str) -> None:
    page.evaluate(ARM_TIMER_JS, [container.locator(".widget-output").first.element_handle(), before])


def _painted_ms(page) -> float | None:
    """Time from the move to the new output's first painted frame, or None if none came."""
    try:
        page.wait_for_function("() => window.__lmPainted !== null", timeout=5_000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError; the output check reports it
        return None
    return page.evaluate("() => window.__lmPainted - window.__lmMoved")


def _wait_changed(page, container, before: str) -> bool:
    deadline = time.monotonic() + WIDGET_TIMEOUT_S
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = _output_html(page, container)
        if now != before and page.evaluate(STATE_JS)["status"] == "idle":
            return True
    return False


def drive(page, base: str, token: str, path: Path) -> tuple[list[str], int]:
    """Use one notebook like a learner; return (the problems seen, how many controls were moved)."""
    problems: list[str] = []
    # a fresh workspace per notebook, so earlier notebooks are not reopened (nor their kernels)
    page.goto(f"{base}/lab/workspaces/{path.stem}/tree/{path.name}?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=60_000)
    page.wait_for_function("""() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;
        return s.session && s.session.kernel && s.session.kernel.status === 'idle'; }""",
                           timeout=60_000)
    _menu(page, "Edit", "editmenu:clear-all")
    page.wait_for_function("""() => window.jupyterapp.shell.currentWidget.content.widgets
        .every(c => c.model.type !== 'code' || c.model.outputs.length === 0)""", timeout=10_000)
    _menu(page, "Run", "runmenu:run-all")
    state = _wait_for_run(page, path.name)
    problems += state["problems"] + [f"error shown: {e}" for e in page.evaluate(DOM_ERRORS_JS)]
    page.screenshot(path=str(SHOTS / f"{path.stem}.png"))

    panels = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-interact")
    expected = _expected_panels(path)
    deadline = time.monotonic() + WIDGET_TIMEOUT_S
    while panels.count() < expected and time.monotonic() < deadline:
        page.wait_for_timeout(250)  # widget views render a moment after the kernel is idle
    if panels.count() != expected:
        problems.append(f"{panels.count()} widget panels rendered, the notebook shows {expected}")
    moved = 0
    for i in range(panels.count()):
        panel = panels.nth(i)
        panel.scroll_into_view_if_needed()
        handles = panel.locator(".noUi-handle[role=slider]")
        for j in range(handles.count()):
            handle = handles.nth(j)
            before = _output_html(page, panel)
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.focus()
            _arm_timer(page, panel, before)
            handle.press("ArrowLeft" if at_max else "ArrowRight")  # a key press is a release
            label = panel.locator(".widget-slider .widget-label").nth(j).inner_text()
            if not _wait_changed(page, panel, before):
                problems.append(f"moving slider {label!r} did not change the output below it")
            else:
                painted = _painted_ms(page)
                if painted is not None:
                    TIMINGS.setdefault(path.name, []).append((label, painted))
            moved += 1
        boxes = panel.locator(".widget-text input[type=text]")
        for j in range(boxes.count()):
            before = _output_html(page, panel)
            boxes.nth(j).click()
            boxes.nth(j).press("End")
            boxes.nth(j).type("e", delay=50)
            if not _wait_changed(page, panel, before):
                problems.append(f"typing in text box {j} did not change the output below it")
            moved += 1
        panel.screenshot(path=str(SHOTS / f"{path.stem}_panel{i}.png"))
    state = page.evaluate(STATE_JS)
    problems += [f"after moving widgets: {p}" for p in state["problems"]]
    problems += [f"widget output shows an error: {e}" for e in page.evaluate(DOM_ERRORS_JS)]
    return list(dict.fromkeys(problems)), moved


def _shut_down_kernels(base: str, token: str) -> None:
    try:  # one kernel at a time: shut this notebook's kernel down before the next
        for kernel in _api(base, token, "/api/kernels") or []:
            _api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
    except OSError:
        pass


def drive_in_new_page(browser, base: str, token: str, path: Path) -> tuple[list[str], int]:
    """:func:`drive` in a fresh browser page; the page and every kernel are closed afterwards."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        return drive(page, base, token, path)
    finally:
        page.close()
        _shut_down_kernels(base, token)


def _report_timings(name: str) -> None:
    """Print each slider's move-to-paint time and add them to build/browser/slider_paint_ms.json."""
    rows = TIMINGS.get(name, [])
    for label, ms in rows:
        print(f"{name}: slider {label!r}: new output painted {ms:.0f} ms after the move")
    out = SHOTS / "slider_paint_ms.json"
    recorded = json.loads(out.read_text()) if out.exists() else {}
    recorded[name] = [[label, round(ms, 1)] for label, ms in rows]
    out.write_text(json.dumps(recorded, indent=1, sort_keys=True))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_every_widget_responds(lab, browser, path):
    base, token, _ = lab
    problems, moved = drive_in_new_page(browser, base, token, path)
    _report_timings(path.name)
    assert not problems, f"{path.name}: {problems}"
    if path.name[:2] != "14":
        assert moved > 0, f"{path.name}: no slider or text box was found to move"


SELF_TEST = [
    "from lmcore.widgets import bind, int_slider",
    "def broken(x):\n    if x > 0:\n        raise ValueError('boom after a move')\n    return f'x = {x}'",
    "def frozen(y):\n    return 'always the same text'",
    "def broken_panel():\n    return bind(broken, x=int_slider('x value', 0, 0, 3))",
    "broken_panel()",
    "def frozen_panel():\n    return bind(frozen, y=int_slider('y value', 0, 0, 3))",
    "frozen_panel()",
]


def test_the_browser_test_catches_a_broken_and_a_frozen_widget(lab, browser):
    """The checks above can fail: a callback that raises after a move, a panel that never changes."""
    import nbformat

    base, token, served = lab
    path = served / "99_selftest_broken_widgets.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in SELF_TEST])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    try:
        problems, moved = drive_in_new_page(browser, base, token, path)
    finally:
        path.unlink()
    assert moved == 2
    assert not any("panels rendered" in p for p in problems), problems
    assert any("boom after a move" in p for p in problems), problems
    assert any("'y value' did not change" in p for p in problems), problems
