"""The transformer block: attention to mix tokens, an MLP to think about each token.

A transformer is a stack of identical blocks. Each block takes the sequence as an array
``x`` of shape ``(B, T, d_model)`` and returns an array of the same shape, in two steps, each
wrapped in a *residual connection* (the step's result is added to its input, so a block
that learned nothing passes its input through unchanged)::

    h = x + MultiHeadAttention(LayerNorm_1(x))      tokens exchange information
    y = h + MLP(LayerNorm_2(h))                      each token is transformed on its own

    MLP(z) = GELU(z W_1 + b_1) W_2 + b_2             d_model -> d_ff -> d_model

This is the *pre-norm* arrangement (GPT-2 and most models since): the layer norm sits at
the start of each branch, so the residual path from input to output is a plain sum.
:func:`layer_norm` rescales every token's vector to mean 0 and variance 1 across its
``d_model`` features, then applies a learned gain ``gamma`` and shift ``beta``.

The parameters of one block (attention without biases, as in :func:`lmcore.attention.
multi_head_attention`)::

    W_Q, W_K, W_V, W_O     4 * d_model**2
    W_1, b_1, W_2, b_2     2 * d_model * d_ff + d_ff + d_model
    two layer norms        4 * d_model
    total                  4 d^2 + 2 d d_ff + d_ff + 5 d

>>> import numpy as np
>>> params = init_block(8, 32, np.random.default_rng(0))
>>> count_parameters(params) == 4 * 8**2 + 2 * 8 * 32 + 32 + 5 * 8
True
>>> transformer_block(np.zeros((1, 3, 8)), params, num_heads=2).shape
(1, 3, 8)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lmcore._checks import check_float, check_int, check_rng
from lmcore.attention import causal_mask, multi_head_attention

#: The arrays of one block and their shapes, in terms of d = d_model and f = d_ff.
BLOCK_SHAPES = {
    "ln1_gamma": ("d",), "ln1_beta": ("d",),
    "w_q": ("d", "d"), "w_k": ("d", "d"), "w_v": ("d", "d"), "w_o": ("d", "d"),
    "ln2_gamma": ("d",), "ln2_beta": ("d",),
    "w_1": ("d", "f"), "b_1": ("f",), "w_2": ("f", "d"), "b_2": ("d",),
}


def layer_norm(x, gamma=None, beta=None, eps: float = 1e-5) -> np.ndarray:
    """Normalise each vector along the last axis to mean 0, variance 1; then ``* gamma + beta``.

    ``x`` is ``(..., d)``; ``gamma`` and ``beta`` are ``(d,)`` (default: ones and zeros).
    ``eps`` is added to the variance so a constant vector gives zeros, not a division by 0.
    Returns an array shaped like ``x``.

    >>> layer_norm([[1.0, 2.0, 3.0]], eps=0.0).round(4).tolist()
    [[-1.2247, 0.0, 1.2247]]
    """
    if isinstance(x, (str, bytes)):
        raise TypeError("x must be an array of numbers, got a string")
    x = np.asarray(x, dtype=float)
    if x.ndim < 1 or x.shape[-1] == 0:
        raise ValueError(f"x must have shape (..., d) with d >= 1, got shape {x.shape}")
    eps = check_float("eps", eps, minimum=0.0)
    d = x.shape[-1]
    gamma = np.ones(d) if gamma is None else np.asarray(gamma, dtype=float)
    beta = np.zeros(d) if beta is None else np.asarray(beta, dtype=float)
    for name, p in (("gamma", gamma), ("beta", beta)):
        if p.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},) to match x of shape {x.shape}, "
                             f"got shape {p.shape}")
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    if eps == 0.0 and np.any(var == 0):
        raise ValueError("x has a constant vector and eps = 0: its variance is 0, so it cannot "
                         "be normalised; use eps > 0")
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gelu(x) -> np.ndarray:
    """The GELU activation ``x * Phi(x)`` in its tanh approximation (as in GPT-2).

    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``; elementwise, any shape. Close to
    ``max(0, x)`` far from 0, but smooth.

    >>> gelu([-3.0, 0.0, 1.0, 3.0]).round(4).tolist()
    [-0.0036, 0.0, 0.8412, 2.9964]
    """
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def init_block(d_model: int, d_ff: int, rng) -> dict:
    """Randomly initialise the parameters of one transformer block; returns a dict of arrays.

    Keys and shapes (``d = d_model``, ``f = d_ff``): ``ln1_gamma, ln1_beta, ln2_gamma,
    ln2_beta`` (d,); ``w_q, w_k, w_v, w_o`` (d, d); ``w_1`` (d, f), ``b_1`` (f,), ``w_2`` (f, d),
    ``b_2`` (d,). Matrices are normal with standard deviation ``1 / sqrt(fan_in)`` (drawn in
    the order of :data:`BLOCK_SHAPES` from ``rng``), gains are 1 and biases and shifts are 0.

    >>> p = init_block(4, 16, np.random.default_rng(0))
    >>> p["w_1"].shape, p["b_2"].shape
    ((4, 16), (4,))
    """
    d_model = check_int("d_model", d_model, minimum=1)
    d_ff = check_int("d_ff", d_ff, minimum=1)
    rng = check_rng("rng", rng)
    sizes = {"d": d_model, "f": d_ff}
    params = {}
    for name, dims in BLOCK_SHAPES.items():
        shape = tuple(sizes[s] for s in dims)
        if name.endswith("gamma"):
            params[name] = np.ones(shape)
        elif name.endswith("beta") or name.startswith("b_"):
            params[name] = np.zeros(shape)
        else:
            params[name] = rng.normal(0.0, 1.0 / np.sqrt(shape[0]), size=shape)
    return params


def _check_params(params, x_shape: tuple) -> int:
    """Check every array of ``params`` against :data:`BLOCK_SHAPES` for ``x``; return d_ff."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays (from init_block), got "
                        f"{type(params).__name__}")
    missing = sorted(set(BLOCK_SHAPES) - set(params))
    if missing:
        raise ValueError(f"params is missing {missing}")
    d_model = x_shape[-1]
    d_ff = np.shape(params["b_1"])[0] if np.ndim(params["b_1"]) == 1 else -1
    sizes = {"d": d_model, "f": d_ff}
    for name, dims in BLOCK_SHAPES.items():
        expected = tuple(sizes[s] for s in dims)
        if np.shape(params[name]) != expected:
            raise ValueError(f"params[{name!r}] must have shape {expected} for x of shape "
                             f"{x_shape} (d_model = {d_model}) and d_ff = {d_ff}; got shape "
                             f"{np.shape(params[name])}")
    return d_ff


