"""Smoothing in lmcore.ngram and lmcore.ngram_fast (add-k, interpolated Kneser-Ney), perplexity,
notebook 03's numbers (computed, like the notebook, with the fast model).

References: nltk.lm.Lidstone and nltk.lm.Laplace on the same data; a textbook Kneser-Ney,
add-k and MLE written here with Counters of tuples (Chen and Goodman, 1998; Jurafsky and
Martin, ch. 3); numbers worked out by hand.
"""

import math
from collections import Counter

import ipywidgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from lmcore import corpus, exercises, information, ngram, ngram_fast
from lmcore.corpus import MarkovSource
from lmcore.plotting import close
from lmcore.plotting.information import add_k_figure, markov_perplexity_figure, perplexity_by_order_figure
from lmcore.widgets.information import add_k_panel

TOY = [["the", "cat", "sat"], ["the", "dog", "sat", "on", "the", "mat"], ["a", "cat", "ran"]]
MODELS = pytest.mark.parametrize("Model", [ngram.NGramModel, ngram_fast.NGramModel], ids=["plain", "fast"])
words_st = st.lists(st.sampled_from(["a", "b", "c", "the", "cat"]), min_size=1, max_size=12)


class Reference:
    """Textbook n-gram probabilities from Counters of (context tuple, word)."""

    def __init__(self, sentences, n):
        self.n = n
        self.vocab = {w for s in sentences for w in s} | {"</s>", "<unk>"}
        padded = [["<s>"] * (n - 1) + list(s) + ["</s>"] for s in sentences]
        ends = [(p, i) for p in padded for i in range(n - 1, len(p))]
        self.count = {n: Counter((tuple(p[i - n + 1:i]), p[i]) for p, i in ends)}
        for m in range(1, n):  # continuation counts: distinct words seen right before an m-gram
            distinct = {(tuple(p[i - m:i]), p[i]) for p, i in ends}  # distinct (m + 1)-grams
            self.count[m] = Counter((ctx[1:], w) for ctx, w in distinct)
        self.total = {m: Counter() for m in self.count}
        self.types = {m: Counter() for m in self.count}
        for m, table in self.count.items():
            for (ctx, _), c in table.items():
                self.total[m][ctx] += c
                self.types[m][ctx] += 1

    def prob(self, word, context, smoothing, k=1.0, d=0.75):
        word = word if word in self.vocab else "<unk>"
        context, n, V = tuple(context), self.n, len(self.vocab)
        c, t = self.count[n].get((context, word), 0), self.total[n].get(context, 0)
        if smoothing == "mle":
            return c / t if t else 0.0
        if smoothing == "add-k":
            return (c + k) / (t + k * V)
        p = 1 / V
        for m in range(1, n + 1):
            ctx = context[len(context) - (m - 1):] if m > 1 else ()
            t = self.total[m].get(ctx, 0)
            if t:
                c = self.count[m].get((ctx, word), 0)
                p = max(c - d, 0) / t + d * self.types[m][ctx] / t * p
        return p

    def token_probabilities(self, sentences, smoothing, k=1.0, d=0.75):
        n = self.n
        out = []
        for s in sentences:
            p = ["<s>"] * (n - 1) + list(s) + ["</s>"]
            out += [self.prob(p[i], p[i - n + 1:i], smoothing, k, d) for i in range(n - 1, len(p))]
        return out

    def perplexity(self, sentences, smoothing, k=1.0, d=0.75):
        probs = self.token_probabilities(sentences, smoothing, k, d)
        if min(probs) == 0:
            return math.inf
        return 2 ** (-sum(math.log2(q) for q in probs) / len(probs))


@pytest.fixture(scope="module")
def split():
    return corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, seed=0)


@pytest.fixture(scope="module")
def references(split):
    """One reference per order on notebook 03's full training set, built once."""
    return {n: Reference(split[0], n) for n in range(1, 6)}


