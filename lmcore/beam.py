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
Ties in score are broken alphabetically by tokens (:func:`rank`), so results never depend
on dict order. This module is the plain version a learner can step through;
:mod:`lmcore.beam_fast` returns the same beams faster (for sweeps and the widget).

>>> table = {"a": {"a": -0.1, "b": -2.4}, "b": {"a": -1.2, "b": -0.4}}
>>> fn = lambda tokens: table[tokens[-1]]
>>> [(" ".join(h.tokens), round(h.log_prob, 2)) for h in beam_search(fn, ["a"], 2, 2)]
[('a a a', -0.2), ('a a b', -2.5)]
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

from lmcore.ngram import NGramModel
from lmcore.validation import Float, Function, Int, Str, Tokens, validate

#: The longest search (tokens added) lmcore runs: a longer ``max_steps`` is refused.
MAX_STEPS = 100_000


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


def rank(h: Hypothesis) -> tuple:
    """The sort key of every search: best score first, ties alphabetically by tokens.

    >>> [h.tokens for h in sorted([Hypothesis(("b",), -1.0, 1, -1.0, False),
    ...                            Hypothesis(("a",), -1.0, 1, -1.0, False)], key=rank)]
    [('a',), ('b',)]
    """
    return (-h.score, h.tokens)


class _Start(Tokens):
    """At least one string token (e.g. ``["<s>"]``), returned as a tuple."""

    def check(self, name, value, checked):
        tokens = tuple(super().check(name, value, checked))
        if not tokens:
            raise ValueError(f"{name} must hold at least one token (e.g. ['<s>'])")
        return tokens


#: The arguments every search shares (:mod:`lmcore.beam_fast` and :mod:`lmcore.beam_finished`
#: use them too): a model function, at least one start token (made a tuple), a number of
#: steps in ``[1, MAX_STEPS]`` and an end token (a str, or None for none).
SEARCH_RULES = dict(log_prob_fn=Function("a function tokens -> {token: log-probability}"),
                    start=_Start(), max_steps=Int(min=1, max=MAX_STEPS), eos=Str(optional=True))


def _check_log_probs(dist, tokens) -> tuple[list[str], np.ndarray]:
    """Check the model's answer ``dist`` after ``tokens``; return its possible tokens and log-probs."""
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
    return words, np.minimum(lps, 0.0)  # a rounding error could give log 1 > 0


@validate(log_prob_fn=SEARCH_RULES["log_prob_fn"], tokens=_Start())
def next_log_probs(log_prob_fn: Callable, tokens: tuple[str, ...]) -> dict[str, float]:
    """Ask the model for the next token after ``tokens``: its checked ``{token: log-probability}``.

    The answer must map string tokens to natural-log probabilities (``<= 0``, ``-inf`` for an
    impossible token) whose probabilities sum to at most 1; impossible tokens are left out.
    Otherwise a ``ValueError``/``TypeError`` names ``log_prob_fn``.

    >>> next_log_probs(lambda tokens: {"a": math.log(0.5), "b": -math.inf, "c": math.log(0.5)}, ("x",))
    {'a': -0.6931471805599453, 'c': -0.6931471805599453}
    """
    words, lps = _check_log_probs(log_prob_fn(tokens), tokens)
    return dict(zip(words, lps.tolist()))


@validate(**SEARCH_RULES, beam_width=Int(min=1), length_penalty=Float(min=0, max=10))
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
    beam = [Hypothesis(start, 0.0, 0, 0.0, False)]
    for _ in range(max_steps):
        if all(h.finished for h in beam):
            break
        candidates = []
        for h in beam:
            if h.finished:  # a finished sentence competes as it is
                candidates.append(h)
                continue
            for word, lp in next_log_probs(log_prob_fn, h.tokens).items():
                total, length = h.log_prob + lp, h.length + 1
                candidates.append(Hypothesis(h.tokens + (word,), total, length,
                                             total / length**length_penalty, word == eos))
        candidates.sort(key=rank)  # best score first, ties alphabetically
        beam = candidates[:beam_width]
    return beam


