"""lmcore.sampling (temperature, top-k, top-p, sampling, generation) and notebook 09's panels.

References: closed forms (p ** (1/t) renormalised), brute force over every subset (top-p),
a sorted reference (top-k), scipy.stats.chisquare on 50,000 seeded draws, scipy.stats.entropy,
and a pure-Python inverse-CDF sampler that must reproduce the same seeded draws.
"""

from __future__ import annotations

import itertools
import math

import ipywidgets
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import corpus, information, ngram, ngram_fast, plotting
from lmcore.exercises import _core as exercises_core
from lmcore.exercises import passes
from lmcore.plotting.decoding import entropy_figure, frequency_figure, sampling_figure
from lmcore.sampling import (
    MASS_TOLERANCE,
    apply_temperature,
    generate,
    sample,
    sampling_distribution,
    top_k,
    top_p,
)
from lmcore.widgets.decoding import sampling_panel

SLIDE = [0.1, 0.2, 0.05, 0.4, 0.25]


@st.composite
def distributions(draw, min_size=1, max_size=8, zeros=True):
    """Probability vectors built from small integer weights (so ties happen often)."""
    n = draw(st.integers(min_size, max_size))
    weights = draw(st.lists(st.integers(0 if zeros else 1, 6), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[0] = 1
    w = np.array(weights, dtype=float)
    return w / w.sum()


@pytest.fixture(scope="module")
def model():
    """The notebook's model: Kneser-Ney trigrams of the training stories (the fast twin, as in 09)."""
    train, _ = corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, 0)
    return ngram_fast.NGramModel(3, smoothing="kneser-ney").fit(train)


# ----------------------------------------------------------------------------- temperature
def test_slide_distribution_at_t_half_is_p_squared_renormalised():
    p = np.array(SLIDE)
    expected = p**2 / np.sum(p**2)  # 0.01, 0.04, 0.0025, 0.16, 0.0625 over 0.275
    np.testing.assert_allclose(apply_temperature(p, 0.5), expected, rtol=1e-12)
    np.testing.assert_allclose(expected, [0.0364, 0.1455, 0.0091, 0.5818, 0.2273], atol=5e-5)


@settings(max_examples=60, deadline=None)
@given(distributions(), st.floats(0.05, 20))
def test_temperature_matches_the_closed_form(p, t):
    expected = p ** (1 / t) / np.sum(p ** (1 / t))
    q = apply_temperature(p, t)
    np.testing.assert_allclose(q, expected, rtol=1e-9, atol=1e-300)
    assert q.sum() == pytest.approx(1.0)
    assert np.all(q[p == 0] == 0)


@settings(max_examples=40, deadline=None)
@given(distributions())
def test_temperature_limits(p):
    support = p > 0
    top = p == p.max()
    # t = 1: unchanged; t = 0: one-hot on the first maximum
    np.testing.assert_allclose(apply_temperature(p, 1.0), p, rtol=1e-15)
    greedy = apply_temperature(p, 0)
    assert greedy.sum() == 1 and greedy[np.flatnonzero(top)[0]] == 1
    # t -> 0: all the mass on the maxima, split equally between tied maxima
    np.testing.assert_allclose(apply_temperature(p, 1e-4), top / top.sum(), atol=1e-12)
    # t -> infinity: uniform over the words with p > 0
    np.testing.assert_allclose(apply_temperature(p, 1e9), support / support.sum(), atol=1e-6)


def test_temperature_never_overflows_or_returns_nan():
    p = np.array([0.4, 0.35, 0.25])
    for t in [1e-300, 1e-12, 0.001, 1e-3, 1e12, 1e300]:
        q = apply_temperature(p, t)
        assert np.all(np.isfinite(q)) and q.sum() == pytest.approx(1.0)
    # the naive formula p ** (1/t) / sum underflows to 0 / 0 at t = 0.001
    with np.errstate(all="ignore"):
        naive = p ** 1000 / np.sum(p ** 1000)
    assert np.all(np.isnan(naive))
    np.testing.assert_array_equal(apply_temperature(p, 0.001).round(12), [1.0, 0.0, 0.0])


def test_temperature_bad_input():
    with pytest.raises(ValueError, match="^t "):
        apply_temperature(SLIDE, -0.1)
    with pytest.raises(ValueError, match="probs"):
        apply_temperature([0.5, 0.6], 1.0)
    with pytest.raises(ValueError, match="probs"):
        apply_temperature([1.5, -0.5], 1.0)
    with pytest.raises(TypeError, match="^t "):
        apply_temperature(SLIDE, "hot")
    with pytest.raises(ValueError, match="^t "):
        apply_temperature(SLIDE, math.inf)


# ----------------------------------------------------------------------------- top-k, top-p
def _top_k_reference(p, k):
    ranked = sorted(range(len(p)), key=lambda i: (-p[i], i))[:k]
    q = np.zeros(len(p))
    q[ranked] = p[ranked]
    return q / q.sum()


@settings(max_examples=60, deadline=None)
@given(distributions(), st.integers(1, 10))
def test_top_k_keeps_exactly_the_k_most_likely(p, k):
    q = top_k(p, k)
    np.testing.assert_allclose(q, _top_k_reference(p, k), rtol=1e-12)
    assert np.count_nonzero(q) <= k and q.sum() == pytest.approx(1.0)


def _top_p_reference(p, mass):
    """Brute force: the smallest subsets whose mass reaches ``mass``; among them the most
    probable, and among those the lexicographically first (lower indices win ties)."""
    idx = range(len(p))
    for size in range(1, len(p) + 1):
        fits = [s for s in itertools.combinations(idx, size)
                if math.fsum(p[list(s)]) >= mass - MASS_TOLERANCE]
        if fits:
            best = max(math.fsum(p[list(s)]) for s in fits)
            chosen = min(s for s in fits if math.fsum(p[list(s)]) == best)
            q = np.zeros(len(p))
            q[list(chosen)] = p[list(chosen)]
            return q / q.sum()
    raise AssertionError("unreachable: the whole vocabulary has mass 1")


@settings(max_examples=80, deadline=None)
@given(distributions(max_size=7), st.sampled_from([0.05, 0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.9, 1.0]))
def test_top_p_keeps_the_smallest_nucleus(p, mass):
    q = top_p(p, mass)
    np.testing.assert_allclose(q, _top_p_reference(p, mass), rtol=1e-12)
    kept = q > 0
    assert p[kept].sum() >= mass - 1e-9
    assert not kept.any() or p[kept].min() >= p[~kept].max(initial=0)


def test_top_p_examples_and_rounding():
    # 0.7 + 0.1 + 0.1 is 0.8999999999999999 in floating point: still reaches 0.9
    np.testing.assert_allclose(top_p([0.7, 0.1, 0.1, 0.1], 0.9), [7 / 9, 1 / 9, 1 / 9, 0])
    np.testing.assert_allclose(top_p(SLIDE, 0.65), [0, 0, 0, 0.4 / 0.65, 0.25 / 0.65])
    np.testing.assert_allclose(top_p(SLIDE, 0.66), [0, 0.2 / 0.85, 0, 0.4 / 0.85, 0.25 / 0.85])
    np.testing.assert_allclose(top_p(SLIDE, 1.0), SLIDE)
    np.testing.assert_allclose(top_p([0.25] * 4, 0.3), [0.5, 0.5, 0, 0])  # ties: lower index


def test_top_k_top_p_bad_input():
    for k in [0, -3]:
        with pytest.raises(ValueError, match="^k "):
            top_k(SLIDE, k)
    with pytest.raises(TypeError, match="^k "):
        top_k(SLIDE, 2.5)
    for p in [0.0, -0.1, 1.01]:
        with pytest.raises(ValueError, match="^p "):
            top_p(SLIDE, p)
    with pytest.raises(ValueError, match="probs"):
        top_k([0.2, 0.2], 1)


# ----------------------------------------------------------------------------- sampling
def _draw_reference(q, rng, count):
    """Pure-Python inverse CDF: the first index whose running sum exceeds u * total."""
    q = [float(x) for x in q]
    total = math.fsum(q)
    last = max(i for i, x in enumerate(q) if x > 0)
    out = []
    for _ in range(count):
        u, running = rng.random() * sum(q), 0.0
        pick = last
        for i, x in enumerate(q):
            running += x
            if u < running:
                pick = i
                break
        out.append(min(pick, last))
    assert total == pytest.approx(1.0)
    return out


@pytest.mark.parametrize("probs, kwargs", [
    (SLIDE, {}),
    (SLIDE, {"temperature": 0.5}),
    ([0.05, 0.3, 0.0, 0.15, 0.5], {"temperature": 2.0, "top_k": 3}),
    (np.arange(1, 21) / 210, {"top_p": 0.8}),
])
def test_sampler_passes_a_chi_square_test_on_50000_draws(probs, kwargs):
    q = sampling_distribution(probs, **kwargs)
    draws = sample(probs, np.random.default_rng(2024), size=50_000, **kwargs)
    counts = np.bincount(draws, minlength=len(q))
    assert counts[q == 0].sum() == 0, "a word of probability 0 was drawn"
    support = q > 0
    result = scipy.stats.chisquare(counts[support], 50_000 * q[support])
    assert result.pvalue > 1e-3, result


def test_seeded_draws_match_a_pure_python_sampler():
    q = np.array(SLIDE)
    expected = _draw_reference(q, np.random.default_rng(7), 300)
    assert sample(q, np.random.default_rng(7), size=300).tolist() == expected
    rng = np.random.default_rng(7)
    assert [sample(q, rng) for _ in range(300)] == expected  # one at a time: the same stream
    tempered = np.array(SLIDE) ** 2 / np.sum(np.array(SLIDE) ** 2)
    assert (sample(SLIDE, np.random.default_rng(0), temperature=0.5, size=500).tolist()
            == _draw_reference(tempered, np.random.default_rng(0), 500))


def test_sample_edge_cases_and_types():
    rng = np.random.default_rng(0)
    assert isinstance(sample(SLIDE, rng), int)
    assert sample([0, 0, 1.0], rng, size=100).tolist() == [2] * 100
    assert set(sample(SLIDE, rng, temperature=0, size=100).tolist()) == {3}
    assert set(sample(SLIDE, rng, top_k=1, size=50).tolist()) == {3}
    assert set(sample(SLIDE, rng, top_p=0.6, size=200).tolist()) <= {3, 4}


def test_sample_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="temperature"):
        sample(SLIDE, rng, temperature=-1)
    with pytest.raises(ValueError, match="top_k"):
        sample(SLIDE, rng, top_k=0)
    with pytest.raises(ValueError, match="top_p"):
        sample(SLIDE, rng, top_p=0)
    with pytest.raises(ValueError, match="top_p"):
        sample(SLIDE, rng, top_p=1.5)
    with pytest.raises(ValueError, match="probs"):
        sample([0.1, 0.2], rng)
    with pytest.raises(TypeError, match="rng"):
        sample(SLIDE, 42)
    with pytest.raises(ValueError, match="size"):
        sample(SLIDE, rng, size=0)