def transformer_block(x, params, num_heads: int, causal: bool = True,
                      return_weights: bool = False):
    """One pre-norm transformer block applied to ``x`` (B, T, d_model); returns (B, T, d_model).

    ``params`` comes from :func:`init_block`; ``num_heads`` must divide ``d_model``;
    ``causal`` masks the future (token ``t`` sees tokens ``0..t`` only). With
    ``return_weights=True`` returns ``(output, weights)``, ``weights`` of shape (B, h, T, T).

    >>> p = init_block(6, 12, np.random.default_rng(1))
    >>> y, w = transformer_block(np.ones((2, 4, 6)), p, num_heads=3, return_weights=True)
    >>> y.shape, w.shape
    ((2, 4, 6), (2, 3, 4, 4))
    """
    if isinstance(x, (str, bytes)):
        raise TypeError("x must be an array of numbers, got a string")
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (B, T, d_model), got shape {x.shape}")
    B, T, d_model = x.shape
    _check_params(params, x.shape)
    p = params
    mask = causal_mask(T) if causal else None
    attended, weights = multi_head_attention(
        layer_norm(x, p["ln1_gamma"], p["ln1_beta"]),
        p["w_q"], p["w_k"], p["w_v"], p["w_o"], num_heads, mask=mask)  # (B, T, d_model)
    h = x + attended  # residual connection around attention
    z = layer_norm(h, p["ln2_gamma"], p["ln2_beta"])  # (B, T, d_model)
    mlp = gelu(z @ p["w_1"] + p["b_1"]) @ p["w_2"] + p["b_2"]  # (B, T, d_ff) -> (B, T, d_model)
    y = h + mlp  # residual connection around the MLP
    return (y, weights) if return_weights else y


def count_parameters(params) -> int:
    """Total number of numbers in ``params``: a dict (possibly nested) or list of arrays.

    >>> count_parameters({"w": np.zeros((3, 4)), "b": np.zeros(4)})
    16
    """
    if isinstance(params, Mapping):
        return sum(count_parameters(v) for v in params.values())
    if isinstance(params, (list, tuple)) and not all(isinstance(v, (int, float)) for v in params):
        return sum(count_parameters(v) for v in params)
    if isinstance(params, (str, bytes)) or params is None:
        raise TypeError(f"params must hold arrays, got {type(params).__name__}")
    return int(np.asarray(params).size)
