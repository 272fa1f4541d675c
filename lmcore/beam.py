"""Beam search: look for the most probable sentence without trying them all.

A language model scores a sentence ``w_1 ... w_T`` by the chain rule; in log space the
probabilities add up (natural logarithms here, so scores are in **nats**):

    log P(w_1 ... w_T) = sum_t log P(w_t | w_1 ... w_{t-1})

With ``V`` words there are ``V ** T`` sentences of length ``T``: :func:`exhaustive_search`
tries them all and is only possible for tiny problems. :func:`greedy` takes the single most
likely word at every step; it is fast but can walk into a dead end (a likely first word
followed only by unlikely ones). **Beam search** keeps the ``beam_width`` best partial
sentences at every step, extends each by every word, and keeps the best ``beam_width`` of
all those candidates. Width 1 is greedy; a width of ``V ** T`` or more prunes nothing and is
exhaustive search. In between it is a heuristic: it usually finds a very good sentence, but
nothing guarantees the best one.

A sentence that ends (its last word is ``eos``, e.g. ``</s>``) stops growing and keeps
competing for a place in the beam. Since every word multiplies in a probability below 1,
short sentences score higher: a **length penalty** ``alpha`` ranks hypotheses by

    score = log P / length ** alpha

(``alpha = 0``: total log-probability; ``alpha = 1``: average log-probability per word).

The model is a function ``log_prob_fn(tokens) -> {word: log P(word | tokens)}`` (natural
log); :func:`ngram_log_prob_fn` builds one from an :class:`lmcore.ngram.NGramModel`.
Ties in score are broken alphabetically by tokens, so results never depend on dict order.

>>> table = {"a": {"a": -0.1, "b": -2.4}, "b": {"a": -1.2, "b": -0.4}}
>>> fn = lambda tokens: table[tokens[-1]]
>>> [(" ".join(h.tokens), round(h.log_prob, 2)) for h in beam_search(fn, ["a"], 2, 2)]
[('a a a', -0.2), ('a a b', -2.5)]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from lmcore._checks import check_float, check_int, check_memory, check_tokens
from lmcore.ngram import NGramModel


class Hypothesis(NamedTuple):
    """One candidate sentence of a search.

    ``tokens``: the whole sequence, start included; ``log_prob``: the total log-probability
    of the added tokens, in nats; ``length``: how many tokens were added; ``score``: the
    ranking score ``log_prob / length ** length_penalty``; ``finished``: ended with ``eos``.
    """

    tokens: tuple[str, ...]
    log_prob: float
    length: int
    score: float
    finished: bool


def _rank(h: Hypothesis):
    return (-h.score, h.tokens)


def _score(log_prob, length: int, length_penalty: float):
    return log_prob if length_penalty == 0 else log_prob / length**length_penalty


class LogProbs(dict):
    """A dict ``{token: log-probability}`` that keeps its checked arrays after the first use.

    :func:`ngram_log_prob_fn` returns these (one per context, cached), so a search that
    meets a context again skips converting and re-checking thousands of entries. Treat
    it as read-only.
    """

    _arrays: tuple[list[str], np.ndarray] | None = None


def _next(log_prob_fn, tokens: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Call the model; return its possible next tokens and their log-probabilities (nats)."""
    dist = log_prob_fn(tokens)
    if isinstance(dist, LogProbs) and dist._arrays is not None:
        return dist._arrays
    words, lps = _checked(dist, tokens)
    if isinstance(dist, LogProbs):
        dist._arrays = (words, lps)
    return words, lps


