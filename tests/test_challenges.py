"""lmcore.challenges, notebook 13's exercises, and the challenge numbers notebook 13 prints.

References: nltk's n-gram iterators, scipy's cosine distance, scipy.stats.permutation_test and
binomtest, statistics.stdev, NGramModel's own count tables and its dict-based ``prob``,
brute-force loops.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.util import ngrams as nltk_ngrams
from scipy.spatial.distance import cosine as cosine_distance
from threadpoolctl import threadpool_limits

from lmcore import challenges, corpus, exercises, ngram
from lmcore.embeddings import Embeddings
from lmcore.exercises import _core
from lmcore.lm_data import build_vocab
from lmcore.neural_lm import MLPLM
from lmcore.story_embeddings import story_embeddings

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "13_scaling_and_challenges.ipynb"

words = st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=0, max_size=8)


# ---------------------------------------------------------------------------- fluent nonsense
def nltk_novel_share(generated, training, n):
    seen = {g for s in training for g in nltk_ngrams(s, n)}
    grams = [g for s in generated for g in nltk_ngrams(s, n)]
    return sum(g not in seen for g in grams) / len(grams)


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=5), st.lists(words, min_size=1, max_size=5),
       st.integers(1, 4))
def test_novel_ngram_share_matches_nltk(generated, training, n):
    if not any(len(s) >= n for s in generated) or not any(training):
        return
    assert challenges.novel_ngram_share(generated, training, n) == pytest.approx(
        nltk_novel_share(generated, training, n))


def test_novel_ngram_share_by_hand_and_strings():
    assert challenges.novel_ngram_share(["a b c d"], ["a b c", "b c x"], 3) == 0.5
    assert challenges.novel_ngram_share([["a", "b"], ["a", "b"]], [["a", "b"]], 2) == 0.0
    assert challenges.novel_ngram_share([["x", "y"]], [["a"]], 1) == 1.0


def test_an_mle_model_never_emits_an_unseen_ngram_of_its_own_order():
    train = corpus.tokenized_sentences(corpus.load_stories())[:400]
    model = ngram.NGramModel(3).fit(train)
    rng = np.random.default_rng(0)
    samples = [model.generate(rng, max_words=20) for _ in range(30)]
    assert challenges.novel_ngram_share(samples, train, 3) == 0.0
    assert challenges.novel_ngram_share(samples, train, 2) == 0.0


# ---------------------------------------------------------------------------- bias
@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(3)
    names = ["x1", "x2", "x3", "y1", "y2", "y3", "a1", "a2", "b1", "b2"]
    return Embeddings(names, rng.normal(size=(len(names), 4)))


def test_association_matches_scipy_cosines(toy):
    expected = (np.mean([1 - cosine_distance(toy["x1"], toy[a]) for a in ("a1", "a2")])
                - np.mean([1 - cosine_distance(toy["x1"], toy[b]) for b in ("b1", "b2")]))
    assert challenges.association(toy, "x1", ["a1", "a2"], ["b1", "b2"]) == pytest.approx(expected)


def test_association_test_matches_scipy_permutation_test(toy):
    X, Y, A, B = ["x1", "x2", "x3"], ["y1", "y2", "y3"], ["a1", "a2"], ["b1", "b2"]
    result = challenges.association_test(toy, X, Y, A, B)
    s = {w: challenges.association(toy, w, A, B) for w in X + Y}
    assert result.scores == pytest.approx(s)
    assert result.statistic == pytest.approx(sum(s[x] for x in X) - sum(s[y] for y in Y))
    d = (statistics.mean(s[x] for x in X) - statistics.mean(s[y] for y in Y)) / statistics.stdev(s.values())
    assert result.effect_size == pytest.approx(d)
    ref = scipy.stats.permutation_test(([s[x] for x in X], [s[y] for y in Y]),
                                       lambda a, b: np.sum(a) - np.sum(b), permutation_type="independent",
                                       alternative="greater", n_resamples=np.inf)
    assert result.p_value == pytest.approx(ref.pvalue)
    assert result.n_splits == math.comb(6, 3) == 20


def test_sentences_with_both_by_brute_force():
    sentences = corpus.tokenized_sentences(corpus.load_stories())[:800]
    for word in ("bread", "horse", "the"):
        expected = sum(1 for s in sentences if word in s and any(w in s for w in ("he", "his")))
        assert challenges.sentences_with_both(sentences, word, ["he", "his"]) == expected


# ---------------------------------------------------------------------------- common sense
def test_pair_preferences_match_prob_token_by_token():
    train = corpus.tokenized_sentences(corpus.load_stories())[:600]
    model = ngram.NGramModel(3, smoothing="kneser-ney").fit(train)
    pairs = [("the cat sat", "sat the cat"), ("the king", "king the")]

    def log_prob(sentence):
        s = sentence.split()
        padded = ["<s>", "<s>"] + s + ["</s>"]
        return sum(math.log2(model.prob(padded[i], padded[i - 2:i])) for i in range(2, len(padded)))

    expected = [log_prob(a) - log_prob(b) for a, b in pairs]
    np.testing.assert_allclose(challenges.pair_preferences(model, pairs), expected, rtol=1e-10)
    # a unigram model cannot tell a sentence from a reordering of its words
    unigram = ngram.NGramModel(1, smoothing="kneser-ney").fit(train)
    np.testing.assert_allclose(challenges.pair_preferences(unigram, pairs), 0.0, atol=1e-9)


# ---------------------------------------------------------------------------- cost, counts
@pytest.mark.parametrize("n", [1, 2, 4])
def test_table_entries_count_distinct_padded_ngrams(n):
    train = corpus.tokenized_sentences(corpus.load_stories())[:500]
    # by brute force with nltk's padding: every m-gram an order-n model stores, m = 1..n
    for m in range(1, n + 1):
        grams = {g for s in train for g in nltk_ngrams(["<s>"] * (n - 1) + s + ["</s>"], m)
                 if g[-1] != "<s>"}
        assert challenges.ngram_table_entries(train, n)[m - 1] == len(grams)


def test_next_word_counts_give_the_mle_trigram():
    train = corpus.tokenized_sentences(corpus.load_stories())[:700]
    model = ngram.NGramModel(3).fit(train)
    counts = challenges.next_word_counts(train, ["on", "the"])
    total = sum(counts.values())
    for word, c in counts.items():
        assert model.prob(word, ["on", "the"]) == pytest.approx(c / total)
    start = challenges.next_word_counts(train, "<s> <s>")
    assert sum(start.values()) == len(train) and start == Counter(s[0] for s in train)


@pytest.mark.parametrize("call, name", [
    (lambda: challenges.novel_ngram_share("a b", [["a"]], 2), "generated"),
    (lambda: challenges.novel_ngram_share([["a"]], [["a"]], 0), "n"),
    (lambda: challenges.novel_ngram_share([["a"]], [["a"]], 2), "generated"),
    (lambda: challenges.association("emb", "a", ["a"], ["b"]), "embeddings"),
    (lambda: challenges.association(Embeddings(["a"], [[1.0]]), "a", ["zz"], ["a"]), "group_a"),
    (lambda: challenges.association_test(Embeddings(["a", "b"], [[1.0], [2.0]]), ["a"], ["a"], ["b"], ["b"]),
     "distinct"),
    (lambda: challenges.association_test(Embeddings(["a", "b", "c"], [[1.0], [2.0], [3.0]]), ["a"], ["b"],
                                         ["c"], ["c"], max_splits=1), "max_splits"),
    (lambda: challenges.sentences_with_both([["a"]], 3, ["a"]), "word"),
    (lambda: challenges.pair_preferences(ngram.NGramModel(1).fit([["a"]]), [("a",)]), "pairs"),
    (lambda: challenges.sentence_log_prob("model", "a"), "model"),
    (lambda: challenges.ngram_table_entries([["a"]], 0), "n"),
    (lambda: challenges.next_word_counts([["a"]], 3), "context"),
])
def test_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# ---------------------------------------------------------------------------- exercises
def test_exercise_references_by_hand():
    ex = _core._REGISTRY
    assert ex["tokens_to_reach"].reference(2.0, 5.0, 0.5, 2.5) == pytest.approx(100.0)  # (5 / 0.5) ** 2
    assert ex["tokens_to_reach"].reference(2.0, 5.0, 0.5, 1.9) == math.inf
    assert ex["association_score"].reference([1.0, 0.0], [[1.0, 0.0]], [[0.0, 1.0]]) == pytest.approx(1.0)
    # cos([1, 1], [2, 0]) = cos([1, 1], [0, 3]) = 1 / sqrt(2); cos([1, 1], [-1, 0]) = -1 / sqrt(2)
    assert ex["association_score"].reference([1.0, 1.0], [[2.0, 0.0], [0.0, 3.0]], [[-1.0, 0.0]]) == \
        pytest.approx(math.sqrt(2))
    assert ex["novel_ngram_share"].reference([["a", "b", "c", "d"]], [["a", "b", "c"], ["b", "c", "x"]],
                                             3) == 0.5


def test_wrong_exercise_answers_fail():
    assert not exercises.passes("tokens_to_reach", lambda E, A, alpha, t: (A / (t - E)) ** alpha)
    assert not exercises.passes("novel_ngram_share", lambda g, t, n: 0.0)
    assert not exercises.passes("association_score", lambda w, a, b: 0.0)


# ---------------------------------------------------------------------------- notebook 13's numbers
def notebook_text() -> str:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return "\n".join(o.text for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                     if o.output_type == "stream")


def row(text: str, label: str, after: str = "") -> list[str]:
    """The whitespace-separated cells of the first line starting with ``label`` (after ``after``)."""
    line = next(line for line in text[text.index(after):].splitlines() if line.startswith(label))
    return line[len(label):].split()


@pytest.fixture(scope="module")
def text():
    return notebook_text()


@pytest.fixture(scope="module")
def split():
    sentences = corpus.tokenized_sentences(corpus.load_stories())
    train_text, _, test_text = corpus.split_stories(corpus.load_stories(), seed=0)  # held out by story
    return sentences, corpus.tokenized_sentences(train_text), corpus.tokenized_sentences(test_text)


def test_notebook_novelty_table(text, split):
    _, train, test = split
    train_text = {" ".join(s) for s in train}
    for n in (2, 3, 4, 5):
        model = ngram.NGramModel(n).fit(train)
        rng = np.random.default_rng(7)
        samples = [model.generate(rng, max_words=25).split() for _ in range(50)]
        novel = 100 * nltk_novel_share(samples, train, 4)
        copied = 100 * sum(" ".join(s) in train_text for s in samples) / len(samples)
        assert [float(x) for x in row(text, f"{n}  ", after="4-grams never seen")] == pytest.approx(
            [novel, copied], abs=0.051)
    assert f"{100 * nltk_novel_share(test, train, 4):.1f}% of their 4-grams are new" in text


def test_notebook_bias_numbers(text, split):
    sentences, _, _ = split
    male = ["he", "his", "man", "boy", "king", "prince", "father"]
    female = ["she", "her", "woman", "girl", "queen", "princess", "mother"]
    X = ["bread", "flour", "kitchen", "oven", "dough", "baked"]
    Y = ["horse", "boat", "rode", "knight", "soldier", "ship"]
    with threadpool_limits(limits=1):
        emb = story_embeddings()
    for w in X + Y:
        s = (np.mean([1 - cosine_distance(emb[w], emb[a]) for a in male])
             - np.mean([1 - cosine_distance(emb[w], emb[b]) for b in female]))
        with_male = sum(1 for t in sentences if w in t and any(m in t for m in male))
        with_female = sum(1 for t in sentences if w in t and any(f in t for f in female))
        cells = row(text, f"{w} ", after="association (male - female)")
        assert [float(cells[0]), int(cells[1]), int(cells[2])] == pytest.approx([s, with_male, with_female],
                                                                               abs=6e-4)
    for dim, label in ((50, "effect size d ="), (20, "the same test with 20 dimensions: d ="),
                       (100, "the same test with 100 dimensions: d =")):
        e = story_embeddings(dim=dim)
        scores = [np.mean([1 - cosine_distance(e[w], e[a]) for a in male])
                  - np.mean([1 - cosine_distance(e[w], e[b]) for b in female]) for w in X + Y]
        d = (statistics.mean(scores[:6]) - statistics.mean(scores[6:])) / statistics.stdev(scores)
        p = scipy.stats.permutation_test((scores[:6], scores[6:]), lambda a, b: np.sum(a) - np.sum(b),
                                         permutation_type="independent", alternative="greater",
                                         n_resamples=np.inf).pvalue
        cells = row(text, label)
        assert float(cells[0].rstrip(",")) == pytest.approx(d, abs=0.006)
        assert float(cells[-1] if dim != 50 else cells[4]) == pytest.approx(p, abs=6e-4)


def test_notebook_common_sense_pairs(text, split):
    _, train, _ = split
    trigram = ngram.NGramModel(3, smoothing="kneser-ney").fit(train)

    def log_prob(sentence):
        padded = ["<s>", "<s>"] + sentence.split() + ["</s>"]
        return sum(math.log2(trigram.prob(padded[i], padded[i - 2:i])) for i in range(2, len(padded)))

    pairs = [("the cat sat on the mat", "the mat sat on the cat"),
             ("the baker baked the bread", "the bread baked the baker"),
             ("the king wore a crown", "the crown wore a king"),
             ("the boy rode a horse", "the horse rode a boy"),
             ("the fisherman caught a fish", "the fish caught a fisherman"),
             ("the queen ate the bread", "the bread ate the queen"),
             ("the dog chased the ball", "the ball chased the dog"),
             ("the ship sailed across the sea", "the sea sailed across the ship")]
    prefs = [log_prob(a) - log_prob(b) for a, b in pairs]
    for (sensible, _), p in zip(pairs, prefs):
        cells = row(text, sensible + " ")
        assert [float(c) for c in cells] == pytest.approx([0.0, p], abs=0.006)
    wins = sum(p > 0 for p in prefs)
    chance = scipy.stats.binomtest(wins, len(pairs), 0.5, alternative="greater").pvalue
    assert f"in {wins} of 8 pairs; a coin would do at least as well with probability {chance:.3f}" in text


def test_notebook_cost_table(text, split):
    _, train, test = split
    for n in range(1, 7):
        grams = [{g for s in train for g in nltk_ngrams(["<s>"] * 5 + s + ["</s>"], m) if g[-1] != "<s>"}
                 for m in range(1, n + 1)]
        stored = sum(len(g) for g in grams)
        bits = ngram.NGramModel(n, smoothing="kneser-ney").fit(train).cross_entropy(test)
        cells = [float(c) for c in row(text, f"{n}  ", after="distinct n-grams")]
        assert cells == pytest.approx([len(grams[-1]), stored, 16 * stored / 1e6, bits], abs=6e-4)
    V, n, d, H = len(build_vocab([list(" ".join(s)) for s in train])), 5, 8, 64
    weights = (V + 1) * d + n * d * H + H + H * V + V
    assert weights == MLPLM(V, n, d, H, rng=np.random.default_rng(0)).n_params
    assert f"the letter MLP above has {weights:,} weights" in text


def test_notebook_interpretability_counts(text, split):
    _, train, _ = split
    following = Counter(s[i + 2] if i + 2 < len(s) else "</s>"
                        for s in train for i in range(len(s) - 1) if s[i:i + 2] == ["on", "the"])
    total = sum(following.values())
    assert (f"'on the' is followed {total} times in the training sentences, by {len(following)} "
            "different words") in text
    model = ngram.NGramModel(3).fit(train)
    for word, c in sorted(following.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
        cells = row(text, f"{word} ", after="P = count / total")
        assert cells[0] == str(c) and cells[1:4] == [str(c), "/", str(total)]
        assert float(cells[4]) == pytest.approx(model.prob(word, ["on", "the"]), abs=6e-4)
        assert float(cells[4]) == pytest.approx(c / total, abs=6e-4)
