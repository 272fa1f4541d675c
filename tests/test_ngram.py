"""lmcore.ngram: counting and maximum-likelihood n-gram models (smoothing: test_ngram_smoothing).

Both models, the readable lmcore.ngram.NGramModel and lmcore.ngram_fast.NGramModel, are held
to the same references: brute-force recounts written here, and nltk.lm.MLE fed the same padded
n-grams; a property test holds the two equal on random corpora for every smoothing.
"""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import corpus, ngram, ngram_fast

SLIDE = "the cat sat on the mat".split()
TOY = [["the", "cat", "sat"], ["the", "dog", "sat", "on", "the", "mat"], ["a", "cat", "ran"]]
tokens_st = st.lists(st.sampled_from(["a", "b", "c", "the", "cat"]), max_size=30)
MODELS = pytest.mark.parametrize("Model", [ngram.NGramModel, ngram_fast.NGramModel], ids=["plain", "fast"])


def padded_ngrams(sentences, n):
    """Independent recount: every (context tuple, word) of the padded sentences."""
    out = []
    for s in sentences:
        p = ["<s>"] * (n - 1) + list(s) + ["</s>"]
        out += [(tuple(p[i - n + 1:i]), p[i]) for i in range(n - 1, len(p))]
    return out


@pytest.fixture(scope="module")
def split():
    sents = corpus.tokenized_sentences(corpus.load_stories())
    return corpus.train_test_split(sents, 0.1, seed=0)


class TestNgramCounts:
    def test_slide_example(self):
        assert ngram.ngram_counts(SLIDE, 2) == {
            "the": {"cat": 1, "mat": 1}, "cat": {"sat": 1}, "sat": {"on": 1}, "on": {"the": 1}}

    def test_unigrams_use_the_empty_context(self):
        assert ngram.ngram_counts(SLIDE, 1) == {"": {"the": 2, "cat": 1, "sat": 1, "on": 1, "mat": 1}}

    def test_shorter_than_n_has_no_ngrams(self):
        assert ngram.ngram_counts(["a", "b"], 3) == {}

    @settings(max_examples=200, deadline=None)
    @given(tokens_st, st.integers(1, 4))
    def test_equals_brute_force_recount(self, tokens, n):
        brute = Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        got = {(*ctx.split(), w) if ctx else (w,): c
               for ctx, row in ngram.ngram_counts(tokens, n).items() for w, c in row.items()}
        assert got == dict(brute)

    @pytest.mark.parametrize("tokens, n, exc, name", [
        (SLIDE, 0, ValueError, "n"), (SLIDE, 2.0, TypeError, "n"), (SLIDE, True, TypeError, "n"),
        ("the cat", 2, TypeError, "tokens"), (["the", 3], 2, TypeError, "tokens"),
        (None, 2, TypeError, "tokens"),
    ])
    def test_bad_input(self, tokens, n, exc, name):
        with pytest.raises(exc, match=name):
            ngram.ngram_counts(tokens, n)


class TestConditionalProbabilities:
    def test_divides_by_the_row_total(self):
        assert ngram.conditional_probabilities({"x": {"a": 1, "b": 3}}) == {"x": {"a": 0.25, "b": 0.75}}

    @settings(max_examples=100, deadline=None)
    @given(tokens_st.filter(lambda t: len(t) >= 2))
    def test_rows_sum_to_one_and_match_the_model(self, tokens):
        probs = ngram.conditional_probabilities(ngram.ngram_counts(tokens, 2))
        for row in probs.values():
            assert math.isclose(sum(row.values()), 1.0)
        # an unpadded bigram table equals the model's MLE on a single "sentence" for inner contexts
        model = ngram.NGramModel(2).fit([tokens])
        for ctx, row in probs.items():
            if ctx != tokens[-1]:  # the last word is also followed by </s> in the model
                for w, p in row.items():
                    assert math.isclose(model.prob(w, [ctx]), p)

    @pytest.mark.parametrize("counts", [{"x": {}}, {"x": {"a": -1}}, {"x": {"a": 0}}])
    def test_bad_counts(self, counts):
        with pytest.raises(ValueError, match="counts"):
            ngram.conditional_probabilities(counts)

    def test_not_a_dict(self):
        with pytest.raises(TypeError, match="counts"):
            ngram.conditional_probabilities([("a", 1)])


