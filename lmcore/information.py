"""Information theory for language: entropy, cross-entropy, perplexity, KL divergence.

*Entropy* measures how unpredictable a random symbol is. For a distribution ``p`` over an
alphabet,

    H(p) = - sum_x p(x) log2 p(x)        (bits)

It is 0 when one symbol is certain and largest, ``log2 |alphabet|``, when all are equally
likely. Text is a sequence, and each symbol depends on the ones before it, so what matters
for prediction is the *conditional* entropy ``H(X | previous k symbols)``: it can only fall as
``k`` grows, and its limit is the source's *entropy rate*, the bits per symbol no predictor
and no compressor can beat on average.

A model that assigns probability ``q_i`` to each symbol that actually occurred pays
``-log2 q_i`` bits for it. The average is the *cross-entropy* (bits per token), never below
the true entropy (Gibbs' inequality), and the gap is the KL divergence. *Perplexity* is
``2 ** cross-entropy``: the model is as unsure as a fair die with that many sides.

Estimates from counts (*plug-in* estimates) are biased low on small samples: symbols and
contexts never seen are missing from the sum. Compressors give upper bounds instead.

Units: ``base=2`` gives bits, ``base=math.e`` nats; perplexity has no unit.

>>> entropy([0.5, 0.5])
1.0
>>> round(text_entropy("hello world"), 4)
2.8454
>>> round(perplexity([0.25, 0.25, 0.25]), 6)
4.0
"""

from __future__ import annotations

import bz2
import lzma
import math
import numbers
import zlib
from collections import Counter
from collections.abc import Mapping

import numpy as np

from lmcore._checks import check_choice, check_probabilities
from lmcore.corpus import words
from lmcore.validation import Custom, Int, Probabilities, validate

UNITS = ("char", "word")


def _check_base(base) -> float:
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number (2 for bits, math.e for nats), got {base!r}")
    base = float(base)
    if not math.isfinite(base) or base <= 1:  # a base below 1 makes every information negative
        raise ValueError(f"base must be > 1 (2 for bits, math.e for nats), got {base}")
    return base


#: The rule of every logarithm base: a real number > 1 (2 for bits, ``math.e`` for nats).
BASE = Custom(lambda name, base: _check_base(base))


def _nonnegative(x: float) -> float:
    """``x`` where a rounding error made a non-negative quantity slightly negative (or -0.0)."""
    return x if x > 0 else 0.0


def log_in_base(x, base: float) -> np.ndarray:
    """Logarithm of ``x`` in ``base``: exactly ``np.log2`` for 2 and ``np.log`` for e.

    >>> log_in_base([8.0, 0.5], 2).tolist(), log_in_base([100.0], 10).tolist()
    ([3.0, -1.0], [2.0])
    """
    x = np.asarray(x, dtype=float)
    if base == 2:
        return np.log2(x)
    if base == math.e:
        return np.log(x)
    return np.log(x) / math.log(base)


def _distribution(name: str, p) -> np.ndarray:
    """A probability vector from a vector (must sum to 1) or a mapping of counts."""
    if isinstance(p, Mapping):
        if not p:
            raise ValueError(f"{name} is empty: give at least one count")
        values = list(p.values())
        for key, c in zip(p, values):
            if isinstance(c, bool) or not isinstance(c, numbers.Real) or not math.isfinite(c):
                raise TypeError(f"{name}[{key!r}] must be a finite count, got {c!r}")
            if c < 0:
                raise ValueError(f"{name}[{key!r}] is a negative count ({c}); counts must be >= 0")
        counts = np.asarray(values, dtype=float)
        if counts.max() <= 0:
            raise ValueError(f"{name} has a total count of 0: nothing was observed")
        counts = counts / counts.max()  # so a sum of counts near 1e308 cannot overflow
        return counts / counts.sum()
    return check_probabilities(name, p, atol=1e-6)


#: The rule of a distribution: a probability vector summing to 1, or a mapping of counts.
DISTRIBUTION = Custom(_distribution)


