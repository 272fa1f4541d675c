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


def check_str(name: str, value) -> str:
    """Return ``value`` if it is a ``str``; otherwise a ``TypeError`` naming ``name``.

    >>> check_str("text", "abc")
    'abc'
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
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


def check_sentences(name: str, sentences, words: bool = False) -> list[list[str]]:
    """Return ``sentences`` as a non-empty list of token lists (each checked by ``check_tokens``;
    with ``words=True`` by :func:`check_words`: no reserved tokens).

    >>> check_sentences("sentences", [["a", "b"], ["c"]])
    [['a', 'b'], ['c']]
    """
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Iterable):
        raise TypeError(
            f"{name} must be a list of sentences, each a list of string tokens; "
            f"got {type(sentences).__name__}"
        )
    if words:
        out = [check_words(f"{name}[{i}]", s) for i, s in enumerate(sentences)]
    else:
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


# ------------------------------------------------------------------ the vocabulary of issue 16
#: Tokens lmcore adds itself: the sentence boundaries are never valid input words. (``<unk>`` is
#: allowed: replacing rare words by it before fitting is a documented technique.)
RESERVED = ("<s>", "</s>")
#: The most memory one lmcore call may ask for before it refuses (Binder gives about 2 GB).
MAX_BYTES = 1 << 30


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.3g} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:.3g} MB"


def check_memory(name: str, n_items, bytes_per_item: int = 8, limit: int = MAX_BYTES) -> None:
    """Refuse, before allocating, a request of ``n_items`` items of ``bytes_per_item`` bytes.

    ``n_items`` is a Python int (or a product of them), so it never overflows.

    >>> check_memory("T", 10**9 * 2)
    Traceback (most recent call last):
    ...
    ValueError: T is too large: it would need 16 GB of memory (lmcore allows 1.07 GB)
    """
    need = int(n_items) * int(bytes_per_item)
    if need > limit:
        raise ValueError(f"{name} is too large: it would need {_gb(need)} of memory "
                         f"(lmcore allows {_gb(limit)})")


def check_array(name: str, value, ndim: int | None = None, min_ndim: int = 0,
                finite: bool = True, allow_neg_inf: bool = False, nonempty: bool = True,
                integer: bool = False) -> np.ndarray:
    """Return ``value`` as a float (or integer) array, refusing what would silently go wrong.

    Finite by default (NaN and infinity refused; ``allow_neg_inf`` lets ``-inf`` through, for
    log-probabilities and masked scores); strings, ``None`` and ragged lists are a TypeError.

    >>> check_array("x", [1, 2]).tolist()
    [1.0, 2.0]
    """
    if value is None or isinstance(value, (str, bytes, dict)):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise TypeError
        if integer:
            if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and arr.size == 0):
                raise TypeError
            arr = arr.astype(np.int64)
        else:
            arr = arr.astype(float)
    except (TypeError, ValueError):
        kind = "integers" if integer else "numbers"
        raise TypeError(f"{name} must be an array of {kind}, got {type(value).__name__} "
                        f"{str(value)[:60]}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if not integer:
        if np.isnan(arr).any():
            raise ValueError(f"{name} contains NaN (shape {arr.shape})")
        if finite and np.isinf(arr).any():
            if not allow_neg_inf or np.isposinf(arr).any():
                which = "+inf or -inf" if not allow_neg_inf else "+inf"
                raise ValueError(f"{name} must be finite; it contains {which} (shape {arr.shape})")
    return arr


def check_callable(name: str, value, what: str = "a function") -> None:
    """Require a callable (a learner's function, a model's scoring function)."""
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")


def check_words(name: str, tokens, allow_reserved: bool = False, allow_spaces: bool = True) -> list[str]:
    """Like :func:`check_tokens`, and also refuse the reserved tokens (and, if asked, spaces).

    >>> check_words("sentence", ["the", "<s>"])
    Traceback (most recent call last):
    ...
    ValueError: sentence holds the reserved token '<s>' (item 1); lmcore adds <s> and </s> itself
    """
    tokens = check_tokens(name, tokens)
    for i, tok in enumerate(tokens):
        if not allow_reserved and tok in RESERVED:
            raise ValueError(f"{name} holds the reserved token {tok!r} (item {i}); lmcore adds "
                             "<s> and </s> itself")
        if not allow_spaces and (not tok or any(c.isspace() for c in tok)):
            raise ValueError(f"{name} holds the token {tok!r} (item {i}): tokens must be non-empty "
                             "and contain no whitespace (contexts are written joined by spaces)")
    return tokens


def check_mapping(name: str, value) -> dict:
    """Require a dict-like mapping."""
    from collections.abc import Mapping

    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, got {type(value).__name__}")
    return value


# ------------------------------------------------------------------------------ files
def atomic_write_text(path, text: str, name: str = "path") -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file in the same folder, then
    ``os.replace``. A failure leaves any previous file untouched and no temporary file behind."""
    import os
    import tempfile
    from pathlib import Path

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path, got {type(path).__name__}")
    path = Path(path)
    if not path.parent.is_dir():
        raise ValueError(f"{name} {str(path)!r}: the folder {str(path.parent)!r} does not exist")
    data = text.encode("utf-8")  # fails (surrogates) before anything is touched
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with __import__("contextlib").suppress(OSError):
            os.unlink(tmp)
        raise


def read_text_file(path, name: str = "path") -> str:
    """Read a UTF-8 text file (a byte-order mark is dropped) with errors that name the file."""
    import os
    from pathlib import Path

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path, got {type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{name} {str(path)!r} is a folder, not a file")
    if not path.exists():
        raise FileNotFoundError(f"{name} {str(path)!r}: no such file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name} {str(path)!r} is not UTF-8 text (byte {exc.start} is "
                         f"{data[exc.start]:#04x})") from None


def check_list(name: str, value, what: str = "a list") -> list:
    """Return ``value`` as a list; ``None``, a bare string or a non-iterable is a TypeError
    naming ``name`` (instead of "'NoneType' object is not iterable" from deep inside)."""
    if value is None or isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return list(value)


def check_ids(name: str, ids, size: int) -> list[int]:
    """Return ``ids`` as a list of ints, each a token id in ``[0, size)``.

    >>> check_ids("ids", [3, 1], 4)
    [3, 1]
    """
    out = []
    for i, t in enumerate(check_list(name, ids, "a sequence of integer ids")):
        if isinstance(t, bool) or not isinstance(t, numbers.Integral):
            raise TypeError(f"{name}[{i}] must be an integer id, got {type(t).__name__} {t!r}")
        if not 0 <= t < size:
            raise ValueError(f"{name}[{i}] = {t} is outside the vocabulary (ids 0 to {size - 1})")
        out.append(int(t))
    return out