# ----------------------------------------------------------------------------- generation
def _greedy_reference(model, prompt, max_words):
    history = ["<s>"] * (model.n - 1) + prompt.split()
    out = []
    for _ in range(max_words):
        context = history[-(model.n - 1):]
        scores = {w: model.prob(w, context) for w in model.vocab}
        word = min(scores, key=lambda w: (-scores[w], model.vocab.index(w)))
        if word == "</s>":
            break
        out.append(word)
        history.append(word)
    return out


def _sampled_reference(model, prompt, rng, max_words, t):
    """Word by word with model.prob, p ** (1/t) and a pure-Python inverse CDF."""
    history = ["<s>"] * (model.n - 1) + prompt.split()
    out = []
    for _ in range(max_words):
        context = history[-(model.n - 1):]
        weights = [model.prob(w, context) ** (1 / t) for w in model.vocab]
        word = model.vocab[_draw_reference(np.array(weights) / sum(weights), rng, 1)[0]]
        if word == "</s>":
            break
        out.append(word)
        history.append(word)
    return out


def test_generate_greedy_and_seeded_match_references(model):
    # the notebook's greedy sentence after "whisker"
    greedy_words = generate(model, "whisker", np.random.default_rng(0), temperature=0)
    assert greedy_words == _greedy_reference(model, "whisker", 20)
    assert " ".join(greedy_words) == "the grey cat on the mat by the door"
    for t, seed in [(0.5, 1), (1.0, 2)]:
        got = generate(model, "whisker", np.random.default_rng(seed), max_words=12, temperature=t)
        want = _sampled_reference(model, "whisker", np.random.default_rng(seed), 12, t)
        assert got == want