@validate(p=DISTRIBUTION, base=BASE)
def entropy(p, base: float = 2) -> float:
    """Shannon entropy ``-sum p log p`` of a distribution, in bits (``base=2``) or nats.

    Args:
        p: a probability vector of shape (K,) summing to 1, or a mapping ``{symbol: count}``
            of non-negative counts (normalised here). Zero entries contribute 0.
        base: logarithm base, > 0 and != 1.

    >>> entropy([0.25, 0.25, 0.25, 0.25])
    2.0
    >>> entropy({"h": 1, "e": 1, "l": 2})
    1.5
    """
    nz = p[p > 0]  # (a zero probability contributes 0 log 0 = 0)
    return max(0.0, float(-np.sum(nz * log_in_base(nz, base))))  # never -0.0


def text_entropy(text: str, unit: str = "char", base: float = 2) -> float:
    """Entropy of the frequencies of the characters (or words) of ``text``.

    This is the *unigram* plug-in estimate: it ignores order, so ``"dlrow olleh"`` scores the
    same as ``"hello world"``. Units: bits per character (``unit="char"``) or bits per word
    (``unit="word"``, words from :func:`lmcore.corpus.words`) with ``base=2``.

    >>> round(text_entropy("hello world"), 3)
    2.845
    >>> text_entropy("the cat the dog", unit="word")
    1.5
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    unit = check_choice("unit", unit, UNITS)
    symbols = list(text) if unit == "char" else words(text)
    if not symbols:
        raise ValueError(f"text is empty: it holds no {unit}s")
    values, counts = np.unique(np.array(symbols), return_counts=True)
    return entropy(dict(zip(values.tolist(), counts.tolist())), base=base)


def _symbols(name: str, text):
    """A string (its characters are the symbols) as is; a list, tuple or 1-D array of tokens,
    all strings or all integers, as a tuple."""
    if isinstance(text, str):
        return text
    if isinstance(text, np.ndarray):
        if text.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {text.shape}")
        return tuple(text.tolist())
    if not isinstance(text, (list, tuple)):
        raise TypeError(f"{name} must be a str, a list of tokens or a 1-D array, got {type(text).__name__}")
    if text and not (all(isinstance(t, str) for t in text)
                     or all(isinstance(t, numbers.Integral) and not isinstance(t, bool) for t in text)):
        # one type only: mixed, the int 1 and the str '1' would look like one symbol when printed
        raise TypeError(f"{name} must hold only strings or only integers, not a mix")
    return tuple(text)


#: The rule of a text: a str, or a list, tuple or 1-D array of tokens (all str or all int).
SYMBOLS = Custom(_symbols)


@validate(text=SYMBOLS, k=Int(min=0), base=BASE)
def conditional_entropy(text, k: int, base: float = 2) -> float:
    """Plug-in estimate of ``H(X | previous k symbols)``, in bits per symbol (``base=2``).

    Every position ``i >= k`` of ``text`` is one observation: the context is the ``k``
    symbols before it. With ``c(ctx, x)`` the counts and ``M`` the number of positions,

        H = -1/M sum_{ctx, x} c(ctx, x) log( c(ctx, x) / c(ctx) )

    ``k = 0`` is the unigram entropy. The estimate falls as ``k`` grows, partly because the
    text is predictable and partly because long contexts are seen once and look certain
    (biased low): compare against held-out text or a compressor.
    :func:`lmcore.information_fast.conditional_entropy` computes the same on integer codes.

    Args:
        text: a str (its characters are the symbols) or a sequence of tokens (words or
            integer symbols, e.g. a :class:`lmcore.corpus.MarkovSource` sample), length > k.
        k: context length, an integer >= 0.
        base: logarithm base, > 1.

    >>> conditional_entropy("abababab", 0)
    1.0
    >>> conditional_entropy("abababab", 1)    # after 'a' always 'b', after 'b' always 'a'
    0.0
    """
    if len(text) <= k:
        raise ValueError(f"text must hold more than k = {k} symbols, got {len(text)}")
    pairs = Counter(text[i - k : i + 1] for i in range(k, len(text)))  # c(ctx, x): k symbols + 1
    contexts = Counter()
    for pair, c in pairs.items():
        contexts[pair[:-1]] += c  # c(ctx): the counts of every x after ctx, summed
    m = len(text) - k
    h = -sum(c * math.log(c / contexts[pair[:-1]]) for pair, c in pairs.items()) / m
    return max(0.0, h / math.log(base))  # never -0.0


@validate(probabilities=Probabilities(sums_to_one=False), base=BASE)
def cross_entropy(probabilities, base: float = 2) -> float:
    """Mean ``-log q_i`` of the probabilities a model gave to what actually happened.

    In bits per token for ``base=2`` (nats for ``base=math.e``). ``inf`` (never NaN) when
    some probability is 0: the model called an observed event impossible.

    Args:
        probabilities: shape (N,), each in [0, 1]; they need not sum to 1 (one per token).

    >>> cross_entropy([0.5, 0.25])    # (1 + 2) / 2 bits
    1.5
    >>> cross_entropy([0.5, 0.0])
    inf
    """
    if np.any(probabilities == 0):
        return math.inf
    return float(-np.mean(log_in_base(probabilities, base)))


def perplexity(probabilities) -> float:
    """``2 ** cross_entropy`` in bits (= ``exp`` of it in nats): the geometric mean of ``1/q_i``.

    A model with perplexity ``P`` is, on average, as unsure as a fair die with ``P`` sides.
    ``inf`` (never NaN) when some probability is 0.

    Args:
        probabilities: shape (N,), the probability the model gave to each observed token.

    >>> round(perplexity([0.5, 0.125]), 6)    # 1 / sqrt(0.5 * 0.125)
    4.0
    """
    h = cross_entropy(probabilities, base=2)
    return math.inf if math.isinf(h) else float(2.0**h)


def distribution_cross_entropy(p, q, base: float = 2) -> float:
    """Cross-entropy ``-sum p log q`` of a model ``q`` on a source ``p``, in bits (``base=2``).

    Equals ``entropy(p) + kl_divergence(p, q)``, so it is never below ``entropy(p)``.
    ``inf`` when ``q`` gives 0 to an outcome ``p`` can produce.

    Args:
        p, q: probability vectors of the same shape (K,), each summing to 1.

    >>> distribution_cross_entropy([0.5, 0.5], [0.25, 0.75])
    1.207518749639422
    """
    base = _check_base(base)
    p, q = _pair(p, q)
    support = p > 0
    if np.any(q[support] == 0):
        return math.inf
    return _nonnegative(float(-np.sum(p[support] * log_in_base(q[support], base))))


def _pair(p, q) -> tuple[np.ndarray, np.ndarray]:
    p = check_probabilities("p", p, atol=1e-6)
    q = check_probabilities("q", q, atol=1e-6)
    if p.shape != q.shape:
        raise ValueError(f"q must have the same shape as p: p {p.shape}, q {q.shape}")
    return p, q


def kl_divergence(p, q, base: float = 2) -> float:
    """Kullback-Leibler divergence ``sum p log(p / q)``, in bits (``base=2``) or nats.

    The extra bits per symbol paid for coding a source ``p`` with a model ``q``. Never
    negative, 0 only when ``q == p``, not symmetric; ``inf`` when ``q`` gives 0 to an outcome
    of ``p``.

    Args:
        p, q: probability vectors of the same shape (K,), each summing to 1.

    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> round(kl_divergence([0.5, 0.5], [0.25, 0.75]), 4)
    0.2075
    """
    base = _check_base(base)
    p, q = _pair(p, q)
    support = p > 0
    if np.any(q[support] == 0):
        return math.inf
    return _nonnegative(float(np.sum(p[support] * log_in_base(p[support] / q[support], base))))


def compression_bits_per_char(text: str) -> dict[str, float]:
    """Bits per character of ``text`` after zlib, bz2 and lzma (standard library, max level).

    A lossless compressor is a predictor plus a coder, so its output size is an *upper bound*
    on the information in the text: bits per character = 8 * compressed bytes / characters.

    >>> sorted(compression_bits_per_char("abc" * 1000))
    ['bz2', 'lzma', 'zlib']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError("text is empty: there is nothing to compress")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text holds a lone surrogate {text[exc.start]!r} at position {exc.start}: "
                         "it is not valid Unicode text and has no UTF-8 bytes") from None
    sizes = {
        "zlib": len(zlib.compress(data, 9)),
        "bz2": len(bz2.compress(data, 9)),
        "lzma": len(lzma.compress(data, preset=9)),
    }
    return {name: 8 * size / len(text) for name, size in sizes.items()}
