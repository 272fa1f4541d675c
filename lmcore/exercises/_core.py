"""The exercise checker: run a learner's function on a few cases and compare with lmcore.

Each notebook's exercises are registered by a module of this package (``nb01`` for notebook
01, ...) with :func:`register`. In a notebook the learner writes a function and calls
``check("ngram_counts", my_ngram_counts)``; every case prints one line, ✓ or ✗, and a
failing case prints what was expected, what came back, and a hint.
"""

from __future__ import annotations

import copy
import importlib
import math
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lmcore._checks import check_float

#: Seconds a learner's function may run on one case before it is stopped and marked wrong.
TIME_LIMIT = 3.0


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


#: Which module registers each exercise: the checker imports only that one when a notebook
#: asks for a name (notebook 01 never pays for notebook 12's scikit-learn import).
#: ``tests/test_exercises.py`` holds this table equal to what the modules register.
EXERCISE_MODULES: dict[str, str] = {
    **dict.fromkeys(["ngram_counts", "next_word_probability", "most_likely_next"], "nb01"),
    **dict.fromkeys(["entropy_bits", "conditional_entropy_k1", "kl_divergence_bits"], "nb02"),
    **dict.fromkeys(["perplexity_of_probabilities", "add_k_probability", "bits_per_char"], "nb03"),
    **dict.fromkeys(["cosine", "cooccurrence_pairs", "ppmi"], "nb04"),
    **dict.fromkeys(["stable_softmax", "attention_weights_one_query", "causal_mask"], "nb05"),
    **dict.fromkeys(["split_heads", "block_parameter_count"], "nb06"),
    **dict.fromkeys(["line_gradient", "central_difference", "softmax_xent_gradient"], "nb07"),
    **dict.fromkeys(["oov_rate", "most_frequent_pair", "merge_pair"], "nb08"),
    **dict.fromkeys(["tempered_distribution", "top_k_filter", "top_p_filter"], "nb09"),
    **dict.fromkeys(["sequence_log_prob", "greedy_decode", "beam_step"], "nb10"),
    **dict.fromkeys(["trie_node_count", "top_completions", "typing_cost"], "nb11"),
    **dict.fromkeys(["bag_of_words_counts", "confusion_counts", "append_bigrams"], "nb12"),
    **dict.fromkeys(["tokens_to_reach", "association_score", "novel_ngram_share"], "nb13"),
}


def _where() -> dict[str, str]:
    """Exercise name -> the full name of the module that registers it."""
    return {name: f"lmcore.exercises.{module}" for name, module in EXERCISE_MODULES.items()}


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


class _TooSlow(BaseException):
    """Raised inside a learner's function that ran past the time limit (a BaseException, so
    their own ``except Exception`` cannot swallow it)."""


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the code inside after ``seconds`` (SIGALRM: main thread on Linux and macOS).

    An outer timer (a test harness's) is restored afterwards with the time it had left.
    """
    def interrupt(signum, frame):
        raise _TooSlow

    start = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, interrupt)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            left = max(old_delay - (time.monotonic() - start), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


def _call(fn: Callable, args: tuple, seconds: float):
    """``fn(*args)``, raising ``_TooSlow`` if it runs longer than ``seconds``."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        with _time_limit(seconds):
            return fn(*args)
    # elsewhere (Windows, a worker thread): run it in a daemon thread and stop waiting for it
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _TooSlow
    if "error" in box:
        raise box["error"]
    return box["value"]


def _run(name: str, fn: Callable, time_limit: float = TIME_LIMIT) -> list[tuple[bool, str]]:
    """Run ``fn`` on every case of exercise ``name``: a list of (passed, report line)."""
    exercise = _lookup(name)
    if not callable(fn):
        raise TypeError(f"fn must be your function (callable), got {type(fn).__name__}")
    time_limit = check_float("time_limit", time_limit, minimum=0, min_inclusive=False)
    compare = exercise.compare or _close
    results = []
    for number, args in enumerate(exercise.cases):
        shown = exercise.describe(args) if exercise.describe else ", ".join(_short(a, 40) for a in args)
        expected = exercise.reference(*args)
        try:
            got = _call(fn, copy.deepcopy(args), time_limit)  # a copy: the learner may change it
        except _TooSlow:
            results.append((False, f"✗ {name}({shown}) did not finish within {time_limit:g} s "
                                   "(an endless loop?); it was stopped"))
            results += [(False, "✗ (skipped after the case that did not finish)")
                        for _ in exercise.cases[number + 1:]]
            break
        except Exception as exc:  # the learner's code may raise anything; report it, don't crash
            results.append((False, f"✗ {name}({shown}) raised {type(exc).__name__}: {exc}"))
            continue
        try:
            same = bool(compare(expected, got))
        except Exception:  # noqa: BLE001 - a value of the wrong kind is simply not the answer
            same = False
        if got is None and expected is not None:
            results.append((False, f"✗ {name}({shown}) returned None: write your solution (and return it)"))
        elif same:
            results.append((True, f"✓ {name}({shown})"))
        else:
            results.append((False, f"✗ {name}({shown}): expected {_short(expected)}, got {_short(got)}"))
    return results


def passes(name: str, fn: Callable, time_limit: float = TIME_LIMIT) -> bool:
    """True if ``fn`` passes every case of exercise ``name`` (prints nothing)."""
    return all(ok for ok, _ in _run(name, fn, time_limit))


def check(name: str, fn: Callable, time_limit: float = TIME_LIMIT) -> None:
    """Run ``fn`` on every case of exercise ``name`` and print one ✓/✗ line per case.

    A case that runs longer than ``time_limit`` seconds is stopped and fails (an endless loop
    does not hang the notebook); a function that raises or returns the wrong kind of value
    fails its case. Returns None on purpose, so a notebook cell ending in ``check(...)``
    shows only the report.
    """
    results = _run(name, fn, time_limit)
    for _, line in results:
        print(line)
    passed, total = sum(ok for ok, _ in results), len(results)
    if passed == total:
        print(f"All {total} cases pass.")
    else:
        print(f"{passed}/{total} cases pass. Hint: {_lookup(name).hint}")
