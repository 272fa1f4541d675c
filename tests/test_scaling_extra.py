"""lmcore.scaling's extensions (floors of a Markov source, Markov and letter corpora, the MLP
learner, training prefixes), notebook 13's figures and panel, and the learning-curve numbers
notebook 13 prints.

References: brute-force loops over symbols and states, plug-in entropies of long samples,
scipy.stats.entropy, scipy.optimize.curve_fit and brentq, neural_lm.make_examples, a forward
pass written out here, and NGramModel fitted directly on hand-built prefixes.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from functools import partial
from pathlib import Path

import ipywidgets
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, curve_fit

from lmcore import corpus, learning_curves, markov, scaling
from lmcore.lm_data import build_vocab, make_examples
from lmcore.markov import MarkovSource
from lmcore.ngram import NGramModel
from lmcore.plotting.scaling import (
    learning_curves_figure,
    novelty_figure,
    order_fit_figure,
    published_laws_figure,
)
from lmcore.widgets.scaling import fitted_order_figure, order_fit_panel

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "13_scaling_and_challenges.ipynb"


def law(x, E, A, alpha):
    return E + A * x ** (-alpha)


def notebook_text() -> str:
    """Every stdout stream recorded in notebook 13."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return "\n".join(o.text for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                     if o.output_type == "stream")


# ---------------------------------------------------------------------------- floors
def brute_conditional_entropy(source: MarkovSource, k: int) -> float:
    """H(X_t | last k) from explicit loops over every state and next symbol (digits decoded)."""
    V, order = source.vocab_size, source.order
    pi = source.stationary()
    joint: Counter = Counter()
    for state in range(source.n_states):
        digits = [(state // V ** (order - 1 - i)) % V for i in range(order)]  # oldest first
        context = tuple(digits[order - k:]) if k else ()
        for y in range(V):
            joint[context + (y,)] += pi[state] * source.transitions[state, y]
    marginal: Counter = Counter()
    for key, p in joint.items():
        marginal[key[:-1]] += p
    h = lambda ps: -sum(p * math.log2(p) for p in ps if p > 0)  # noqa: E731
    return h(joint.values()) - h(marginal.values())


@pytest.mark.parametrize("order, V, seed", [(0, 3, 0), (1, 4, 1), (2, 3, 2), (2, 8, 0), (3, 2, 5)])
def test_conditional_entropy_matches_brute_force(order, V, seed):
    source = MarkovSource(order=order, vocab_size=V, seed=seed, concentration=0.5)
    for k in range(order + 2):
        expected = brute_conditional_entropy(source, min(k, order))
        assert markov.conditional_entropy(source, k) == pytest.approx(expected, abs=1e-10)
    assert markov.conditional_entropy(source, order) == pytest.approx(source.entropy_rate(), abs=1e-10)
    # no context: the entropy of the stationary next-symbol distribution (scipy)
    marginal = source.stationary() @ source.transitions
    assert markov.conditional_entropy(source, 0) == pytest.approx(
        scipy.stats.entropy(marginal, base=2), abs=1e-10)


def test_conditional_entropy_matches_plug_in_estimate_of_a_long_sample():
    source = MarkovSource(order=2, vocab_size=4, seed=3, concentration=0.5)
    x = source.sample(400_000, np.random.default_rng(0))
    for k in (0, 1, 2):
        windows = Counter(zip(*(x[j : len(x) - k + j] for j in range(k + 1))))
        contexts: Counter = Counter()
        for key, c in windows.items():
            contexts[key[:-1]] += c
        total = sum(windows.values())
        plug_in = (-sum(c / total * math.log2(c / total) for c in windows.values())
                   + sum(c / total * math.log2(c / total) for c in contexts.values()))
        assert markov.conditional_entropy(source, k) == pytest.approx(plug_in, abs=0.01)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 3), st.integers(2, 4), st.integers(0, 50))
def test_floors_never_rise_with_more_context(order, V, seed):
    source = MarkovSource(order=order, vocab_size=V, seed=seed)
    h = [markov.conditional_entropy(source, k) for k in range(order + 2)]
    assert all(a >= b - 1e-12 for a, b in zip(h, h[1:]))
    assert 0 <= h[-1] <= h[0] <= math.log2(V) + 1e-12


