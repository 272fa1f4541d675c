"""Notebook 07's modules against independent references, and its numbers: lmcore.line_fit,
lmcore.gradient_check, lmcore.optimizers, lmcore.training, lmcore.lm_data, lmcore.neural_lm.

References: numpy.polyfit and scipy.stats.linregress (least squares), a literal copy of the
slide's loop, the closed-form eigenvalues of a 2 x 2 matrix, per-token loops with
scipy.special.log_softmax (losses and gradients), finite differences, a textbook Adam,
lmcore.ngram.NGramModel (maximum-likelihood, add-k and Kneser-Ney count bigrams, fitted
independently of the notebook's lmcore.ngram_fast), lmcore.kneser_ney.KneserNey (the trigram),
a counting loop (the add-k sweep on dev) and hand counts (tokens, <unk> shares).
"""

from __future__ import annotations

import math
from collections import Counter

import ipywidgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import log_softmax as scipy_log_softmax

from lmcore import corpus
from lmcore.exercises import _core, passes
from lmcore.exercises import nb07 as exercises07
from lmcore.gradient_check import gradient_check
from lmcore.kneser_ney import KneserNey
from lmcore.line_fit import (
    LearningRateRun,
    critical_learning_rate,
    fit_line_gd,
    learning_rate_run,
    least_squares,
    line_loss,
    slide_line_data,
)
from lmcore.lm_data import build_vocab, make_examples, replace_rare, vocab_index
from lmcore.neural_lm import MLPLM, BigramLM, log_softmax
from lmcore.ngram import NGramModel, ngram_counts
from lmcore.optimizers import SGD, Adam
from lmcore.plotting import close
from lmcore.plotting.training import (
    learning_rate_figure,
    line_fit_figure,
    probability_agreement_figure,
    training_curves_figure,
)
from lmcore.training import DivergenceError, History, one_blas_thread, train
from lmcore.widgets.training import learning_rate_panel, run_and_draw

SMALL = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"],
         ["the", "cat", "ran", "home"], ["a", "dog", "sat", "home"]]


def slide_gradient_descent(X, y, learning_rate=0.01, epochs=1000):
    """The slide's function, copied literally (it returns numpy scalars)."""
    m, b = 0, 0
    for _ in range(epochs):
        y_pred = m * X + b
        error = y_pred - y
        m -= learning_rate * np.mean(error * X)
        b -= learning_rate * np.mean(error)
    return m, b


def brute_force_bigram(model, contexts, targets):
    """Per-token loss and gradient of the neural bigram (plus the add-k term), with loops."""
    W, k, B = model.params["W"], model.add_k, len(targets)
    grad, loss = np.zeros_like(W), 0.0
    for prev, nxt in zip(contexts[:, 0], targets):
        logp = scipy_log_softmax(W[prev])
        loss -= logp[nxt]
        grad[prev] += np.exp(logp)
        grad[prev, nxt] -= 1
    for i in range(W.shape[0]):  # k imaginary sightings of every pair
        logp = scipy_log_softmax(W[i])
        loss -= k * logp.sum()
        grad[i] += k * (W.shape[1] * np.exp(logp) - 1)
    return loss / B, grad / B


def brute_force_mlp_log_probs(model, contexts):
    """The MLP's forward pass, one token at a time."""
    p = model.params
    out = []
    for row in contexts:
        x = np.concatenate([p["E"][i] for i in row])
        h = np.tanh(x @ p["W1"] + p["b1"])
        out.append(scipy_log_softmax(h @ p["W2"] + p["b2"]))
    return np.array(out)


def bigram_table(model, vocab):
    """P(next | prev) of a count model as a (V + 1, V) array, rows in input-id order."""
    return np.array([model.probabilities([w]) for w in vocab + ("<s>",)])


# ---------------------------------------------------------------------------- the line fit
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 40))
def test_least_squares_matches_polyfit_and_linregress(seed, n):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.normal(size=n)
    slope, intercept = least_squares(x, y)
    np.testing.assert_allclose([slope, intercept], np.polyfit(x, y, 1), rtol=1e-8, atol=1e-10)
    fit = stats.linregress(x, y)
    np.testing.assert_allclose([slope, intercept], [fit.slope, fit.intercept], rtol=1e-8,
                               atol=1e-10)


def test_fit_line_gd_converges_to_least_squares():
    x, y = slide_line_data(100, seed=1)
    fit = fit_line_gd(x, y, lr=0.5, epochs=500)
    exact = least_squares(x, y)
    assert abs(fit.slope - exact[0]) < 1e-3 and abs(fit.intercept - exact[1]) < 1e-3
    assert fit.losses.shape == (501,) and fit.path.shape == (501, 2)
    assert np.all(np.diff(fit.losses) <= 1e-12)  # below the critical rate: never goes up
    assert fit.losses[-1] == pytest.approx(line_loss(x, y, *exact), rel=1e-9)


def test_fit_line_gd_repeats_the_slides_loop_and_accepts_columns():
    x, y = slide_line_data()
    m, b = slide_gradient_descent(x[:, None], y[:, None])
    fit = fit_line_gd(x[:, None], y[:, None], lr=0.01, epochs=1000)
    assert fit.slope == pytest.approx(float(m), rel=1e-12)
    assert fit.intercept == pytest.approx(float(b), rel=1e-12)
    with pytest.raises(IndexError, match="invalid index to scalar variable"):
        m[0]  # what the slide's final print does