# ---------------------------------------------------------------------------- add-k vs nltk
def nltk_model(cls, train, n, **kwargs):
    """nltk.lm on the same data: vocabulary = training words + '</s>' + the unknown label.

    nltk maps every token outside its vocabulary to <UNK>, the padding <s> included; padding
    on the left with '</s>' instead (in the vocabulary, never inside a context otherwise) keeps
    sentence starts apart from contexts that hold an unknown word.
    """
    from nltk.lm import Vocabulary
    from nltk.util import everygrams

    vocab = Vocabulary([w for s in train for w in s] + ["</s>"], unk_cutoff=1, unk_label="<unk>")
    model = cls(order=n, vocabulary=vocab, **kwargs)
    model.fit(list(everygrams(["</s>"] * (n - 1) + s + ["</s>"], max_len=n)) for s in train)
    return model


def nltk_ngrams(sentences, n):
    from nltk.util import ngrams

    return [g for s in sentences for g in ngrams(["</s>"] * (n - 1) + s + ["</s>"], n)]


@MODELS
@pytest.mark.parametrize("n, k", [(1, 0.01), (2, 0.01), (3, 0.01), (3, 0.5)])
def test_add_k_agrees_with_nltk_lidstone(Model, split, n, k):
    from nltk.lm import Lidstone

    train, test = split[0][:800], split[1]
    ours = Model(n, smoothing="add-k", k=k).fit(train)
    theirs = nltk_model(Lidstone, train, n, gamma=k)
    assert len(theirs.vocab) == len(ours.vocab)
    grams = nltk_ngrams(test, n)
    expected = [theirs.score(g[-1], list(g[:-1])) for g in grams]
    np.testing.assert_allclose(ours.token_probabilities(test), expected, rtol=1e-12)
    assert ours.perplexity(test) == pytest.approx(theirs.perplexity(grams), rel=1e-9)


@MODELS
@pytest.mark.parametrize("n", [1, 2])
def test_laplace_is_add_one_and_agrees_with_nltk(Model, split, n):
    from nltk.lm import Laplace

    train, test = split[0][:800], split[1][:200]
    ours = Model(n, smoothing="add-k", k=1.0).fit(train)
    theirs = nltk_model(Laplace, train, n)
    assert ours.perplexity(test) == pytest.approx(theirs.perplexity(nltk_ngrams(test, n)),
                                                  rel=1e-9)


# ---------------------------------------------------------------------------- Kneser-Ney
@MODELS
def test_kneser_ney_by_hand(Model):
    """Bigram, d = 0.5, on ['a b', 'a c', 'b c'] (padded: <s> a b </s>, <s> a c </s>, <s> b c </s>).

    V = {</s>, <unk>, a, b, c} = 5. Unigram continuation counts over the 8 distinct bigrams:
    a: 1 (<s>), b: 2 (a, <s>), c: 2 (a, b), </s>: 2 (b, c), total 7, 4 types.
    P1(b) = (2 - 0.5) / 7 + 0.5 * 4 / 7 * 1/5 = 1.5/7 + 0.4/7 = 1.9/7.
    After 'a' (count 2: b 1, c 1, 2 types): P(b | a) = 0.5/2 + 0.5 * 2/2 * 1.9/7.
    """
    model = Model(2, smoothing="kneser-ney", discount=0.5).fit(
        [["a", "b"], ["a", "c"], ["b", "c"]])
    p1_b = 1.9 / 7
    assert model.prob("b", ["a"]) == pytest.approx(0.25 + 0.5 * p1_b, rel=1e-12)
    # an unseen context backs off completely to the unigram level
    assert model.prob("b", ["zebra"]) == pytest.approx(p1_b, rel=1e-12)
    # <unk> gets only the uniform share: 0.5 * 4/7 * 1/5 at the unigram level
    assert model.prob("zebra", ["zebra"]) == pytest.approx(0.5 * 4 / 7 / 5, rel=1e-12)


@MODELS
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_kneser_ney_equals_the_textbook_reference(Model, split, n):
    train, test = split[0][:1500], split[1]
    ours = Model(n, smoothing="kneser-ney").fit(train)
    ref = Reference(train, n)
    np.testing.assert_allclose(ours.token_probabilities(test),
                               ref.token_probabilities(test, "kneser-ney"), rtol=1e-12)
    np.testing.assert_allclose(ours.token_probabilities(train[:100]),
                               ref.token_probabilities(train[:100], "kneser-ney"), rtol=1e-12)