def test_source_cross_entropy_matches_a_loop():
    source = MarkovSource(order=2, vocab_size=3, seed=4)
    x = source.sample(500, np.random.default_rng(2))
    total = 0.0
    for t in range(2, len(x)):
        total -= math.log2(source.transitions[x[t - 2] * 3 + x[t - 1], x[t]])
    assert markov.source_cross_entropy(source, x) == pytest.approx(total / (len(x) - 2), rel=1e-12)
    names = [source.symbols[i] for i in x]
    assert markov.source_cross_entropy(source, names) == pytest.approx(total / (len(x) - 2), rel=1e-12)


def test_markov_sentences_and_characters():
    source = MarkovSource(order=1, vocab_size=3, seed=0)
    chunks = markov.markov_sentences(source, 25, 10, np.random.default_rng(5))
    assert [len(c) for c in chunks] == [10, 10, 5]
    expected = source.sample(25, np.random.default_rng(5))
    assert sum(chunks, []) == [source.symbols[i] for i in expected]
    assert learning_curves.characters([["a", "bc"], ["d"]]) == [["a", " ", "b", "c"], ["d"]]


@pytest.mark.parametrize("call, name", [
    (lambda: markov.conditional_entropy("source", 1), "source"),
    (lambda: markov.conditional_entropy(MarkovSource(1, 2), -1), "context_length"),
    (lambda: markov.source_cross_entropy(MarkovSource(2, 2), [0, 1]), "symbols"),
    (lambda: markov.source_cross_entropy(MarkovSource(1, 2), [0, 5]), "symbols"),
    (lambda: markov.source_cross_entropy(MarkovSource(1, 2), ["a", "z"]), "symbols"),
    (lambda: markov.markov_sentences(MarkovSource(1, 2), 10, 0, np.random.default_rng(0)), "length"),
    (lambda: markov.markov_sentences(MarkovSource(1, 2), 10, 2, 0), "rng"),
    (lambda: learning_curves.characters("abc"), "sentences"),
    (lambda: learning_curves.training_prefixes([["a"]], [5], np.random.default_rng(0)), "sizes"),
    (lambda: learning_curves.MLPModel(("a", "b")), "vocab"),
    (lambda: learning_curves.MLPModel(build_vocab([["a"]]), steps=0), "steps"),
    (lambda: learning_curves.MLPModel(build_vocab([["a"]])).cross_entropy([["a"]]), "fitted"),
])
def test_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# ---------------------------------------------------------------------------- prefixes, MLP
def test_training_prefixes_are_what_learning_curve_fits_on():
    train = [["a", "b", "c"], ["b", "c"], ["c", "a", "b", "a"], ["a"]] * 5
    test = [["a", "b", "c", "a"]]
    sizes = [3, 10, 40]
    prefixes = learning_curves.training_prefixes(train, sizes, np.random.default_rng(4))
    order = [train[i] for i in np.random.default_rng(4).permutation(len(train))]
    for size, prefix in zip(sizes, prefixes):
        k = next(i + 1 for i in range(len(order)) if sum(map(len, order[: i + 1])) >= size)
        assert prefix == order[:k]
    curve = learning_curves.learning_curve(partial(NGramModel, 2, smoothing="kneser-ney"), (train, test),
                                           sizes, np.random.default_rng(4))
    by_hand = [NGramModel(2, smoothing="kneser-ney").fit(p).cross_entropy(test) for p in prefixes]
    np.testing.assert_allclose(curve, by_hand, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_fast_examples_equal_make_examples(n):
    sentences = [["the", "cat", "sat"], [], ["a", "zebra"], ["the"]]
    vocab = build_vocab([["the", "cat", "sat", "a"]])
    index = {w: i for i, w in enumerate(vocab)}
    fast = learning_curves._examples([s for s in sentences if s], index, n)
    slow = make_examples([s for s in sentences if s], vocab, n)
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])


