"""Per widget: the time of one panel update, median and 95th percentile.

Every panel cell (``..._panel(...)``, tagged ``nbval-ignore-output``) has a compared twin cell right
before it that calls the same render function at the panel's starting values. This benchmark runs
each notebook in a fresh kernel up to that twin, then times the twin's code ``repeats`` times inside
the kernel, twice:

- the panel's **pure function**: computing the numbers and building the figure or table (``show`` is
  swapped for a plain ``close``, so no PNG is encoded). Budget: a median of 100 ms or less.
- the **whole update** a learner waits for: the same plus matplotlib rasterising the figure to the
  PNG the browser shows and the kernel sending it (as in JupyterLab).
Printed text is discarded in both.
"""

from __future__ import annotations

import json
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
                name = cell.source.strip().splitlines()[-1].split("(")[0].strip()
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


def main(quick: bool = False) -> str:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    repeats = 3 if quick else 20
    if quick:
        paths = paths[:1]
    rows = []
    for path in paths:
        for name, times in time_panels(path, repeats):
            pure, full = times["pure"], times["full"]
            median, p95 = _percentile(pure, 0.5) * 1e3, _percentile(pure, 0.95) * 1e3
            ok = "yes" if median <= BUDGET_MS else "**no**"
            rows.append(f"| {path.name[:2]} | `{name}` | {median:.1f} | {p95:.1f} | {ok} | "
                        f"{_percentile(full, 0.5) * 1e3:.0f} | {_percentile(full, 0.95) * 1e3:.0f} |")
            print(rows[-1], flush=True)
    return "\n".join([
        "## Widgets: one panel update",
        "",
        f"The twin cell of each panel (the same render function at the panel's starting values) timed "
        f"{repeats} times in the notebook's own kernel. Budget: the pure function's median <= "
        f"{BUDGET_MS:.0f} ms. The last two columns add matplotlib's PNG encoding, which the learner also "
        "waits for.",
        "",
        "| notebook | panel | pure function median (ms) | p95 (ms) | within budget | "
        "whole update median (ms) | p95 (ms) |",
        "|---|---|---:|---:|---|---:|---:|",
        *rows,
        "",
        f"For scale: encoding a bare one-line figure in the house style to PNG takes "
        f"{png_floor_ms():.0f} ms on this machine, a floor under every figure panel's whole update. "
        "Figure panels with several axes, heat maps or many labels spend most of their update in that "
        "rasterisation (matplotlib draws a constrained-layout figure twice: once to measure, once to "
        "paint), not in lmcore. Every slider updates on release (`continuous_update=False`), so a "
        "learner waits once per move, not once per pixel dragged.",
    ])
