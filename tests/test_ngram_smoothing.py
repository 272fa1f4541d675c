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
def story_split():
    """Notebook 03's split: whole stories of the course text, 10 % dev, 10 % test, seed 0.

    Returns ``(texts, sentences)``: the three parts as text and as tokenized sentences."""
    texts = corpus.split_stories(corpus.course_text("stories"), dev_fraction=0.1,
                                 test_fraction=0.1, seed=0)
    return texts, tuple(corpus.tokenized_sentences(t) for t in texts)


@pytest.fixture(scope="module")
def references(story_split):
    """One reference per order on notebook 03's full training set, built once."""
    return {n: Reference(story_split[1][0], n) for n in range(1, 6)}


NB03_KS = np.logspace(-4, 1, 41)  # notebook 03's grid of add-k pseudo-counts
NB03_DISCOUNTS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]  # and of Kneser-Ney discounts


def reference_add_k_curve(ref, sentences, ks):
    """The reference's add-k perplexity for every k at once (counts looked up once per token)."""
    n, V = ref.n, len(ref.vocab)
    c, t = [], []
    for s in sentences:
        p = ["<s>"] * (n - 1) + list(s) + ["</s>"]
        for i in range(n - 1, len(p)):
            ctx, w = tuple(p[i - n + 1:i]), p[i] if p[i] in ref.vocab else "<unk>"
            c.append(ref.count[n].get((ctx, w), 0))
            t.append(ref.total[n].get(ctx, 0))
    c, t = np.array(c, float)[:, None], np.array(t, float)[:, None]
    k = np.asarray(ks, float)[None, :]
    return 2 ** -np.mean(np.log2((c + k) / (t + k * V)), axis=0)


@pytest.fixture(scope="module")
def nb03_tuning(story_split, references):
    """k and d chosen on dev as notebook 03 chooses them, with the reference alone."""
    dev = story_split[1][1]
    best_k, best_d, curves = {}, {}, {}
    for n, ref in references.items():
        curves[n] = reference_add_k_curve(ref, dev, NB03_KS)
        best_k[n] = float(NB03_KS[np.argmin(curves[n])])
        kn_dev = [ref.perplexity(dev, "kneser-ney", d=d) for d in NB03_DISCOUNTS]
        best_d[n] = NB03_DISCOUNTS[int(np.argmin(kn_dev))]
    return best_k, best_d, curves


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
# All on the notebook's own split (the `story_split` fixture), recomputed with `Reference`.
def test_nb03_split_and_uniform_model(story_split):
    texts, (train, dev, test) = story_split
    printed = {"train": (36, 3373, 46519), "dev": (5, 476, 6284), "test": (5, 479, 6752)}
    for (name, row), text, sents in zip(printed.items(), texts, (train, dev, test)):
        assert (len(corpus.stories(text)), len(sents), sum(len(s) + 1 for s in sents)) == row, name
    model = ngram_fast.NGramModel(1).fit(train)
    vocab = {w for s in train for w in s} | {"</s>", "<unk>"}
    assert len(model.vocab) == len(vocab) == 3400
    assert sum(len(s) + 1 for s in dev) == 6284
    assert information.perplexity(np.full(6284, 1 / 3400)) == pytest.approx(3400, rel=1e-12)


def test_nb03_mle_table(story_split, references):
    train, dev, _ = story_split[1]
    sample = train[:500]
    expected_train = [360.19, 26.53, 4.25, 2.04, 1.79]
    expected_zero = [3.45, 37.48, 71.47, 83.23, 85.98]
    for n, pp, zero in zip(range(1, 6), expected_train, expected_zero):
        ref = references[n]
        model = ngram_fast.NGramModel(n).fit(train)
        assert model.perplexity(sample) == pytest.approx(ref.perplexity(sample, "mle"), rel=1e-10)
        assert round(ref.perplexity(sample, "mle"), 2) == pp
        probs = ref.token_probabilities(dev, "mle")
        assert round(100 * sum(q == 0 for q in probs) / len(probs), 2) == zero
        assert float(np.mean(model.token_probabilities(dev) == 0)) == pytest.approx(
            sum(q == 0 for q in probs) / len(probs), abs=1e-15)
        assert model.perplexity(dev) == math.inf == ref.perplexity(dev, "mle")