def test_generate_respects_limits_and_seeds():
    toy = ngram.NGramModel(2).fit([["a", "b", "a", "b", "a"]])
    assert generate(toy, ["a"], np.random.default_rng(0), max_words=3, temperature=0) == [
        "b", "a", "b"]
    a = generate(toy, "", np.random.default_rng(5), max_words=30)
    b = generate(toy, "", np.random.default_rng(5), max_words=30)
    assert a == b and len(a) <= 30 and "</s>" not in a


def test_generate_bad_input(model):
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="model"):
        generate("not a model", "the", rng)
    with pytest.raises(ValueError, match="model"):
        generate(ngram.NGramModel(2), "the", rng)
    mle = ngram.NGramModel(2).fit([["the", "cat"]])
    with pytest.raises(ValueError, match="prompt"):
        generate(mle, "dragon", rng)
    with pytest.raises(TypeError, match="prompt"):
        generate(model, [1, 2], rng)
    with pytest.raises(ValueError, match="max_words"):
        generate(model, "the", rng, max_words=0)
    with pytest.raises(ValueError, match="temperature"):
        generate(model, "the", rng, temperature=-1)


# ----------------------------------------------------------------------------- notebook 09's numbers
def test_notebook_entropies_match_scipy(model):
    """Entropy (bits) of the tempered next-word distributions printed and plotted in 09."""
    for context in [("sat", "on"), ("said", "the"), ("<s>", "the")]:
        p = model.probabilities(context)
        for t in [0.5, 1.0, 2.0, 3.0]:
            ours = information.entropy(apply_temperature(p, t))
            ref = scipy.stats.entropy(p ** (1 / t), base=2)  # scipy renormalises
            assert ours == pytest.approx(ref, rel=1e-9)
        assert information.entropy(apply_temperature(p, 0)) == 0.0


