"""Two conventions for finished sentences in beam search, and the GNMT length penalty.

:func:`lmcore.beam.beam_search` lets a finished sentence (one that ended with ``eos``) keep
its place in the beam and compete with the unfinished ones: a short finished sentence can
then crowd out every longer candidate. Most libraries (Hugging Face ``generate``, fairseq)
do otherwise: a finished sentence is **set aside** in a separate list, the beam is refilled
with ``beam_width`` unfinished hypotheses, and the search stops when the best finished
sentence can no longer be beaten. :func:`beam_search_set_aside` is that second convention;
:func:`beam_search_with` runs either one, so a notebook can compare them on one model.

Two ways to rank sentences of different lengths (``log P`` in nats, ``|Y|`` tokens added):

- ``"power"``: ``log P / |Y| ** alpha`` (``alpha = 1`` is the mean per token);
- ``"gnmt"``: ``log P / lp(Y)`` with ``lp(Y) = (5 + |Y|) ** alpha / 6 ** alpha``
  (Wu et al. 2016, Google's NMT system), which changes less between short lengths.

>>> float(gnmt_length_penalty(1, 0.6)), float(gnmt_length_penalty(10, 1.0))
(1.0, 2.5)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lmcore.beam import SEARCH_RULES, Hypothesis, rank
from lmcore.beam_fast import beam_search, best_children, next_arrays
from lmcore.validation import Array, Choice, Custom, Float, Int, Str, validate

PENALTIES = ("power", "gnmt")


def _lengths(name, length) -> np.ndarray:
    length = np.asarray(length)
    if length.dtype.kind not in "iu" or length.size == 0 or np.any(length < 1):
        raise ValueError(f"{name} must hold integers >= 1, got {length!r}")
    return length


_LENGTHS = Custom(_lengths)  # an int or an array of ints, each >= 1


@validate(length=_LENGTHS, alpha=Float(min=0, max=10))
def gnmt_length_penalty(length, alpha: float):
    """The GNMT length penalty ``(5 + length) ** alpha / 6 ** alpha`` (Wu et al. 2016).

    Dividing ``log P`` (nats) by it favours longer sentences as ``alpha`` grows; it is 1 for
    one token and for ``alpha = 0``. ``length``: an int or a numpy array of ints >= 1.
    """
    return ((5.0 + length) / 6.0) ** alpha  # the ratio first: 15**alpha alone can overflow


def _normalised(log_prob, length, alpha: float, penalty: str):
    """:func:`length_normalised` without its checks (the searches' inner loop)."""
    if alpha == 0:
        return log_prob
    if penalty == "gnmt":
        return log_prob / ((5.0 + np.asarray(length)) / 6.0) ** alpha
    return log_prob / np.asarray(length).astype(float) ** alpha


@validate(penalty=Choice(*PENALTIES), alpha=Float(min=0, max=10),
          log_prob=Array(neg_inf=True), length=_LENGTHS)
def length_normalised(log_prob, length, alpha: float, penalty: str = "power"):
    """Rank score of a sentence: ``log_prob / |Y| ** alpha`` or ``log_prob / lp_GNMT(|Y|)``.

    >>> float(length_normalised(-6.0, 4, 1.0)), float(length_normalised(-6.0, 7, 1.0, "gnmt"))
    (-1.5, -3.0)
    """
    return _normalised(log_prob, length, alpha, penalty)


def _children(log_prob_fn, h: Hypothesis, alpha: float, penalty: str, keep: int,
              eos: str) -> list[Hypothesis]:
    """The children of ``h`` that can matter: its ``keep`` best (ties included) and its ``eos``."""
    words, lps = next_arrays(log_prob_fn, h.tokens)
    totals = h.log_prob + lps  # (V,) nats
    scores = _normalised(totals, h.length + 1, alpha, penalty)  # (V,)
    chosen = best_children(scores, keep)
    if eos in words:  # the eos child always matters: it may enter the finished list
        chosen = np.union1d(chosen, [words.index(eos)])
    return [Hypothesis(h.tokens + (words[i],), float(totals[i]), h.length + 1,
                       float(scores[i]), False) for i in chosen.tolist()]


@validate(**(SEARCH_RULES | {"eos": Str()}), beam_width=Int(min=1),
          length_penalty=Float(min=0, max=10), penalty=Choice(*PENALTIES))
def beam_search_set_aside(log_prob_fn: Callable, start, beam_width: int, max_steps: int,
                          eos: str, length_penalty: float = 0.0, penalty: str = "power",
                          ) -> list[Hypothesis]:
    """Beam search that sets finished sentences aside, as Hugging Face and fairseq do.

    At every step each of the ``beam_width`` unfinished hypotheses is extended by every
    token; candidates ending with ``eos`` go to the finished list, and the best
    ``beam_width`` of the others form the next beam, so the beam never shrinks. The search
    stops after ``max_steps`` tokens, or earlier once ``beam_width`` sentences are finished
    and none in the beam can still beat the worst of them: with ``length_penalty = 0`` a
    hypothesis only loses probability as it grows. Unfinished hypotheses at ``max_steps``
    join the list (``finished=False``).

    Returns:
        Up to ``beam_width`` :class:`lmcore.beam.Hypothesis`, best score first (ties by tokens).

    >>> table = {"x": {"</s>": -0.5, "a": -1.0}, "a": {"</s>": -0.1, "a": -3.0}}
    >>> fn = lambda tokens: table[tokens[-1]]
    >>> [(h.tokens[1:], round(h.log_prob, 2)) for h in beam_search_set_aside(fn, ["x"], 1, 3, "</s>")]
    [(('</s>',), -0.5)]
    """
    beam = [Hypothesis(start, 0.0, 0, 0.0, False)]
    done: list[Hypothesis] = []
    for _ in range(max_steps):
        candidates = [c for h in beam
                      for c in _children(log_prob_fn, h, length_penalty, penalty, beam_width + 1, eos)]
        candidates.sort(key=rank)
        ended = [c._replace(finished=True) for c in candidates if c.tokens[-1] == eos]
        done = sorted(done + ended, key=rank)[:beam_width]
        beam = [c for c in candidates if c.tokens[-1] != eos][:beam_width]
        full = len(done) == beam_width
        if not beam or (full and length_penalty == 0
                        and beam[0].log_prob < done[-1].score):
            break  # nothing left in the beam can enter the finished list
    else:
        done = sorted(done + beam, key=rank)[:beam_width]
    return done


@validate(convention=Choice("compete", "set aside"))
def beam_search_with(convention: str, log_prob_fn: Callable, start, beam_width: int,
                     max_steps: int, eos: str, length_penalty: float = 0.0,
                     ) -> list[Hypothesis]:
    """Run beam search with ``convention`` ``"compete"`` (finished sentences keep their beam
    places, :func:`lmcore.beam.beam_search`, run by its fast twin :func:`lmcore.beam_fast.beam_search`)
    or ``"set aside"`` (:func:`beam_search_set_aside`)."""
    if convention == "compete":
        return beam_search(log_prob_fn, start, beam_width, max_steps, eos=eos,
                           length_penalty=length_penalty)
    return beam_search_set_aside(log_prob_fn, start, beam_width, max_steps, eos,
                                 length_penalty=length_penalty)