def test_line_loss_matches_brute_force_on_a_grid():
    x, y = slide_line_data(30, seed=3)
    slopes, intercepts = np.meshgrid(np.linspace(-2, 5, 7), np.linspace(0, 6, 5))
    got = line_loss(x, y, slopes, intercepts)
    want = np.array([[0.5 * np.mean((m * x + b - y) ** 2) for m, b in zip(rs, rb)]
                     for rs, rb in zip(slopes, intercepts)])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_critical_learning_rate_is_two_over_the_largest_eigenvalue():
    x, y = slide_line_data()
    a, b, c = np.mean(x * x), np.mean(x), 1.0  # Hessian [[a, b], [b, c]]
    lam_max = (a + c) / 2 + math.sqrt(((a - c) / 2) ** 2 + b * b)
    crit = critical_learning_rate(x)
    assert crit == pytest.approx(2 / lam_max, rel=1e-12)
    assert crit == pytest.approx(0.9510, abs=5e-4)  # the notebook's printed 0.951
    below = fit_line_gd(x, y, lr=0.98 * crit, epochs=2000)
    above = fit_line_gd(x, y, lr=1.02 * crit, epochs=2000)
    assert below.losses[-1] == pytest.approx(line_loss(x, y, *least_squares(x, y)), rel=1e-6)
    assert above.losses[-1] > 1e6 * above.losses[0]


def test_summed_loss_needs_a_learning_rate_n_times_smaller():
    x, y = slide_line_data()
    # the sum's Hessian is N times the mean's, so its critical rate is N times smaller
    n = len(x)
    hessian_sum = n * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert critical_learning_rate(x) / n == pytest.approx(2 / np.linalg.eigvalsh(hessian_sum)[-1])


def test_summed_loss_pitfall_is_the_mean_at_n_times_the_rate():
    x, y = slide_line_data()
    m = b = 0.0
    for _ in range(20):  # the notebook's descend(..., reduce=np.sum), written out
        err = m * x + b - y
        m, b = m - 0.5 * np.sum(err * x), b - 0.5 * np.sum(err)
    fit = fit_line_gd(x, y, lr=0.5 * len(x), epochs=20)
    assert m == pytest.approx(fit.slope, rel=1e-9) and b == pytest.approx(fit.intercept, rel=1e-9)
    assert abs(m) > 1e30  # the notebook prints a slope of about -8e40


def test_fit_line_gd_reports_overflow_as_divergence():
    x, y = slide_line_data()
    with pytest.raises(DivergenceError, match=r"step \d+.*smaller learning rate"):
        fit_line_gd(x, y, lr=100.0, epochs=1000)


def test_line_fit_bad_input():
    with pytest.raises(ValueError, match="lr"):
        fit_line_gd([0, 1], [0, 1], lr=0)
    with pytest.raises(ValueError, match="lr"):
        fit_line_gd([0, 1], [0, 1], lr=float("nan"))
    with pytest.raises(ValueError, match="epochs"):
        fit_line_gd([0, 1], [0, 1], epochs=0)
    with pytest.raises(ValueError, match="x and y"):
        least_squares([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="x must not be constant"):
        least_squares([1, 1, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="y must hold only finite"):
        least_squares([0, 1], [0, float("inf")])
    with pytest.raises(TypeError, match="x"):
        least_squares("abc", [1, 2, 3])
    with pytest.raises(ValueError, match="start"):
        fit_line_gd([0, 1], [0, 1], start=(0.0,))
    with pytest.raises(ValueError, match="slope and intercept"):
        line_loss([0, 1], [0, 1], np.zeros(2), np.zeros(3))


# ---------------------------------------------------------------------------- gradient check
def test_gradient_check_accepts_a_known_gradient_and_restores_params():
    params = {"x": np.array([1.0, -2.0, 0.5]), "y": np.array([[0.3, 1.2]])}
    before = {k: v.copy() for k, v in params.items()}

    def f(p):  # L = sum(x^3) + sin(y) . y, dL/dx = 3x^2, dL/dy = cos(y) y + sin(y)
        loss = np.sum(p["x"] ** 3) + np.sum(np.sin(p["y"]) * p["y"])
        return float(loss), {"x": 3 * p["x"] ** 2, "y": np.cos(p["y"]) * p["y"] + np.sin(p["y"])}

    assert gradient_check(f, params) < 1e-8
    for k in params:
        assert np.array_equal(params[k], before[k])


def test_gradient_check_catches_a_wrong_gradient():
    def wrong(p):  # forgot the factor 3
        return float(np.sum(p["x"] ** 3)), {"x": p["x"] ** 2}

    assert gradient_check(wrong, {"x": np.array([1.0, 2.0])}) > 0.5


def test_gradient_check_on_a_random_subset():
    def f(p):
        return float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]}

    w = {"w": np.random.default_rng(0).normal(size=(50, 50))}
    assert gradient_check(f, w, rng=np.random.default_rng(1), max_entries=20) < 1e-6