def test_notebook_nucleus_sizes_and_top_k_mass(model):
    """The pitfall's counts: how many words top-p = 0.9 keeps, what mass top-5 covers."""
    for context in [("sat", "on"), ("<s>", "the")]:
        p = model.probabilities(context)
        ranked = np.sort(p)[::-1]
        size = int(np.argmax(np.cumsum(ranked) >= 0.9 - 1e-12)) + 1
        assert np.count_nonzero(top_p(p, 0.9)) == size
        assert p[top_k(p, 5) > 0].sum() == pytest.approx(math.fsum(ranked[:5]))


def _nucleus_reference(q, mass):
    """Indices of the smallest most-likely set reaching ``mass``, by sorting in Python."""
    order = sorted(range(len(q)), key=lambda i: (-q[i], i))
    kept, total = [], 0.0
    for i in order:
        kept.append(i)
        total += q[i]
        if total >= mass - 1e-12:
            return kept
    return kept


def test_notebook_order_of_temperature_and_top_p(model):
    """Pitfall 5: heating then cutting keeps 2,223 words; cutting then heating keeps 85."""
    p = model.probabilities(["said", "the"])
    heated = p ** 0.5 / np.sum(p ** 0.5)
    kept = _nucleus_reference(heated, 0.9)
    q = sampling_distribution(p, temperature=2.0, top_p=0.9)
    assert np.count_nonzero(q) == len(kept) == 2223
    assert information.entropy(q) == pytest.approx(
        scipy.stats.entropy(heated[kept], base=2), rel=1e-9)
    assert round(information.entropy(q), 2) == 10.02
    nucleus = _nucleus_reference(p, 0.9)
    cut_then_heated = apply_temperature(top_p(p, 0.9), 2.0)
    assert np.flatnonzero(cut_then_heated).tolist() == sorted(nucleus) and len(nucleus) == 85
    assert information.entropy(cut_then_heated) == pytest.approx(
        scipy.stats.entropy(p[nucleus] ** 0.5, base=2), rel=1e-9)