def test_nb03_smoothing_sweep(story_split, references, nb03_tuning):
    """The add-k / Kneser-Ney table: k and d chosen on dev, then train and dev perplexity."""
    train, dev, _ = story_split[1]
    sample = train[:500]
    best_k, best_d, curves = nb03_tuning
    table = {  # n: k, add-k train, add-k dev, d, KN train, KN dev (as printed)
        1: ("1.3", 367.4, 426.2, "0.95", 360.2, 422.0), 2: ("0.013", 55.4, 339.1, "0.8", 46.1, 181.1),
        3: ("0.0056", 23.6, 1061.0, "0.9", 15.0, 167.9),
        4: ("0.0032", 14.0, 1720.9, "0.9", 7.3, 165.7),
        5: ("0.0042", 17.6, 1990.7, "0.9", 5.2, 166.2)}
    assert best_d == {1: 0.95, 2: 0.8, 3: 0.9, 4: 0.9, 5: 0.9}
    for n, (k_str, *row) in table.items():
        ref = references[n]
        k, d = best_k[n], best_d[n]
        assert f"{k:.2g}" == k_str and f"{d:g}" == row[2]
        assert curves[n].min() == pytest.approx(ref.perplexity(dev, "add-k", k=k), rel=1e-10)
        got = (ref.perplexity(sample, "add-k", k=k), ref.perplexity(dev, "add-k", k=k),
               ref.perplexity(sample, "kneser-ney", d=d), ref.perplexity(dev, "kneser-ney", d=d))
        assert tuple(round(v, 1) for v in got) == (row[0], row[1], row[3], row[4])
        model = ngram_fast.NGramModel(n).fit(train)
        np.testing.assert_allclose(model.add_k_perplexities(dev, NB03_KS), curves[n], rtol=1e-10)
        ours = (model.with_smoothing("add-k", k=k).perplexity(sample),
                model.with_smoothing("add-k", k=k).perplexity(dev),
                model.with_smoothing("kneser-ney", discount=d).perplexity(sample),
                model.with_smoothing("kneser-ney", discount=d).perplexity(dev))
        np.testing.assert_allclose(ours, got, rtol=1e-10)


def test_nb03_models_chosen_on_dev_on_test(story_split, references, nb03_tuning):
    """The final table: the best add-k and Kneser-Ney model by dev perplexity, then on test."""
    _, dev, test = story_split[1]
    best_k, best_d, _ = nb03_tuning
    dev_add_k = {n: ref.perplexity(dev, "add-k", k=best_k[n]) for n, ref in references.items()}
    dev_kn = {n: ref.perplexity(dev, "kneser-ney", d=best_d[n]) for n, ref in references.items()}
    n_add_k, n_kn = min(dev_add_k, key=dev_add_k.get), min(dev_kn, key=dev_kn.get)
    assert (n_add_k, f"{best_k[n_add_k]:.2g}", n_kn, best_d[n_kn]) == (2, "0.013", 4, 0.9)
    add_k_test = references[n_add_k].perplexity(test, "add-k", k=best_k[n_add_k])
    kn_test = references[n_kn].perplexity(test, "kneser-ney", d=best_d[n_kn])
    assert (round(dev_add_k[n_add_k], 1), round(add_k_test, 1)) == (339.1, 328.1)
    assert (round(dev_kn[n_kn], 1), round(kn_test, 1)) == (165.7, 163.9)


def test_nb03_best_k_table(story_split, references):
    train, dev, _ = story_split[1]
    expected = {1: ("1.33", 426.2, 427.4), 2: ("0.0133", 339.1, 915.6),
                3: ("0.00562", 1061.0, 2081.6)}
    for n, (best_k, best_pp, laplace) in expected.items():
        ref = references[n]
        curve = ngram_fast.NGramModel(n).fit(train).add_k_perplexities(dev, NB03_KS)
        best = int(np.argmin(curve))
        assert f"{NB03_KS[best]:.3g}" == best_k
        neighbours = [ref.perplexity(dev, "add-k", k=float(k))
                      for k in NB03_KS[max(best - 1, 0):best + 2]]
        ref_best = ref.perplexity(dev, "add-k", k=float(NB03_KS[best]))
        assert curve[best] == pytest.approx(ref_best, rel=1e-10)
        assert min(neighbours) == ref_best and round(ref_best, 1) == best_pp
        assert round(ref.perplexity(dev, "add-k", k=1.0), 1) == laplace