@MODELS
@settings(max_examples=40, deadline=None)
@given(st.lists(words_st, min_size=1, max_size=5), st.integers(1, 4),
       st.sampled_from(["mle", "add-k", "kneser-ney"]), st.floats(0.05, 0.95))
def test_property_vectorised_and_readable_paths_agree_with_the_reference(Model, sentences, n,
                                                                        smoothing, d):
    model = Model(n, smoothing=smoothing, k=d, discount=d).fit(sentences)
    ref = Reference(sentences, n)
    held = sentences[:2] + [["zebra", "a"], ["cat", "zebra", "b"]]
    fast = model.token_probabilities(held)
    np.testing.assert_allclose(fast, ref.token_probabilities(held, smoothing, k=d, d=d),
                               rtol=1e-12, atol=1e-15)
    slow = [model.prob(w, c) for s in held
            for c, w in [(tuple((["<s>"] * (n - 1) + s + ["</s>"])[i - n + 1:i]),
                          (["<s>"] * (n - 1) + s + ["</s>"])[i])
                         for i in range(n - 1, len(s) + n)]]
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------- sums to one
@pytest.mark.parametrize("smoothing", ["add-k", "kneser-ney"])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_every_context_sums_to_one_including_unseen(split, smoothing, n):
    train = split[0][:600]
    model = ngram_fast.NGramModel(n, smoothing=smoothing, k=0.3).fit(train)
    rng = np.random.default_rng(n)
    seen = {tuple((["<s>"] * (n - 1) + s)[i:i + n - 1]) for s in train[:50] for i in range(len(s))}
    pool = list(model.vocab) + ["<s>", "zebra", "unicorn"]
    unseen = {tuple(rng.choice(pool, size=n - 1).tolist()) for _ in range(60)}
    for ctx in list(seen)[:60] + list(unseen):
        p = model.probabilities(list(ctx))
        assert p.shape == (len(model.vocab),) and p.min() > 0
        assert p.sum() == pytest.approx(1.0, abs=1e-12), ctx
    # and through the readable path, over the whole vocabulary, for a few contexts
    for ctx in list(unseen)[:3]:
        assert sum(model.prob(w, list(ctx)) for w in model.vocab) == pytest.approx(1.0, abs=1e-12)


@MODELS
@settings(max_examples=40, deadline=None)
@given(st.lists(words_st, min_size=1, max_size=5), st.integers(1, 4),
       st.sampled_from(["add-k", "kneser-ney"]),
       st.lists(st.sampled_from(["a", "b", "cat", "<s>", "zebra"]), min_size=4, max_size=4))
def test_property_any_context_sums_to_one(Model, sentences, n, smoothing, context):
    model = Model(n, smoothing=smoothing, k=0.7).fit(sentences)
    p = model.probabilities(context[:n - 1])
    assert p.min() > 0 and p.sum() == pytest.approx(1.0, abs=1e-12)


# ---------------------------------------------------------------------------- perplexity
def test_mle_is_infinite_on_unseen_text_and_smoothing_is_finite(split):
    train, test = split
    for n in (1, 2, 3):
        assert ngram_fast.NGramModel(n).fit(train).perplexity(test) == math.inf
        for smoothing in ("add-k", "kneser-ney"):
            pp = ngram_fast.NGramModel(n, smoothing=smoothing).fit(train).perplexity(test)
            assert math.isfinite(pp) and not math.isnan(pp) and pp > 1


@MODELS
def test_perplexity_uses_information_perplexity(Model, split):
    model = Model(2, smoothing="kneser-ney").fit(split[0][:300])
    probs = model.token_probabilities(split[1][:50])
    assert model.perplexity(split[1][:50]) == information.perplexity(probs)
    assert model.cross_entropy(split[1][:50]) == information.cross_entropy(probs)


