"""``make bench``: run every ``benchmarks/bench_*.py`` and write ``BENCHMARKS.md``.

Usage: python -m benchmarks [--quick] [--out FILE] [name ...]

Each module's ``main(quick: bool)`` measures lmcore and a reference on identical inputs in the same
run, shows that their results agree, and returns a Markdown section (a module that returns None has
its printed report included verbatim). Ratios, never absolute times, are what a reader compares
across machines. ``--quick`` runs every benchmark on a tiny setting and writes
``build/BENCHMARKS.quick.md`` (the test of ``make bench``).
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import io
import os
import pkgutil
import platform
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.machine()}"


def versions() -> str:
    names = ["numpy", "scipy", "scikit-learn", "matplotlib", "ipywidgets", "nbclient", "nltk"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return f"Python {platform.python_version()}, " + ", ".join(found)


class _Tee(io.TextIOBase):
    def __init__(self, *streams):
        self.streams = streams

    def write(self, text):
        for s in self.streams:
            s.write(text)
        return len(text)

    def flush(self):
        for s in self.streams:
            s.flush()


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    out = None
    if "--out" in argv:
        out = Path(argv[argv.index("--out") + 1])
    wanted = [a for i, a in enumerate(argv)
              if not a.startswith("--") and (i == 0 or argv[i - 1] != "--out")]
    out = out or (ROOT / "build" / "BENCHMARKS.quick.md" if quick else ROOT / "BENCHMARKS.md")
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if m.name.startswith("bench_"))
    header = [
        "# Benchmarks" + (" (quick setting)" if quick else ""),
        "",
        "Written by `make bench` (`python -m benchmarks`); every table was measured in one run.",
        "",
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {machine()}",
        f"- versions: {versions()}",
        "",
    ]
    print("\n".join(header))
    sections = []
    for name in names:
        if wanted and name.removeprefix("bench_") not in wanted and name not in wanted:
            continue
        print(f"== {name} ==", flush=True)
        captured = io.StringIO()
        with contextlib.redirect_stdout(_Tee(sys.stdout, captured)):
            result = importlib.import_module(f"benchmarks.{name}").main(quick=quick)
        if isinstance(result, str):
            sections.append(result.strip())
            print(result)
        else:
            sections.append(f"## {name.removeprefix('bench_')}\n\n```\n{captured.getvalue().strip()}\n```")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(header) + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT) if ROOT in out.parents else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
