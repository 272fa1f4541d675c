"""lmcore.scaling: power-law fits against scipy's curve_fit, the published laws, learning curves."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import curve_fit

from lmcore import learning_curves, scaling, scaling_laws
from lmcore.ngram import NGramModel


def law(x, E, A, alpha):
    return E + A * x ** (-alpha)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.5, 5.0), st.floats(1.0, 200.0), st.floats(0.1, 1.2))
def test_recovers_known_parameters_within_5_percent(E, A, alpha):
    x = np.geomspace(1e2, 1e7, 15)
    fit = scaling.fit_power_law(x, law(x, E, A, alpha))
    assert fit.E == pytest.approx(E, rel=0.05)
    assert fit.A == pytest.approx(A, rel=0.05)
    assert fit.alpha == pytest.approx(alpha, rel=0.05)


def test_noisy_fit_agrees_with_scipy_curve_fit():
    rng = np.random.default_rng(1)
    x = np.geomspace(1e3, 1e6, 12)
    y = law(x, 1.3, 40.0, 0.35) * (1 + 0.01 * rng.standard_normal(12))
    fit = scaling.fit_power_law(x, y)
    ref, _ = curve_fit(law, x, y, p0=[1.0, 10.0, 0.3], maxfev=20000)
    np.testing.assert_allclose([fit.E, fit.A, fit.alpha], ref, rtol=1e-4)
    assert fit.rmse == pytest.approx(math.sqrt(np.mean((law(x, *ref) - y) ** 2)), rel=1e-4)
    np.testing.assert_allclose(fit(x), law(x, fit.E, fit.A, fit.alpha))


def test_published_laws_by_hand():
    # at D = D_c and N = N_c Kaplan's laws give exactly 1 nat; Chinchilla: E + A/N^a + B/D^b
    assert scaling_laws.kaplan_loss_vs_data(5.4e13) == pytest.approx(1.0)
    assert scaling_laws.kaplan_loss_vs_params(8.8e13) == pytest.approx(1.0)
    assert scaling_laws.kaplan_loss_vs_data(5.4e11) == pytest.approx(100 ** 0.095)
    N, D = 70e9, 1.4e12
    assert scaling_laws.chinchilla_loss(N, D) == pytest.approx(1.69 + 406.4 / N**0.34 + 410.7 / D**0.28)


def test_learning_curve_matches_fitting_by_hand():
    train = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "c", "b"]] * 10
    test = [["a", "b", "c"], ["c", "b", "a"]]
    sizes = [3, 12, 60]
    curve = learning_curves.learning_curve(lambda: NGramModel(2, smoothing="add-k"), (train, test), sizes,
                                   np.random.default_rng(3))
    order = [train[i] for i in np.random.default_rng(3).permutation(len(train))]
    for size, value in zip(sizes, curve):
        k = next(i + 1 for i in range(len(order)) if sum(map(len, order[: i + 1])) >= size)
        expected = NGramModel(2, smoothing="add-k").fit(order[:k]).cross_entropy(test)
        assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("x, y, name", [
    ([1, 2], [1, 2], "at least 3"), ([1, 2, 3], [1, 2], "same length"),
    ([0, 1, 2], [1, 2, 3], "x must be"), ([1, 2, 3], [1, np.inf, 3], "y must be"),
    ([1, 1, 2], [1, 2, 3], "distinct"),
])
def test_fit_bad_input(x, y, name):
    with pytest.raises(ValueError, match=name):
        scaling.fit_power_law(x, y)


def test_learning_curve_bad_input():
    good = ([["a", "b"]] * 5, [["a"]])
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="model_factory"):
        learning_curves.learning_curve(3, good, [1], rng)
    with pytest.raises(TypeError, match="corpus"):
        learning_curves.learning_curve(NGramModel, [["a"]], [1], rng)
    with pytest.raises(ValueError, match="sizes"):
        learning_curves.learning_curve(lambda: NGramModel(2), good, [5, 2], rng)
    with pytest.raises(ValueError, match="sizes"):
        learning_curves.learning_curve(lambda: NGramModel(2), good, [100], rng)
    with pytest.raises(TypeError, match="rng"):
        learning_curves.learning_curve(lambda: NGramModel(2), good, [1], 0)