@MODELS
def test_with_smoothing_equals_a_fresh_fit(Model, split):
    train, test = split[0][:500], split[1][:100]
    base = Model(3).fit(train)
    for smoothing, k, d in [("add-k", 0.2, 0.75), ("kneser-ney", 1.0, 0.4), ("mle", 1.0, 0.75)]:
        fresh = Model(3, smoothing=smoothing, k=k, discount=d).fit(train)
        shared = base.with_smoothing(smoothing, k=k, discount=d)
        assert shared.smoothing == smoothing and shared.vocab == fresh.vocab
        np.testing.assert_array_equal(shared.token_probabilities(test),
                                      fresh.token_probabilities(test))
        assert shared.prob("cat", ["the", "black"]) == fresh.prob("cat", ["the", "black"])
    with pytest.raises(ValueError, match="k"):
        base.with_smoothing("add-k", k=-1)
    with pytest.raises(ValueError, match="fit"):
        Model(2).with_smoothing("add-k")


@MODELS
def test_add_k_perplexities_equal_one_perplexity_per_k(Model, split):
    train, test = split[0][:500], split[1][:100]
    model = Model(2).fit(train)
    ks = [1e-3, 0.01, 0.5, 1.0, 7.0]
    ref = Reference(train, 2)
    expected = [ref.perplexity(test, "add-k", k=k) for k in ks]
    np.testing.assert_allclose(model.add_k_perplexities(test, ks), expected, rtol=1e-10)
    for bad in ([], [0.0], [-1.0], [np.nan], [[0.1]]):
        with pytest.raises(ValueError, match="ks"):
            model.add_k_perplexities(test, bad)


@pytest.mark.parametrize("make, exc, name", [
    (lambda: ngram.NGramModel(2, smoothing="add-k", k=-0.5), ValueError, "k"),
    (lambda: ngram.NGramModel(2, smoothing="kneser-ney", discount=0.0), ValueError, "discount"),
    (lambda: ngram.NGramModel(2).fit(TOY).perplexity([]), ValueError, "sentences"),
    (lambda: ngram.NGramModel(2).fit(TOY).perplexity("the cat"), TypeError, "sentences"),
    (lambda: ngram.NGramModel(2).fit(TOY).token_probabilities([["the", 1]]), TypeError,
     "sentences"),
    (lambda: ngram.NGramModel(2).perplexity(TOY), ValueError, "fit"),
])
def test_bad_input(make, exc, name):
    with pytest.raises(exc, match=name):
        make()


# ---------------------------------------------------------------------------- figures, panel
def test_order_and_markov_figures():
    fig = perplexity_by_order_figure([1, 2], {"a": [10.0, 5.0]}, {"a": [12.0, 11.0]})
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and "perplexity" in ax.get_ylabel()
    assert ax.get_yscale() == "log"
    close(fig)
    fig = markov_perplexity_figure([100, 1000], {"n = 3": [6.0, 5.0]}, floor=4.7)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xscale() == "log"
    assert any(list(line.get_ydata()) == [4.7, 4.7] for line in ax.lines)
    close(fig)
    with pytest.raises(ValueError, match="held_out"):
        perplexity_by_order_figure([1, 2], {"a": [1, 2]}, {"a": [1]})
    with pytest.raises(ValueError, match="floor"):
        markov_perplexity_figure([1, 2], {"a": [1, 2]}, floor=0.5)


def test_add_k_figure_marks_the_chosen_k(split):
    train, test = split[0][:300], split[1][:50]
    models = {n: ngram_fast.NGramModel(n).fit(train) for n in (1, 2)}
    fig = add_k_figure(models, test, k=0.1)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert "0.1" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    marked = [line.get_ydata()[0] for line in ax.lines if len(line.get_ydata()) == 1]
    expected = [models[n].with_smoothing("add-k", k=0.1).perplexity(test) for n in (1, 2)]
    np.testing.assert_allclose(marked, expected, rtol=1e-10)
    close(fig)
    with pytest.raises(ValueError, match="k"):
        add_k_figure(models, test, k=0.0)
    with pytest.raises(TypeError, match="models"):
        add_k_figure([], test, k=0.1)