def test_nb03_unk_cost_table(story_split, references, nb03_tuning):
    """Trigram Kneser-Ney (d chosen on dev) without and with training singletons -> <unk>."""
    train, dev, _ = story_split[1]
    d = nb03_tuning[1][3]
    frequency = Counter(w for s in train for w in s)
    train_unk = [[w if frequency[w] > 1 else "<unk>" for w in s] for s in train]
    expected = [(3400, 3.5, 16.0, 7.1, 7.5, 167.9), (2152, 6.2, 5.1, 6.9, 4.7, 108.3)]
    for data, row in zip([train, train_unk], expected):
        ref = references[3] if data is train else Reference(data, 3)
        probs = np.array(ref.token_probabilities(dev, "kneser-ney", d=d))
        model = ngram_fast.NGramModel(3, smoothing="kneser-ney", discount=d).fit(data)
        np.testing.assert_allclose(model.token_probabilities(dev), probs, rtol=1e-10)
        bits = -np.log2(probs)
        is_unk = np.array([w not in ref.vocab for s in dev for w in s + ["</s>"]])
        got = (len(ref.vocab), 100 * is_unk.mean(), bits[is_unk].mean(), bits[~is_unk].mean(),
               100 * bits[is_unk].sum() / bits.sum(), 2 ** bits.mean())
        assert (got[0], *(round(float(v), 1) for v in got[1:])) == row


def test_nb03_vocabulary_pitfall(story_split):
    train, dev, _ = story_split[1]
    frequency = Counter(w for s in train for w in s)
    ranked = sorted(frequency, key=lambda w: (-frequency[w], w))
    expected = {len(ranked): (3400, 3.7, 427.4), 1000: (1002, 13.7, 156.4),
                300: (302, 29.2, 51.2), 100: (102, 45.4, 17.8)}
    for size, (vocab, unk, pp) in expected.items():
        keep = set(ranked[:size])
        train_unk = [[w if w in keep else "<unk>" for w in s] for s in train]
        model = ngram_fast.NGramModel(1, smoothing="add-k", k=1.0).fit(train_unk)
        # (nltk would count '<unk>' twice here: once as a trained word, once as its label)
        expected_pp = Reference(train_unk, 1).perplexity(dev, "add-k", k=1.0)
        assert model.perplexity(dev) == pytest.approx(expected_pp, rel=1e-10)
        words = [w for s in dev for w in s]
        assert (len(model.vocab), round(100 * sum(w not in keep for w in words) / len(words), 1),
                round(expected_pp, 1)) == (vocab, unk, pp)


def test_nb03_tokenization_pitfall(story_split, references, nb03_tuning):
    train, dev, _ = story_split[1]
    d = nb03_tuning[1][3]  # the word trigram uses the discount chosen on dev
    char_train = [list("_".join(s)) for s in train]  # "_" stands for the space, as in the notebook
    char_dev = [list("_".join(s)) for s in dev]
    char_pp = Reference(char_train, 5).perplexity(char_dev, "kneser-ney")
    word_pp = references[3].perplexity(dev, "kneser-ney", d=d)
    assert ngram_fast.NGramModel(5, smoothing="kneser-ney").fit(char_train).perplexity(
        char_dev) == pytest.approx(char_pp, rel=1e-10)
    n_chars = sum(len(s) + 1 for s in char_dev)
    assert n_chars == 29076
    assert (round(char_pp, 3), round(word_pp, 3)) == (3.676, 167.904)
    assert round(math.log2(char_pp), 3) == 1.878
    assert round(math.log2(word_pp) * 6284 / n_chars, 3) == 1.597


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
