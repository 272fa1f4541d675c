"""lmcore.information, notebook 02's figures, panel and exercises, and the numbers it prints.

References: scipy.stats.entropy, brute-force counts with collections.Counter written here,
numpy one-liners of the textbook formulas, and the standard-library compressors.
"""

import bz2
import lzma
import math
import zlib
from collections import Counter

import ipywidgets
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from lmcore import corpus, exercises, information, information_fast
from lmcore.corpus import MarkovSource
from lmcore.plotting import close
from lmcore.plotting.information import (
    conditional_entropy_figure,
    convergence_figure,
    source_figure,
)
from lmcore.widgets.information import concentration_panel

dist_seeds = st.integers(0, 10_000)
BOTH = pytest.mark.parametrize("ce", [information.conditional_entropy, information_fast.conditional_entropy],
                               ids=["plain", "fast"])


def dirichlet(seed, size=None, alpha=1.0):
    rng = np.random.default_rng(seed)
    size = size or int(rng.integers(2, 30))
    return rng.dirichlet(np.full(size, alpha))


def brute_conditional_entropy(seq, k):
    """H(X | previous k) from Counters of tuples: the textbook plug-in formula."""
    seq = list(seq)
    pairs = Counter(tuple(seq[i - k:i + 1]) for i in range(k, len(seq)))
    contexts = Counter(tuple(seq[i - k:i]) for i in range(k, len(seq)))
    m = len(seq) - k
    return -sum(c / m * math.log2(c / contexts[g[:-1]]) for g, c in pairs.items())


@pytest.fixture(scope="module")
def clean():
    return " ".join(corpus.words(corpus.load_stories()))


# ---------------------------------------------------------------------------- entropy
class TestEntropy:
    @settings(max_examples=60, deadline=None)
    @given(dist_seeds, st.sampled_from([2, math.e, 10]))
    def test_equals_scipy_on_random_distributions(self, seed, base):
        p = dirichlet(seed, alpha=0.3)
        assert information.entropy(p, base=base) == pytest.approx(
            scipy.stats.entropy(p, base=base), rel=1e-12, abs=1e-15)

    @settings(max_examples=40, deadline=None)
    @given(st.dictionaries(st.text(min_size=1, max_size=2), st.integers(0, 50), min_size=1)
           .filter(lambda d: sum(d.values()) > 0))
    def test_counts_mapping_equals_scipy_on_the_counts(self, counts):
        expected = scipy.stats.entropy(list(counts.values()), base=2)
        assert information.entropy(counts) == pytest.approx(expected, rel=1e-12, abs=1e-15)

    def test_known_values(self):
        assert information.entropy([0.5, 0.5]) == 1.0
        assert information.entropy(np.full(8, 1 / 8)) == pytest.approx(3.0, rel=1e-15)
        assert information.entropy([1.0, 0.0]) == 0.0
        assert information.entropy([0.5, 0.5], base=math.e) == pytest.approx(math.log(2))

    @settings(max_examples=40, deadline=None)
    @given(dist_seeds)
    def test_never_above_log_of_the_alphabet(self, seed):
        p = dirichlet(seed)
        assert 0 <= information.entropy(p) <= math.log2(len(p)) + 1e-12

    @pytest.mark.parametrize("p, exc, name", [
        ([0.5, 0.6], ValueError, "p"), ([1.2, -0.2], ValueError, "p"), ([], ValueError, "p"),
        ({}, ValueError, "p"), ({"a": -1, "b": 2}, ValueError, "p"), ({"a": 0}, ValueError, "p"),
        ({"a": "x"}, TypeError, "p"), ([[0.5, 0.5]], ValueError, "p"), ("ab", TypeError, "p"),
        ([np.nan, 1.0], ValueError, "p"),
    ])
    def test_bad_input(self, p, exc, name):
        with pytest.raises(exc, match=name):
            information.entropy(p)

    @pytest.mark.parametrize("base, exc", [(0, ValueError), (-2, ValueError), (1, ValueError),
                                           (math.inf, ValueError), ("2", TypeError),
                                           (True, TypeError)])
    def test_bad_base(self, base, exc):
        with pytest.raises(exc, match="base"):
            information.entropy([0.5, 0.5], base=base)