def test_gradient_check_bad_input():
    def f(p):
        return 0.0, {"x": np.zeros(2)}

    with pytest.raises(TypeError, match="f"):
        gradient_check("f", {"x": np.zeros(2)})
    with pytest.raises(TypeError, match="params"):
        gradient_check(f, {})
    with pytest.raises(ValueError, match="eps"):
        gradient_check(f, {"x": np.zeros(2)}, eps=0)
    with pytest.raises(TypeError, match="rng"):
        gradient_check(f, {"x": np.zeros(2)}, max_entries=1)
    with pytest.raises(TypeError, match=r"params\['x'\]"):
        gradient_check(f, {"x": np.zeros(2, dtype=np.float32)})
    with pytest.raises(ValueError, match="grads"):
        gradient_check(f, {"x": np.zeros(3)})


# ---------------------------------------------------------------------------- the models
@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.sampled_from([0.0, 0.5]))
def test_bigram_loss_and_grads_match_brute_force_and_finite_differences(seed, V, k):
    rng = np.random.default_rng(seed)
    model = BigramLM(V, add_k=k)
    model.params["W"][:] = rng.normal(size=(V + 1, V))
    contexts, targets = rng.integers(0, V + 1, size=(20, 1)), rng.integers(0, V, size=20)
    loss, grads = model.loss_and_grads(contexts, targets)
    want_loss, want_grad = brute_force_bigram(model, contexts, targets)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(grads["W"], want_grad, atol=1e-12)
    assert gradient_check(lambda p: model.loss_and_grads(contexts, targets), model.params) < 1e-6
    # the evaluation loss is the plain cross-entropy, without the add-k term
    plain = -np.mean([scipy_log_softmax(model.params["W"][c])[t]
                      for c, t in zip(contexts[:, 0], targets)])
    assert model.loss(contexts, targets) == pytest.approx(plain, rel=1e-12)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 3), st.sampled_from([0.0, 0.01]))
def test_mlp_gradients_match_finite_differences(seed, n, weight_decay):
    rng = np.random.default_rng(seed)
    V = 6
    model = MLPLM(V, context_size=n, embed_dim=3, hidden=4, weight_decay=weight_decay, rng=rng)
    model.params["b1"][:] = rng.normal(size=4)
    model.params["b2"][:] = rng.normal(size=V)
    contexts, targets = rng.integers(0, V + 1, size=(15, n)), rng.integers(0, V, size=15)
    assert gradient_check(lambda p: model.loss_and_grads(contexts, targets), model.params) < 1e-6
    np.testing.assert_allclose(model.log_probs(contexts), brute_force_mlp_log_probs(model, contexts),
                               atol=1e-12)
    plain = -np.mean(brute_force_mlp_log_probs(model, contexts)[np.arange(15), targets])
    assert model.loss(contexts, targets) == pytest.approx(plain, rel=1e-12)


def test_bigram_trained_to_convergence_reproduces_the_mle_counts():
    vocab = build_vocab(SMALL)
    model = BigramLM(len(vocab))
    train(model, make_examples(SMALL, vocab, 1), "adam", lr=0.1, steps=1000, progress=False)
    counts = NGramModel(2).fit(SMALL)
    seen = [w for w in vocab if w not in ("</s>", "<unk>")] + ["<s>"]  # contexts seen in training
    ids = [vocab.index(w) if w != "<s>" else len(vocab) for w in seen]
    p_neural = np.exp(model.log_probs(np.array(ids)[:, None]))
    p_counts = np.array([counts.probabilities([w]) for w in seen])
    assert np.abs(p_neural - p_counts).max() < 1e-2


def test_bigram_with_add_k_converges_to_add_k_smoothing():
    vocab = build_vocab(SMALL)
    model = BigramLM(len(vocab), add_k=0.5)
    train(model, make_examples(SMALL, vocab, 1), "adam", lr=0.1, steps=600, progress=False)
    table = bigram_table(NGramModel(2, smoothing="add-k", k=0.5).fit(SMALL), vocab)
    p_neural = np.exp(model.log_probs(np.arange(len(vocab) + 1)[:, None]))
    assert np.abs(p_neural - table).max() < 1e-4


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.integers(1, 30))
def test_bigram_counts_match_a_counting_loop(seed, V, B):
    rng = np.random.default_rng(seed)
    contexts, targets = rng.integers(0, V + 1, size=(B, 1)), rng.integers(0, V, size=B)
    want = np.zeros((V + 1, V))
    for prev, nxt in zip(contexts[:, 0], targets):
        want[prev, nxt] += 1
    np.testing.assert_array_equal(BigramLM(V).bigram_counts(contexts, targets), want)


def test_mlp_forward_returns_the_activations():
    model = MLPLM(5, context_size=2, embed_dim=3, hidden=4, rng=np.random.default_rng(0))
    contexts = np.array([[5, 5], [0, 4], [3, 1]])
    x, h, z = model.forward(contexts)
    p = model.params
    for row, xr, hr, zr in zip(contexts, x, h, z):  # one token at a time
        want_x = np.concatenate([p["E"][i] for i in row])
        np.testing.assert_allclose(xr, want_x)
        np.testing.assert_allclose(hr, np.tanh(want_x @ p["W1"] + p["b1"]), atol=1e-12)
        np.testing.assert_allclose(zr, hr @ p["W2"] + p["b2"], atol=1e-12)
    with pytest.raises(ValueError, match="contexts"):
        model.forward(np.array([[6, 0]]))