def test_mlp_model_cross_entropy_is_the_forward_pass_in_bits():
    train = [["a", "b", "a", "c"], ["b", "a"]] * 30
    vocab = build_vocab(train)
    model = learning_curves.MLPModel(vocab, context_size=2, embed_dim=3, hidden=5, steps=30, batch_size=16,
                             lr=0.05).fit(train)
    test = [["a", "b", "c"], ["c", "a"]]
    contexts, targets = make_examples(test, vocab, 2)
    p = model.model.params
    x = p["E"][contexts].reshape(len(contexts), -1)
    z = np.tanh(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    logp = z - scipy.special.logsumexp(z, axis=1, keepdims=True)
    expected = -logp[np.arange(len(targets)), targets].mean() / math.log(2)
    assert model.cross_entropy(test) == pytest.approx(expected, rel=1e-10)
    V, d, n, H = len(vocab), 3, 2, 5
    assert model.n_params == (V + 1) * d + n * d * H + H + H * V + V


def test_mlp_model_learns_what_the_count_model_knows():
    train = [["a", "b"] * 5] * 40   # after 'b': 'a' 4 times in 5, '</s>' once
    model = learning_curves.MLPModel(build_vocab(train), context_size=1, steps=80, lr=0.05).fit(train)
    test = [["a", "b", "a", "b"]]
    optimum = NGramModel(2).fit(train).cross_entropy(test)   # (log2(5/4) + log2(5)) / 5
    assert optimum == pytest.approx((math.log2(5 / 4) + math.log2(5)) / 5)
    assert model.cross_entropy(test) == pytest.approx(optimum, abs=0.05)


# ---------------------------------------------------------------------------- figures, panel
CURVES = {n: ([1000, 2000, 4000, 8000], [3.0 - 0.1 * n + 40 / s ** 0.8 for s in (1000, 2000, 4000, 8000)])
          for n in (1, 2, 3)}
LIMITS = {1: 2.9, 2: 2.8, 3: 2.7}


def test_learning_curves_figure_draws_points_fits_and_floors():
    fit = scaling.fit_power_law(*CURVES[1])
    fig = learning_curves_figure({"a": CURVES[1], "b": CURVES[2]}, {"a": fit}, {"floor": 2.9}, title="T")
    ax = fig.axes[0]
    assert ax.get_title() == "T" and "bits" in ax.get_ylabel() and "tokens" in ax.get_xlabel()
    assert ax.get_xscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), CURVES[1][1])
    assert any(np.allclose(line.get_ydata(), 2.9) for line in ax.lines)
    assert "E = " in ax.get_legend().get_texts()[0].get_text()
    plt.close(fig)
    with pytest.raises(ValueError, match="curves"):
        learning_curves_figure({})
    with pytest.raises(ValueError, match="sizes"):
        learning_curves_figure({"a": ([1, 2], [1.0])})


def test_published_laws_figure_is_in_bits():
    fit = scaling.fit_power_law(*CURVES[1])
    fig = published_laws_figure({"ours": (*CURVES[1], fit)})
    ax = fig.axes[0]
    kaplan = ax.lines[0]
    D = kaplan.get_xdata()
    np.testing.assert_allclose(kaplan.get_ydata(), (5.4e13 / D) ** 0.095 / math.log(2))
    floor = next(line for line in ax.lines if line.get_label().startswith("Hoffmann's E"))
    assert floor.get_ydata()[0] == pytest.approx(1.69 / math.log(2))
    # each published law is solid only over the data it was fitted on
    solid = [line for line in ax.lines if line.get_linestyle() == "-" and line.get_label().startswith(
        ("Kaplan", "Hoffmann et al."))]
    assert [(round(min(line.get_xdata())), round(max(line.get_xdata()))) for line in solid] == [
        (22_000_000, 23_000_000_000), (5_000_000_000, 500_000_000_000)]
    assert "bits" in ax.get_ylabel() and ax.get_title()
    plt.close(fig)
    with pytest.raises(TypeError, match="PowerLaw"):
        published_laws_figure({"ours": (*CURVES[1], 3.0)})


def test_order_fit_figure_draws_the_fit_it_is_given():
    sizes, losses = CURVES[2]
    fit = scaling.PowerLaw(E=1.5, A=3.0, alpha=0.4, rmse=0.0)   # any law: the figure fits nothing
    fig = order_fit_figure(sizes, losses, fit, LIMITS[2], n=2, up_to=4000)
    ax = fig.axes[0]
    assert "E = 1.500" in ax.get_title() and f"{LIMITS[2]:.3f}" in ax.get_title()
    law = next(line for line in ax.lines if line.get_label().startswith("fit:"))
    np.testing.assert_allclose(law.get_ydata(), 1.5 + 3.0 * law.get_xdata() ** -0.4)
    plt.close(fig)
    with pytest.raises(TypeError, match="fit"):
        order_fit_figure(sizes, losses, (1.5, 3.0, 0.4), LIMITS[2], n=2, up_to=4000)


