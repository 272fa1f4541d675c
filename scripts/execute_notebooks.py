"""Re-execute notebooks in place, top to bottom, in a fresh kernel each (``make execute``).

Usage: python scripts/execute_notebooks.py [notebooks/NN_name.ipynb ...]   (default: all)

Runs each notebook with nbclient in its own folder, with the kernel of the current Python
(the project's .venv), stores the widget state (so the panels show in a static render), and
records no timing metadata, so re-recording a notebook that did not change leaves it
byte-identical. Prints the wall time of each notebook.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 120) -> float:
    """Execute ``path`` in place; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    # the HTML page and the slides take their <title> from here: "01 · N-gram language models"
    nb.metadata["title"] = nb.cells[0].source.splitlines()[0].removeprefix("# ").strip()
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    for path in paths:
        elapsed = execute(path.resolve())
        total += elapsed
        print(f"{path.name:45s} {elapsed:6.1f} s")
    print(f"{'total':45s} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
