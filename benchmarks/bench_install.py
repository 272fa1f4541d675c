"""Install cost: time and size of a fresh virtual environment from requirements.txt.

Creates a throwaway venv in a temporary folder and runs ``pip install -r requirements.txt`` from the
repository root (which also installs lmcore, editable), as a learner's ``make lab`` does. pip's
download cache is used when present, so this measures installation, not the network. Skipped in
quick mode.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _size_mb(folder: Path) -> float:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total / 1e6


def main(quick: bool = False) -> str:
    title = "## Install: a fresh .venv from requirements.txt"
    if quick:
        return f"{title}\n\nSkipped in quick mode."
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "-r", "requirements.txt"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        size = _size_mb(venv)
    return "\n".join([
        title, "",
        "`python -m venv` + `pip install -r requirements.txt` (pip's local cache warm), as `make lab` "
        "does on first run.", "",
        "| wall time (s) | size on disk (MB) |", "|---:|---:|", f"| {seconds:.0f} | {size:.0f} |",
    ])