def test_fitted_order_figure_fits_only_the_chosen_points():
    fig = fitted_order_figure(CURVES, LIMITS, n=2, up_to=4000)
    ax = fig.axes[0]
    fit = scaling.fit_power_law(CURVES[2][0][:3], CURVES[2][1][:3])
    assert f"E = {fit.E:.3f}" in ax.get_title() and f"{LIMITS[2]:.3f}" in ax.get_title()
    held_back = [line for line in ax.lines if line.get_label() == "measured, held back"]
    np.testing.assert_allclose(held_back[0].get_xdata(), [8000])
    plt.close(fig)
    with pytest.raises(ValueError, match="up_to"):
        fitted_order_figure(CURVES, LIMITS, n=2, up_to=2000)
    with pytest.raises(ValueError, match="n must"):
        fitted_order_figure(CURVES, LIMITS, n=7, up_to=8000)


def test_fitted_order_figure_is_fast_enough():
    import time

    start = time.perf_counter()
    for up_to in (4000, 8000):
        plt.close(fitted_order_figure(CURVES, LIMITS, n=3, up_to=up_to))
    assert (time.perf_counter() - start) / 2 < 1.0   # ~50 ms on a quiet machine


def test_novelty_figure_in_percent():
    fig = novelty_figure([2, 3], [0.9, 0.4], [0.0, 0.2], 0.93)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [90, 40])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0, 20])
    assert "%" in ax.get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="novel_share"):
        novelty_figure([2, 3], [1.5, 0.4], [0.0, 0.2], 0.9)


def test_order_fit_panel_moves():
    panel = order_fit_panel(CURVES, LIMITS, n=3, up_to=8000)
    assert isinstance(panel, ipywidgets.interactive)
    order, up_to = [w for w in panel.children if isinstance(w, (ipywidgets.IntSlider,
                                                               ipywidgets.SelectionSlider))]
    assert order.description.startswith("order") and up_to.description.startswith("training tokens")
    assert list(up_to.options) == [4000, 8000] and not order.continuous_update
    order.value = 1
    up_to.value = 4000
    assert panel.kwargs["n"] == 1 and panel.kwargs["up_to"] == 4000
    plt.close("all")


# ---------------------------------------------------------------------------- notebook 13's numbers
def row(text: str, label: str, after: str = "") -> list[float]:
    """The numbers of the first printed table row that starts with ``label`` (after ``after``)."""
    line = next(line for line in text[text.index(after):].splitlines() if line.startswith(label))
    out = []
    for token in line[len(label):].replace(",", "").split():
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def by_hand_curve(model_factory, train, test, sizes, seed):
    """Fresh models on hand-built prefixes: sentences shuffled by the seed, shortest prefix >= size."""
    order = [train[i] for i in np.random.default_rng(seed).permutation(len(train))]
    lengths = np.cumsum([len(s) for s in order])
    return np.array([model_factory().fit(order[: int(np.argmax(lengths >= size)) + 1]).cross_entropy(test)
                     for size in sizes])