class TestTextEntropy:
    def test_hello_world_equals_scipy(self):
        expected = scipy.stats.entropy(list(Counter("hello world").values()), base=2)
        assert information.text_entropy("hello world") == pytest.approx(expected, rel=1e-12)
        assert round(information.text_entropy("hello world"), 4) == 2.8454

    def test_words_use_corpus_words(self):
        text = "The cat, the DOG; the cat!"
        counts = Counter(corpus.words(text))
        expected = scipy.stats.entropy(list(counts.values()), base=2)
        assert information.text_entropy(text, unit="word") == pytest.approx(expected, rel=1e-12)

    def test_order_does_not_matter(self):
        assert information.text_entropy("dlrow olleh") == pytest.approx(
            information.text_entropy("hello world"), rel=1e-12)

    @pytest.mark.parametrize("text, unit, exc, name", [
        ("", "char", ValueError, "text"), ("...", "word", ValueError, "text"),
        (["a"], "char", TypeError, "text"), ("abc", "letter", ValueError, "unit"),
    ])
    def test_bad_input(self, text, unit, exc, name):
        with pytest.raises(exc, match=name):
            information.text_entropy(text, unit=unit)


class TestConditionalEntropy:
    @BOTH
    @settings(max_examples=80, deadline=None)
    @given(st.text(alphabet="abcd ", min_size=1, max_size=80), st.integers(0, 4))
    def test_equals_brute_force_on_strings(self, ce, text, k):
        if len(text) <= k:
            with pytest.raises(ValueError, match="text"):
                ce(text, k)
            return
        assert ce(text, k) == pytest.approx(
            brute_conditional_entropy(text, k), rel=1e-9, abs=1e-12)

    @BOTH
    def test_tokens_and_integer_arrays(self, ce):
        tokens = "the cat sat on the mat and the cat ran".split()
        for k in range(3):
            expected = brute_conditional_entropy(tokens, k)
            assert ce(tokens, k) == pytest.approx(expected, rel=1e-12)
        ints = np.random.default_rng(0).integers(0, 5, size=500)
        for k in range(4):
            assert ce(ints, k) == pytest.approx(
                brute_conditional_entropy(ints.tolist(), k), rel=1e-12)

    @BOTH
    def test_renumbering_path_for_codes_beyond_62_bits(self, ce):
        ints = np.random.default_rng(1).integers(0, 3000, size=2000)
        ints[::7] = 5  # some repetition so that the estimate is not trivially 0
        for k in (5, 7):  # (k + 1) * log2(3000) > 62: the dense renumbering is used
            assert ce(ints, k) == pytest.approx(
                brute_conditional_entropy(ints.tolist(), k), rel=1e-12, abs=1e-12)

    @BOTH
    def test_k_zero_is_the_unigram_entropy(self, ce):
        assert ce("hello world", 0) == pytest.approx(
            information.text_entropy("hello world"), rel=1e-12)

    @BOTH
    def test_never_increases_with_k(self, ce, clean):
        text = clean[:30_000]
        values = [ce(text, k) for k in range(6)]
        assert all(b <= a + 1e-12 for a, b in zip(values, values[1:]))

    @BOTH
    @pytest.mark.parametrize("text, k, exc, name", [
        ("abc", -1, ValueError, "k"), ("abc", 1.5, TypeError, "k"), ("ab", 2, ValueError, "text"),
        ("", 0, ValueError, "text"), (42, 0, TypeError, "text"), ([1.5, 2.5], 0, TypeError, "text"),
        (np.zeros((2, 2), dtype=int), 0, ValueError, "text"),
    ])
    def test_bad_input(self, ce, text, k, exc, name):
        with pytest.raises(exc, match=name):
            ce(text, k)


    @settings(max_examples=100, deadline=None)
    @given(st.one_of(st.text(alphabet="abcd ", max_size=60),
                     st.lists(st.sampled_from(["the", "cat", "a"]), max_size=40),
                     st.lists(st.integers(-3, 3), max_size=40)),
           st.integers(0, 5), st.sampled_from([2, math.e, 10]))
    def test_property_plain_equals_fast(self, text, k, base):
        if len(text) <= k:
            for ce in (information.conditional_entropy, information_fast.conditional_entropy):
                with pytest.raises(ValueError, match="text"):
                    ce(text, k, base)
            return
        assert information.conditional_entropy(text, k, base) == pytest.approx(
            information_fast.conditional_entropy(text, k, base), rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------- cross-entropy
class TestCrossEntropyPerplexity:
    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.floats(1e-6, 1.0), min_size=1, max_size=50))
    def test_equal_the_textbook_formulas(self, probs):
        p = np.array(probs)
        assert information.cross_entropy(probs) == pytest.approx(-np.mean(np.log2(p)), rel=1e-12)
        assert information.cross_entropy(probs, base=math.e) == pytest.approx(
            -np.mean(np.log(p)), rel=1e-12)
        assert information.perplexity(probs) == pytest.approx(np.exp(-np.mean(np.log(p))),
                                                              rel=1e-12)
        assert information.perplexity(probs) == pytest.approx(1 / scipy.stats.gmean(p), rel=1e-9)

    @pytest.mark.parametrize("V", [1, 2, 7, 3593, 100_000])
    def test_uniform_model_perplexity_is_the_vocabulary_size(self, V):
        assert information.perplexity(np.full(250, 1 / V)) == pytest.approx(V, rel=1e-12)

    def test_slide_example_is_7_40_not_13_20(self):
        probs = [0.1, 0.2, 0.05, 0.3, 0.15]
        geometric = math.prod(probs) ** (1 / 5)
        assert information.perplexity(probs) == pytest.approx(1 / geometric, rel=1e-12)
        assert round(information.perplexity(probs), 4) == 7.4021
        assert round(information.cross_entropy(probs, base=math.e), 4) == 2.0018
        assert round(information.cross_entropy(probs), 4) == 2.8879
        assert information.perplexity(probs) <= np.mean([1 / p for p in probs])  # AM-GM: 9.0

    def test_zero_probability_gives_inf_never_nan(self):
        assert information.cross_entropy([0.5, 0.0]) == math.inf
        assert information.perplexity([0.5, 0.0]) == math.inf
        assert information.perplexity([0.0]) == math.inf

    def test_rounding_above_one_is_tolerated(self):
        assert information.cross_entropy([1.0 + 1e-15]) == pytest.approx(0.0, abs=1e-12)

    @pytest.mark.parametrize("probs, exc", [
        ([], ValueError), ([1.5], ValueError), ([-0.1, 0.5], ValueError), ([np.nan], ValueError),
        ([[0.5]], ValueError), ("0.5", TypeError), (["a"], TypeError),
    ])
    def test_bad_input(self, probs, exc):
        with pytest.raises(exc, match="probabilities"):
            information.cross_entropy(probs)
        with pytest.raises(exc, match="probabilities"):
            information.perplexity(probs)


