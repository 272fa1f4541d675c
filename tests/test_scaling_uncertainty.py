"""Uncertainty of power-law fits, against scipy's curve_fit covariance and a known truth."""

import numpy as np
import pytest
from scipy.optimize import curve_fit

from lmcore.scaling import fit_power_law
from lmcore.scaling_uncertainty import bootstrap_power_law, power_law_standard_errors


def law(x, E, A, alpha):
    return E + A * x ** (-alpha)


def test_standard_errors_match_scipy_curve_fit():
    rng = np.random.default_rng(0)
    x = np.geomspace(100, 1e5, 8)
    y = law(x, 1.5, 20.0, 0.4) + rng.normal(0, 0.01, x.size)
    fit = fit_power_law(x, y)
    popt, pcov = curve_fit(law, x, y, p0=[fit.E, fit.A, fit.alpha], maxfev=20000)
    assert [fit.E, fit.A, fit.alpha] == pytest.approx(popt, rel=1e-4)
    se = power_law_standard_errors(x, y, fit)
    assert [se["E"], se["A"], se["alpha"]] == pytest.approx(np.sqrt(np.diag(pcov)), rel=1e-3)


def test_bootstrap_interval_covers_the_truth_and_narrows_with_more_data():
    rng = np.random.default_rng(1)
    x = np.array([100.0, 300, 1000, 3000, 10000])
    true = law(x, 2.0, 10.0, 0.5)
    widths = []
    for m in (200, 3200):
        losses = true[:, None] + rng.normal(0, 0.3, size=(x.size, m))  # per-sequence noise
        boot = bootstrap_power_law(x, losses, np.random.default_rng(2), n_boot=200)
        low, high = boot["E"]
        assert low <= 2.0 <= high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2  # 16x the sequences: about a quarter of the width


def test_bad_input():
    x = np.array([1.0, 2, 3, 4])
    with pytest.raises(ValueError, match="losses"):
        bootstrap_power_law(x, np.ones((3, 10)), np.random.default_rng(0))
    with pytest.raises(ValueError, match="x and y"):
        power_law_standard_errors(x[:3], x[:3], fit_power_law(x[:3], [3.0, 2, 1.5]))
    with pytest.raises(TypeError, match="fit"):
        power_law_standard_errors(x, x, (1, 2, 3))