def test_vocab_index_numbers_the_words_in_order():
    vocab = build_vocab(SMALL)
    assert vocab_index(vocab) == {w: i for i, w in enumerate(vocab)}
    with pytest.raises(ValueError, match="vocab"):
        vocab_index(("a", "a", "</s>", "<unk>"))


def test_log_softmax_is_stable_and_shift_invariant():
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    np.testing.assert_allclose(log_softmax(z), scipy_log_softmax(z, axis=-1), atol=1e-12)
    np.testing.assert_allclose(log_softmax(z + 50), log_softmax(z), atol=1e-12)
    assert np.all(np.isfinite(log_softmax(z)))


def test_start_from_unigram_sets_log_frequencies():
    model = MLPLM(3, context_size=2, embed_dim=2, hidden=2, rng=np.random.default_rng(0))
    model.start_from_unigram(np.array([0, 0, 2]))  # counts + 1: 3, 1, 2
    np.testing.assert_allclose(model.params["b2"], np.log([3 / 6, 1 / 6, 2 / 6]))


def test_generate_is_seeded_and_uses_the_vocabulary():
    vocab = build_vocab(SMALL)
    model = BigramLM(len(vocab))
    train(model, make_examples(SMALL, vocab, 1), "adam", lr=0.1, steps=300, progress=False)
    a = [model.generate(vocab, np.random.default_rng(4)) for _ in range(3)]
    b = [model.generate(vocab, np.random.default_rng(4)) for _ in range(3)]
    assert a == b
    words = {w for s in a for w in s.split()}
    assert words <= set(vocab) - {"</s>"}
    assert len(model.generate(vocab, np.random.default_rng(0), max_words=2).split()) <= 2


def test_vocab_and_examples_match_the_count_models():
    vocab = build_vocab(SMALL, min_count=2)
    assert vocab == NGramModel(2).fit(replace_rare(SMALL, vocab)).vocab
    assert "home" in vocab and "ran" in vocab and "<unk>" in vocab
    contexts, targets = make_examples(SMALL, vocab, 1)
    assert len(targets) == sum(len(s) + 1 for s in SMALL)
    # the same (previous, next) pairs as counting bigrams of the padded sentences
    names = vocab + ("<s>",)
    padded = [w for s in replace_rare(SMALL, vocab) for w in ["<s>"] + s + ["</s>"]]
    want = ngram_counts(padded, 2)
    got: dict = {}
    for c, t in zip(contexts[:, 0], targets):
        got.setdefault(names[c], {}).setdefault(vocab[t], 0)
        got[names[c]][vocab[t]] += 1
    want.pop("</s>", None)  # the glued pair "</s> <s>" crosses a sentence boundary
    assert got == want
    c3, t3 = make_examples(SMALL, vocab, 3)
    assert c3.shape == (len(targets), 3) and np.array_equal(t3, targets)
    assert c3[0].tolist() == [len(vocab)] * 3


def test_model_and_data_bad_input():
    with pytest.raises(ValueError, match="vocab_size"):
        BigramLM(1)
    with pytest.raises(ValueError, match="add_k"):
        BigramLM(3, add_k=-1)
    with pytest.raises(TypeError, match="rng"):
        MLPLM(3, rng=None)
    with pytest.raises(ValueError, match="weight_decay"):
        MLPLM(3, weight_decay=-0.1, rng=np.random.default_rng(0))
    model = BigramLM(3)
    with pytest.raises(ValueError, match="contexts"):
        model.loss(np.array([[4]]), np.array([0]))
    with pytest.raises(ValueError, match="targets"):
        model.loss(np.array([[0]]), np.array([3]))
    with pytest.raises(ValueError, match="targets"):
        model.loss(np.array([[0], [1]]), np.array([0]))
    with pytest.raises(TypeError, match="contexts"):
        model.loss(np.array([[0.5]]), np.array([0]))
    with pytest.raises(ValueError, match="min_count"):
        build_vocab(SMALL, min_count=0)
    with pytest.raises(ValueError, match="vocab"):
        make_examples(SMALL, ("a", "b"), 1)
    with pytest.raises(TypeError, match="vocab"):
        replace_rare(SMALL, "abc")
    with pytest.raises(ValueError, match="context_size"):
        make_examples(SMALL, build_vocab(SMALL), 0)
    with pytest.raises(ValueError, match="vocab"):
        model.generate(build_vocab(SMALL), np.random.default_rng(0))


# ---------------------------------------------------------------------------- optimisers, train
def test_adam_matches_the_textbook_update():
    rng = np.random.default_rng(0)
    p = {"w": rng.normal(size=5)}
    ref, m, v = p["w"].copy(), np.zeros(5), np.zeros(5)
    opt = Adam(lr=0.1)
    for t in range(1, 8):
        g = rng.normal(size=5)
        opt.update(p, {"w": g})
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref -= 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    np.testing.assert_allclose(p["w"], ref, rtol=1e-10)


def test_sgd_is_one_step_against_the_gradient():
    p = {"w": np.array([1.0, -2.0]), "b": np.array([[0.5]])}
    SGD(lr=0.25).update(p, {"w": np.array([4.0, 4.0]), "b": np.array([[-2.0]])})
    assert p["w"].tolist() == [0.0, -3.0] and p["b"].tolist() == [[1.0]]
    with pytest.raises(TypeError, match="grads"):
        SGD(lr=0.1).update(p, [1.0])


