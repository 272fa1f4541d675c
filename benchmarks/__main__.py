"""Run every ``benchmarks/bench_*.py`` module's ``main(quick: bool)`` and print its report.

Usage: python -m benchmarks [--quick] [name ...]
Each benchmark times lmcore and a reference on identical inputs in the same run, shows that the
results agree, and reports the time ratio (never an absolute time as a pass/fail criterion).
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
from pathlib import Path


def machine() -> str:
    import numpy

    return (f"Python {platform.python_version()}, numpy {numpy.__version__}, "
            f"{platform.machine()}, {platform.system()}")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if m.name.startswith("bench_"))
    print(f"machine: {machine()}")
    for name in names:
        if wanted and name.removeprefix("bench_") not in wanted and name not in wanted:
            continue
        print(f"\n== {name} ==")
        importlib.import_module(f"benchmarks.{name}").main(quick=quick)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