class TestMLEModel:
    def test_pad(self):
        assert ngram.pad(["hi"], 3) == ["<s>", "<s>", "hi", "</s>"]

    @MODELS
    @pytest.mark.parametrize("n", [1, 2, 3])
    def test_probabilities_equal_brute_force_ratios(self, Model, n):
        model = Model(n).fit(TOY)
        grams = padded_ngrams(TOY, n)
        joint, ctx_total = Counter(grams), Counter(c for c, _ in grams)
        for (ctx, w), c in joint.items():
            assert model.prob(w, list(ctx)) == c / ctx_total[ctx]

    @MODELS
    def test_agrees_with_nltk_mle(self, Model, split):
        from nltk.lm import MLE

        train, test = split
        train = train[:800]
        for n in (2, 3):
            ours = Model(n).fit(train)
            theirs = MLE(n)
            vocab_text = [w for s in train for w in s] + ["<s>", "</s>"]
            theirs.fit([[c + (w,) for c, w in padded_ngrams([s], n)] for s in train], vocab_text)
            pairs = padded_ngrams(train[:200], n) + padded_ngrams(test[:50], n)
            for ctx, w in pairs:
                expected = theirs.score(w, list(ctx))
                assert math.isclose(ours.prob(w, list(ctx)), expected, abs_tol=1e-12), (ctx, w)

    @pytest.mark.parametrize("n", [1, 2, 3, 4])
    def test_every_seen_context_distribution_sums_to_one(self, split, n):
        model = ngram_fast.NGramModel(n).fit(split[0][:500])
        contexts = {ctx for ctx, _ in padded_ngrams(split[0][:500], n)}
        for ctx in list(contexts)[:300]:
            assert math.isclose(sum(model.distribution(list(ctx)).values()), 1.0, abs_tol=1e-12)

    @MODELS
    def test_distribution_order_and_content(self, Model):
        model = Model(2).fit(TOY)
        assert model.distribution("the") == {"cat": 1 / 3, "dog": 1 / 3, "mat": 1 / 3}
        assert list(model.distribution("<s>")) == ["the", "a"]

    @MODELS
    def test_unseen_word_and_context(self, Model):
        model = Model(2).fit(TOY)
        assert model.prob("zebra", ["the"]) == 0.0
        assert model.prob("cat", ["zebra"]) == 0.0
        with pytest.raises(ValueError, match="never seen"):
            model.distribution(["zebra"])

    @MODELS
    def test_vocab_holds_words_end_and_unknown(self, Model):
        assert Model(2).fit(TOY).vocab == (
            "</s>", "<unk>", "a", "cat", "dog", "mat", "on", "ran", "sat", "the")

    @MODELS
    def test_generate_is_seeded_and_uses_seen_bigrams_only(self, Model):
        model = Model(2).fit(TOY)
        a = [model.generate(np.random.default_rng(s)) for s in range(20)]
        assert a == [model.generate(np.random.default_rng(s)) for s in range(20)]
        seen = {(c[0], w) for c, w in padded_ngrams(TOY, 2)}
        for sentence in a:
            words = ["<s>"] + sentence.split()
            assert all(pair in seen for pair in zip(words, words[1:]))

    @MODELS
    def test_generate_respects_max_words(self, Model):
        model = Model(1).fit([["a"] * 50])
        assert len(model.generate(np.random.default_rng(0), max_words=5).split()) <= 5

    @MODELS
    def test_coverage_equals_a_brute_force_count(self, Model, split):
        train, test = split
        for n in (1, 2, 3):
            seen = set(padded_ngrams(train, n))
            held = padded_ngrams(test, n)
            expected = sum(g in seen for g in held) / len(held)
            assert Model(n).fit(train).coverage(test) == pytest.approx(expected, abs=1e-15)

    @MODELS
    def test_perplexity_is_inf_on_unseen_and_matches_a_direct_product(self, Model):
        model = Model(2).fit(TOY)
        assert model.perplexity([["the", "zebra"]]) == math.inf
        assert model.cross_entropy([["the", "zebra"]]) == math.inf
        # P(the|<s>) P(cat|the) P(sat|cat) P(</s>|sat) = 2/3 * 1/3 * 1/2 * 1/2, counted by hand
        p = (2 / 3) * (1 / 3) * (1 / 2) * (1 / 2)
        assert model.perplexity([["the", "cat", "sat"]]) == pytest.approx(p ** (-1 / 4), rel=1e-12)

    def test_verbatim_share_brute_force(self, split):
        train = split[0]
        model = ngram_fast.NGramModel(4).fit(train)
        rng = np.random.default_rng(7)
        samples = [model.generate(rng, max_words=25) for _ in range(50)]
        train_set = {" ".join(s) for s in train}
        expected = sum(s in train_set for s in samples) / 50
        assert ngram.verbatim_share(samples, [" ".join(s) for s in train]) == expected
        assert ngram.verbatim_share([s.split() for s in samples], train) == expected

    @pytest.mark.parametrize("make, exc, name", [
        (lambda: ngram.NGramModel(0), ValueError, "n"),
        (lambda: ngram.NGramModel("2"), TypeError, "n"),
        (lambda: ngram.NGramModel(2, smoothing="good-turing"), ValueError, "smoothing"),
        (lambda: ngram.NGramModel(2, smoothing="add-k", k=0), ValueError, "k"),
        (lambda: ngram.NGramModel(2, smoothing="kneser-ney", discount=1.0), ValueError, "discount"),
        (lambda: ngram.NGramModel(2).fit([]), ValueError, "sentences"),
        (lambda: ngram.NGramModel(2).fit([[]]), ValueError, "sentences"),
        (lambda: ngram.NGramModel(2).fit(["the cat"]), TypeError, "sentences"),
        (lambda: ngram.NGramModel(2).fit([["the", 1]]), TypeError, "sentences"),
        (lambda: ngram.NGramModel(3).fit(TOY).prob("cat", ["the"]), ValueError, "context"),
        (lambda: ngram.NGramModel(2).fit(TOY).prob(3, ["the"]), TypeError, "word"),
        (lambda: ngram.NGramModel(2).prob("cat", ["the"]), ValueError, "fit"),
        (lambda: ngram.NGramModel(2).fit(TOY).generate(0), TypeError, "rng"),
        (lambda: ngram.NGramModel(2).fit(TOY).generate(np.random.default_rng(0), 0),
         ValueError, "max_words"),
        (lambda: ngram_fast.NGramModel(2).fit([[]]), ValueError, "sentences"),
        (lambda: ngram_fast.NGramModel(2).fit([["a", "<s>"]]), ValueError, "sentences"),
        (lambda: ngram_fast.NGramModel(3).fit(TOY).prob("cat", ["the"]), ValueError, "context"),
        (lambda: ngram_fast.NGramModel(2).fit(TOY).prob(3, ["the"]), TypeError, "word"),
        (lambda: ngram_fast.NGramModel(2).prob("cat", ["the"]), ValueError, "fit"),
        (lambda: ngram_fast.NGramModel(2).fit(TOY).token_probabilities([["a", 1]]), TypeError, "sentences"),
        (lambda: ngram.verbatim_share([], [["a"]]), ValueError, "generated"),
        (lambda: ngram.verbatim_share("abc", [["a"]]), TypeError, "generated"),
    ])
    def test_bad_input(self, make, exc, name):
        with pytest.raises(exc, match=name):
            make()


