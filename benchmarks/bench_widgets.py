"""Per widget: the time of one panel update, median and 95th percentile.

Every panel cell (``..._panel(...)``, tagged ``nbval-ignore-output``) has a compared twin cell right
before it that calls the same render function at the panel's starting values. This benchmark runs
each notebook in a fresh kernel up to that twin, then times the twin's code ``repeats`` times inside
the kernel, twice:

- the panel's **pure function**: computing the numbers and building the figure or table (``show`` is
  swapped for a plain ``close``, so no PNG is encoded). Budget: a median of 100 ms or less.
- the **whole update** of the twin: the same plus matplotlib rasterising the figure to the PNG
  the browser shows and the kernel sending it (as in JupyterLab).
Printed text is discarded in both. Then it builds the panel itself and moves its controls
``repeats`` times (each control in turn, to a neighbouring value and back), timing the
**new whole update** of each move: the panel's kept figure updated in place, encoded and sent,
and after each move the **old whole update** at the same values (a fresh figure, shown inline).
For each figure panel it also times encoding the kept figure as PNG (what the panels send)
and as SVG (the alternative for line and bar charts), to show the choice.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 100.0

TIMER = '''
import contextlib as _cl, io as _io, json as _json, time as _time
import matplotlib.pyplot as _plt
from IPython.display import clear_output as _clear
_src = compile({source!r}, "<twin>", "exec")
_real_show = globals().get("show")
_result = {{}}
for _mode in ("pure", "full"):
    if _real_show is not None:
        show = _real_show if _mode == "full" else _plt.close
    _times = []
    for _ in range({repeats}):
        _t0 = _time.perf_counter()
        with _cl.redirect_stdout(_io.StringIO()):
            exec(_src)
        _times.append(_time.perf_counter() - _t0)
        _clear()
        _plt.close("all")
    _result[_mode] = _times
if _real_show is not None:
    show = _real_show
print("TIMES", _json.dumps(_result))
'''


MOVER = '''
import ast as _ast, contextlib as _cl2, io as _io2, json as _json2, time as _time2
import ipywidgets as _w
from IPython.display import clear_output as _clear2
_tree = _ast.parse({source!r})
_tree.body[-1] = _ast.Assign(targets=[_ast.Name("_bench_panel", _ast.Store())],
                             value=_tree.body[-1].value)
exec(compile(_ast.fix_missing_locations(_tree), "<panel>", "exec"))
_controls = [c for c in _bench_panel.children if isinstance(c, _w.ValueWidget)
             and not isinstance(c, _w.Output)]
_starts = [c.index if hasattr(c, "index") else c.value for c in _controls]

def _away(c, start):
    if hasattr(c, "index"):
        return start + 1 if start + 1 < len(c.options) else start - 1
    if isinstance(c, _w.Text):
        return start + "e"
    if isinstance(c, _w.FloatLogSlider):
        step = c.base ** c.step
        return start * step if start * step <= c.base ** c.max else start / step
    return start + c.step if start + c.step <= c.max else start - c.step

_moves, _fresh = [], []
_live = getattr(_bench_panel, "live", None)
from lmcore.plotting import show as _show_fresh
for _m in range({repeats}):
    _i = _m % len(_controls)
    _c, _s = _controls[_i], _starts[_i]
    _now = _c.index if hasattr(_c, "index") else _c.value
    _to = _away(_c, _s) if _now == _s else _s
    _t0 = _time2.perf_counter()
    if hasattr(_c, "index"):
        _c.index = _to
    else:
        _c.value = _to
    _moves.append(_time2.perf_counter() - _t0)
    if _live is not None:  # the old path at the same values: a fresh figure, shown inline
        _t0 = _time2.perf_counter()
        with _cl2.redirect_stdout(_io2.StringIO()):
            _show_fresh(_live.build(**_bench_panel.kwargs))
        _fresh.append(_time2.perf_counter() - _t0)
        _clear2()
_encode = {{}}
if _live is not None and _live.current is not None:
    from lmcore.plotting.live import FigureParts as _parts
    for _fmt in ("png", "svg"):
        _ts = []
        for _ in range(5):
            _t0 = _time2.perf_counter()
            if _fmt == "png":
                _parts.png(_live.current)
            else:
                _live.current.savefig(_io2.BytesIO(), format="svg")
            _ts.append(_time2.perf_counter() - _t0)
        _encode[_fmt] = _ts
_bench_panel.close()
print("MOVES", _json2.dumps({{"moves": _moves, "fresh": _fresh, "encode": _encode,
      "continuous": [c.continuous_update for c in _controls if hasattr(c, "continuous_update")]}}))
'''


def _percentile(values, q):
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_panels(path: Path, repeats: int) -> list[tuple[str, dict[str, list[float]]]]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    results = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if "_panel(" in cell.source and "nbval-ignore-output" in cell.metadata.get("tags", []):
                twin_index = max(i for i in range(index) if nb.cells[i].cell_type == "code")
                twin = nb.cells[twin_index]
                probe = nbformat.v4.new_code_cell(TIMER.format(source=twin.source, repeats=repeats))
                client.execute_cell(probe, twin_index)  # (stored over the twin's slot in this copy)
                nb.cells[twin_index] = twin
                text = "".join(o.get("text", "") for o in probe.outputs if o.output_type == "stream")
                times = json.loads(text.split("TIMES", 1)[1])
                mover = nbformat.v4.new_code_cell(MOVER.format(source=cell.source, repeats=repeats))
                client.execute_cell(mover, index)
                text = "".join(o.get("text", "") for o in mover.outputs if o.output_type == "stream")
                if "MOVES" not in text:
                    raise RuntimeError(f"{path.name}: moving the panel failed: {mover.outputs}")
                times.update(json.loads(text.split("MOVES", 1)[1]))
                name = re.search(r"(\w+_panel)\(", cell.source).group(1)
                results.append((name, times))
            client.execute_cell(cell, index)
    return results


def png_floor_ms(repeats: int = 10) -> float:
    """Median time to encode a bare one-line house-style figure as our notebooks do (PNG, the
    figure's own constrained layout, no second tight-bbox pass: see lmcore.plotting)."""
    import io
    import time

    import matplotlib

    matplotlib.use("Agg")
    from lmcore.plotting import close, new_figure

    fig, ax = new_figure("a bare figure", "x (units)", "y (units)")
    ax.plot([0, 1, 2], [0, 1, 4])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fig.savefig(io.BytesIO(), format="png")
        times.append(time.perf_counter() - start)
    close(fig)
    return _percentile(times, 0.5) * 1e3


def _ms(values, q):
    return _percentile(values, q) * 1e3


def main(quick: bool = False) -> str:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    repeats = 3 if quick else 20
    if quick:
        paths = paths[:1]
    rows, encodes = [], []
    for path in paths:
        for name, times in time_panels(path, repeats):
            pure, moves = times["pure"], times["moves"]
            full = times["fresh"] or times["full"]  # the old path at the same values as the moves
            old, new = _ms(full, 0.5), _ms(moves, 0.5)
            ratio = new / old if old else float("nan")
            figure = bool(times["encode"])  # a text panel has no figure to keep: budget only
            ok = "yes" if new <= BUDGET_MS and (ratio <= 0.5 or not figure) else "**no**"
            live = "png (kept figure)" if figure else "text"
            flags = times["continuous"]
            continuous = "drag" if all(flags) else "some drag" if any(flags) else "release"
            shown_ratio = f"{ratio:.2f}" if figure else "-"
            rows.append(f"| {path.name[:2]} | `{name}` | {live} | {_ms(pure, 0.5):.1f} | {old:.0f} | "
                        f"{_ms(full, 0.95):.0f} | {new:.0f} | {_ms(moves, 0.95):.0f} | "
                        f"{shown_ratio} | {ok} | {continuous} |")
            print(rows[-1], flush=True)
            if times["encode"]:
                png, svg = _ms(times["encode"]["png"], 0.5), _ms(times["encode"]["svg"], 0.5)
                encodes.append(f"| `{name}` | {png:.0f} | {svg:.0f} | {svg / png:.2f} |")
    return "\n".join([
        "## Widgets: one panel update",
        "",
        f"In each notebook's own kernel: the twin cell of each panel (the same render function at the "
        f"panel's starting values) timed {repeats} times, then the panel itself, its controls moved "
        f"{repeats} times (each in turn, to a neighbouring value and back). *Pure function*: computing "
        "and building the figure or table, nothing encoded. *Old whole update*: after each move, the same "
        "values the old way: a fresh figure, rasterised to PNG by the inline backend and sent (for a "
        "text panel, its twin cell). *New whole update*: the panel's "
        "move as the learner gets it now: the kept figure updated in place, encoded and sent (the first "
        "move to a new number of heads builds that figure). Target: the new median "
        f"<= {BUDGET_MS:.0f} ms and <= half the old one. *Controls* says whether the panel redraws "
        "while a slider is dragged (its whole update is under about 50 ms) or on release.",
        "",
        "| notebook | panel | output | pure function median (ms) | old whole update median (ms) | "
        "p95 (ms) | new whole update median (ms) | p95 (ms) | new / old | within target | controls |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "Drawing and encoding one kept figure whole (median of 5, after the moves): PNG at the "
        "figure's 100 dpi, zlib level 1 (what a panel's first image is; later moves repaint only what "
        "changed where a panel allows it), against matplotlib's SVG.",
        "",
        "| panel | full draw + PNG (ms) | SVG (ms) | SVG / PNG |",
        "|---|---:|---:|---:|",
        *encodes,
        "",
        f"For scale: encoding a bare one-line figure in the house style to PNG takes "
        f"{png_floor_ms():.0f} ms on this machine (savefig, as the inline backend does it), a floor under "
        "every old figure update. A kept figure skips building the figure and its constrained layout "
        "(computed once, then frozen) and draws once per move instead of twice; the heat-map panels and "
        "a few others also keep a painted background and repaint only the artists that change "
        "(blitting; tests/test_widget_updates.py holds the result pixel-equal to a full draw). What "
        "remains is matplotlib drawing text: a figure's tick labels and numbers cost most of its time.",
    ])