def scipy_standard_errors(x, y, params):
    """Standard errors of (E, A, alpha) from curve_fit's covariance, started at ``params``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, cov = curve_fit(law, np.asarray(x, float), np.asarray(y, float), p0=params, maxfev=200_000)
    return np.sqrt(np.diag(cov))


def scipy_fit(x, y):
    """curve_fit from several generic starts (none from our fit); the best least-squares result."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    best, best_sse = None, np.inf
    for alpha0 in (0.2, 0.5, 1.0, 2.0):
        E0 = y.min() - 0.05
        p0 = [E0, (y[0] - E0) * x[0] ** alpha0, alpha0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # a start far from the optimum may warn; its SSE decides
            try:
                params, _ = curve_fit(law, x, y, p0=p0, maxfev=200_000)
            except RuntimeError:
                continue
        sse = float(np.sum((law(x, *params) - y) ** 2))
        if sse < best_sse:
            best, best_sse = params, sse
    return best


@pytest.fixture(scope="module")
def text():
    return notebook_text()


@pytest.fixture(scope="module")
def markov_run():
    source = MarkovSource(order=2, vocab_size=8, seed=0, concentration=0.5)
    rng = np.random.default_rng(1)
    names = np.array(source.symbols)
    train_symbols = source.sample(64_000, rng)
    test_symbols = source.sample(30_000, rng)
    train = [names[train_symbols[i:i + 1000]].tolist() for i in range(0, 64_000, 1000)]
    test = [names[test_symbols].tolist()]
    return source, train, test, test_symbols


MARKOV_SIZES = [1_000 * 2**k for k in range(7)]
MLP_SIZES = [1_000, 4_000, 16_000, 64_000]


def test_notebook_markov_floors(text, markov_run):
    source, train, test, test_symbols = markov_run
    assert markov.markov_sentences(source, 64_000, 1_000, np.random.default_rng(1)) == train
    for n in range(1, 5):
        assert row(text, f"{n}-gram  H(X | {n - 1} previous)")[-1] == pytest.approx(
            brute_conditional_entropy(source, min(n - 1, 2)), abs=6e-5)
    assert row(text, "entropy rate of the source:")[0] == pytest.approx(
        brute_conditional_entropy(source, 2), abs=6e-5)
    loop = -np.mean([math.log2(source.transitions[test_symbols[t - 2] * 8 + test_symbols[t - 1],
                                                  test_symbols[t]]) for t in range(2, len(test_symbols))])
    assert row(text, "what the true source scores on the test text:")[0] == pytest.approx(loop, abs=6e-5)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_notebook_markov_learning_curves(text, markov_run, n):
    source, train, test, _ = markov_run
    curve = by_hand_curve(partial(NGramModel, n, smoothing="kneser-ney"), train, test, MARKOV_SIZES, 0)
    assert curve[-1] == pytest.approx(NGramModel(n, smoothing="kneser-ney").fit(train).cross_entropy(test))
    E, A, alpha = scipy_fit(MARKOV_SIZES, curve)
    floor = brute_conditional_entropy(source, min(n - 1, 2))
    printed = row(text, f"{n}-gram, Kneser-Ney")   # loss, E, se(E), alpha, se(alpha), floor, E - floor
    np.testing.assert_allclose([printed[i] for i in (0, 1, 3, 5, 6)], [curve[-1], E, alpha, floor, E - floor],
                               atol=1.5e-4)
    se = scipy_standard_errors(MARKOV_SIZES, curve, [E, A, alpha])
    np.testing.assert_allclose([printed[2], printed[4]], [se[0], se[2]], rtol=0.02, atol=1.5e-4)
    # pitfall 2: the same fit on the first sizes only
    if n in (3, 4):
        lines = [line for line in text.splitlines()
                 if line.startswith(f"{n}-gram  ") and line.split()[1][0].isdigit()]
        assert len(lines) == 4
        for up_to, line in zip((8_000, 16_000, 32_000, 64_000), lines):
            k = MARKOV_SIZES.index(up_to) + 1
            E_k = scipy_fit(MARKOV_SIZES[:k], curve[:k])[0]
            numbers = [float(t.replace(",", "")) for t in line.split()[1:]]
            np.testing.assert_allclose(numbers, [up_to, E_k, E_k - floor], atol=1.5e-3)
    if n == 3:   # the exercise: symbols to come within 0.01 bit of the fitted floor
        D = brentq(lambda d: law(d, E, A, alpha) - (E + 0.01), 1.0, 1e12)
        assert row(text, "Markov 3-gram:")[0] == pytest.approx(D, rel=2e-3)
        assert row(text, "ours: Markov source, 3-gram")[-2:] == pytest.approx(
            [law(1e5, E, A, alpha), law(1e9, E, A, alpha)], abs=1.5e-3)


def test_notebook_markov_mlp(text, markov_run):
    _, train, test, _ = markov_run
    mlp = partial(learning_curves.MLPModel, build_vocab(train), context_size=2, embed_dim=8, hidden=32,
                  steps=150, batch_size=128, lr=0.2, weight_decay=0.0)
    curve = by_hand_curve(mlp, train, test, MLP_SIZES, 0)
    E, _, alpha = scipy_fit(MLP_SIZES, curve)
    printed = row(text, "MLP, 150 steps")
    np.testing.assert_allclose([printed[i] for i in (0, 1, 3)], [curve[-1], E, alpha], atol=2e-4)


@pytest.fixture(scope="module")
def stories():
    train_text, _, test_text = corpus.split_stories(corpus.load_stories(), seed=0)
    train, test = corpus.tokenized_sentences(train_text), corpus.tokenized_sentences(test_text)
    to_chars = lambda ss: [list(" ".join(s)) for s in ss]  # noqa: E731
    return train, test, to_chars(train), to_chars(test)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_notebook_story_learning_curves(text, stories, n):
    train, test, char_train, char_test = stories
    sizes = [1_000, 4_000, 16_000, 64_000, sum(map(len, char_train))]
    curve = by_hand_curve(partial(NGramModel, n, smoothing="kneser-ney"), char_train, char_test, sizes, 0)
    E, A, alpha = scipy_fit(sizes, curve)
    printed = row(text, f"{n}-gram, Kneser-Ney", after="training characters")
    np.testing.assert_allclose([printed[i] for i in (0, 1, 2, 4)], [curve[0], curve[-1], E, alpha],
                               atol=1.5e-3)
    assert f"{n}-gram {curve[-1]:.3f}" in text
    if n == 5:
        assert row(text, "ours: stories (letters), 5-gram")[-2:] == pytest.approx(
            [law(1e5, E, A, alpha), law(1e9, E, A, alpha)], abs=1.5e-3)
        # pitfall 3: the same held-out text in bits per word
        words = sum(len(s) + 1 for s in test)
        letter_total = curve[-1] * sum(len(s) + 1 for s in char_test)
        assert row(text, "letter 5-gram")[-1] == pytest.approx(letter_total / words, abs=6e-3)
        word3 = NGramModel(3, smoothing="kneser-ney").fit(train)
        manual = -np.mean([math.log2(word3.prob(w, c)) for s in test
                           for c, w in zip(zip(["<s>", "<s>"] + s, ["<s>"] + s), s + ["</s>"])])
        assert row(text, "word 3-gram")[0] == pytest.approx(manual, abs=6e-3)


def test_notebook_story_mlp(text, stories):
    _, _, char_train, char_test = stories
    mlp = partial(learning_curves.MLPModel, build_vocab(char_train), context_size=5, embed_dim=8, hidden=64,
                  steps=150, batch_size=128, lr=0.1, weight_decay=0.0)
    curve = by_hand_curve(mlp, char_train, char_test, MLP_SIZES, 0)
    E, _, alpha = scipy_fit(MLP_SIZES, curve)
    printed = row(text, "MLP, 5 letters, 150 steps")
    np.testing.assert_allclose([printed[i] for i in (0, 1, 2, 4)], [curve[0], curve[-1], E, alpha], atol=2e-3)


def test_notebook_published_laws_in_bits(text):
    ln2 = math.log(2)
    kaplan = row(text, "Kaplan et al. 2020, L(D)")
    assert kaplan == pytest.approx([0.095, (5.4e13 / 1e5) ** 0.095 / ln2,
                                    (5.4e13 / 1e9) ** 0.095 / ln2], abs=1e-3)
    hoffmann = row(text, "Hoffmann et al. 2022, L(N = 70e9, D)")
    chin = lambda D: (1.69 + 406.4 / 70e9 ** 0.34 + 410.7 / D ** 0.28) / ln2  # noqa: E731
    assert hoffmann == pytest.approx([0.28, 1.69 / ln2, chin(1e5), chin(1e9)], abs=6e-3)
    assert "1.69 nats per token = 2.438 bits per token" in text


def test_notebook_word_level_pitfall(text, stories):
    train, test, _, _ = stories
    sizes = [1_000, 4_000, 16_000, 40_000]
    curve = by_hand_curve(partial(NGramModel, 2, smoothing="kneser-ney"), train, test, sizes, 0)
    order = [train[i] for i in np.random.default_rng(0).permutation(len(train))]
    test_words = [w for s in test for w in s]
    for size, loss in zip(sizes, curve):
        prefix, total = [], 0
        for s in order:
            if total >= size:
                break
            prefix.append(s)
            total += len(s)
        known = set().union(*prefix)
        unknown = 100 * sum(w not in known for w in test_words) / len(test_words)
        assert row(text, f"{size:>14}") == pytest.approx([len(known), unknown, loss], abs=6e-3)
