"""The readable Kneser-Ney (lmcore.kneser_ney) against lmcore.ngram_fast.NGramModel, a hand
computation and nltk."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lmcore.kneser_ney import KneserNey, kneser_ney_counts, kneser_ney_probability
from lmcore.ngram_fast import NGramModel


def random_sentences(rng, n_sentences=30, alphabet="abcde"):
    return [[alphabet[i] for i in rng.integers(0, len(alphabet), size=int(rng.integers(1, 7)))]
            for _ in range(n_sentences)]


def test_hand_computed_bigram():
    # bigrams: <s> a (x2), a b, b </s>, a c, c </s>; V = 5 (</s>, <unk>, a, b, c)
    # continuation counts: a 1 (<s>), b 1 (a), c 1 (a), </s> 2 (b, c); total 5, 4 types
    model = KneserNey(2, discount=0.5).fit([["a", "b"], ["a", "c"]])
    p1_b = (1 - 0.5) / 5 + 0.5 * 4 / 5 * (1 / 5)
    assert model.prob("b", ["a"]) == pytest.approx((1 - 0.5) / 2 + 0.5 * 2 / 2 * p1_b)
    # an unseen context keeps the unigram estimate; an unknown word gets only the uniform share
    assert model.prob("b", ["zzz"]) == pytest.approx(p1_b)
    assert model.prob("never", ["a"]) == pytest.approx(0.5 * 2 / 2 * (0.5 * 4 / 5 / 5))
    assert model.lambdas(["a"]) == pytest.approx({1: 0.5 * 4 / 5, 2: 0.5})


@pytest.mark.parametrize("seed", range(6))
def test_equals_ngram_model_on_random_inputs(seed):
    rng = np.random.default_rng(seed)
    sentences = random_sentences(rng)
    n = int(rng.integers(1, 5))
    d = float(rng.uniform(0.05, 0.95))
    readable = KneserNey(n, discount=d).fit(sentences)
    fast = NGramModel(n, smoothing="kneser-ney", discount=d).fit(sentences)
    assert readable.vocab == fast.vocab
    choices = ["<s>", "a", "b", "c", "d", "e", "zz"]
    for _ in range(20):
        context = [choices[i] for i in rng.integers(0, len(choices), size=n - 1)]
        p = fast.probabilities(context)
        mine = np.array([readable.prob(w, context) for w in readable.vocab])
        np.testing.assert_allclose(mine, p, rtol=1e-12, atol=1e-15)
        assert math.isclose(mine.sum(), 1.0, rel_tol=1e-12)
        assert readable.prob("unseen", context) == pytest.approx(fast.prob("unseen", context))


def test_agrees_with_nltk_above_the_unigram_level():
    """nltk's KneserNeyInterpolated stops at the continuation unigram (P = N1+(. w) / N1+(. .),
    zero for unseen words); lmcore also interpolates that level with the uniform 1 / V. So the
    two differ by exactly prod(lambdas of the higher orders) * (P1_lmcore(w) - P1_nltk(w))."""
    nltk_lm = pytest.importorskip("nltk.lm")
    rng = np.random.default_rng(3)
    sentences = random_sentences(rng, n_sentences=25, alphabet="abcd")
    n, d = 3, 0.6
    ours = KneserNey(n, discount=d).fit(sentences)
    windows = []
    for s in sentences:
        padded = ["<s>"] * (n - 1) + s + ["</s>"]
        windows += [tuple(padded[i - n + 1:i + 1]) for i in range(n - 1, len(padded))]
    suffixes = [w[j:] for w in windows for j in range(n)]  # every order's n-grams
    theirs = nltk_lm.KneserNeyInterpolated(n, discount=d)
    theirs.fit([suffixes], ["<s>", "</s>", *"abcd"])
    total_cont = sum(ours.counts[1][()].values())
    checked = 0
    for context in [("<s>", "<s>"), ("<s>", "a"), ("a", "b"), ("c", "c"), ("d", "a"), ("b", "zz")]:
        lambdas = ours.lambdas(context)
        weight = lambdas[2] * lambdas[3]
        for word in ["a", "b", "c", "d", "</s>"]:
            p1_nltk = theirs.estimator.unigram_score(word)
            assert p1_nltk == pytest.approx(ours.counts[1][()].get(word, 0) / total_cont)
            p1_ours = ours.prob(word, ()) if n == 1 else kneser_ney_probability(
                word, (), {1: ours.counts[1]}, d, len(ours.vocab))
            expected = theirs.unmasked_score(word, context) + weight * (p1_ours - p1_nltk)
            assert ours.prob(word, context) == pytest.approx(expected, rel=1e-12)
            checked += 1
    assert checked == 30


@pytest.mark.parametrize("kwargs, error", [
    ({"n": 0}, ValueError), ({"n": 2, "discount": 1.0}, ValueError),
    ({"n": 2, "discount": "x"}, TypeError), ({"n": 1.5}, TypeError)])
def test_bad_arguments_name_themselves(kwargs, error):
    name = [k for k in kwargs if k != "n"] or ["n"]
    with pytest.raises(error, match=name[-1]):
        KneserNey(**kwargs)


def test_prob_checks_its_input():
    model = KneserNey(2).fit([["a", "b"]])
    with pytest.raises(ValueError, match="context"):
        model.prob("a", ["a", "b"])
    with pytest.raises(TypeError, match="word"):
        model.prob(3, ["a"])
    with pytest.raises(ValueError, match="not fitted"):
        KneserNey(2).prob("a", ["a"])


def test_probability_function_checks_its_input():
    from collections import Counter

    counts = {1: {(): Counter({"a": 2})}, 2: {("a",): Counter({"a": 1})}}
    assert kneser_ney_probability("a", ("a",), counts, 0.5, 3) > 0
    with pytest.raises(ValueError, match="discount"):
        kneser_ney_probability("a", ("a",), counts, float("nan"), 3)
    with pytest.raises(ValueError, match="vocab_size"):
        kneser_ney_probability("a", ("a",), counts, 0.5, 0)
    with pytest.raises(TypeError, match="word"):
        kneser_ney_probability(None, ("a",), counts, 0.5, 3)
    with pytest.raises(ValueError, match="counts"):
        kneser_ney_probability("a", ("a",), {2: {}}, 0.5, 3)
    with pytest.raises(ValueError, match="context"):
        kneser_ney_probability("a", (), counts, 0.5, 3)


def test_counts_are_raw_at_the_top_order_and_continuations_below():
    """Brute force: the distinct words seen right before each shorter n-gram, by hand."""
    sentences = [["a", "b", "a"], ["b", "a"]]
    counts = kneser_ney_counts(sentences, 3)
    # padded: <s> <s> a b a </s>, <s> <s> b a </s>; trigrams (context -> word)
    assert counts[3] == {("<s>", "<s>"): {"a": 1, "b": 1}, ("<s>", "a"): {"b": 1},
                         ("a", "b"): {"a": 1}, ("b", "a"): {"</s>": 2}, ("<s>", "b"): {"a": 1}}
    # bigram (b, a) follows a and <s>: 2; (a, </s>) follows only b: 1 (twice, counted once)
    assert counts[2][("b",)] == {"a": 2} and counts[2][("a",)] == {"b": 1, "</s>": 1}
    assert counts[1][()] == {"a": 2, "b": 2, "</s>": 1}