def test_notebook_slide_numbers():
    q = apply_temperature(SLIDE, 0.5)
    # the slide's printed words fish fish rabbit fish rabbit, under the tempered distribution
    assert q[3] ** 3 * q[4] ** 2 == pytest.approx(0.5818 ** 3 * 0.2273 ** 2, rel=1e-3)
    assert q[3] ** 5 == pytest.approx((0.16 / 0.275) ** 5)
    assert round(information.entropy(SLIDE), 3) == round(scipy.stats.entropy(SLIDE, base=2), 3)
    assert round(information.entropy(q), 3) == round(
        scipy.stats.entropy(np.array(SLIDE) ** 2, base=2), 3) == 1.58
    # the notebook's five seeded draws at t = 0.5: fish fish dog cat rabbit
    tempered = np.array(SLIDE) ** 2 / np.sum(np.array(SLIDE) ** 2)
    assert _draw_reference(tempered, np.random.default_rng(0), 5) == [3, 3, 1, 0, 4]


def test_notebook_chi_square_of_10000_draws(model):
    """The chi-square statistic and p-value printed in 09, from the formula and the chi2 law."""
    p = model.probabilities(["said", "the"])
    draws = sample(p, np.random.default_rng(1), size=10_000)
    counts = np.bincount(draws, minlength=len(p))
    expected = 10_000 * p
    big = expected >= 5
    observed = np.append(counts[big], counts[~big].sum())
    wanted = np.append(expected[big], expected[~big].sum())
    statistic = math.fsum((observed - wanted) ** 2 / wanted)
    dof = len(observed) - 1
    result = scipy.stats.chisquare(observed, wanted)
    assert result.statistic == pytest.approx(statistic)
    assert result.pvalue == pytest.approx(scipy.stats.chi2.sf(statistic, dof))
    assert (big.sum(), dof, round(statistic, 1), round(result.pvalue, 3)) == (80, 80, 76.5, 0.589)


def test_notebook_unseen_pair_shares(model):
    """1 - bigram coverage equals the share of generated pairs absent from training."""
    train, test = corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, 0)
    bigrams = ngram_fast.NGramModel(2).fit(train)
    seen = {pair for s in train for pair in zip(["<s>"] + s, s + ["</s>"])}

    def unseen_share(sentences):
        pairs = [pair for s in sentences for pair in zip(["<s>"] + s, s + ["</s>"])]
        return sum(pair not in seen for pair in pairs) / len(pairs)

    assert 1 - bigrams.coverage(test) == pytest.approx(unseen_share(test))
    rng = np.random.default_rng(3)
    generated = [generate(model, [], rng, max_words=40, temperature=1.0, top_p=0.8)
                 for _ in range(25)]
    assert 1 - bigrams.coverage(generated) == pytest.approx(unseen_share(generated))


# ----------------------------------------------------------------------------- exercises
def test_exercise_references_pass_and_a_naive_temperature_fails():
    assert passes("tempered_distribution", apply_temperature)
    assert passes("top_k_filter", top_k)
    assert passes("top_p_filter", top_p)

    def naive(probs, t):
        p = np.asarray(probs, dtype=float)
        if t == 0:
            q = np.zeros_like(p)
            q[np.argmax(p)] = 1
            return q
        with np.errstate(all="ignore"):
            return p ** (1 / t) / np.sum(p ** (1 / t))

    assert not passes("tempered_distribution", naive)  # the t = 0.001 case underflows
    assert not passes("top_p_filter", lambda probs, p: top_k(probs, 1))
    assert set(exercises_core.exercise_names()) >= {"tempered_distribution", "top_k_filter",
                                                    "top_p_filter"}