def test_one_blas_thread_limits_blas_inside_the_block_only():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    with one_blas_thread():
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before


def _mlp_run(seed):
    vocab = build_vocab(SMALL)
    data = make_examples(SMALL, vocab, 2)
    model = MLPLM(len(vocab), context_size=2, embed_dim=4, hidden=8, weight_decay=1e-3,
                  rng=np.random.default_rng(seed))
    hist = train(model, data, "adam", lr=0.05, steps=30, rng=np.random.default_rng(seed + 1),
                 batch_size=8, eval_every=10, held_out=data, schedule="linear", progress=False)
    return model, hist


def test_training_is_deterministic_for_a_fixed_seed():
    (m1, h1), (m2, h2) = _mlp_run(0), _mlp_run(0)
    for k in m1.params:
        assert np.array_equal(m1.params[k], m2.params[k])
    assert h1.train_loss == h2.train_loss and h1.held_out_loss == h2.held_out_loss
    m3, _ = _mlp_run(1)
    assert not np.array_equal(m1.params["W2"], m3.params["W2"])


def test_train_records_a_history():
    model, hist = _mlp_run(0)
    assert isinstance(hist, History) and hist.optimizer == "adam" and hist.lr == 0.05
    assert hist.steps == [0, 10, 20, 30]
    assert len(hist.train_loss) == len(hist.held_out_loss) == 4
    vocab = build_vocab(SMALL)
    assert hist.held_out_loss[-1] == pytest.approx(model.loss(*make_examples(SMALL, vocab, 2)))
    assert hist.held_out_loss[-1] < hist.held_out_loss[0]


def test_divergence_is_detected_and_reported():
    vocab = build_vocab(SMALL)
    with pytest.raises(DivergenceError) as info:
        train(BigramLM(len(vocab)), make_examples(SMALL, vocab, 1), "sgd", lr=1e6, steps=50,
              progress=False)
    err = info.value
    assert 1 <= err.step <= 50 and err.lr == 1e6 and len(err.losses) == err.step
    assert f"step {err.step}" in str(err) and "smaller learning rate" in str(err)
    assert "lr=100000" in str(err)


def test_a_nan_loss_stops_training():
    class Broken(BigramLM):
        def loss_and_grads(self, contexts, targets):
            loss, grads = super().loss_and_grads(contexts, targets)
            return (float("nan") if self.calls > 2 else loss), grads

    model = Broken(3)
    model.calls = 0
    original = model.loss_and_grads

    def counting(*args):
        model.calls += 1
        return original(*args)

    model.loss_and_grads = counting
    with pytest.raises(DivergenceError, match="step 3"):
        train(model, (np.array([[3], [0]]), np.array([0, 1])), "adam", lr=0.1, steps=10,
              progress=False)


def test_train_bad_input():
    data = (np.array([[3], [0]]), np.array([0, 1]))
    model = BigramLM(3)
    for lr in (0, -1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="lr"):
            train(model, data, lr=lr, progress=False)
    with pytest.raises(ValueError, match="steps"):
        train(model, data, steps=0, progress=False)
    with pytest.raises(ValueError, match="data is empty"):
        train(model, (np.zeros((0, 1), dtype=int), np.zeros(0, dtype=int)), progress=False)
    with pytest.raises(TypeError, match="data"):
        train(model, [1, 2, 3], progress=False)
    with pytest.raises(ValueError, match="optimizer"):
        train(model, data, optimizer="rmsprop", progress=False)
    with pytest.raises(ValueError, match="schedule"):
        train(model, data, schedule="cosine", progress=False)
    with pytest.raises(ValueError, match="rng"):
        train(model, data, batch_size=2, progress=False)
    with pytest.raises(ValueError, match="held_out"):
        train(model, data, held_out=(np.array([[9]]), np.array([0])), progress=False)
    with pytest.raises(ValueError, match="eval_every"):
        train(model, data, eval_every=0, progress=False)


# ---------------------------------------------------------------------------- notebook 07's numbers
@pytest.fixture(scope="module")
def stories():
    """Notebook 07's data: whole stories split into train, dev and test, vocabulary from train."""
    texts = corpus.split_stories(corpus.load_stories(), seed=0)
    train_sents, dev_sents, test_sents = (corpus.tokenized_sentences(t) for t in texts)
    vocab = build_vocab(train_sents, min_count=20)
    return train_sents, dev_sents, test_sents, vocab


def add_k_bigram_perplexity(train_unk, sentences, k):
    """Perplexity of the add-k count bigram, from a counting loop (``<s>`` and ``</s>`` pads)."""
    pairs, contexts, words = Counter(), Counter(), {"</s>", "<unk>"}
    for s in train_unk:
        padded = ["<s>", *s, "</s>"]
        words.update(s)
        for prev, nxt in zip(padded, padded[1:]):
            pairs[prev, nxt] += 1
            contexts[prev] += 1
    V, total, n = len(words), 0.0, 0
    for s in sentences:
        padded = ["<s>", *s, "</s>"]
        for prev, nxt in zip(padded, padded[1:]):
            total -= math.log((pairs[prev, nxt] + k) / (contexts[prev] + k * V))
            n += 1
    return math.exp(total / n)


