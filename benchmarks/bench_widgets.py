"""Per widget: the time of one panel update, median and 95th percentile.

Every panel cell (``..._panel(...)``, tagged ``nbval-ignore-output``) has a compared twin cell right
before it that calls the same render function at the panel's starting values. This benchmark runs
each notebook in a fresh kernel up to that twin, then times the twin's code ``repeats`` times inside
the kernel (printed text is discarded; figures are drawn and closed as in a real update). Budget: a
median of 100 ms or less per update.
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
_times = []
for _ in range({repeats}):
    _t0 = _time.perf_counter()
    with _cl.redirect_stdout(_io.StringIO()):
        exec(_src)
    _times.append(_time.perf_counter() - _t0)
    _clear()
    _plt.close("all")
print("TIMES", _json.dumps(_times))
'''


def _percentile(values, q):
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_panels(path: Path, repeats: int) -> list[tuple[str, list[float]]]:
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


def main(quick: bool = False) -> str:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    repeats = 3 if quick else 20
    if quick:
        paths = paths[:1]
    rows = []
    for path in paths:
        for name, times in time_panels(path, repeats):
            median, p95 = _percentile(times, 0.5) * 1e3, _percentile(times, 0.95) * 1e3
            ok = "yes" if median <= BUDGET_MS else "**no**"
            rows.append(f"| {path.name[:2]} | `{name}` | {median:.1f} | {p95:.1f} | {ok} |")
            print(rows[-1], flush=True)
    return "\n".join([
        "## Widgets: one panel update",
        "",
        f"The twin cell of each panel (the same render function at the panel's starting values) timed "
        f"{repeats} times in the notebook's own kernel. Budget: median <= {BUDGET_MS:.0f} ms.",
        "",
        "| notebook | panel | median (ms) | 95th percentile (ms) | within budget |",
        "|---|---|---:|---:|---|",
        *rows,
    ])
