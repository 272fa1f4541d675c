"""Input checks shared by every lmcore module.

Each helper raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, bad
value) with a message that starts with the argument's name, so a learner who passes
``n=0`` reads ``n must be an integer >= 1, got 0`` instead of a traceback from deep inside
numpy. They return the checked value (converted where that is safe) so a call site reads
``n = check_int("n", n, minimum=1)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence

import numpy as np


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer within ``[minimum, maximum]``.

    ``bool`` is rejected (``True`` is an ``int`` in Python, but never a sensible count).

    >>> check_int("n", 3, minimum=1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}, got {value}")
    return value


def check_float(
    name: str,
    value,
    minimum: float | None = None,
    maximum: float | None = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
) -> float:
    """Return ``value`` as a finite ``float`` within the given bounds.

    >>> check_float("p", 0.5, minimum=0, maximum=1, min_inclusive=False)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None:
        bad = value < minimum if min_inclusive else value <= minimum
        if bad:
            op = ">=" if min_inclusive else ">"
            raise ValueError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None:
        bad = value > maximum if max_inclusive else value >= maximum
        if bad:
            op = "<=" if max_inclusive else "<"
            raise ValueError(f"{name} must be {op} {maximum}, got {value}")
    return value


def check_tokens(name: str, tokens) -> list[str]:
    """Return ``tokens`` as a list of strings.

    A bare string is rejected: iterating over ``"the cat"`` gives characters, which is
    almost never what the caller meant.

    >>> check_tokens("tokens", ("the", "cat"))
    ['the', 'cat']
    """
    if isinstance(tokens, (str, bytes)):
        raise TypeError(
            f"{name} must be a sequence of string tokens (e.g. words(text)), "
            f"got a single {type(tokens).__name__}"
        )
    if not isinstance(tokens, Iterable):
        raise TypeError(f"{name} must be a sequence of string tokens, got {type(tokens).__name__}")
    tokens = list(tokens)
    for i, tok in enumerate(tokens):
        if not isinstance(tok, str):
            raise TypeError(
                f"{name} must contain only strings; item {i} is {type(tok).__name__} {tok!r}"
            )
    return tokens


def check_sentences(name: str, sentences) -> list[list[str]]:
    """Return ``sentences`` as a non-empty list of token lists (each checked by ``check_tokens``).

    >>> check_sentences("sentences", [["a", "b"], ["c"]])
    [['a', 'b'], ['c']]
    """
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Iterable):
        raise TypeError(
            f"{name} must be a list of sentences, each a list of string tokens; "
            f"got {type(sentences).__name__}"
        )
    out = [check_tokens(f"{name}[{i}]", s) for i, s in enumerate(sentences)]
    if not out or not any(out):
        raise ValueError(f"{name} is empty: give at least one sentence with at least one token")
    return out


def check_rng(name: str, rng) -> np.random.Generator:
    """Require a ``numpy.random.Generator`` (from ``np.random.default_rng(seed)``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy Generator, e.g. np.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def check_probabilities(name: str, p, atol: float = 1e-6, must_sum_to_one: bool = True) -> np.ndarray:
    """Return ``p`` as a 1-D float array of probabilities in [0, 1] (summing to 1 by default).

    >>> check_probabilities("p", [0.25, 0.75]).tolist()
    [0.25, 0.75]
    """
    if isinstance(p, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of probabilities, got a string")
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a sequence of numbers: {exc}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    # a computed probability can exceed 1 by a rounding error (1e-9 allowed), never by more
    if np.any(arr < 0) or np.any(arr > 1 + 1e-9):
        raise ValueError(f"{name} must lie in [0, 1]; got min {arr.min():.4g}, max {arr.max():.4g}")
    if must_sum_to_one and abs(arr.sum() - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1 (within {atol}), got {arr.sum():.6g}")
    return arr


def check_choice(name: str, value, choices: Sequence[str]) -> str:
    """Require ``value`` to be one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value