def test_notebook_neural_bigram_agrees_with_the_add_k_counts(stories):
    train_sents, dev_sents, test_sents, vocab = stories
    train_unk, dev_unk = replace_rare(train_sents, vocab), replace_rare(dev_sents, vocab)
    train_1, dev_1, test_1 = (make_examples(s, vocab, 1)
                              for s in (train_sents, dev_sents, test_sents))
    # "vocabulary: 346 words", "predicted tokens: 46,519 training, 6,284 dev, 6,752 test":
    # counted by hand, every word and one </s> per sentence
    assert len(vocab) == 346
    assert [len(d[1]) for d in (train_1, dev_1, test_1)] == [46_519, 6_284, 6_752]
    assert [sum(len(s) + 1 for s in x) for x in (train_sents, dev_sents, test_sents)] == [
        46_519, 6_284, 6_752]
    # "share of <unk>: 24.0% of training tokens, 25.2% of dev tokens", by hand
    unk, known = vocab.index("<unk>"), set(vocab)
    for sents, data, printed in [(train_sents, train_1, 0.240), (dev_sents, dev_1, 0.252)]:
        share = sum(w not in known for s in sents for w in s) / len(data[1])
        assert np.mean(data[1] == unk) == pytest.approx(share, rel=1e-12)
        assert share == pytest.approx(printed, abs=5e-4)
    assert np.mean(train_1[1] == unk) == pytest.approx(
        sum(w == "<unk>" for s in train_unk for w in s) / len(train_1[1]))
    # the add-k sweep on dev, "k=0.003: 34.59, ..., k=0.3: 34.19 -> k = 0.03" (a counting loop)
    ks = [0.003, 0.01, 0.03, 0.1, 0.3]
    dev_ppl = [add_k_bigram_perplexity(train_unk, dev_unk, k) for k in ks]
    np.testing.assert_allclose(dev_ppl, [34.59, 31.90, 30.41, 30.78, 34.19], atol=5e-3)
    K = ks[int(np.argmin(dev_ppl))]
    assert K == 0.03
    # the count bigrams of the table (independent: the readable NGramModel)
    counts = NGramModel(2, smoothing="add-k", k=K).fit(train_unk)
    assert counts.vocab == vocab  # "count models have the same vocabulary: True"
    np.testing.assert_allclose(counts.add_k_perplexities(dev_unk, ks), dev_ppl, rtol=1e-9)
    assert counts.perplexity(train_unk) == pytest.approx(20.92, abs=5e-3)
    assert counts.perplexity(dev_unk) == pytest.approx(30.41, abs=5e-3)
    assert counts.perplexity(train_unk) == pytest.approx(
        add_k_bigram_perplexity(train_unk, train_unk, K), rel=1e-9)
    mle = counts.with_smoothing("mle")
    assert mle.perplexity(train_unk) == pytest.approx(19.62, abs=5e-3)
    assert mle.perplexity(dev_unk) == math.inf
    kn = counts.with_smoothing("kneser-ney")
    assert kn.perplexity(train_unk) == pytest.approx(22.21, abs=5e-3)
    assert kn.perplexity(dev_unk) == pytest.approx(28.59, abs=5e-3)
    bigram = BigramLM(len(vocab), add_k=K)
    train(bigram, train_1, "adam", lr=0.3, steps=100, eval_every=10, held_out=dev_1,
          progress=False)
    # the perplexities printed side by side agree within 0.2%: 20.90 / 30.42 against 20.92 / 30.41
    assert bigram.perplexity(*train_1) == pytest.approx(counts.perplexity(train_unk), rel=2e-3)
    assert bigram.perplexity(*dev_1) == pytest.approx(counts.perplexity(dev_unk), rel=2e-3)
    assert bigram.perplexity(*train_1) == pytest.approx(20.90, abs=5e-3)
    assert bigram.perplexity(*dev_1) == pytest.approx(30.42, abs=5e-3)
    p_counts = bigram_table(counts, vocab)
    p_neural = np.exp(bigram.log_probs(np.arange(len(vocab) + 1)[:, None]))
    assert np.abs(p_neural - p_counts).max() < 0.01
    assert round(np.abs(p_neural - p_counts).max(), 3) == 0.005  # the printed "0.005"
    rare = p_counts < 1 / len(vocab)
    assert rare.sum() == 113_334
    assert (rare & (p_neural > 1.1 * p_counts)).sum() == 227
    assert (rare & (p_neural < p_counts / 1.1)).sum() == 2_955
    # the neural perplexity, recomputed token by token with scipy
    for data in (train_1, dev_1):
        logp = scipy_log_softmax(bigram.params["W"], axis=1)[data[0][:, 0], data[1]]
        assert bigram.perplexity(*data) == pytest.approx(math.exp(-logp.mean()), rel=1e-10)
    # SGD on these stories: at 50 the loss falls at every step; at the notebook's 70 it wobbles
    # a little near the valley floor (rises < 0.03 nats) but keeps falling overall; at 100 it
    # zigzags; whichever, after 100 steps it is far behind Adam
    steady = train(BigramLM(len(vocab), add_k=K), train_1, "sgd", lr=50, steps=100,
                   eval_every=1, progress=False)
    assert np.all(np.diff(steady.train_loss[1:]) < 0)  # [0] and [1] are both the first loss
    sgd = BigramLM(len(vocab), add_k=K)
    wobble = np.diff(train(sgd, train_1, "sgd", lr=70, steps=100, eval_every=1,
                           progress=False).train_loss[1:])
    assert wobble.max() < 0.03 and wobble[wobble > 0].sum() < 0.5 and wobble.sum() < -1.5
    assert sgd.perplexity(*dev_1) > 1.5 * bigram.perplexity(*dev_1)
    logp = scipy_log_softmax(sgd.params["W"], axis=1)[dev_1[0][:, 0], dev_1[1]]
    assert math.exp(-logp.mean()) == pytest.approx(50.26, abs=5e-3)  # "48.20  50.26"
    logp = scipy_log_softmax(sgd.params["W"], axis=1)[train_1[0][:, 0], train_1[1]]
    assert math.exp(-logp.mean()) == pytest.approx(48.20, abs=5e-3)
    zigzag = train(BigramLM(len(vocab), add_k=K), train_1, "sgd", lr=100, steps=100,
                   eval_every=1, progress=False)
    assert np.diff(zigzag.train_loss).max() > 0.2
    with pytest.raises(DivergenceError, match="step 3"):  # "training diverged at step 3: ..."
        train(BigramLM(len(vocab), add_k=K), train_1, "sgd", lr=1000, steps=50,
              progress=False)