class TestKLAndGibbs:
    @settings(max_examples=60, deadline=None)
    @given(dist_seeds, dist_seeds)
    def test_kl_equals_scipy_and_is_non_negative(self, s1, s2):
        rng = np.random.default_rng(s1)
        size = int(rng.integers(2, 20))
        p, q = dirichlet(s1, size), dirichlet(s2 + 20_000, size)
        kl = information.kl_divergence(p, q)
        assert kl == pytest.approx(scipy.stats.entropy(p, q, base=2), rel=1e-9, abs=1e-12)
        assert kl >= 0

    @settings(max_examples=60, deadline=None)
    @given(dist_seeds, dist_seeds)
    def test_gibbs_cross_entropy_at_least_entropy(self, s1, s2):
        size = int(np.random.default_rng(s1).integers(2, 20))
        p, q = dirichlet(s1, size, alpha=0.5), dirichlet(s2 + 50_000, size, alpha=0.5)
        h, hpq = information.entropy(p), information.distribution_cross_entropy(p, q)
        assert hpq >= h - 1e-12
        assert hpq == pytest.approx(scipy.stats.entropy(p, base=2)
                                    + scipy.stats.entropy(p, q, base=2), rel=1e-9)

    def test_zero_only_for_equal_distributions(self):
        p = dirichlet(3, 6)
        assert information.kl_divergence(p, p) == 0.0
        assert information.distribution_cross_entropy(p, p) == pytest.approx(
            information.entropy(p), rel=1e-12)
        q = p.copy()
        q[0], q[1] = q[0] + 1e-3, q[1] - 1e-3
        assert information.kl_divergence(p, q) > 0

    def test_not_symmetric_and_inf_off_support(self):
        p, q = [0.25, 0.75], [0.5, 0.5]
        assert information.kl_divergence(p, q) != pytest.approx(information.kl_divergence(q, p))
        assert information.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
        assert information.distribution_cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
        assert information.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(1.0)

    @pytest.mark.parametrize("p, q, name", [
        ([0.5, 0.5], [1.0], "q"), ([0.5, 0.6], [0.5, 0.5], "p"), ([0.5, 0.5], [0.7, 0.7], "q"),
        ([], [], "p"),
    ])
    def test_bad_input(self, p, q, name):
        with pytest.raises(ValueError, match=name):
            information.kl_divergence(p, q)
        with pytest.raises(ValueError, match=name):
            information.distribution_cross_entropy(p, q)


