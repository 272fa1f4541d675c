"""Training by gradient descent: from fitting a straight line to training a language model.

Gradient descent lowers a loss ``L(theta)`` by small steps against its gradient,

    theta <- theta - lr * grad L(theta),

where the *learning rate* ``lr`` sets the step size. Too small and it crawls; too large and
every step overshoots the valley further than the last, and the loss explodes. For a
quadratic loss with Hessian ``H`` it converges exactly when ``lr < 2 / lambda_max(H)``.

- :func:`fit_line_gd` fits ``y = slope * x + intercept`` by gradient descent on half the
  mean squared error, ``L = mean((slope * x + intercept - y) ** 2) / 2``, whose gradient is
  ``(mean(err * x), mean(err))``: the slide's update rule. :func:`least_squares` gives the
  exact minimum in closed form, for comparison.
- :func:`gradient_check` compares a hand-written gradient with central finite differences,
  ``(L(theta + eps) - L(theta - eps)) / (2 eps)``: the standard test of backpropagation code.
- :func:`train` trains a model of :mod:`lmcore.neural_lm` with plain SGD or Adam (Kingma and
  Ba, 2015), which scales each parameter's step by a running estimate of its gradient's size,
  and records train and held-out losses (nats per token). A run whose loss becomes infinite,
  NaN or three times its starting value stops with :class:`DivergenceError`.

>>> x = np.array([0.0, 1.0, 2.0]); y = 1.0 + 2.0 * x
>>> least_squares(x, y)
(2.0, 1.0)
>>> fit = fit_line_gd(x, y, lr=0.3, epochs=500)
>>> round(fit.slope, 6), round(fit.intercept, 6)
(2.0, 1.0)
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from lmcore._checks import (
    check_array,
    check_callable,
    check_choice,
    check_float,
    check_int,
    check_memory,
    check_rng,
)

OPTIMIZERS = ("sgd", "adam")
SCHEDULES = ("constant", "linear")


class DivergenceError(FloatingPointError):
    """Training blew up: the loss became inf, NaN or far larger than where it started.

    Attributes: ``step`` (the step at which it was detected), ``lr`` and ``losses`` (the loss
    of every step up to and including the bad one).
    """

    def __init__(self, step: int, lr: float, loss: float, losses):
        self.step, self.lr, self.loss, self.losses = step, lr, loss, list(losses)
        super().__init__(
            f"training diverged at step {step}: the loss became {loss:.4g} with lr={lr:g}; "
            f"try a smaller learning rate, e.g. lr={lr / 10:g}"
        )


def _line_data(x, y) -> tuple[np.ndarray, np.ndarray]:
    arrays = []
    for name, v in (("x", x), ("y", y)):
        try:
            arr = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of numbers, got {type(v).__name__}") from None
        if arr.ndim == 2 and arr.shape[1] == 1:  # the slide's (N, 1) column
            arr = arr[:, 0]  # (N, 1) -> (N,)
        if arr.ndim != 1 or arr.size < 2:
            raise ValueError(f"{name} must be a 1-D array (or an (N, 1) column) of at least 2 "
                             f"numbers, got shape {np.shape(v)}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must hold only finite numbers")
        arrays.append(arr)
    x, y = arrays
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if np.ptp(x) == 0:
        raise ValueError("x must not be constant: a line through one x value has no slope")
    return x, y


def slide_line_data(n: int = 100, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """The slide's synthetic data: ``x`` uniform in [0, 2), ``y = 4 + 3 x + noise``, shapes (n,).

    Drawn from ``np.random.default_rng(seed)`` (the slide seeds numpy's global legacy
    generator instead, so its numbers differ).

    >>> x, y = slide_line_data(5)
    >>> x.shape, bool(np.all((0 <= x) & (x < 2)))
    ((5,), True)
    """
    n = check_int("n", n, minimum=2)
    check_memory("n", 2 * n)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    x = 2 * rng.random(n)
    return x, 4 + 3 * x + rng.standard_normal(n)


def least_squares(x, y) -> tuple[float, float]:
    """The exact least-squares line: ``(slope, intercept)`` minimising the mean squared error.

    ``slope = cov(x, y) / var(x)`` and ``intercept = mean(y) - slope * mean(x)``.

    >>> least_squares([0, 1, 2, 3], [1, 3, 5, 7])
    (2.0, 1.0)
    """
    x, y = _line_data(x, y)
    sx, sy = np.abs(x).max(), max(np.abs(y).max(), 1e-300)  # scale first: 1e200 ** 2 overflows
    dx, dy = (x - x.mean()) / sx, (y - y.mean()) / sy
    slope = float(np.dot(dx, dy) / np.dot(dx, dx) * (sy / sx))
    return slope, float(y.mean() - slope * x.mean())


def line_loss(x, y, slope, intercept) -> np.ndarray | float:
    """Half the mean squared error of the line(s) ``slope * x + intercept``.

    ``slope`` and ``intercept`` may be arrays of the same shape (a grid): the loss surface is
    computed from five sums of the data, so a 100 x 100 grid costs nothing.

    >>> float(line_loss([0, 1], [0, 2], 1.0, 0.0))   # errors 0 and -1: (0 + 1) / 2 / 2
    0.25
    """
    x, y = _line_data(x, y)
    m, b = check_array("slope", slope, nonempty=False), check_array("intercept", intercept, nonempty=False)
    if m.shape != b.shape:
        raise ValueError(f"slope and intercept must have the same shape, got {m.shape} and {b.shape}")
    sxx, sx, sxy, sy, syy = (x * x).mean(), x.mean(), (x * y).mean(), y.mean(), (y * y).mean()
    out = 0.5 * (m * m * sxx + 2 * m * b * sx + b * b - 2 * m * sxy - 2 * b * sy + syy)
    return float(out) if out.ndim == 0 else out


def critical_learning_rate(x) -> float:
    """The largest stable learning rate of :func:`fit_line_gd` on ``x``: ``2 / lambda_max``.

    The Hessian of the half mean squared error is ``[[mean(x^2), mean(x)], [mean(x), 1]]``;
    gradient descent converges for ``lr`` below ``2 / lambda_max`` and diverges above it.

    >>> critical_learning_rate([-1.0, 1.0])   # Hessian = identity
    2.0
    """
    x, _ = _line_data(x, np.zeros(np.shape(x)))
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
    x, y = _line_data(x, y)
    lr = check_float("lr", lr, minimum=0, min_inclusive=False)
    epochs = check_int("epochs", epochs, minimum=1)
    check_memory("epochs", 3 * (epochs + 1))
    if isinstance(start, (str, bytes)) or not hasattr(start, "__len__") or len(start) != 2:
        raise ValueError(f"start must be a (slope, intercept) pair, got {start!r}")
    m, b = (check_float("start[0]", start[0]), check_float("start[1]", start[1]))
    path = np.empty((epochs + 1, 2))
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


def gradient_check(f, params: dict, eps: float = 1e-5, rng: np.random.Generator | None = None,
                   max_entries: int | None = None) -> float:
    """Largest relative error between ``f``'s analytic gradient and central finite differences.

    Args:
        f: ``f(params) -> (loss, grads)`` where ``grads`` has an array per key of ``params``.
        params: dict of float64 arrays; each entry is nudged by ``+-eps`` in place and restored.
        eps: the finite-difference step (> 0).
        rng, max_entries: check only ``max_entries`` random entries per array (for big
            models); by default every entry.

    The relative error of one entry is ``|a - n| / max(|a|, |n|, floor)`` with
    ``floor = 1e-3 * max(1, |loss|)``. The finite difference carries a rounding error of
    about ``1e-16 * |loss| / eps``, which would swamp entries whose true gradient is (nearly)
    0; the floor compares those on the loss's scale instead. Below 1e-6 means the backward
    pass is right; a wrong one typically gives 1e-2 or more.

    >>> f = lambda p: (float(np.sum(p["x"] ** 3)), {"x": 3 * p["x"] ** 2})
    >>> gradient_check(f, {"x": np.array([1.0, -2.0, 0.5])}) < 1e-8
    True
    """
    check_callable("f", f, "a function params -> (loss, grads)")
    if not isinstance(params, dict) or not params:
        raise TypeError("params must be a non-empty dict of float arrays")
    for name, p in params.items():
        if not isinstance(p, np.ndarray) or p.dtype != np.float64:
            raise TypeError(f"params[{name!r}] must be a float64 numpy array")
    eps = check_float("eps", eps, minimum=0, min_inclusive=False)
    if max_entries is not None:
        max_entries = check_int("max_entries", max_entries, minimum=1)
    if max_entries is not None or rng is not None:
        rng = check_rng("rng", rng)
    loss, grads = _loss_and_grads(f, params)
    if not math.isfinite(loss):
        return math.inf  # a NaN or infinite loss is never "a perfect match"
    floor = 1e-3 * max(1.0, abs(float(loss)))
    worst = 0.0
    for name, p in params.items():
        g = np.asarray(grads[name], dtype=float)
        if g.shape != p.shape:
            raise ValueError(f"f returned grads[{name!r}] of shape {g.shape}, params {p.shape}")
        if not np.isfinite(g).all():
            return math.inf
        flat = p.reshape(-1)  # a view: nudging it nudges p
        idx = np.arange(flat.size)
        if max_entries is not None and flat.size > max_entries:
            idx = np.sort(rng.choice(flat.size, size=max_entries, replace=False))
        for i in idx:
            old = flat[i]
            flat[i] = old + eps
            up = _loss_and_grads(f, params)[0]
            flat[i] = old - eps
            down = _loss_and_grads(f, params)[0]
            flat[i] = old
            if not (math.isfinite(up) and math.isfinite(down)):
                return math.inf
            numeric = (up - down) / (2 * eps)
            analytic = g.reshape(-1)[i]
            err = abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor)
            worst = max(worst, float(err))
    return worst


def _loss_and_grads(f, params) -> tuple[float, dict]:
    out = f(params)
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)):
        raise TypeError(f"f must return a pair (loss, grads dict), got {type(out).__name__}")
    try:
        loss = float(out[0])
    except (TypeError, ValueError):
        raise TypeError(f"f must return a number as its loss, got {type(out[0]).__name__}") from None
    missing = set(params) - set(out[1])
    if missing:
        raise ValueError(f"f returned grads without {sorted(missing)}")
    return loss, out[1]


def _check_update(params, grads) -> None:
    """Optimizers update ``params`` in place from ``grads``: same keys, same shapes."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of float arrays, got {type(params).__name__}")
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    for name, p in params.items():
        if name not in grads:
            raise ValueError(f"grads has no entry {name!r} (params has)")
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"params[{name!r}] must be a float numpy array")
        if np.shape(grads[name]) != p.shape:
            raise ValueError(f"grads[{name!r}] has shape {np.shape(grads[name])}, params {p.shape}")