def test_notebook_mlp_beats_the_bigrams(stories):
    train_sents, dev_sents, test_sents, vocab = stories
    train_unk, dev_unk, test_unk = (replace_rare(s, vocab)
                                    for s in (train_sents, dev_sents, test_sents))
    train_3, dev_3, test_3 = (make_examples(s, vocab, 3)
                              for s in (train_sents, dev_sents, test_sents))
    mlp = MLPLM(len(vocab), context_size=3, embed_dim=16, hidden=32, weight_decay=3e-4,
                rng=np.random.default_rng(0)).start_from_unigram(train_3[1])
    train(mlp, train_3, "adam", lr=0.03, steps=400, batch_size=256,
          rng=np.random.default_rng(1), eval_every=50, held_out=dev_3, schedule="linear",
          progress=False)
    # "18,538 weights": embeddings (V + 1) x 16, W1 48 x 32, b1 32, W2 32 x V, b2 V
    V = len(vocab)
    assert mlp.n_params == (V + 1) * 16 + 3 * 16 * 32 + 32 + 32 * V + V == 18_538
    # the MLP's dev 26.9 and test 27.3, recomputed one token at a time
    held_out = {}
    for name, data, printed in [("dev", dev_3, 26.9), ("test", test_3, 27.3)]:
        logp = brute_force_mlp_log_probs(mlp, data[0])[np.arange(len(data[1])), data[1]]
        held_out[name] = math.exp(-logp.mean())
        assert mlp.perplexity(*data) == pytest.approx(held_out[name], rel=1e-9)
        assert held_out[name] == pytest.approx(printed, abs=0.05)
    # the count models of the dev and test tables (independent: NGramModel, KneserNey)
    addk = NGramModel(2, smoothing="add-k", k=0.03).fit(train_unk)
    kn = NGramModel(2, smoothing="kneser-ney").fit(train_unk)
    kn3 = KneserNey(3).fit(train_unk)

    def kn3_perplexity(sentences):
        logp = [math.log(kn3.prob(s[i], s[i - 2:i]))
                for s in (["<s>", "<s>", *t, "</s>"] for t in sentences) for i in range(2, len(s))]
        return math.exp(-np.mean(logp))

    dev = {"add-k": addk.perplexity(dev_unk), "kn": kn.perplexity(dev_unk),
           "kn3": kn3_perplexity(dev_unk)}
    test = {"add-k": addk.perplexity(test_unk), "kn": kn.perplexity(test_unk),
            "kn3": kn3_perplexity(test_unk)}
    for got, printed in [(dev, {"add-k": 30.4, "kn": 28.6, "kn3": 27.1}),
                         (test, {"add-k": 30.0, "kn": 28.5, "kn3": 26.8})]:
        for name in printed:
            assert got[name] == pytest.approx(printed[name], abs=0.05)
    # on dev the MLP beats every bigram and edges past the Kneser-Ney trigram (26.9 < 27.1);
    # on test the trigram wins (26.8 < 27.3), still ahead of both bigrams
    assert held_out["dev"] < dev["kn3"] < dev["kn"] < dev["add-k"]
    assert test["kn3"] < held_out["test"] < test["kn"] < test["add-k"]
    assert mlp.perplexity(*train_3) < held_out["dev"]


# ---------------------------------------------------------------------------- figures, panel
def test_learning_rate_run_names_the_regime():
    x, y = slide_line_data()
    crit = critical_learning_rate(x)
    best = np.polyfit(x, y, 1)  # independent: numpy's least squares
    for lr, regime in [(0.01, "too small"), (0.5, "good"), (10**-0.05, "good"), (1.0, "diverges"),
                       (1e3, "diverges")]:
        run = learning_rate_run(x, y, lr=lr, epochs=50)
        assert run.regime == regime and run.critical == crit and run.lr == lr
        np.testing.assert_allclose(run.best, best, rtol=1e-9)
        if run.fit is not None:  # "good": within 1% of the way from (0, 0) to the minimum
            left = np.hypot(*(run.fit.path[-1] - best)) / np.hypot(*best)
            assert (left < 0.01) == (regime == "good")
    assert learning_rate_run(x, y, lr=1e3, epochs=50).fit is None  # overflowed
    run = learning_rate_run(x, y, lr=0.5, epochs=50)
    i, j = 7, 31  # one point of the surface, by hand
    m, b = run.slopes[i, j], run.intercepts[i, j]
    assert run.surface[i, j] == pytest.approx(0.5 * np.mean((m * x + b - y) ** 2), rel=1e-12)
    with pytest.raises(ValueError, match="lr"):
        learning_rate_run(x, y, lr=-1)


