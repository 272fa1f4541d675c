"""Per notebook: wall time top to bottom in a fresh kernel (nbclient) and the kernel's peak memory.

Budgets (issue: performance budget): each notebook under 15 s and under 1 GB of resident memory
(Binder gives 1-2 GB); the whole course under 60 s on the 2-core reference machine. Peak memory is
the kernel process's VmHWM from /proc (Linux), read just before the kernel shuts down.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB, COURSE_BUDGET_S = 15.0, 1024.0, 60.0


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def run_notebook(path: Path) -> tuple[float, float]:
    """Execute ``path`` in a fresh kernel (outputs discarded); return (seconds, peak MB)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - start
        peak = _peak_rss_mb(client.km.provisioner.process.pid)
    return elapsed, peak


def main(quick: bool = False) -> str:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if quick:
        paths = paths[:1]
    rows, total = [], 0.0
    for path in paths:
        seconds, peak = run_notebook(path)
        total += seconds
        ok = "yes" if seconds < BUDGET_S and peak < BUDGET_MB else "**no**"
        rows.append(f"| {path.name} | {seconds:.1f} | {peak:.0f} | {ok} |")
        print(rows[-1], flush=True)
    course_ok = "yes" if total < COURSE_BUDGET_S else "**no**"
    return "\n".join([
        "## Notebooks: execution time and peak memory",
        "",
        f"Each notebook executed top to bottom in a fresh kernel (nbclient, cells only, kernel start "
        f"excluded). Budgets: < {BUDGET_S:.0f} s and < {BUDGET_MB:.0f} MB each; the course < "
        f"{COURSE_BUDGET_S:.0f} s.",
        "",
        "| notebook | wall time (s) | kernel peak RSS (MB) | within budget |",
        "|---|---:|---:|---|",
        *rows,
        f"| **all {len(paths)}** | **{total:.1f}** | | {course_ok} |",
    ])