# ----------------------------------------------------------------------------- figures, panel
def test_sampling_figure_draws_the_sampled_distribution():
    labels = ["cat", "dog", "bird", "fish", "rabbit"]
    q = np.array(SLIDE) ** 2 / np.sum(np.array(SLIDE) ** 2)  # t = 0.5 by hand
    fig = sampling_figure(SLIDE, q, labels, "t = 0.5, no top-k, no top-p", context="the", shown=3)
    ax = fig.axes[0]
    assert ax.get_title() == "Next word after 'the'" and ax.get_xlabel() and ax.get_ylabel()
    heights = [patch.get_height() for patch in ax.patches[:4]]  # the filled bars come first
    np.testing.assert_allclose(heights, [q[3], q[4], q[1], q[0] + q[2]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["fish", "rabbit", "dog", "other 2 words"]
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert f"entropy {scipy.stats.entropy(q, base=2):.2f} bits" in legend
    assert ax.get_legend().get_title().get_text() == "t = 0.5, no top-k, no top-p"
    plotting.close(fig)
    with pytest.raises(ValueError, match="labels"):
        sampling_figure(SLIDE, SLIDE, labels[:3])
    with pytest.raises(ValueError, match="sampled"):
        sampling_figure(SLIDE, [0.5, 0.5], labels)


def test_sampling_panel_computes_what_it_draws():
    labels = ["cat", "dog", "bird", "fish", "rabbit"]
    panel = sampling_panel(SLIDE, labels, context="the", shown=5)
    sliders = {c.description: c for c in panel.children if getattr(c, "description", "")}
    sliders["top-k (0 = off)"].value = 2
    sliders["top-p (1 = off)"].value = 0.5
    fig = panel.live.current
    np.testing.assert_allclose([p.get_height() for p in fig.axes[0].patches[:5]], [1, 0, 0, 0, 0])
    assert fig.axes[0].get_legend().get_title().get_text() == "t = 1, top-k = 2, top-p = 0.5"
    panel.close()


def test_frequency_and_entropy_figures():
    labels = ["cat", "dog", "bird", "fish", "rabbit"]
    draws = np.array([3, 3, 4, 1, 3, 0, 2, 4])
    fig = frequency_figure(SLIDE, labels, draws, shown=5)
    ax = fig.axes[0]
    observed = [p.get_height() for p in ax.patches[5:10]]
    np.testing.assert_allclose(observed, [3 / 8, 2 / 8, 1 / 8, 1 / 8, 1 / 8])
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plotting.close(fig)
    with pytest.raises(ValueError, match="draws"):
        frequency_figure(SLIDE, labels, np.array([7]))
    fig = entropy_figure([0, 1, 2], {"a": [0, 1, 1.5]})
    assert "bits" in fig.axes[0].get_ylabel()
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [0, 1, 1.5])
    plotting.close(fig)
    with pytest.raises(ValueError, match="curves"):
        entropy_figure([0, 1], {"a": [1, 2, 3]})


def test_sampling_panel_reruns_when_a_slider_moves():
    labels = ["cat", "dog", "bird", "fish", "rabbit"]
    panel = sampling_panel(SLIDE, labels, context="the")
    assert isinstance(panel, ipywidgets.interactive)
    sliders = {c.description: c for c in panel.children if hasattr(c, "description")
               and c.description}
    assert {"temperature t", "top-k (0 = off)", "top-p (1 = off)"} <= set(sliders)
    assert (sliders["temperature t"].min, sliders["temperature t"].max) == (0.0, 3.0)
    assert all(s.style.description_width == "initial" for s in sliders.values())
    sliders["temperature t"].value = 0.0
    sliders["top-k (0 = off)"].value = 2
    sliders["top-p (1 = off)"].value = 0.5
    assert panel.kwargs["temperature"] == 0.0 and panel.kwargs["top_k"] == 2
    assert panel.kwargs["top_p"] == 0.5


def test_no_figure_is_left_open():
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
