"""Sampling the next word: temperature, top-k and top-p (nucleus) sampling.

A language model gives a probability distribution ``p`` over its vocabulary for the next
word. Decoding turns that distribution into one word. Three knobs reshape ``p`` first:

- **Temperature** ``t`` raises every probability to the power ``1/t`` and renormalises:

      q_i = p_i ** (1/t) / sum_j p_j ** (1/t) = softmax(log(p) / t)_i

  ``t = 1`` leaves ``p`` unchanged, ``t < 1`` sharpens it (towards the most likely word),
  ``t > 1`` flattens it (towards uniform over the words with ``p > 0``). ``t = 0`` is
  *greedy decoding*: all the probability on the most likely word. We compute ``q`` in log
  space and subtract the largest log-probability before exponentiating, so no ``t`` can
  overflow or underflow into ``0 / 0``.
- **Top-k** keeps the ``k`` most likely words and renormalises.
- **Top-p** (nucleus sampling, Holtzman et al. 2020) keeps the *smallest* set of most
  likely words whose total probability reaches ``p`` and renormalises: few words when the
  model is sure, many when it is not.

Ties are broken by position: among words with exactly equal probability the one with the
lower index counts as "more likely". So ``t = 0`` puts all the mass on the *first* maximum
(like ``np.argmax``) and top-k/top-p keep the lower-indexed of two tied words at the
boundary. (The limit ``t -> 0`` is different when there are ties: it splits the mass
equally between the tied maxima.)

Then :func:`sample` draws a word index by inverting the cumulative distribution with one
uniform number from a seeded ``np.random.default_rng``. The order is temperature, then
top-k, then top-p. :func:`generate` applies all of this to an :class:`lmcore.ngram.NGramModel`.

>>> p = [0.1, 0.2, 0.05, 0.4, 0.25]
>>> apply_temperature(p, 0.5).round(3).tolist()   # p ** 2, renormalised
[0.036, 0.145, 0.009, 0.582, 0.227]
>>> top_k(p, 2).round(3).tolist()
[0.0, 0.0, 0.0, 0.615, 0.385]
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_tokens
from lmcore.ngram import BOS, EOS, FITTED_MODEL, NGramModel
from lmcore.validation import Custom, Float, Int, Probabilities, Rng, validate

#: Tolerance when comparing a cumulative probability with ``p`` in :func:`top_p`, so that
#: rounding (0.1 + 0.2 = 0.30000000000000004) never adds or drops a word.
MASS_TOLERANCE = 1e-12

#: The most draws one :func:`sample` call makes (its uniforms and indices take 1 GB).
MAX_DRAWS = 2**26


def _ranking(p: np.ndarray) -> np.ndarray:
    """Indices from most to least likely; ties keep the lower index first (stable sort)."""
    return np.argsort(-p, kind="stable")


@validate(probs=Probabilities(), t=Float(min=0))
def apply_temperature(probs, t: float) -> np.ndarray:
    """Return the distribution ``probs`` sharpened (``t < 1``) or flattened (``t > 1``).

    Args:
        probs: probabilities of shape (V,), each in [0, 1], summing to 1.
        t: the temperature, a number >= 0. ``t = 0`` is greedy: a one-hot vector on the
            most likely word (the first one if several tie).

    Returns:
        An array of shape (V,) summing to 1. Words with probability 0 keep probability 0,
        so a very large ``t`` approaches the uniform distribution over the words with
        ``p > 0``.

    >>> apply_temperature([0.5, 0.3, 0.2], 1.0).tolist()
    [0.5, 0.3, 0.2]
    >>> apply_temperature([0.3, 0.4, 0.3], 0).tolist()
    [0.0, 1.0, 0.0]
    >>> apply_temperature([0.4, 0.35, 0.25], 0.001).round(6).tolist()  # naive p ** 1000 is 0 / 0
    [1.0, 0.0, 0.0]
    >>> apply_temperature([0.9, 0.1, 0.0], 1e6).round(3).tolist()
    [0.5, 0.5, 0.0]
    """
    p = probs / probs.sum()  # the check allows a sum of 1 +- 1e-6: make it exact
    if t == 0:
        q = np.zeros_like(p)
        q[int(np.argmax(p))] = 1.0  # argmax returns the first maximum
        return q
    if t == 1:
        return p  # p ** 1 = p exactly (the log/exp round trip would cost a few ulps)
    with np.errstate(divide="ignore", over="ignore"):
        log_p = np.log(p)  # log(0) = -inf: that word stays impossible
        z = (log_p - log_p.max()) / t  # <= 0 everywhere, 0 at the maximum: exp cannot overflow
    q = np.exp(z)
    return q / q.sum()  # the sum is >= 1 (the maximum contributes exp(0)), never 0


@validate(probs=Probabilities(), k=Int(min=1))
def top_k(probs, k: int) -> np.ndarray:
    """Keep the ``k`` most likely words, set the rest to 0 and renormalise.

    Args:
        probs: probabilities of shape (V,), summing to 1.
        k: how many words to keep, an integer >= 1; ``k >= V`` keeps every word.
            Ties at the boundary keep the lower index.

    Returns:
        An array of shape (V,) summing to 1 with at most ``k`` non-zero entries.

    >>> top_k([0.1, 0.3, 0.3, 0.3], 2).tolist()
    [0.0, 0.5, 0.5, 0.0]
    """
    p = probs / probs.sum()
    keep = _ranking(p)[:k]
    q = np.zeros_like(p)
    q[keep] = p[keep]
    return q / q.sum()  # the most likely word is always kept, so the sum is > 0


@validate(probs=Probabilities(), p=Float(min=0, max=1, open_min=True))
def top_p(probs, p: float) -> np.ndarray:
    """Nucleus filtering: keep the smallest set of most likely words whose mass reaches ``p``.

    Words are taken from most to least likely (ties: lower index first) until their total
    probability is at least ``p`` (within :data:`MASS_TOLERANCE`); the rest are set to 0
    and the kept words renormalised. The most likely word is always kept.

    Args:
        probs: probabilities of shape (V,), summing to 1.
        p: the target mass, in (0, 1]. ``p = 1`` keeps every word with probability > 0.

    Returns:
        An array of shape (V,) summing to 1.

    >>> top_p([0.5, 0.3, 0.15, 0.05], 0.8).round(4).tolist()    # 0.5 + 0.3 reaches 0.8
    [0.625, 0.375, 0.0, 0.0]
    >>> top_p([0.5, 0.3, 0.15, 0.05], 0.81).round(4).tolist()
    [0.5263, 0.3158, 0.1579, 0.0]
    """
    probs = probs / probs.sum()  # the check allows a sum of 1 +- 1e-6: make it exact
    order = np.argsort(-probs, kind="stable")  # most likely first, ties: lower index first
    mass = np.cumsum(probs[order])  # (V,) mass of the 1, 2, ..., V most likely words
    size = int(np.searchsorted(mass, p - MASS_TOLERANCE, side="left")) + 1
    keep = order[: min(size, len(order))]
    q = np.zeros_like(probs)
    q[keep] = probs[keep]
    return q / q.sum()


_top_k, _top_p = top_k, top_p


@validate(probs=Probabilities(), temperature=Float(min=0), top_k=Int(min=1, optional=True),
          top_p=Float(min=0, max=1, open_min=True, optional=True))
def sampling_distribution(probs, temperature: float = 1.0, top_k: int | None = None,
                          top_p: float | None = None) -> np.ndarray:
    """The distribution :func:`sample` draws from: temperature, then top-k, then top-p.

    Args:
        probs: probabilities of shape (V,), summing to 1.
        temperature: >= 0 (0 = greedy). top_k: None (off) or an integer >= 1.
        top_p: None (off) or a number in (0, 1].

    Returns:
        An array of shape (V,) summing to 1.

    >>> sampling_distribution([0.1, 0.2, 0.05, 0.4, 0.25], temperature=1.0, top_k=3, top_p=0.6)
    array([0.        , 0.        , 0.        , 0.61538462, 0.38461538])
    """
    q = apply_temperature(probs, temperature)
    if top_k is not None:
        q = _top_k(q, top_k)  # (the arguments shadow the functions' names here)
    if top_p is not None:
        q = _top_p(q, top_p)
    return q


@validate(rng=Rng(), size=Int(min=1, max=MAX_DRAWS, optional=True))
def sample(probs, rng: np.random.Generator, temperature: float = 1.0, top_k: int | None = None,
           top_p: float | None = None, size: int | None = None):
    """Draw a word index from ``probs`` reshaped by temperature, top-k and top-p.

    Inverse-CDF sampling: draw ``u`` uniform in [0, 1) from ``rng`` and return the first
    index whose cumulative probability exceeds ``u``. A word of probability 0 is never drawn.

    Args:
        probs: probabilities of shape (V,), summing to 1.
        rng: a ``np.random.default_rng(seed)``; the same seed gives the same draws.
        temperature, top_k, top_p: as in :func:`sampling_distribution` (which checks them).
        size: None for one draw (an ``int``), or a count for an array of shape (size,).

    >>> rng = np.random.default_rng(0)
    >>> sample([0.0, 1.0, 0.0], rng)
    1
    >>> sample([0.5, 0.5], rng, temperature=0)
    0
    >>> sample([0.2, 0.8], np.random.default_rng(0), size=5).tolist()
    [1, 1, 0, 0, 1]
    """
    q = sampling_distribution(probs, temperature, top_k, top_p)
    cdf = np.cumsum(q)  # (V,)
    last = int(np.flatnonzero(q)[-1])  # never step past the last possible word
    u = rng.random(size) * cdf[-1]
    idx = np.minimum(np.searchsorted(cdf, u, side="right"), last)
    return int(idx) if size is None else idx.astype(np.int64)


def _prompt(name, prompt):
    return check_tokens(name, prompt.split() if isinstance(prompt, str) else prompt)


@validate(model=FITTED_MODEL, prompt=Custom(_prompt), rng=Rng(), max_words=Int(min=1))
def generate(model: NGramModel, prompt, rng: np.random.Generator, max_words: int = 20,
             temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
             ) -> list[str]:
    """Continue ``prompt`` with words sampled from an n-gram model, until ``</s>`` or ``max_words``.

    Args:
        model: a fitted :class:`lmcore.ngram.NGramModel` (any smoothing).
        prompt: the words to continue, a list of tokens or a space-separated string (may be
            empty: then the model starts a sentence). The context is the last ``n - 1``
            words, padded on the left with ``<s>``.
        rng: a ``np.random.default_rng(seed)``.
        max_words: the most words to add, an integer >= 1.
        temperature, top_k, top_p: as in :func:`sample` (``temperature=0`` is greedy).

    Returns:
        The new words only (without the prompt and without ``</s>``).

    >>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "cat", "ran"]])
    >>> generate(m, "the", np.random.default_rng(0), temperature=0)
    ['cat', 'ran']
    """
    history = [BOS] * (model.n - 1) + prompt
    out: list[str] = []
    while len(out) < max_words:
        context = history[len(history) - (model.n - 1):] if model.n > 1 else []
        try:
            p = model.probabilities(context)
        except ValueError as exc:  # an MLE model has no distribution after an unseen context
            raise ValueError(f"prompt leads to a context the model cannot continue: {exc}") from None
        word = model.vocab[sample(p, rng, temperature, top_k, top_p)]
        if word == EOS:
            break
        out.append(word)
        history.append(word)
    return out