# ---------------------------------------------------------------------------- optimizers
class SGD:
    """Plain gradient descent: ``p -= lr * g`` for every array in ``params`` (in place).

    >>> p = {"w": np.array([1.0, 2.0])}
    >>> SGD(lr=0.5).update(p, {"w": np.array([2.0, -2.0])}); p["w"].tolist()
    [0.0, 3.0]
    """

    def __init__(self, lr: float):
        self.lr = check_float("lr", lr, minimum=0, min_inclusive=False)

    def update(self, params: dict, grads: dict) -> None:
        _check_update(params, grads)
        for name, p in params.items():
            p -= self.lr * grads[name]


class Adam:
    """Adam: a step of about ``lr`` per parameter, along its smoothed gradient's sign.

    ``m`` and ``v`` are running means of the gradient and of its square; dividing by
    ``sqrt(v)`` makes a rarely-updated parameter move as fast as a busy one.

    >>> p = {"w": np.array([0.0, 0.0])}
    >>> Adam(lr=0.1).update(p, {"w": np.array([1e-6, -50.0])}); np.round(p["w"], 6).tolist()
    [-0.09901, 0.1]
    """

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr = check_float("lr", lr, minimum=0, min_inclusive=False)
        self.beta1 = check_float("beta1", beta1, minimum=0, maximum=1, max_inclusive=False)
        self.beta2 = check_float("beta2", beta2, minimum=0, maximum=1, max_inclusive=False)
        self.eps = check_float("eps", eps, minimum=0, min_inclusive=False)
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict, grads: dict) -> None:
        _check_update(params, grads)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # the bias corrections 1 / (1 - beta ** t) of the zero-initialised m and v, folded
        # into one step size (Kingma and Ba's "more efficient" ordering of the same update)
        correction = math.sqrt(1 - b2**self.t)
        step = self.lr * correction / (1 - b1**self.t)
        for name, p in params.items():
            g = grads[name]
            m = self.m.setdefault(name, np.zeros_like(p))
            v = self.v.setdefault(name, np.zeros_like(p))
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= step * m / (np.sqrt(v) + self.eps * correction)