@settings(max_examples=60, deadline=None)
@given(st.lists(tokens_st.filter(bool), min_size=1, max_size=6), st.integers(1, 4),
       st.sampled_from(["mle", "add-k", "kneser-ney"]))
def test_property_every_distribution_sums_to_one(sentences, n, smoothing):
    model = ngram.NGramModel(n, smoothing=smoothing).fit(sentences)
    for ctx, _ in padded_ngrams(sentences, n):
        p = model.probabilities(list(ctx))
        assert p.min() >= 0 and math.isclose(p.sum(), 1.0, abs_tol=1e-9)


@MODELS
def test_zero_probability_exactly_for_bigrams_never_seen_inside_a_sentence(split, Model):
    """The notebook's 'glued bigrams' pitfall: prob == 0 iff the pair never occurs in a sentence."""
    train = split[0]
    model = Model(2).fit(train)
    inside = {(c[0], w) for c, w in padded_ngrams(train, 2)}
    flat = [w for s in train for w in s]
    for a, b in zip(flat, flat[1:]):
        assert (model.prob(b, [a]) == 0) == ((a, b) not in inside)


@MODELS
def test_held_out_sentence_is_impossible_iff_some_bigram_is_unseen(split, Model):
    train, test = split
    model = Model(2).fit(train)
    inside = set(padded_ngrams(train, 2))
    for s in test[:200]:
        unseen = any(g not in inside for g in padded_ngrams([s], 2))
        assert (model.perplexity([s]) == math.inf) == unseen