class TestCompression:
    def test_equals_the_compressed_sizes(self):
        text = "the cat sat on the mat. " * 200
        data = text.encode()
        got = information.compression_bits_per_char(text)
        assert got["zlib"] == 8 * len(zlib.compress(data, 9)) / len(text)
        assert got["bz2"] == 8 * len(bz2.compress(data, 9)) / len(text)
        assert got["lzma"] == 8 * len(lzma.compress(data, preset=9)) / len(text)

    def test_an_upper_bound_on_random_text(self):
        # i.i.d. uniform over 4 letters: 2 bits per character, no compressor does better
        text = "".join(np.random.default_rng(0).choice(list("acgt"), size=20_000))
        for bpc in information.compression_bits_per_char(text).values():
            assert bpc >= 2.0

    def test_bad_input(self):
        with pytest.raises(ValueError, match="text"):
            information.compression_bits_per_char("")
        with pytest.raises(TypeError, match="text"):
            information.compression_bits_per_char(b"abc")


# ---------------------------------------------------------------------------- figures, panel
def _labelled(fig):
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    title = ax.get_title() or fig.get_suptitle()
    assert title and ax.get_xlabel() and ax.get_ylabel()
    return ax


def test_conditional_entropy_figure():
    fig = conditional_entropy_figure([0, 1, 2], {"a": [3.0, 2.0, 1.5]}, bounds={"zlib": 2.5})
    ax = _labelled(fig)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [3.0, 2.0, 1.5])
    assert "bits" in ax.get_ylabel()
    close(fig)
    with pytest.raises(ValueError, match="estimates"):
        conditional_entropy_figure([0, 1], {"a": [1.0]})
    with pytest.raises(TypeError, match="estimates"):
        conditional_entropy_figure([0, 1], [1.0, 2.0])


def test_convergence_figure():
    fig = convergence_figure([10, 100], {"k = 1": [1.0, 1.5]}, true_rate=1.6)
    ax = _labelled(fig)
    assert ax.get_xscale() == "log"
    assert any(list(line.get_ydata()) == [1.6, 1.6] for line in ax.lines)
    close(fig)
    with pytest.raises(ValueError, match="sizes"):
        convergence_figure([0, 10], {"a": [1, 2]}, 1.0)


def test_source_figure_shows_the_table_and_the_rate():
    fig = source_figure(concentration=1.0)
    _labelled(fig)
    image = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(image, MarkovSource(1, 8, 0, 1.0).transitions)
    assert f"{MarkovSource(1, 8, 0, 1.0).entropy_rate():.2f}" in fig.get_suptitle()
    close(fig)
    with pytest.raises(ValueError, match="concentration"):
        source_figure(concentration=0.0)


def test_concentration_panel_reacts_to_the_slider():
    panel = concentration_panel(concentration=1.0)
    assert isinstance(panel, ipywidgets.interactive)
    slider = panel.children[0]
    assert isinstance(slider, ipywidgets.FloatLogSlider)
    assert slider.description.startswith("concentration")
    assert slider.style.description_width == "initial"
    slider.value = 10.0
    assert panel.kwargs["concentration"] == pytest.approx(10.0)


# ---------------------------------------------------------------------------- exercises
def test_nb02_exercise_references_match_independent_computations():
    ex = exercises._core._REGISTRY
    for (counts,) in ex["entropy_bits"].cases:
        expected = scipy.stats.entropy(list(counts.values()), base=2)
        assert ex["entropy_bits"].reference(counts) == pytest.approx(expected, abs=1e-12)
    for (text,) in ex["conditional_entropy_k1"].cases:
        assert ex["conditional_entropy_k1"].reference(text) == pytest.approx(
            brute_conditional_entropy(text, 1), abs=1e-12)
    for p, q in ex["kl_divergence_bits"].cases:
        assert ex["kl_divergence_bits"].reference(p, q) == pytest.approx(
            scipy.stats.entropy(p, q, base=2), abs=1e-12)


def test_nb02_notebook_solutions_pass_and_stubs_fail():
    def my_entropy_bits(counts):
        total = sum(counts.values())
        return -sum(c / total * math.log2(c / total) for c in counts.values() if c > 0)

    def my_conditional_entropy_k1(text):
        pairs, previous, m = Counter(zip(text, text[1:])), Counter(text[:-1]), len(text) - 1
        return -sum(c / m * math.log2(c / previous[a]) for (a, _), c in pairs.items())

    def my_kl(p, q):
        return sum(pi * math.log2(pi / qi) for pi, qi in zip(p, q) if pi > 0)

    assert exercises.passes("entropy_bits", my_entropy_bits)
    assert exercises.passes("conditional_entropy_k1", my_conditional_entropy_k1)
    assert exercises.passes("kl_divergence_bits", my_kl)
    assert not exercises.passes("entropy_bits", lambda counts: None)
    assert not exercises.passes("kl_divergence_bits", lambda p, q: my_kl(q, p))


