"""Checking a hand-written gradient against central finite differences.

The standard test of backpropagation code: nudge one parameter by ``+-eps`` and compare

    (L(theta + eps) - L(theta - eps)) / (2 eps)

with the analytic derivative. :func:`gradient_check` does it for every entry (or a random
sample of entries) of every parameter array and returns the largest relative error.

>>> f = lambda p: (float(np.sum(p["x"] ** 2)), {"x": 2 * p["x"]})
>>> gradient_check(f, {"x": np.array([1.0, -3.0])}) < 1e-8
True
"""

from __future__ import annotations

import math

import numpy as np

from lmcore.validation import Custom, Float, Function, Int, Rng, validate


def _float64_arrays(name: str, value) -> dict:
    """A non-empty dict of float64 numpy arrays (nudged in place, so no copies)."""
    if not isinstance(value, dict) or not value:
        raise TypeError(f"{name} must be a non-empty dict of float arrays")
    for key, p in value.items():
        if not isinstance(p, np.ndarray) or p.dtype != np.float64:
            raise TypeError(f"{name}[{key!r}] must be a float64 numpy array")
    return value


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


@validate(f=Function("a function params -> (loss, grads)"), params=Custom(_float64_arrays),
          eps=Float(min=0, open_min=True), rng=Rng(optional=True),
          max_entries=Int(min=1, optional=True))
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
    if max_entries is not None and rng is None:
        raise TypeError("rng must be a numpy Generator when max_entries is set, e.g. "
                        "np.random.default_rng(0)")
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
            analytic = g.reshape(-1)[i]  # the same entry of the gradient, flattened like p
            err = abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor)
            worst = max(worst, float(err))
    return worst