def test_add_k_panel_reacts_to_the_slider(split):
    models = {1: ngram_fast.NGramModel(1).fit(split[0][:200])}
    panel = add_k_panel(models, split[1][:20], k=0.01)
    assert isinstance(panel, ipywidgets.interactive)
    slider = next(c for c in panel.children if isinstance(c, ipywidgets.FloatLogSlider))
    assert slider.description.startswith("k (add-k")
    assert slider.value == pytest.approx(0.01)
    slider.value = 1.0
    assert panel.kwargs["k"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------- exercises
def test_nb03_exercises():
    ex = exercises._core._REGISTRY
    for (probs,) in ex["perplexity_of_probabilities"].cases:
        expected = float(np.exp(-np.mean(np.log(probs))))
        assert ex["perplexity_of_probabilities"].reference(probs) == pytest.approx(expected)
    assert ex["add_k_probability"].reference(3, 10, 100, 1.0) == pytest.approx(4 / 110)
    assert ex["bits_per_char"].reference(2.0, 10, 40) == pytest.approx(0.25)

    def my_perplexity(probabilities):
        return 2 ** (-sum(math.log2(p) for p in probabilities) / len(probabilities))

    assert exercises.passes("perplexity_of_probabilities", my_perplexity)
    assert exercises.passes("add_k_probability", lambda c, t, v, k: (c + k) / (t + k * v))
    assert exercises.passes("bits_per_char", lambda pp, nt, nc: math.log2(pp) * nt / nc)
    assert not exercises.passes("add_k_probability", lambda c, t, v, k: (c + k) / (t + k))


# ---------------------------------------------------------------------------- notebook 03's numbers
def test_nb03_split_and_uniform_model(split):
    train, test = split
    model = ngram_fast.NGramModel(1).fit(train)
    vocab = {w for s in train for w in s} | {"</s>", "<unk>"}
    assert len(model.vocab) == len(vocab) == 3593
    assert sum(len(s) + 1 for s in test) == 6028
    assert information.perplexity(np.full(6028, 1 / 3593)) == pytest.approx(3593, rel=1e-12)


def test_nb03_mle_table(split, references):
    train, test = split
    sample = train[:500]
    expected_train = [364.32, 27.78, 4.51, 2.17, 1.90]
    expected_zero = [2.34, 33.28, 67.87, 81.79, 85.53]
    for n, pp, zero in zip(range(1, 6), expected_train, expected_zero):
        ref = references[n]
        model = ngram_fast.NGramModel(n).fit(train)
        assert model.perplexity(sample) == pytest.approx(ref.perplexity(sample, "mle"), rel=1e-10)
        assert round(ref.perplexity(sample, "mle"), 2) == pp
        probs = ref.token_probabilities(test, "mle")
        assert round(100 * sum(q == 0 for q in probs) / len(probs), 2) == zero
        assert model.perplexity(test) == math.inf


def test_nb03_smoothing_sweep(split, references):
    train, test = split
    sample = train[:500]
    table = {  # n: add-k train, add-k held out, KN train, KN held out (as printed)
        1: (364.3, 453.1, 364.3, 409.5), 2: (51.6, 274.2, 44.4, 154.5),
        3: (36.8, 926.6, 9.7, 142.5), 4: (37.0, 1667.9, 4.4, 143.8),
        5: (38.0, 1998.1, 3.2, 146.7)}
    for n, row in table.items():
        ref = references[n]
        got = (ref.perplexity(sample, "add-k", k=0.01), ref.perplexity(test, "add-k", k=0.01),
               ref.perplexity(sample, "kneser-ney"), ref.perplexity(test, "kneser-ney"))
        assert tuple(round(v, 1) for v in got) == row
        model = ngram_fast.NGramModel(n).fit(train)
        ours = (model.with_smoothing("add-k", k=0.01).perplexity(sample),
                model.with_smoothing("add-k", k=0.01).perplexity(test),
                model.with_smoothing("kneser-ney").perplexity(sample),
                model.with_smoothing("kneser-ney").perplexity(test))
        np.testing.assert_allclose(ours, got, rtol=1e-10)


def test_nb03_best_k_table(split, references):
    train, test = split
    ks = np.logspace(-4, 1, 41)
    expected = {1: ("1", 412.9, 412.9), 2: ("0.01", 274.2, 845.8), 3: ("0.00422", 898.5, 2036.0)}
    for n, (best_k, best_pp, laplace) in expected.items():
        ref = references[n]
        curve = ngram_fast.NGramModel(n).fit(train).add_k_perplexities(test, ks)
        best = int(np.argmin(curve))
        assert f"{ks[best]:.3g}" == best_k
        neighbours = [ref.perplexity(test, "add-k", k=float(k))
                      for k in ks[max(best - 1, 0):best + 2]]
        ref_best = ref.perplexity(test, "add-k", k=float(ks[best]))
        assert curve[best] == pytest.approx(ref_best, rel=1e-10)
        assert min(neighbours) == ref_best and round(ref_best, 1) == best_pp
        assert round(ref.perplexity(test, "add-k", k=1.0), 1) == laplace


def test_nb03_vocabulary_pitfall(split):
    train, test = split
    frequency = Counter(w for s in train for w in s)
    ranked = sorted(frequency, key=lambda w: (-frequency[w], w))
    expected = {len(ranked): (3593, 2.5, 412.9), 1000: (1002, 12.1, 168.7),
                300: (302, 29.1, 50.8), 100: (102, 45.6, 17.2)}
    for size, (vocab, unk, pp) in expected.items():
        keep = set(ranked[:size])
        train_unk = [[w if w in keep else "<unk>" for w in s] for s in train]
        model = ngram_fast.NGramModel(1, smoothing="add-k", k=1.0).fit(train_unk)
        # (nltk would count '<unk>' twice here: once as a trained word, once as its label)
        expected_pp = Reference(train_unk, 1).perplexity(test, "add-k", k=1.0)
        assert model.perplexity(test) == pytest.approx(expected_pp, rel=1e-10)
        words = [w for s in test for w in s]
        assert (len(model.vocab), round(100 * sum(w not in keep for w in words) / len(words), 1),
                round(expected_pp, 1)) == (vocab, unk, pp)


def test_nb03_tokenization_pitfall(split, references):
    train, test = split
    char_train = [list(" ".join(s)) for s in train]
    char_test = [list(" ".join(s)) for s in test]
    char_pp = Reference(char_train, 5).perplexity(char_test, "kneser-ney")
    word_pp = references[3].perplexity(test, "kneser-ney")
    assert ngram_fast.NGramModel(5, smoothing="kneser-ney").fit(char_train).perplexity(
        char_test) == pytest.approx(char_pp, rel=1e-10)
    n_chars = sum(len(s) + 1 for s in char_test)
    assert n_chars == 28097
    assert (round(char_pp, 3), round(word_pp, 3)) == (3.504, 142.468)
    assert round(math.log2(char_pp), 3) == 1.809
    assert round(math.log2(word_pp) * 6028 / n_chars, 3) == 1.535


def test_nb03_markov_floor_table():
    source = MarkovSource(order=2, vocab_size=8, seed=0, concentration=0.5)
    stream = [source.symbols[i] for i in source.sample(120_000, np.random.default_rng(1)).tolist()]
    train, test = stream[:100_000], [stream[100_000:]]
    expected = {2: [8.200, 7.647, 7.549, 7.514, 7.510, 7.507],
                3: [6.895, 5.588, 5.027, 4.820, 4.758, 4.742],
                4: [7.341, 6.281, 5.594, 5.169, 4.943, 4.813]}
    sizes = [300, 1_000, 3_000, 10_000, 30_000, 100_000]
    floor = 2 ** source.entropy_rate()
    for n, row in expected.items():
        for size, value in zip(sizes, row):
            if size in (300, 100_000):  # the slow reference checks the first and the last size
                ref = Reference([train[:size]], n).perplexity(test, "kneser-ney")
                assert round(ref, 3) == value
            ours = ngram_fast.NGramModel(n, smoothing="kneser-ney").fit([train[:size]]).perplexity(test)
            assert round(ours, 3) == value
            assert ours > floor