@validate(**SEARCH_RULES)
def greedy(log_prob_fn: Callable, start, max_steps: int, eos: str | None = None) -> Hypothesis:
    """Greedy decoding: add the single most likely token, ``max_steps`` times or until ``eos``.

    Ties go to the alphabetically first token (as in :func:`beam_search`). The returned
    hypothesis has ``score == log_prob`` (nats).

    >>> table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    >>> h = greedy(lambda tokens: table[tokens[-1]], ["x"], 2)
    >>> h.tokens, round(h.log_prob, 2)
    (('x', 'bad', 'end'), -2.1)
    """
    tokens, total = start, 0.0
    for _ in range(max_steps):
        dist = next_log_probs(log_prob_fn, tokens)
        word = min(dist, key=lambda w: (-dist[w], w))
        tokens, total = tokens + (word,), total + dist[word]
        if word == eos:
            break
    return Hypothesis(tokens, total, len(tokens) - len(start), total, tokens[-1] == eos)


@validate(**SEARCH_RULES, length_penalty=Float(min=0, max=10), max_hypotheses=Int(min=1))
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
    if max_steps > min(max_hypotheses, 500):  # one path alone expands max_steps times (recursively)
        raise ValueError(f"max_steps={max_steps} is too deep for exhaustive_search (at most "
                         f"{min(max_hypotheses, 500)}): use beam_search")
    done: list[Hypothesis] = []
    expanded = 0

    def extend(tokens, total, length):  # depth-first over every continuation
        nonlocal expanded
        dist = next_log_probs(log_prob_fn, tokens)
        expanded += len(dist)
        if expanded > max_hypotheses:
            raise ValueError(f"max_steps={max_steps} makes more than max_hypotheses="
                             f"{max_hypotheses} sequences: use beam_search, or fewer steps")
        for word, lp in dist.items():
            if word == eos or length + 1 == max_steps:
                score = (total + lp) / (length + 1) ** length_penalty
                done.append(Hypothesis(tokens + (word,), total + lp, length + 1, score, word == eos))
            else:
                extend(tokens + (word,), total + lp, length + 1)

    extend(start, 0.0, 0)
    return sorted(done, key=rank)


def ngram_log_prob_fn(model: NGramModel) -> Callable:
    """Wrap a fitted n-gram model as ``log_prob_fn(tokens) -> {word: log P(word | context)}``.

    The context is the last ``n - 1`` tokens (pad ``start`` with ``<s>``). Log-probabilities
    are natural logs (nats); words of probability 0 are left out. (:func:`lmcore.beam_fast.
    ngram_log_prob_fn` gives the same dicts, cached per context.)

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

    def log_prob_fn(tokens) -> dict[str, float]:
        tokens = tuple(tokens)
        if len(tokens) < n - 1:
            raise ValueError(f"tokens must hold at least n - 1 = {n - 1} tokens (pad with <s>), "
                             f"got {list(tokens)}")
        p = model.probabilities(tokens[len(tokens) - (n - 1):] if n > 1 else ())  # (V,)
        keep = np.flatnonzero(p > 0)
        lps = np.minimum(np.log(p[keep]), 0.0)  # (K,) a rounding error could give log 1 > 0
        return dict(zip([model.vocab[i] for i in keep], lps.tolist()))

    return log_prob_fn


@validate(log_prob_fn=Function(), m=Int(min=1))
def top_choices(log_prob_fn: Callable, m: int) -> Callable:
    """Restrict a model to its ``m`` most likely next tokens, renormalised (a tiny search space).

    With ``m`` choices per step there are at most ``m ** T`` sentences of ``T`` tokens, so
    :func:`exhaustive_search` becomes possible. Ties keep the alphabetically first tokens.

    >>> fn = top_choices(lambda tokens: {"a": math.log(0.5), "b": math.log(0.3),
    ...                                  "c": math.log(0.2)}, 2)
    >>> {w: round(math.exp(lp), 3) for w, lp in fn(("x",)).items()}
    {'a': 0.625, 'b': 0.375}
    """

    def restricted(tokens) -> dict[str, float]:
        dist = next_log_probs(log_prob_fn, tuple(tokens))
        best = heapq.nsmallest(m, dist, key=lambda w: (-dist[w], w))
        kept = np.array([dist[w] for w in best])  # (m,)
        log_total = kept.max() + math.log(np.exp(kept - kept.max()).sum())  # log-sum-exp
        return {w: float(lp - log_total) for w, lp in zip(best, kept)}

    return restricted