# ---------------------------------------------------------------------------- notebook 02's numbers
def test_nb02_slide_example():
    counts = Counter("hello world")
    assert len(counts) == 8
    assert information.conditional_entropy("hello world", 1) == pytest.approx(
        brute_conditional_entropy("hello world", 1), rel=1e-12)
    assert round(brute_conditional_entropy("hello world", 1), 4) == 0.6755


def test_nb02_stories_unigram_entropies(clean):
    words = corpus.words(corpus.load_stories())
    assert len(clean) == 276_911 and len(set(clean)) == 28 and len(set(words)) == 3725
    char_h = scipy.stats.entropy(list(Counter(clean).values()), base=2)
    word_h = scipy.stats.entropy(list(Counter(words).values()), base=2)
    assert information.text_entropy(clean) == pytest.approx(char_h, rel=1e-12)
    assert information.text_entropy(clean, unit="word") == pytest.approx(word_h, rel=1e-12)
    assert (round(char_h, 3), round(word_h, 3)) == (4.049, 8.841)
    assert round(word_h / (len(clean) / len(words)), 3) == 1.763


def test_nb02_conditional_entropy_of_the_stories(clean):
    """The table of k = 0..6 (whole text and the 20,000-character slice), by brute force."""
    full = [round(brute_conditional_entropy(clean, k), 3) for k in range(7)]
    part = [round(brute_conditional_entropy(clean[:20_000], k), 3) for k in range(7)]
    assert [round(information.conditional_entropy(clean, k), 3) for k in range(7)] == full
    assert [round(information.conditional_entropy(clean[:20_000], k), 3) for k in range(7)] == part
    assert full[0] == 4.049 and full[6] < 1.0 and part[6] < full[6] / 1.9


def test_nb02_compression_table(clean):
    got = information.compression_bits_per_char(clean)
    data = clean.encode()
    expected = {"zlib": 8 * len(zlib.compress(data, 9)) / len(clean),
                "bz2": 8 * len(bz2.compress(data, 9)) / len(clean),
                "lzma": 8 * len(lzma.compress(data, preset=9)) / len(clean)}
    assert got == expected
    assert {k: round(v, 2) for k, v in expected.items()} == {"zlib": 2.65, "bz2": 2.01, "lzma": 2.29}
    assert got["bz2"] < got["lzma"] < got["zlib"]  # the order the notebook's prose relies on
    assert min(got.values()) > information.conditional_entropy(clean, 6)


def test_nb02_markov_convergence_table():
    source = MarkovSource(order=2, vocab_size=8, seed=0, concentration=0.5)
    symbols = source.sample(100_000, np.random.default_rng(1)).tolist()
    for size in (100, 10_000, 100_000):
        for k in (1, 2, 4):
            assert information.conditional_entropy(np.array(symbols[:size]), k) == pytest.approx(
                brute_conditional_entropy(symbols[:size], k), rel=1e-12, abs=1e-12)
    assert abs(brute_conditional_entropy(symbols, 2) - source.entropy_rate()) < 0.01


def test_nb02_plug_in_bias_table():
    """The notebook's draws, re-estimated with scipy: mean estimate below log2 26, shrinking."""
    rng = np.random.default_rng(2)
    means = []
    for n in [10, 30, 100, 300, 1_000, 10_000]:
        ours, theirs = [], []
        for _ in range(200):
            draw = Counter(rng.integers(0, 26, size=n).tolist())
            ours.append(information.entropy(draw))
            theirs.append(scipy.stats.entropy(list(draw.values()), base=2))
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        means.append(np.mean(theirs))
    assert [round(m, 3) for m in means] == [2.988, 4.0, 4.505, 4.641, 4.683, 4.699]
    assert all(m < math.log2(26) for m in means) and means == sorted(means)


def test_nb02_shuffled_text(clean):
    letters = np.frombuffer(clean.encode("ascii"), dtype=np.uint8)
    shuffled = np.random.default_rng(3).permutation(letters).tobytes().decode("ascii")
    assert sorted(shuffled) == sorted(clean)
    assert information.conditional_entropy(shuffled, 2) == pytest.approx(
        brute_conditional_entropy(shuffled, 2), rel=1e-12)
    assert round(brute_conditional_entropy(shuffled, 2), 3) == 4.005
