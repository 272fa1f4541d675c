"""Optimisers: how a training step turns gradients into a change of the parameters.

Both update a dict of float arrays in place from a dict of gradients with the same keys and
shapes (what every model's ``loss_and_grads`` returns):

- :class:`SGD`, plain gradient descent: ``p -= lr * g``;
- :class:`Adam` (Kingma and Ba, 2015), which scales each parameter's step by a running
  estimate of its gradient's size, so rarely-updated parameters learn as fast as busy ones.

>>> p = {"w": np.array([1.0, 2.0])}
>>> SGD(lr=0.5).update(p, {"w": np.array([2.0, -2.0])}); p["w"].tolist()
[0.0, 3.0]
"""

from __future__ import annotations

import math

import numpy as np

from lmcore.validation import Float, Mapping, validate


def _check_grads(params: dict, grads: dict) -> None:
    """The grads of an update: an entry of the same shape for every float array of params."""
    for name, p in params.items():
        if name not in grads:
            raise ValueError(f"grads has no entry {name!r} (params has)")
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"params[{name!r}] must be a float numpy array")
        if np.shape(grads[name]) != p.shape:
            raise ValueError(f"grads[{name!r}] has shape {np.shape(grads[name])}, params {p.shape}")


class SGD:
    """Plain gradient descent: ``p -= lr * g`` for every array in ``params`` (in place).

    >>> p = {"w": np.array([1.0, 2.0])}
    >>> SGD(lr=0.5).update(p, {"w": np.array([2.0, -2.0])}); p["w"].tolist()
    [0.0, 3.0]
    """

    @validate(lr=Float(min=0, open_min=True))
    def __init__(self, lr: float):
        self.lr = lr

    @validate(params=Mapping(), grads=Mapping())
    def update(self, params: dict, grads: dict) -> None:
        _check_grads(params, grads)
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

    @validate(lr=Float(min=0, open_min=True), beta1=Float(min=0, max=1, open_max=True),
              beta2=Float(min=0, max=1, open_max=True), eps=Float(min=0, open_min=True))
    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    @validate(params=Mapping(), grads=Mapping())
    def update(self, params: dict, grads: dict) -> None:
        _check_grads(params, grads)
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