def test_learning_rate_figure_draws_the_run():
    x, y = slide_line_data()
    for lr, regime in [(0.01, "too small"), (0.5, "good"), (1e3, "diverges")]:
        fig = learning_rate_figure(learning_rate_run(x, y, lr=lr, epochs=50))
        assert regime in fig._suptitle.get_text()
        loss_ax, surf_ax = fig.axes[:2]
        assert loss_ax.get_xlabel() == "epoch" and "log scale" in loss_ax.get_ylabel()
        assert (surf_ax.get_xlabel(), surf_ax.get_ylabel()) == ("slope", "intercept")
        close(fig)
    fig = run_and_draw(x, y, lr=0.5, epochs=50)
    path = fig.axes[1].lines[0]
    fit = fit_line_gd(x, y, lr=0.5, epochs=50)
    np.testing.assert_allclose(path.get_xdata(), fit.path[:, 0])
    close(fig)
    with pytest.raises(TypeError, match="run"):
        learning_rate_figure(x)
    assert isinstance(learning_rate_run(x, y), LearningRateRun)


def test_line_fit_and_agreement_figures():
    x, y = slide_line_data()
    fig = line_fit_figure(x, y, {"least squares": least_squares(x, y)})
    ax = fig.axes[0]
    assert ax.get_title() and "x" in ax.get_xlabel() and "y" in ax.get_ylabel()
    assert "least squares" in ax.get_legend().get_texts()[1].get_text()
    close(fig)
    with pytest.raises(ValueError, match="lines"):
        line_fit_figure(x, y, {})
    p = np.array([[0.2, 0.8], [0.5, 0.5]])
    fig = probability_agreement_figure(p, p, "counts", "neural")
    assert "log scale" in fig.axes[0].get_xlabel()
    close(fig)
    with pytest.raises(ValueError, match="p_counts"):
        probability_agreement_figure(p, p[:1], "a", "b")
    with pytest.raises(ValueError, match="positive"):
        probability_agreement_figure(np.zeros(2), np.ones(2), "a", "b")


def test_training_curves_figure_plots_held_out_perplexity():
    hist = History("adam", 0.1, steps=[0, 10], train_loss=[2.0, 1.0], held_out_loss=[2.0, 1.5])
    fig = training_curves_figure({"panel": {"run": hist}}, {"panel": {"counts": 4.0}})
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.exp([2.0, 1.5]))
    assert ax.get_xlabel() == "training step" and "perplexity" in ax.get_ylabel()
    close(fig)
    with pytest.raises(ValueError, match="panels"):
        training_curves_figure({})
    empty = History("sgd", 0.1)
    with pytest.raises(ValueError, match="History"):
        training_curves_figure({"p": {"run": empty}})


def test_learning_rate_panel_reruns_when_the_slider_moves():
    x, y = slide_line_data()
    panel = learning_rate_panel(x, y, lr=0.5, epochs=20)
    assert isinstance(panel, ipywidgets.interactive)
    slider = next(c for c in panel.children if isinstance(c, ipywidgets.FloatLogSlider))
    assert slider.description.startswith("learning rate")
    assert slider.style.description_width == "initial"
    slider.value = 0.01
    assert panel.kwargs["lr"] == pytest.approx(0.01)


# ---------------------------------------------------------------------------- exercises
def test_exercise_references_by_hand():
    ex = _core._REGISTRY
    assert ex["line_gradient"].reference([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 0.0, 0.0) == (
        pytest.approx(-13 / 3), pytest.approx(-3.0))
    assert ex["softmax_xent_gradient"].reference([0.0, 0.0], 0) == [-0.5, 0.5]
    got = ex["softmax_xent_gradient"].reference([1000.0, 0.0, -1000.0], 1)
    np.testing.assert_allclose(got, [1.0, -1.0, 0.0], atol=1e-12)
    assert ex["central_difference"].reference(exercises07.cube, 2.0, 1e-5) == pytest.approx(12.0)


def test_exercise_checks_reject_common_mistakes():
    def forward_difference(f, x, eps):
        return (f(x + eps) - f(x)) / eps

    def full_mse_gradient(x, y, m, b):  # the gradient of the MSE, not of half of it
        err = m * np.asarray(x) + b - np.asarray(y)
        return 2 * np.mean(err * np.asarray(x)), 2 * np.mean(err)

    def no_onehot(z, t):
        p = np.exp(np.asarray(z) - max(z))
        return p / p.sum()

    assert not passes("central_difference", forward_difference)
    assert not passes("line_gradient", full_mse_gradient)
    assert not passes("softmax_xent_gradient", no_onehot)
    assert passes("central_difference", lambda f, x, e: (f(x + e) - f(x - e)) / (2 * e))
