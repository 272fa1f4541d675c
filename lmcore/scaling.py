"""Scaling laws: how held-out loss falls as a model gets more data (or more parameters).

Measured learning curves of language models are well described by a power law with a floor,

    L(x) = E + A * x ** (-alpha),

where ``x`` is the amount of training data (tokens) or the number of parameters, ``E`` is the
irreducible loss, ``A`` a scale and ``alpha`` > 0 the rate. ``E`` is where no amount of data
helps any more: for a source whose true entropy rate is known, ``E`` is (at best) that entropy
rate, the floor no model can go below.

:func:`fit_power_law` fits the three numbers by least squares: for a fixed ``alpha`` the model
is linear in ``E`` and ``A`` (solved exactly), so only ``alpha`` is searched, on a fine grid and
then refined. No starting guess, no failure to converge.

Beside it: the published laws (:mod:`lmcore.scaling_laws`), measured learning curves
(:mod:`lmcore.learning_curves`), the exact floor of a synthetic language
(:mod:`lmcore.markov`), and error bars for a fit (:mod:`lmcore.scaling_uncertainty`).

>>> x = np.array([1e2, 1e3, 1e4, 1e5])
>>> fit = fit_power_law(x, 2.0 + 5.0 * x ** -0.5)
>>> round(fit.E, 4), round(fit.A, 4), round(fit.alpha, 4)
(2.0, 5.0, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from lmcore._checks import check_array, check_list
from lmcore.validation import Custom, validate

__all__ = ["PowerLaw", "fit_power_law"]


@dataclass(frozen=True)
class PowerLaw:
    """``L(x) = E + A * x ** (-alpha)``, with the root-mean-square error of the fit."""

    E: float
    A: float
    alpha: float
    rmse: float

    def __call__(self, x):
        """Evaluate the law at ``x`` (scalar or array, > 0)."""
        x = np.asarray(x, dtype=float)
        return self.E + self.A * x ** (-self.alpha)


def _alpha_range(name, value) -> tuple[float, float]:
    """A rule: a pair (low, high) with 0 < low < high."""
    pair = check_array(name, check_list(name, value, "a pair (low, high)"))
    if pair.shape != (2,) or not 0 < pair[0] < pair[1]:
        raise ValueError(f"{name} must be (low, high) with 0 < low < high, got {value!r}")
    return float(pair[0]), float(pair[1])


def _amounts(name, value) -> np.ndarray:
    """A rule: a 1-D array of amounts > 0 with at least 3 distinct values (3 parameters)."""
    x = check_array(name, value, ndim=1)
    if np.unique(x).size < 3:
        raise ValueError(f"{name} must hold at least 3 distinct values to fit 3 parameters, got {x.size}")
    if np.any(x <= 0):
        raise ValueError(f"{name} must be > 0 (amounts of data or parameters)")
    return x


def _losses(name, value, checked) -> np.ndarray:
    """A rule: a 1-D array with one value for each of the amounts ``x`` checked before it."""
    y = check_array(name, value, ndim=1)
    if y.shape != checked["x"].shape:
        raise ValueError(f"x and {name} must be 1-D of the same length, got shapes "
                         f"{checked['x'].shape} and {y.shape}")
    return y


#: Rules: amounts x (> 0, 3 distinct at least), a loss for each, an interval (low, high) > 0.
AMOUNTS, LOSSES, ALPHA_RANGE = Custom(_amounts), Custom(_losses), Custom(_alpha_range)


@validate(x=AMOUNTS, y=LOSSES, alpha_range=ALPHA_RANGE)
def fit_power_law(x, y, alpha_range=(1e-3, 3.0)) -> PowerLaw:
    """Fit ``y = E + A * x ** (-alpha)`` by least squares; return a :class:`PowerLaw`.

    Args:
        x: amounts (training tokens, parameters), shape (n,), all > 0, n >= 3.
        y: losses at those amounts (e.g. bits or nats per token), shape (n,).
        alpha_range: the interval searched for ``alpha``.

    >>> fit_power_law([10, 100, 1000], [3.0, 2.0, 1.5]).alpha > 0
    True
    """
    # Work in units where x and y are near 1, so x ** -alpha and squared errors neither
    # overflow nor underflow; E and A are converted back at the end.
    x_unit, y_unit = math.exp(np.log(x).mean()), float(np.abs(y).max()) or 1.0
    xs, ys = x / x_unit, y / y_unit

    def best_E_A(alpha):
        """For a fixed alpha, y = E + A x^-alpha is linear in E and A: exact least squares."""
        design = np.column_stack([np.ones_like(xs), xs ** -alpha])  # (n, 2)
        if not np.isfinite(design).all():  # x spans so many decades that x ** -alpha overflows
            return math.nan, math.nan, math.inf
        (E, A), *_ = np.linalg.lstsq(design, ys, rcond=None)
        return E, A, float(np.sum((ys - design @ [E, A]) ** 2))

    def squared_error(alpha):
        return best_E_A(alpha)[2]

    grid = np.geomspace(*alpha_range, 400)  # a coarse search over alpha, then a fine one
    i = int(np.argmin([squared_error(a) for a in grid]))
    bracket = (grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)])
    alpha = minimize_scalar(squared_error, bounds=bracket, method="bounded",
                            options={"xatol": 1e-12}).x
    E, A, sse = best_E_A(alpha)
    if not math.isfinite(sse):
        raise ValueError(f"x spans too many orders of magnitude ({x.min():.3g} to {x.max():.3g}) "
                         "for x ** -alpha to stay finite")
    # back to the original units: A (x / x_unit) ** -alpha == A x_unit ** alpha x ** -alpha
    return PowerLaw(E=float(E * y_unit), A=float(A * y_unit * x_unit**alpha), alpha=float(alpha),
                    rmse=y_unit * math.sqrt(sse / x.size))