def _checked(dist, tokens: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Validate the model's answer after ``tokens``; drop impossible (-inf) tokens."""
    if not isinstance(dist, Mapping):
        raise TypeError(f"log_prob_fn must return a dict {{token: log-probability}}, "
                        f"got {type(dist).__name__}")
    words = list(dist.keys())
    if not all(isinstance(w, str) for w in words):
        raise TypeError("log_prob_fn must return a dict whose keys are string tokens")
    try:
        lps = np.fromiter(dist.values(), dtype=float, count=len(words))  # (V,)
    except (TypeError, ValueError):
        raise TypeError("log_prob_fn must return a dict whose values are numbers") from None
    if np.any(np.isnan(lps)):
        raise ValueError(f"log_prob_fn returned NaN after {list(tokens)}: a log-probability "
                         "must be a number <= 0 (or -inf for an impossible token)")
    if np.any(lps > 1e-9):
        raise ValueError("log_prob_fn must return log-probabilities (natural log, <= 0); "
                         f"after {list(tokens)} it returned a maximum of {lps.max():.4g}")
    if np.exp(lps).sum() > 1 + 1e-6:
        raise ValueError("log_prob_fn must return log-probabilities in nats (natural log) whose "
                         f"probabilities sum to at most 1; after {list(tokens)} they sum to "
                         f"{np.exp(lps).sum():.4g}")
    possible = np.isfinite(lps)  # -inf: impossible, never proposed
    if not possible.any():
        raise ValueError(f"log_prob_fn gave no possible next token after {list(tokens)}")
    if not possible.all():
        words = [w for w, ok in zip(words, possible) if ok]
        lps = lps[possible]
    return words, np.minimum(lps, 0.0)


def _check_search(log_prob_fn, start, max_steps, eos, length_penalty):
    if not callable(log_prob_fn):
        raise TypeError(f"log_prob_fn must be a function tokens -> {{token: log-prob}}, "
                        f"got {type(log_prob_fn).__name__}")
    start = tuple(check_tokens("start", start))
    if not start:
        raise ValueError("start must hold at least one token (e.g. ['<s>'])")
    max_steps = check_int("max_steps", max_steps, minimum=1)
    check_memory("max_steps", 8 * (len(start) + max_steps))  # one hypothesis's tokens, and more
    if eos is not None and not isinstance(eos, str):
        raise TypeError(f"eos must be a str token or None, got {type(eos).__name__}")
    length_penalty = check_float("length_penalty", length_penalty, minimum=0, maximum=10)
    return start, max_steps, length_penalty


def beam_search(log_prob_fn: Callable, start, beam_width: int, max_steps: int,
                eos: str | None = None, length_penalty: float = 0.0) -> list[Hypothesis]:
    """Beam search: keep the ``beam_width`` best partial sentences at every step.

    Args:
        log_prob_fn: ``tokens (tuple of str) -> {next token: log-probability in nats}``.
        start: the tokens to continue (a list or tuple of str, e.g. ``["<s>", "<s>"]``).
        beam_width: how many hypotheses survive each step, an integer >= 1 (1 = greedy).
        max_steps: the most tokens to add, an integer >= 1.
        eos: the token that ends a sentence (then it stops growing), or None.
        length_penalty: ``alpha >= 0``; hypotheses are ranked by ``log_prob / length ** alpha``.

    Returns:
        The final beam: up to ``beam_width`` :class:`Hypothesis`, best score first.

    >>> table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1},
    ...          "bad": {"end": -1.6}}
    >>> fn = lambda tokens: table[tokens[-1]]
    >>> [h.tokens[1:] for h in beam_search(fn, ["x"], 1, 2)]   # greedy: "bad" looks better
    [('bad', 'end')]
    >>> [h.tokens[1:] for h in beam_search(fn, ["x"], 2, 2)]   # the wider beam recovers
    [('good', 'end'), ('bad', 'end')]
    """
    start, max_steps, length_penalty = _check_search(log_prob_fn, start, max_steps, eos,
                                                     length_penalty)
    beam_width = check_int("beam_width", beam_width, minimum=1)
    check_memory("beam_width and max_steps", 8 * min(beam_width, 10**6) * max_steps)
    beam = [Hypothesis(start, 0.0, 0, 0.0, False)]
    for _ in range(max_steps):
        if all(h.finished for h in beam):
            break
        candidates = []
        for h in beam:
            if h.finished:  # a finished sentence competes as it is
                candidates.append(h)
                continue
            words, lps = _next(log_prob_fn, h.tokens)
            totals = h.log_prob + lps  # (V,) log P of every extension, nats
            scores = _score(totals, h.length + 1, length_penalty)  # (V,)
            # Only this parent's best beam_width children can make the global beam: keep
            # every child scoring at least the beam_width-th best score (ties included).
            if len(scores) > beam_width:
                cut = np.partition(scores, len(scores) - beam_width)[len(scores) - beam_width]
                chosen = np.flatnonzero(scores >= cut)
            else:
                chosen = range(len(scores))
            for i in chosen:
                w = words[i]
                candidates.append(Hypothesis(h.tokens + (w,), float(totals[i]), h.length + 1,
                                             float(scores[i]), w == eos))
        candidates.sort(key=_rank)
        beam = candidates[:beam_width]
    return beam


def greedy(log_prob_fn: Callable, start, max_steps: int, eos: str | None = None) -> Hypothesis:
    """Greedy decoding: add the single most likely token, ``max_steps`` times or until ``eos``.

    Ties go to the alphabetically first token (as in :func:`beam_search`). The returned
    hypothesis has ``score == log_prob`` (nats).

    >>> table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    >>> h = greedy(lambda tokens: table[tokens[-1]], ["x"], 2)
    >>> h.tokens, round(h.log_prob, 2)
    (('x', 'bad', 'end'), -2.1)
    """
    start, max_steps, _ = _check_search(log_prob_fn, start, max_steps, eos, 0.0)
    tokens, total = start, 0.0
    for _ in range(max_steps):
        words, lps = _next(log_prob_fn, tokens)
        best = min(range(len(words)), key=lambda i: (-lps[i], words[i]))
        tokens, total = tokens + (words[best],), float(total + lps[best])
        if words[best] == eos:
            break
    return Hypothesis(tokens, total, len(tokens) - len(start), total,
                      eos is not None and tokens[-1] == eos and len(tokens) > len(start))


def exhaustive_search(log_prob_fn: Callable, start, max_steps: int, eos: str | None = None,
                      length_penalty: float = 0.0, max_hypotheses: int = 200_000,
                      ) -> list[Hypothesis]:
    """Score every possible continuation (for tiny problems); return them all, best first.

    Every sequence that ends with ``eos`` or reaches ``max_steps`` tokens is one hypothesis,
    ranked as in :func:`beam_search`. Raises ``ValueError`` (naming ``max_steps``) once more
    than ``max_hypotheses`` sequences would be expanded: ``V ** max_steps`` grows fast.

    >>> table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    >>> [(h.tokens[1:], round(h.log_prob, 2))
    ...  for h in exhaustive_search(lambda tokens: table[tokens[-1]], ["x"], 2)]
    [(('good', 'end'), -1.1), (('bad', 'end'), -2.1)]
    """
    start, max_steps, length_penalty = _check_search(log_prob_fn, start, max_steps, eos,
                                                     length_penalty)
    max_hypotheses = check_int("max_hypotheses", max_hypotheses, minimum=1)
    if max_steps > min(max_hypotheses, 500):  # one path alone expands max_steps times (recursively)
        raise ValueError(f"max_steps={max_steps} is too deep for exhaustive_search (at most "
                         f"{min(max_hypotheses, 500)}): use beam_search")
    done: list[Hypothesis] = []
    expanded = 0

    def extend(tokens, total, length):  # depth-first over every continuation
        nonlocal expanded
        words, lps = _next(log_prob_fn, tokens)
        expanded += len(words)
        if expanded > max_hypotheses:
            raise ValueError(f"max_steps={max_steps} makes more than max_hypotheses="
                             f"{max_hypotheses} sequences: use beam_search, or fewer steps")
        for w, lp in zip(words, lps):
            new_total = float(total + lp)
            new = tokens + (w,)
            if w == eos or length + 1 == max_steps:
                score = float(_score(new_total, length + 1, length_penalty))
                done.append(Hypothesis(new, new_total, length + 1, score, w == eos))
            else:
                extend(new, new_total, length + 1)

    extend(start, 0.0, 0)
    return sorted(done, key=_rank)


def ngram_log_prob_fn(model: NGramModel) -> Callable:
    """Wrap a fitted n-gram model as ``log_prob_fn(tokens) -> {word: log P(word | context)}``.

    The context is the last ``n - 1`` tokens (pad ``start`` with ``<s>``). Log-probabilities
    are natural logs (nats); words of probability 0 are left out. Results are cached per
    context, so a search that meets a context again does not recompute it.

    >>> m = NGramModel(2).fit([["the", "cat"], ["the", "dog"]])
    >>> fn = ngram_log_prob_fn(m)
    >>> {w: round(lp, 3) for w, lp in fn(("<s>", "the")).items()}
    {'cat': -0.693, 'dog': -0.693}
    """
    if not isinstance(model, NGramModel):
        raise TypeError(f"model must be a fitted lmcore.ngram.NGramModel, got {type(model).__name__}")
    if not model.vocab:
        raise ValueError("model is not fitted yet: call model.fit(sentences) first")
    n = model.n

    @lru_cache(maxsize=20_000)
    def by_context(context: tuple[str, ...]) -> LogProbs:
        p = model.probabilities(context)  # (V,)
        keep = np.flatnonzero(p > 0)
        words = list(model.vocab) if len(keep) == len(p) else [model.vocab[i] for i in keep]
        lps = np.minimum(np.log(p[keep]), 0.0)  # (K,) a rounding error could give log 1 > 0
        dist = LogProbs(zip(words, lps.tolist()))
        dist._arrays = (words, lps)  # a fitted model's distribution: nothing to re-check
        return dist

    def log_prob_fn(tokens) -> LogProbs:
        tokens = tuple(tokens)
        if len(tokens) < n - 1:
            raise ValueError(f"tokens must hold at least n - 1 = {n - 1} tokens (pad with <s>), "
                             f"got {list(tokens)}")
        return by_context(tokens[len(tokens) - (n - 1):] if n > 1 else ())

    return log_prob_fn


def top_choices(log_prob_fn: Callable, m: int) -> Callable:
    """Restrict a model to its ``m`` most likely next tokens, renormalised (a tiny search space).

    With ``m`` choices per step there are at most ``m ** T`` sentences of ``T`` tokens, so
    :func:`exhaustive_search` becomes possible. Ties keep the alphabetically first tokens.

    >>> fn = top_choices(lambda tokens: {"a": math.log(0.5), "b": math.log(0.3),
    ...                                  "c": math.log(0.2)}, 2)
    >>> {w: round(math.exp(lp), 3) for w, lp in fn(("x",)).items()}
    {'a': 0.625, 'b': 0.375}
    """
    if not callable(log_prob_fn):
        raise TypeError(f"log_prob_fn must be a function, got {type(log_prob_fn).__name__}")
    m = check_int("m", m, minimum=1)

    def restricted(tokens) -> dict[str, float]:
        words, lps = _next(log_prob_fn, tuple(tokens))
        pool = range(len(words))
        if len(words) > m:  # only words scoring at least the m-th best can be kept
            pool = np.flatnonzero(lps >= np.partition(lps, len(lps) - m)[len(lps) - m])
        best = sorted(pool, key=lambda i: (-lps[i], words[i]))[:m]
        kept = lps[best]  # (m,)
        log_total = kept.max() + math.log(np.exp(kept - kept.max()).sum())  # log-sum-exp
        return {words[i]: float(lp - log_total) for i, lp in zip(best, kept)}

    return restricted