@dataclass
class History:
    """Losses recorded by :func:`train`, in nats per token, at ``steps`` (0 = before training).

    ``train_loss[i]`` is the mean loss of the batches since the previous record (at step 0,
    the first batch's loss before any update); ``held_out_loss[i]`` is the loss on the
    held-out data at that step (empty if none was given).
    """

    optimizer: str
    lr: float
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    held_out_loss: list[float] = field(default_factory=list)


@contextmanager
def _one_blas_thread():
    """Limit numpy's BLAS to one thread (if ``threadpoolctl``, a scikit-learn dependency, is there)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _check_pairs(name, model, data):
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a (contexts, targets) pair of arrays (from make_examples)")
    contexts, targets = np.asarray(data[0]), np.asarray(data[1])
    if contexts.size == 0 or targets.size == 0:
        raise ValueError(f"{name} is empty: give at least one (context, target) example")
    try:
        return model.check_data(contexts, targets)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


def train(model, data, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100,
          rng: np.random.Generator | None = None, eval_every: int = 10,
          batch_size: int | None = None, held_out=None, schedule: str = "constant",
          progress: bool = True) -> History:
    """Train ``model`` (its ``params`` are updated in place) and return its :class:`History`.

    Args:
        model: a :mod:`lmcore.neural_lm` model (``params``, ``loss_and_grads``, ``loss``).
        data: ``(contexts, targets)`` arrays from ``make_examples``, shapes (N, n) and (N,).
        optimizer: ``"sgd"`` or ``"adam"``. lr: learning rate, finite and > 0.
        steps: number of updates (>= 1). eval_every: record the losses every so many steps.
        batch_size: examples drawn (with replacement, from ``rng``) per step; ``None`` uses
            all of ``data`` every step (full-batch gradient descent, no randomness).
        rng: ``np.random.default_rng(seed)``; required when ``batch_size`` is set.
        held_out: optional ``(contexts, targets)`` evaluated at every record.
        schedule: ``"constant"`` lr, or ``"linear"`` decay from ``lr`` to 0 at the last step
            (big early steps, small careful ones at the end).
        progress: show a ``tqdm`` progress bar (a widget in a notebook).

    Raises :class:`DivergenceError` (naming the step and a smaller lr) if the loss becomes
    inf or NaN or rises above 3 times the first step's loss; the model's parameters are then
    those of the failed step and should not be used.

    >>> from lmcore.neural_lm import BigramLM
    >>> data = (np.array([[2], [0], [1]]), np.array([0, 1, 0]))   # <s> -> 0, 0 -> 1, 1 -> 0
    >>> h = train(BigramLM(2), data, "adam", lr=0.5, steps=200, eval_every=100, progress=False)
    >>> h.steps, round(h.train_loss[0], 3), h.train_loss[-1] < 0.01   # ln 2 = 0.693 at the start
    ([0, 100, 200], 0.693, True)
    """
    from tqdm.auto import tqdm

    if not all(hasattr(model, a) for a in ("params", "loss_and_grads", "loss", "check_data")):
        raise TypeError(f"model must be a lmcore.neural_lm model (e.g. BigramLM(V)), "
                        f"got {type(model).__name__}")
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    schedule = check_choice("schedule", schedule, SCHEDULES)
    lr = check_float("lr", lr, minimum=0, min_inclusive=False)
    steps = check_int("steps", steps, minimum=1)
    eval_every = check_int("eval_every", eval_every, minimum=1)
    contexts, targets = _check_pairs("data", model, data)
    if held_out is not None:
        held_out = _check_pairs("held_out", model, held_out)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, minimum=1)
        if rng is None:
            raise ValueError("rng must be a numpy Generator when batch_size is set "
                             "(it draws the minibatches), e.g. np.random.default_rng(0)")
    if rng is not None:
        rng = check_rng("rng", rng)
    opt = SGD(lr) if optimizer == "sgd" else Adam(lr)
    history = History(optimizer, lr)
    losses: list[float] = []
    window: list[float] = []

    def record(step):
        history.steps.append(step)
        history.train_loss.append(float(np.mean(window)))
        if held_out is not None:
            history.held_out_loss.append(model.loss(*held_out))
        window.clear()

    bar = tqdm(range(1, steps + 1), desc=f"{optimizer} lr={lr:g}", disable=not progress)
    # Small matrices run faster on one core, and the results cannot depend on the core count.
    with _one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        for step in bar:
            if batch_size is None:
                batch = contexts, targets
            else:
                pick = rng.integers(0, len(targets), size=batch_size)  # (batch_size,)
                batch = contexts[pick], targets[pick]
            loss, grads = model.loss_and_grads(*batch)
            losses.append(loss)
            finite = math.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
            if not finite or loss > 3 * losses[0]:
                bar.close()
                raise DivergenceError(step, lr, loss, losses)
            window.append(loss)
            if step == 1:
                record(0)
                window.append(loss)
            if schedule == "linear":
                opt.lr = lr * (1 - (step - 1) / steps)
            opt.update(model.params, grads)
            if step % eval_every == 0 or step == steps:
                record(step)
                bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}")
    bar.close()
    if not all(np.all(np.isfinite(p)) for p in model.params.values()):
        raise DivergenceError(steps, lr, math.inf, losses)
    return history
