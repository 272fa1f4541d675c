"""The exercise checker: run a learner's function on a few cases and compare with lmcore.

Each notebook's exercises are registered by a module of this package (``nb01`` for notebook
01, ...) with :func:`register`. In a notebook the learner writes a function and calls
``check("ngram_counts", my_ngram_counts)``; every case prints one line, ✓ or ✗, and a
failing case prints what was expected, what came back, and a hint.
"""

from __future__ import annotations

import ast
import importlib
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass
class Exercise:
    """One exercise: a reference solution, the argument tuples to try, and a hint."""

    name: str
    reference: Callable
    cases: list[tuple]
    hint: str
    compare: Callable[[Any, Any], bool] | None = None
    describe: Callable[[tuple], str] | None = field(default=None, repr=False)


class _Registry(dict):
    """name -> Exercise; a name not loaded yet imports the one module that registers it."""

    def __missing__(self, name):
        owner = _where().get(name)
        if owner is not None and owner not in sys.modules:
            importlib.import_module(owner)
            if dict.__contains__(self, name):
                return dict.__getitem__(self, name)
        raise KeyError(name)


_REGISTRY: dict[str, Exercise] = _Registry()


def register(name: str, reference: Callable, cases: list[tuple], hint: str,
             compare: Callable[[Any, Any], bool] | None = None,
             describe: Callable[[tuple], str] | None = None) -> Exercise:
    """Register an exercise under ``name`` (one name per exercise, across the whole course)."""
    owner = _where().get(name)
    # a name belongs to the one nbNN module that registers it, while that module is imported
    if name in _REGISTRY or (owner is not None and owner not in sys.modules):
        raise ValueError(f"name {name!r} is already registered")
    if not cases:
        raise ValueError("cases must hold at least one argument tuple")
    exercise = Exercise(name, reference, [tuple(c) for c in cases], hint, compare, describe)
    _REGISTRY[name] = exercise
    return exercise


@lru_cache(maxsize=1)
def _where() -> dict[str, str]:
    """Map each exercise name to the module that registers it, by reading (not importing) them."""
    found = {}
    for path in sorted(Path(__file__).parent.glob("nb[0-9][0-9].py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "register"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found[node.args[0].value] = f"lmcore.exercises.{path.stem}"
    return found


def _lookup(name: str) -> Exercise:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"name must be one of {exercise_names()}, got {name!r}") from None


def exercise_names() -> list[str]:
    """All exercise names of the course, sorted."""
    return sorted(set(_REGISTRY) | set(_where()))


def _close(expected, got, rel: float = 1e-6) -> bool:
    """Equal, with a relative tolerance for floats (also inside lists, tuples and dicts)."""
    if isinstance(expected, float) or isinstance(got, float):
        try:
            return math.isclose(float(expected), float(got), rel_tol=rel, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(_close(expected[k], got[k]) for k in expected)
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)):
        return len(expected) == len(got) and all(_close(a, b) for a, b in zip(expected, got))
    return expected == got


def _short(value, limit: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _run(name: str, fn: Callable) -> list[tuple[bool, str]]:
    """Run ``fn`` on every case of exercise ``name``: a list of (passed, report line)."""
    exercise = _lookup(name)
    if not callable(fn):
        raise TypeError(f"fn must be your function (callable), got {type(fn).__name__}")
    compare = exercise.compare or _close
    results = []
    for args in exercise.cases:
        shown = exercise.describe(args) if exercise.describe else ", ".join(_short(a, 40) for a in args)
        expected = exercise.reference(*args)
        try:
            got = fn(*args)
        except Exception as exc:  # the learner's code may raise anything; report it, don't crash
            results.append((False, f"✗ {name}({shown}) raised {type(exc).__name__}: {exc}"))
            continue
        if got is None and expected is not None:
            results.append((False, f"✗ {name}({shown}) returned None: write your solution (and return it)"))
        elif compare(expected, got):
            results.append((True, f"✓ {name}({shown})"))
        else:
            results.append((False, f"✗ {name}({shown}): expected {_short(expected)}, got {_short(got)}"))
    return results


def passes(name: str, fn: Callable) -> bool:
    """True if ``fn`` passes every case of exercise ``name`` (prints nothing)."""
    return all(ok for ok, _ in _run(name, fn))


def check(name: str, fn: Callable) -> None:
    """Run ``fn`` on every case of exercise ``name`` and print one ✓/✗ line per case.

    Returns None on purpose, so a notebook cell ending in ``check(...)`` shows only the report.
    """
    results = _run(name, fn)
    for _, line in results:
        print(line)
    passed, total = sum(ok for ok, _ in results), len(results)
    if passed == total:
        print(f"All {total} cases pass.")
    else:
        print(f"{passed}/{total} cases pass. Hint: {_lookup(name).hint}")
