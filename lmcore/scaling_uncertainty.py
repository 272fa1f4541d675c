"""How sure is a fitted scaling law? Standard errors and bootstrap intervals for ``E + A x^-alpha``.

A power law fitted to five or seven points can put its floor ``E`` almost anywhere the data do
not pin it down. Two ways to say how far:

- :func:`power_law_standard_errors`: the usual least-squares covariance,
  ``s^2 (J^T J)^-1`` with the Jacobian ``J`` of the law at the fitted parameters and
  ``s^2`` the residual variance (``n - 3`` degrees of freedom). It assumes the law is the
  right shape and the errors are independent and equally noisy; it says nothing when
  ``n = 3`` (no degrees of freedom left).
- :func:`bootstrap_power_law`: refit on resampled data. Given the loss of every held-out
  sequence for every point of the curve, resample the sequences (the same draw for every
  point, since they share the held-out set) and refit; the spread of the refitted
  parameters is the uncertainty that comes from the finite held-out sample. It does not
  include the noise of training itself (a different seed gives a different model).

>>> from lmcore.scaling import fit_power_law
>>> x = np.array([1.0, 2, 4, 8, 16]); y = 1 + 2 * x ** -0.5 + np.array([1, -1, 1, -1, 1]) * 1e-3
>>> se = power_law_standard_errors(x, y, fit_power_law(x, y))
>>> sorted(se)
['A', 'E', 'alpha']
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_array, check_float, check_int, check_rng
from lmcore.scaling import PowerLaw, fit_power_law


def power_law_standard_errors(x, y, fit: PowerLaw) -> dict[str, float]:
    """Standard errors of ``E``, ``A`` and ``alpha`` from the least-squares covariance.

    ``x``, ``y``: the points the law was fitted to, shape (n,) with n >= 4; ``fit`` their fit.
    """
    x, y = check_array("x", x), check_array("y", y)
    if np.any(x <= 0):
        raise ValueError("x must hold amounts > 0 (the law has x ** -alpha)")
    if x.ndim != 1 or x.shape != y.shape or x.size < 4:
        raise ValueError(f"x and y must be 1-D of the same length >= 4 (3 parameters plus one "
                         f"degree of freedom), got shapes {x.shape} and {y.shape}")
    if not isinstance(fit, PowerLaw):
        raise TypeError(f"fit must be a PowerLaw from fit_power_law, got {type(fit).__name__}")
    power = x ** (-fit.alpha)  # (n,)
    jacobian = np.stack([np.ones_like(x), power, -fit.A * power * np.log(x)], axis=1)  # (n, 3)
    residual = y - fit(x)
    s2 = float(residual @ residual) / (x.size - 3)
    cov = s2 * np.linalg.pinv(jacobian.T @ jacobian)  # (3, 3)
    return dict(zip(("E", "A", "alpha"), np.sqrt(np.maximum(np.diag(cov), 0.0)).tolist()))


def bootstrap_power_law(x, losses, rng, n_boot: int = 200, level: float = 0.9) -> dict:
    """Percentile intervals of ``E`` and ``alpha`` from resampling held-out sequences.

    Args:
        x: the amounts (parameters, tokens), shape (k,).
        losses: shape (k, m): the loss of each of ``m`` held-out sequences at each point.
        rng: ``np.random.default_rng(seed)``, draws the resamples.
        n_boot: number of resamples; level: the central share of the refits kept (0.9 gives
            the 5th and 95th percentiles).

    Returns ``{"E": (low, high), "alpha": (low, high), "fits": [PowerLaw, ...]}``.
    """
    x, losses = check_array("x", x), check_array("losses", losses)
    if losses.ndim != 2 or losses.shape[0] != x.size or losses.shape[1] < 2:
        raise ValueError(f"losses must have shape (len(x), m) with m >= 2, got {losses.shape} "
                         f"for {x.size} points")
    rng = check_rng("rng", rng)
    n_boot = check_int("n_boot", n_boot, minimum=10, maximum=100_000)
    level = check_float("level", level, minimum=0, maximum=1, min_inclusive=False,
                        max_inclusive=False)
    m = losses.shape[1]
    fits = []
    for _ in range(n_boot):
        pick = rng.integers(0, m, size=m)  # the same sequences for every point
        fits.append(fit_power_law(x, losses[:, pick].mean(axis=1)))
    tail = 100 * (1 - level) / 2
    out = {}
    for name in ("E", "alpha"):
        values = np.array([getattr(f, name) for f in fits])
        out[name] = tuple(np.percentile(values, [tail, 100 - tail]).tolist())
    out["fits"] = fits
    return out
