"""Word statistics behind a vocabulary: Zipf's law and the out-of-vocabulary curve.

Word frequencies follow **Zipf's law**: the ``r``-th most frequent word occurs about
``C / r**s`` times with ``s`` near 1, a straight line of slope ``-s`` on log-log axes
(:func:`rank_frequency`, :func:`zipf_fit`). That long tail of rare words is why a word
vocabulary always has holes: :func:`oov_curve` measures how many, for every ``min_freq`` of
a :class:`lmcore.tokenizers.Vocabulary` at once.

>>> ranks, freqs = rank_frequency("a b a c a b".split())
>>> freqs.tolist()
[3, 2, 1]
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from lmcore._checks import check_int, check_list
from lmcore.tokenizers import SPECIALS
from lmcore.validation import Array, Custom, Int, Tokens, validate


def _thresholds(name: str, values) -> np.ndarray:
    values = check_list(name, values, "a list of counts")
    return np.array([check_int(f"{name}[{i}]", m, minimum=1) for i, m in enumerate(values)], dtype=np.int64)


@validate(train_tokens=Tokens(), test_tokens=Tokens(), min_freqs=Custom(_thresholds))
def oov_curve(train_tokens, test_tokens, min_freqs) -> tuple[np.ndarray, np.ndarray]:
    """Vocabulary size and held-out OOV rate for each ``min_freq``, without building each one.

    Returns ``(sizes, rates)``, two arrays of shape ``(len(min_freqs),)``: ``sizes[j]`` equals
    ``len(Vocabulary(train_tokens, min_freqs[j]))`` (specials included) and ``rates[j]`` its
    :meth:`Vocabulary.oov_rate` on ``test_tokens`` (a share in [0, 1]).

    >>> sizes, rates = oov_curve(["a", "a", "b"], ["a", "b", "c"], [1, 2, 3])
    >>> sizes.tolist(), rates.round(3).tolist()
    ([6, 5, 4], [0.333, 0.667, 1.0])
    """
    if not test_tokens:
        raise ValueError("test_tokens is empty: the OOV rate of no tokens is undefined")
    m = min_freqs  # (F,)
    counts = Counter(t for t in train_tokens if t not in SPECIALS)
    type_counts = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))  # (V,)
    never_oov = np.iinfo(np.int64).max  # a special token is always in the vocabulary
    test_counts = np.array([never_oov if t in SPECIALS else counts.get(t, 0)
                            for t in test_tokens], dtype=np.int64)  # (N,)
    sizes = len(SPECIALS) + (type_counts[None, :] >= m[:, None]).sum(axis=1)  # (F, V) -> (F,)
    rates = (test_counts[None, :] < m[:, None]).mean(axis=1)  # (F, N) -> (F,)
    return sizes, rates


@validate(tokens=Tokens())
def rank_frequency(tokens) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(ranks, freqs)``: ranks ``1 .. V`` and each type's count, most frequent first.

    >>> ranks, freqs = rank_frequency("a b a c a b".split())
    >>> ranks.tolist(), freqs.tolist()
    ([1, 2, 3], [3, 2, 1])
    """
    if not tokens:
        raise ValueError("tokens is empty: there is nothing to rank")
    freqs = np.array(sorted(Counter(tokens).values(), reverse=True), dtype=np.int64)
    return np.arange(1, len(freqs) + 1), freqs


@validate(freqs=Array(), max_rank=Int(min=2, optional=True))
def zipf_fit(freqs, max_rank: int | None = None) -> tuple[float, float]:
    """Least-squares line through ``(log10 rank, log10 freq)`` for ranks ``1 .. max_rank``.

    Returns ``(slope, intercept)``: Zipf's law ``freq = C / rank**s`` is the line
    ``log10 freq = log10 C - s log10 rank``, so the slope estimates ``-s``.

    Args:
        freqs: counts sorted from most to least frequent, shape ``(V,)``, all > 0.
        max_rank: fit only the first ``max_rank`` ranks (default: all).

    >>> slope, intercept = zipf_fit([60, 30, 20, 15, 12])  # exactly 60 / rank
    >>> round(slope, 3), round(10 ** intercept, 3)
    (-1.0, 60.0)
    """
    if freqs.ndim != 1 or freqs.size < 2:
        raise ValueError(f"freqs must be a 1-D array of at least 2 counts, got shape {freqs.shape}")
    if np.any(freqs <= 0) or np.any(np.diff(freqs) > 0):
        raise ValueError("freqs must be > 0 (log10 of a zero count is -inf) and sorted from "
                         "most to least frequent")
    freqs = freqs[:max_rank]  # (max_rank,); all of them when max_rank is None
    x = np.log10(np.arange(1, freqs.size + 1))
    y = np.log10(freqs)
    slope = float(np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2))
    return slope, float(y.mean() - slope * x.mean())