# ---------------------------------------------------------------------------- plain == fast
@settings(max_examples=80, deadline=None)
@given(st.lists(tokens_st.filter(bool), min_size=1, max_size=6), st.integers(1, 4),
       st.sampled_from(["mle", "add-k", "kneser-ney"]), st.floats(0.05, 0.95),
       st.lists(st.sampled_from(["a", "b", "cat", "<s>", "zebra"]), min_size=3, max_size=3))
def test_property_plain_and_fast_models_agree(sentences, n, smoothing, d, context):
    """Every probability of the readable model equals the vectorised one's to 1e-12."""
    plain = ngram.NGramModel(n, smoothing=smoothing, k=d, discount=d).fit(sentences)
    fast = ngram_fast.NGramModel(n, smoothing=smoothing, k=d, discount=d).fit(sentences)
    assert plain.vocab == fast.vocab and plain.index == fast.index
    contexts = {ctx for ctx, _ in padded_ngrams(sentences, n)} | {tuple(context[:n - 1])}
    for ctx in contexts:
        for word in plain.vocab + ("zebra",):
            assert math.isclose(plain.prob(word, ctx), fast.prob(word, ctx), rel_tol=1e-12, abs_tol=1e-12)
        if smoothing != "mle" or ctx in plain.counts[n]:
            np.testing.assert_allclose(plain.probabilities(ctx), fast.probabilities(ctx),
                                       rtol=1e-12, atol=1e-12)
    held = sentences[:2] + [["zebra", "a"], ["cat", "zebra", "b"]]
    np.testing.assert_allclose(plain.token_probabilities(held), fast.token_probabilities(held),
                               rtol=1e-12, atol=1e-12)
    assert plain.coverage(held) == fast.coverage(held)
    np.testing.assert_allclose(plain.add_k_perplexities(held, [0.1, 1.0]),
                               fast.add_k_perplexities(held, [0.1, 1.0]), rtol=1e-12)
    plain, fast = plain.with_smoothing("add-k", k=0.5), fast.with_smoothing("add-k", k=0.5)
    assert plain.generate(np.random.default_rng(0)) == fast.generate(np.random.default_rng(0))


@MODELS
def test_sample_sentences_draws_from_one_seeded_generator(Model):
    model = Model(2).fit(TOY)
    rng = np.random.default_rng(3)
    assert ngram.sample_sentences(model, 3, count=2) == [model.generate(rng, 25), model.generate(rng, 25)]
    with pytest.raises(ValueError, match="^model is not fitted yet"):
        ngram.sample_sentences(Model(2), 0)
