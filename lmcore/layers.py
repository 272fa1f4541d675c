"""The layers of a transformer, each forward pass next to its hand-written backward pass.

Backpropagation is the chain rule applied one layer at a time, from the loss back to the
inputs. Each layer here is a pair of plain functions:

- ``y, cache = layer_forward(x, ...)`` computes the output and keeps what the backward
  pass will need (the cache);
- ``dx, grads = layer_backward(dy, cache)`` takes ``dy = dL/dy`` (same shape as ``y``)
  and returns ``dx = dL/dx`` and the gradients of the layer's parameters.

Shapes use ``B`` (batch), ``T`` (tokens), ``d`` (model width), ``h`` (heads), ``f`` (MLP
width) and ``V`` (vocabulary). Every backward pass is checked against central finite
differences in ``tests/test_layers.py``. No autograd library is used.

>>> x = np.array([[1.0, 2.0, 3.0]])
>>> y, cache = layer_norm_forward(x, np.ones(3), np.zeros(3), eps=0.0)
>>> y.round(4).tolist()
[[-1.2247, 0.0, 1.2247]]
>>> dx, grads = layer_norm_backward(np.ones((1, 3)), cache)   # y sums to 0 whatever x is
>>> bool(np.abs(dx).max() < 1e-12)
True
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_array, check_float

# Python floats, not numpy float64 scalars: they keep float32 arrays float32.
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# ------------------------------------------------------------------------- embedding
def embedding_forward(ids, table):
    """Look up one row of ``table`` (V, d) per id of ``ids`` (B, T): returns (B, T, d)."""
    return table[ids], (ids, table.shape)


def embedding_backward(dy, cache):
    """Each row of the table gets the sum of ``dy`` over the positions that looked it up."""
    ids, shape = cache
    d_table = np.zeros(shape, dtype=dy.dtype)
    np.add.at(d_table, ids, dy)  # ids (B, T), dy (B, T, d): repeated ids add up
    return {"table": d_table}


# ------------------------------------------------------------------------- layer norm
def layer_norm(x, gamma=None, beta=None, eps: float = 1e-5) -> np.ndarray:
    """Normalise each vector along the last axis to mean 0, variance 1; then ``* gamma + beta``.

    ``x`` is ``(..., d)``; ``gamma`` and ``beta`` are ``(d,)`` (default: ones and zeros).
    ``eps`` is added to the variance so a constant vector gives zeros, not a division by 0.
    Returns an array shaped like ``x``.

    >>> layer_norm([[1.0, 2.0, 3.0]], eps=0.0).round(4).tolist()
    [[-1.2247, 0.0, 1.2247]]
    """
    x = check_array("x", x)
    if x.ndim < 1 or x.shape[-1] == 0:
        raise ValueError(f"x must have shape (..., d) with d >= 1, got shape {x.shape}")
    eps = check_float("eps", eps, minimum=0.0)
    d = x.shape[-1]
    gamma = np.ones(d) if gamma is None else check_array("gamma", gamma)
    beta = np.zeros(d) if beta is None else check_array("beta", beta)
    for name, p in (("gamma", gamma), ("beta", beta)):
        if p.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},) to match x of shape {x.shape}, "
                             f"got shape {p.shape}")
    # divide each vector by its largest |value| (eps by its square) first: 1e200**2 overflows
    scale = np.abs(x).max(axis=-1, keepdims=True)  # (..., 1)
    scale = np.where(scale > 1.0, scale, 1.0) if eps > 0 else np.where(scale > 0, scale, 1.0)
    x = x / scale
    if eps == 0.0 and np.any(x.var(axis=-1) == 0):
        raise ValueError("x has a constant vector and eps = 0: its variance is 0, so it cannot "
                         "be normalised; use eps > 0")
    eps = np.maximum(eps / scale**2, np.finfo(float).tiny) if eps > 0 else 0.0
    return layer_norm_forward(x, gamma, beta, eps)[0]


def layer_norm_forward(x, gamma, beta, eps: float = 1e-5):
    """``x`` (..., d) -> ``x_hat * gamma + beta`` with ``x_hat = (x - mean) / sqrt(var + eps)``."""
    mean = x.mean(axis=-1, keepdims=True)  # (..., 1)
    centred = x - mean
    rstd = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)  # (..., 1)
    x_hat = centred * rstd  # (..., d)
    return x_hat * gamma + beta, (x_hat, rstd, gamma)


def layer_norm_backward(dy, cache):
    """Backward of :func:`layer_norm_forward`.

    With ``g = dy * gamma``, ``dx = rstd * (g - mean(g) - x_hat * mean(g * x_hat))``: the two
    means remove the parts of ``g`` that only move the mean or the spread, which the
    normalisation undoes anyway.
    """
    x_hat, rstd, gamma = cache
    g = dy * gamma  # (..., d)
    dx = rstd * (g - g.mean(axis=-1, keepdims=True)
                 - x_hat * (g * x_hat).mean(axis=-1, keepdims=True))
    d = x_hat.shape[-1]
    return dx, {"gamma": (dy * x_hat).reshape(-1, d).sum(axis=0),  # (..., d) -> (d,)
                "beta": dy.reshape(-1, d).sum(axis=0)}


# ------------------------------------------------------------------------- linear and GELU
def linear_forward(x, w, b=None):
    """``x @ w + b``: ``x`` (..., n), ``w`` (n, m), ``b`` (m,) or None -> (..., m)."""
    y = x @ w
    return (y if b is None else y + b), (x, w)


def linear_backward(dy, cache):
    """``dx = dy @ w.T``, ``dw = x.T @ dy`` summed over every leading axis, ``db = sum(dy)``."""
    x, w = cache
    n, m = w.shape
    grads = {"w": x.reshape(-1, n).T @ dy.reshape(-1, m),  # (n, B*T) @ (B*T, m) -> (n, m)
             "b": dy.reshape(-1, m).sum(axis=0)}  # (B*T, m) -> (m,)
    return dy @ w.T, grads


def gelu(x) -> np.ndarray:
    """The GELU activation ``x * Phi(x)`` in its tanh approximation (as in GPT-2).

    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``; elementwise, any shape. Close to
    ``max(0, x)`` far from 0, but smooth.

    >>> gelu([-3.0, 0.0, 1.0, 3.0]).round(4).tolist()
    [-0.0036, 0.0, 0.8412, 2.9964]
    """
    return gelu_forward(check_array("x", x, nonempty=False))[0]


def gelu_forward(x):
    """Elementwise GELU (tanh approximation); the cache keeps ``x`` and the tanh."""
    t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))  # x * x * x: x**3 is 200x slower
    return 0.5 * x * (1.0 + t), (x, t)


def gelu_backward(dy, cache):
    """Product rule on ``0.5 x (1 + t)`` with ``dt/dx = (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)``."""
    x, t = cache
    dt = (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
    return dy * (0.5 * (1.0 + t) + 0.5 * x * dt)


# ------------------------------------------------------------------------- attention
def causal_attention_forward(x, w_q, w_k, w_v, w_o, num_heads: int):
    """Causal multi-head self-attention of ``x`` (B, T, d); returns (B, T, d) and the cache.

    Token ``t`` attends to tokens ``0..t`` only. The cache holds the attention weights
    (B, h, T, T), the per-head queries, keys and values, and the merged heads.
    """
    B, T, d = x.shape
    h = num_heads
    dh = d // h

    def split(a):  # (B, T, d) -> (B, T, h, dh) -> (B, h, T, dh)
        return a.reshape(B, T, h, dh).transpose(0, 2, 1, 3)

    q, k, v = split(x @ w_q), split(x @ w_k), split(x @ w_v)  # (B, h, T, dh) each
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh)  # (B, h, T, T)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)  # True above the diagonal
    scores = np.where(future, -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)  # softmax over keys: (B, h, T, T)
    heads = weights @ v  # (B, h, T, dh)
    merged = heads.transpose(0, 2, 1, 3).reshape(B, T, d)  # (B, h, T, dh) -> (B, T, d)
    cache = (x, w_q, w_k, w_v, w_o, q, k, v, weights, merged)
    return merged @ w_o, cache


def causal_attention_backward(dy, cache):
    """Backward of :func:`causal_attention_forward`: (B, T, d) -> dx and the four matrices."""
    x, w_q, w_k, w_v, w_o, q, k, v, weights, merged = cache
    B, T, d = x.shape
    h, dh = q.shape[1], q.shape[3]

    def merge(a):  # (B, h, T, dh) -> (B, T, h, dh) -> (B, T, d)
        return a.transpose(0, 2, 1, 3).reshape(B, T, d)

    grads = {"w_o": merged.reshape(-1, d).T @ dy.reshape(-1, d)}  # (d, B*T) @ (B*T, d)
    d_heads = (dy @ w_o.T).reshape(B, T, h, dh).transpose(0, 2, 1, 3)  # (B, h, T, dh)
    d_weights = d_heads @ v.transpose(0, 1, 3, 2)  # (B, h, T, T)
    d_v = weights.transpose(0, 1, 3, 2) @ d_heads  # (B, h, T, dh)
    # softmax backward, row by row: dscore = w * (dw - sum(dw * w)); masked w are 0
    d_scores = weights * (d_weights - (d_weights * weights).sum(axis=-1, keepdims=True))
    d_scores /= math.sqrt(dh)
    d_q = d_scores @ k  # (B, h, T, dh)
    d_k = d_scores.transpose(0, 1, 3, 2) @ q  # (B, h, T, dh)
    dx = 0.0
    flat_x = x.reshape(-1, d)  # (B*T, d)
    for name, w, d_proj in (("w_q", w_q, d_q), ("w_k", w_k, d_k), ("w_v", w_v, d_v)):
        d_proj = merge(d_proj)  # (B, T, d)
        grads[name] = flat_x.T @ d_proj.reshape(-1, d)
        dx = dx + d_proj @ w.T
    return dx, grads


# ------------------------------------------------------------------------- the loss
def cross_entropy_forward(logits, targets):
    """Mean of ``-log softmax(logits)[target]`` in nats: ``logits`` (N, V), ``targets`` (N,)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (N, V)
    loss = -log_probs[np.arange(len(targets)), targets].mean()
    return float(loss), (log_probs, targets)


def cross_entropy_backward(cache):
    """``dL/dlogits = (softmax(logits) - onehot(targets)) / N``: predicted minus observed."""
    log_probs, targets = cache
    d_logits = np.exp(log_probs)  # (N, V)
    d_logits[np.arange(len(targets)), targets] -= 1.0
    return d_logits / len(targets)
