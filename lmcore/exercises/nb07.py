"""Exercises of notebook 07 (training by gradient descent)."""

import math

import numpy as np

from lmcore.exercises._core import register


def _line_gradient(x, y, slope, intercept):
    """Gradient of half the mean squared error: (mean(err * x), mean(err))."""
    err = [slope * xi + intercept - yi for xi, yi in zip(x, y)]
    n = len(err)
    return (sum(e * xi for e, xi in zip(err, x)) / n, sum(err) / n)


def _softmax_xent_gradient(logits, target):
    """Gradient of -log softmax(logits)[target] with respect to the logits."""
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total - (1.0 if i == target else 0.0) for i, e in enumerate(exps)]


def _central_difference(f, x, eps):
    """(f(x + eps) - f(x - eps)) / (2 eps)."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def _same_numbers(expected, got) -> bool:
    """Equal length and every number within 1e-6 (relative) of the expected one."""
    try:
        got = np.asarray(got, dtype=float).ravel()
    except (TypeError, ValueError):
        return False
    expected = np.asarray(expected, dtype=float).ravel()
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=1e-6, atol=1e-12))


def cube(x):
    return x**3


def softplus(x):
    return math.log1p(math.exp(x))


register(
    "line_gradient",
    _line_gradient,
    cases=[
        ([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 0.0, 0.0),
        ([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 2.0, 1.0),
        ([1.0, 2.0], [0.0, 0.0], 1.0, -1.0),
        ([0.5, 1.5, 2.5, 3.5], [2.0, 1.0, 4.0, 3.0], -1.0, 2.0),
    ],
    hint="err = slope * x + intercept - y for every point; the slope's gradient is the mean "
    "of err * x and the intercept's the mean of err (no factor 2: the loss is HALF the MSE)",
    compare=_same_numbers,
)
register(
    "softmax_xent_gradient",
    _softmax_xent_gradient,
    cases=[
        ([0.0, 0.0], 0),
        ([1.0, 2.0, 3.0], 2),
        ([1.0, 2.0, 3.0], 0),
        ([1000.0, 0.0, -1000.0], 1),
        ([0.5, -0.5, 0.25, 0.0], 3),
    ],
    hint="the gradient is softmax(logits) minus the one-hot vector of the target; subtract the "
    "largest logit before exp so that 1000 does not overflow",
    compare=_same_numbers,
)
register(
    "central_difference",
    _central_difference,
    cases=[(cube, 2.0, 1e-5), (math.sin, 0.5, 1e-5), (softplus, -1.0, 1e-4), (math.exp, 0.0, 1e-3)],
    hint="evaluate f a step eps to the right AND to the left of x and divide the difference by "
    "2 * eps (a one-sided difference is only accurate to about eps)",
    describe=lambda args: f"{args[0].__name__}, {args[1]!r}, {args[2]!r}",
)
