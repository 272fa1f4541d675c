"""Fitting a straight line by gradient descent: the slide's first example of training.

Gradient descent lowers a loss ``L(theta)`` by small steps against its gradient,

    theta <- theta - lr * grad L(theta),

where the *learning rate* ``lr`` sets the step size. Too small and it crawls; too large and
every step overshoots the valley further than the last, and the loss explodes. For a
quadratic loss with Hessian ``H`` it converges exactly when ``lr < 2 / lambda_max(H)``.

- :func:`fit_line_gd` fits ``y = slope * x + intercept`` by gradient descent on half the
  mean squared error, ``L = mean((slope * x + intercept - y) ** 2) / 2``, whose gradient is
  ``(mean(err * x), mean(err))``: the slide's update rule. :func:`least_squares` gives the
  exact minimum in closed form, for comparison, and :func:`critical_learning_rate` the
  largest stable ``lr``.
- :func:`learning_rate_run` is one run of the learning-rate panel: the fit at one ``lr``,
  the minimum, the loss surface around it and the verdict ("too small", "good",
  "diverges") that :func:`lmcore.plotting.training.learning_rate_figure` draws.

>>> x = np.array([0.0, 1.0, 2.0]); y = 1.0 + 2.0 * x
>>> least_squares(x, y)
(2.0, 1.0)
>>> fit = fit_line_gd(x, y, lr=0.3, epochs=500)
>>> round(fit.slope, 6), round(fit.intercept, 6)
(2.0, 1.0)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lmcore import _checks as C
from lmcore.training import DivergenceError
from lmcore.validation import Array, Float, Int, Rule, validate

__all__ = ["slide_line_data", "least_squares", "line_loss", "critical_learning_rate", "LineFit",
           "fit_line_gd", "LearningRateRun", "learning_rate_run", "SURFACE_WINDOW"]

#: The window of the loss surface around the slide's minimum: (slope range, intercept range).
SURFACE_WINDOW = ((-1.0, 7.0), (-1.0, 9.0))


class Points(Rule):
    """Rule: 1-D data of at least 2 finite numbers (the slide's (N, 1) column becomes (N,)),
    as long as the argument ``like`` if given; ``varies=True`` refuses a constant."""

    def __init__(self, like: str | None = None, varies: bool = False):
        super().__init__()
        self.like, self.varies = like, varies

    def check(self, name, value, checked):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
        if arr.ndim == 2 and arr.shape[1] == 1:  # the slide's (N, 1) column
            arr = arr[:, 0]  # (N, 1) -> (N,)
        if arr.ndim != 1 or arr.size < 2:
            raise ValueError(f"{name} must be a 1-D array (or an (N, 1) column) of at least 2 "
                             f"numbers, got shape {np.shape(value)}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must hold only finite numbers")
        if self.like is not None and arr.shape != checked[self.like].shape:
            raise ValueError(f"{self.like} and {name} must have the same length, got "
                             f"{checked[self.like].size} and {arr.size}")
        if self.varies and np.ptp(arr) == 0:
            raise ValueError(f"{name} must not be constant: a line through one x value has no slope")
        return arr


class Pair(Rule):
    """Rule: a ``(slope, intercept)`` pair of finite numbers, returned as two floats."""

    def check(self, name, value, checked):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
            raise ValueError(f"{name} must be a (slope, intercept) pair, got {value!r}")
        return C.check_float(f"{name}[0]", value[0]), C.check_float(f"{name}[1]", value[1])


@validate(n=Int(min=2, max=10**7), seed=Int(min=0))
def slide_line_data(n: int = 100, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """The slide's synthetic data: ``x`` uniform in [0, 2), ``y = 4 + 3 x + noise``, shapes (n,).

    Drawn from ``np.random.default_rng(seed)`` (the slide seeds numpy's global legacy
    generator instead, so its numbers differ).

    >>> x, y = slide_line_data(5)
    >>> x.shape, bool(np.all((0 <= x) & (x < 2)))
    ((5,), True)
    """
    rng = np.random.default_rng(seed)
    x = 2 * rng.random(n)
    return x, 4 + 3 * x + rng.standard_normal(n)


@validate(x=Points(varies=True), y=Points(like="x"))
def least_squares(x, y) -> tuple[float, float]:
    """The exact least-squares line: ``(slope, intercept)`` minimising the mean squared error.

    ``slope = cov(x, y) / var(x)`` and ``intercept = mean(y) - slope * mean(x)``.

    >>> least_squares([0, 1, 2, 3], [1, 3, 5, 7])
    (2.0, 1.0)
    """
    sx, sy = np.abs(x).max(), max(np.abs(y).max(), 1e-300)  # scale first: 1e200 ** 2 overflows
    dx, dy = (x - x.mean()) / sx, (y - y.mean()) / sy
    slope = float(np.dot(dx, dy) / np.dot(dx, dx) * (sy / sx))
    return slope, float(y.mean() - slope * x.mean())


@validate(x=Points(varies=True), y=Points(like="x"), slope=Array(nonempty=False),
          intercept=Array(nonempty=False))
def line_loss(x, y, slope, intercept) -> np.ndarray | float:
    """Half the mean squared error of the line(s) ``slope * x + intercept``.

    ``slope`` and ``intercept`` may be arrays of the same shape (a grid): the loss surface is
    computed from five sums of the data, so a 100 x 100 grid costs nothing.

    >>> float(line_loss([0, 1], [0, 2], 1.0, 0.0))   # errors 0 and -1: (0 + 1) / 2 / 2
    0.25
    """
    if slope.shape != intercept.shape:
        raise ValueError(f"slope and intercept must have the same shape, got {slope.shape} and "
                         f"{intercept.shape}")
    m, b = slope, intercept
    sxx, sx, sxy, sy, syy = (x * x).mean(), x.mean(), (x * y).mean(), y.mean(), (y * y).mean()
    out = 0.5 * (m * m * sxx + 2 * m * b * sx + b * b - 2 * m * sxy - 2 * b * sy + syy)
    return float(out) if out.ndim == 0 else out


@validate(x=Points(varies=True))
def critical_learning_rate(x) -> float:
    """The largest stable learning rate of :func:`fit_line_gd` on ``x``: ``2 / lambda_max``.

    The Hessian of the half mean squared error is ``[[mean(x^2), mean(x)], [mean(x), 1]]``;
    gradient descent converges for ``lr`` below ``2 / lambda_max`` and diverges above it.

    >>> critical_learning_rate([-1.0, 1.0])   # Hessian = identity
    2.0
    """
    s = max(np.abs(x).max(), 1.0)  # the Hessian divided by s ** 2, so mean(x * x) never overflows
    u = x / s
    hessian = np.array([[np.mean(u * u), np.mean(u) / s], [np.mean(u) / s, 1.0 / s / s]])
    return float(2.0 / np.linalg.eigvalsh(hessian)[-1] / s / s)


class LineFit(NamedTuple):
    """Result of :func:`fit_line_gd`: final parameters, loss per epoch, and the path."""

    slope: float
    intercept: float
    losses: np.ndarray  # (epochs + 1,): the loss before the first step and after every step
    path: np.ndarray  # (epochs + 1, 2): (slope, intercept) at the same moments


@validate(x=Points(varies=True), y=Points(like="x"), lr=Float(min=0, open_min=True),
          epochs=Int(min=1, max=10**7), start=Pair())
def fit_line_gd(x, y, lr: float = 0.01, epochs: int = 1000, start=(0.0, 0.0)) -> LineFit:
    """Fit ``y = slope * x + intercept`` by full-batch gradient descent from ``start``.

    Args:
        x, y: arrays of shape (N,) (or the slide's (N, 1) columns).
        lr: learning rate > 0. epochs: number of steps >= 1.
        start: the initial ``(slope, intercept)``; the slide starts at (0, 0).

    Returns a :class:`LineFit`. Raises :class:`DivergenceError` if the loss overflows.

    Two steps by hand from (0, 0): the errors are -y, so the gradient is (-13/3, -3) and the
    first step lands on (0.4333, 0.3); the second adds (0.3311, 0.2267).

    >>> fit = fit_line_gd([0, 1, 2], [1, 3, 5], lr=0.1, epochs=2)
    >>> fit.path.shape, round(fit.slope, 4), round(fit.intercept, 4)
    ((3, 2), 0.7644, 0.5267)
    """
    m, b = start
    path = np.empty((epochs + 1, 2))  # (slope, intercept) before every step and after the last
    losses = np.empty(epochs + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs + 1):
            err = m * x + b - y  # (N,)
            path[epoch] = m, b
            losses[epoch] = 0.5 * np.mean(err * err)
            if not np.isfinite(losses[epoch]):
                raise DivergenceError(epoch, lr, losses[epoch], losses[: epoch + 1])
            if epoch < epochs:
                m, b = m - lr * np.mean(err * x), b - lr * np.mean(err)
    return LineFit(float(m), float(b), losses, path)


class LearningRateRun(NamedTuple):
    """One run of the learning-rate panel (:func:`learning_rate_run`), ready to draw."""

    lr: float
    epochs: int
    critical: float  # 2 / lambda_max: the largest stable learning rate
    fit: LineFit | None  # None if the loss overflowed
    best: tuple[float, float]  # the least-squares (slope, intercept)
    best_loss: float  # its loss (half mean squared error)
    regime: str  # "too small", "good" or "diverges"
    slopes: np.ndarray  # (50, 50) grid over SURFACE_WINDOW
    intercepts: np.ndarray  # (50, 50)
    surface: np.ndarray  # (50, 50): the loss at every grid point


@validate(x=Points(varies=True), y=Points(like="x"), lr=Float(min=0, open_min=True),
          epochs=Int(min=1, max=10**7))
def learning_rate_run(x, y, lr: float = 0.5, epochs: int = 50) -> LearningRateRun:
    """Gradient descent on the line fit at ``lr`` for ``epochs`` steps from (0, 0), judged.

    The ``regime`` is "diverges" at or above the critical rate, "good" if the parameters got
    within 1% of the way to the least-squares minimum, and "too small" otherwise.

    >>> x, y = slide_line_data()
    >>> [learning_rate_run(x, y, lr).regime for lr in (0.01, 0.5, 1.0)]
    ['too small', 'good', 'diverges']
    """
    critical = critical_learning_rate(x)
    try:
        fit = fit_line_gd(x, y, lr=lr, epochs=epochs)
    except DivergenceError:  # overflowed: nothing finite to draw
        fit = None
    best = least_squares(x, y)
    if fit is None or lr >= critical:
        regime = "diverges"
    else:
        left = np.hypot(*(fit.path[-1] - best)) / max(np.hypot(*(fit.path[0] - best)), 1e-12)
        regime = "good" if left < 0.01 else "too small"
    (m_lo, m_hi), (b_lo, b_hi) = SURFACE_WINDOW
    slopes, intercepts = np.meshgrid(np.linspace(m_lo, m_hi, 50), np.linspace(b_lo, b_hi, 50))
    with np.errstate(over="ignore", invalid="ignore"):
        best_loss, surface = line_loss(x, y, *best), line_loss(x, y, slopes, intercepts)
    if not (np.isfinite(best_loss) and np.all(np.isfinite(surface))):
        raise ValueError("x and y are too large: the loss (their squares) overflows float64")
    return LearningRateRun(lr, epochs, critical, fit, best, best_loss, regime, slopes, intercepts,
                           surface)
