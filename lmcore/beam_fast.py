"""The beam search of :mod:`lmcore.beam`, faster: same arguments, same beams.

:func:`lmcore.beam.beam_search` builds a :class:`~lmcore.beam.Hypothesis` for every child of
every hypothesis (``beam_width * V`` per step) and sorts them all. Two shortcuts give the same
beam (tokens, log-probabilities, order and ties), tested equal on random tables in
``tests/test_beam.py``:

- **Prune each parent first.** A child that is not among its parent's ``beam_width`` best
  scores is beaten by ``beam_width`` of its own siblings, so it can never enter the beam. Each
  parent keeps only the children scoring at least its ``beam_width``-th best (ties included,
  found with ``np.partition``): at most a few times ``beam_width`` candidates instead of
  ``beam_width * V``.
- **Arrays, cached per context.** :func:`ngram_log_prob_fn` caches each context's distribution
  as a dict and as checked numpy arrays (``log_prob_fn.arrays(tokens)``), so a search (or the
  next move of a widget) that meets a context again neither converts nor re-checks it.

Use it for sweeps, widgets and benchmarks; read :mod:`lmcore.beam` to see the algorithm.

>>> table = {"a": {"a": -0.1, "b": -2.4}, "b": {"a": -1.2, "b": -0.4}}
>>> fn = lambda tokens: table[tokens[-1]]
>>> [(" ".join(h.tokens), round(h.log_prob, 2)) for h in beam_search(fn, ["a"], 2, 2)]
[('a a a', -0.2), ('a a b', -2.5)]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from lmcore import beam
from lmcore.beam import SEARCH_RULES, Hypothesis, next_log_probs, rank
from lmcore.ngram import NGramModel
from lmcore.validation import Float, Int, validate


def _next_arrays(log_prob_fn, tokens):
    """:func:`next_arrays` without its argument checks (the search's inner loop)."""
    arrays = getattr(log_prob_fn, "arrays", None)
    if arrays is not None:
        return arrays(tokens)
    dist = next_log_probs(log_prob_fn, tokens)  # checked: impossible tokens left out
    return list(dist), np.fromiter(dist.values(), dtype=float, count=len(dist))


@validate(log_prob_fn=SEARCH_RULES["log_prob_fn"], tokens=SEARCH_RULES["start"])
def next_arrays(log_prob_fn: Callable, tokens: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """The model's possible next tokens after ``tokens`` and their log-probabilities (nats).

    Uses ``log_prob_fn.arrays(tokens)`` when the function offers it (the functions of
    :func:`ngram_log_prob_fn` do: cached, already checked); otherwise the checked answer of
    :func:`lmcore.beam.next_log_probs`, as arrays.

    >>> next_arrays(lambda tokens: {"a": -0.5, "b": -1.5}, ("x",))
    (['a', 'b'], array([-0.5, -1.5]))
    """
    return _next_arrays(log_prob_fn, tokens)


def best_children(scores: np.ndarray, keep: int) -> np.ndarray:
    """Indices of the ``scores`` at least as high as the ``keep``-th highest (ties included).

    Only these children of one parent can be among the ``keep`` best of all candidates.

    >>> best_children(np.array([-3.0, -1.0, -2.0, -1.0]), 1).tolist()
    [1, 3]
    """
    if len(scores) <= keep:
        return np.arange(len(scores))
    cut = np.partition(scores, len(scores) - keep)[len(scores) - keep]
    return np.flatnonzero(scores >= cut)


def _children(log_prob_fn, h: Hypothesis, keep: int, eos, length_penalty: float) -> list:
    """``h`` itself if finished, else its children that can be among the ``keep`` best."""
    if h.finished:  # a finished sentence competes as it is
        return [h]
    words, lps = _next_arrays(log_prob_fn, h.tokens)
    totals = h.log_prob + lps  # (V,) log P of every extension, nats
    scores = totals / (h.length + 1) ** length_penalty  # (V,) as beam.beam_search's
    return [Hypothesis(h.tokens + (words[i],), float(totals[i]), h.length + 1, float(scores[i]),
                       words[i] == eos) for i in best_children(scores, keep).tolist()]


@validate(**SEARCH_RULES, beam_width=Int(min=1), length_penalty=Float(min=0, max=10))
def beam_search(log_prob_fn: Callable, start, beam_width: int, max_steps: int,
                eos: str | None = None, length_penalty: float = 0.0) -> list[Hypothesis]:
    """:func:`lmcore.beam.beam_search` (same arguments, same result), pruning each parent's
    children before the global sort.

    >>> table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    >>> [h.tokens[1:] for h in beam_search(lambda tokens: table[tokens[-1]], ["x"], 2, 2)]
    [('good', 'end'), ('bad', 'end')]
    """
    beam = [Hypothesis(start, 0.0, 0, 0.0, False)]
    for _ in range(max_steps):
        if all(h.finished for h in beam):
            break
        beam = sorted((c for h in beam
                       for c in _children(log_prob_fn, h, beam_width, eos, length_penalty)),
                      key=rank)[:beam_width]
    return beam


def ngram_log_prob_fn(model: NGramModel) -> Callable:
    """:func:`lmcore.beam.ngram_log_prob_fn` (the same log-probabilities), cached per context.

    The returned function gives a read-only mapping ``{word: log P}`` and offers
    ``arrays(tokens) -> (words, log-probs)`` for :func:`next_arrays`; both are computed once per
    context (up to 20,000 contexts are kept).

    >>> m = NGramModel(2).fit([["the", "cat"], ["the", "dog"]])
    >>> fn = ngram_log_prob_fn(m)
    >>> fn(("<s>", "the")) is fn(("x", "the"))
    True
    >>> fn.arrays(("<s>", "the"))
    (['cat', 'dog'], array([-0.69314718, -0.69314718]))
    """
    plain = beam.ngram_log_prob_fn(model)  # checks the model; computes each context's dict
    n = model.n

    @lru_cache(maxsize=20_000)
    def by_context(context: tuple[str, ...]):
        dist = plain(context)
        lps = np.fromiter(dist.values(), dtype=float, count=len(dist))  # (K,)
        lps.setflags(write=False)
        return MappingProxyType(dist), (list(dist), lps)

    def cached(tokens):
        tokens = tuple(tokens)
        if len(tokens) < n - 1:
            return plain(tokens), None  # raises: too few tokens for a context
        return by_context(tokens[len(tokens) - (n - 1):])

    def log_prob_fn(tokens):
        return cached(tokens)[0]

    def arrays(tokens):
        words, lps = cached(tokens)[1]
        return list(words), lps

    log_prob_fn.arrays = arrays
    return log_prob_fn
