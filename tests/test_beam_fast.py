"""lmcore.beam_fast returns exactly the beams of lmcore.beam (tokens, log-probs, order, ties).

The plain search is the reference of the property tests; the independent reference is the
brute-force enumeration of every sequence (itertools.product) of tests/test_beam.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_beam import brute_force  # every sequence, scored by hand

from lmcore import beam, beam_fast, ngram

EOS = "</s>"


@st.composite
def tables(draw, max_vocab=4):
    """A random bigram table of log-probabilities; small integer weights make many ties."""
    size = draw(st.integers(1, max_vocab))
    words = [chr(ord("a") + i) for i in range(size)] + [EOS]
    table = {}
    for context in ["<s>"] + words:
        weights = draw(st.lists(st.integers(0, 3), min_size=len(words), max_size=len(words)))
        if sum(weights) == 0:
            weights[-1] = 1
        order = draw(st.permutations(range(len(words))))  # dict order must not matter
        table[context] = {words[i]: (math.log(weights[i] / sum(weights)) if weights[i]
                                     else -math.inf) for i in order}
    return table


def fn_of(table):
    return lambda tokens: table[tokens[-1]]


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(1, 5), st.integers(1, 6), st.sampled_from([0.0, 0.5, 1.0, 2.0]),
       st.booleans())
def test_fast_beam_is_the_plain_beam(table, width, steps, alpha, use_eos):
    fn = fn_of(table)
    eos = EOS if use_eos else None
    plain = beam.beam_search(fn, ["<s>"], width, steps, eos=eos, length_penalty=alpha)
    fast = beam_fast.beam_search(fn, ["<s>"], width, steps, eos=eos, length_penalty=alpha)
    assert fast == plain  # same tokens, bit-equal log-probs and scores, same order
    assert [type(h.log_prob) for h in fast] == [float] * len(fast)


@settings(max_examples=40, deadline=None)
@given(tables(max_vocab=3), st.integers(1, 3), st.sampled_from([0.0, 1.0]))
def test_a_beam_that_covers_everything_finds_the_brute_force_optimum(table, steps, alpha):
    width = 4 ** steps  # at least V ** steps: nothing is pruned
    want_tokens, (_, want_score) = brute_force(table, ("<s>",), steps, EOS, alpha)[0]
    for search in (beam.beam_search, beam_fast.beam_search):
        best = search(fn_of(table), ["<s>"], width, steps, eos=EOS, length_penalty=alpha)[0]
        assert best.tokens == want_tokens
        assert best.score == pytest.approx(want_score, abs=1e-12)


@pytest.fixture(scope="module")
def small_trigram():
    rng = np.random.default_rng(0)
    words = ["the", "cat", "dog", "sat", "ran", "on", "mat"]
    sentences = [list(rng.choice(words, size=rng.integers(2, 7))) for _ in range(60)]
    return ngram.NGramModel(3, smoothing="kneser-ney").fit(sentences)


@pytest.mark.parametrize("width,alpha", [(1, 0.0), (3, 0.0), (5, 1.0), (12, 0.5)])
def test_fast_ngram_function_gives_the_same_beams(small_trigram, width, alpha):
    plain_fn = beam.ngram_log_prob_fn(small_trigram)
    fast_fn = beam_fast.ngram_log_prob_fn(small_trigram)
    for start in (["<s>", "<s>"], ["<s>", "the"], ["<s>", "the", "cat"]):
        want = beam.beam_search(plain_fn, start, width, 8, eos=EOS, length_penalty=alpha)
        assert beam_fast.beam_search(fast_fn, start, width, 8, eos=EOS, length_penalty=alpha) == want
        assert beam.beam_search(fast_fn, start, width, 8, eos=EOS, length_penalty=alpha) == want


def test_fast_ngram_function_is_the_models_and_cached(small_trigram):
    fn = beam_fast.ngram_log_prob_fn(small_trigram)
    dist = fn(("<s>", "the", "cat"))
    for word in ["sat", "ran", EOS]:
        assert dist[word] == pytest.approx(math.log(small_trigram.prob(word, ["the", "cat"])))
    assert fn(("x", "the", "cat")) is dist  # cached per context
    with pytest.raises(TypeError):
        dist["sat"] = 0.0  # read-only: the cache cannot be corrupted
    words, lps = fn.arrays(("the", "cat"))
    assert dict(zip(words, lps.tolist())) == dict(dist)
    with pytest.raises(ValueError, match="tokens"):
        fn(("cat",))
    with pytest.raises(TypeError, match="model"):
        beam_fast.ngram_log_prob_fn("a model")


def test_fast_search_checks_its_arguments_and_the_model():
    fn = fn_of({"x": {"x": -0.1, EOS: math.log(1 - math.exp(-0.1))}})
    with pytest.raises(ValueError, match="beam_width"):
        beam_fast.beam_search(fn, ["x"], 0, 3)
    with pytest.raises(ValueError, match="start"):
        beam_fast.beam_search(fn, [], 2, 3)
    with pytest.raises(ValueError, match="log_prob_fn"):
        beam_fast.beam_search(fn_of({"x": {"x": 0.7, "y": 0.3}}), ["x"], 2, 2)


def test_best_children_keeps_ties_at_the_cut():
    scores = np.array([-1.0, -2.0, -2.0, -3.0, -0.5])
    assert beam_fast.best_children(scores, 2).tolist() == [0, 4]
    assert beam_fast.best_children(scores, 3).tolist() == [0, 1, 2, 4]
    assert beam_fast.best_children(scores, 9).tolist() == [0, 1, 2, 3, 4]
