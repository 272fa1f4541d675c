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
:func:`lmcore.layers.layer_norm` rescales every token's vector to mean 0 and variance 1
across its ``d_model`` features, then applies a learned gain ``gamma`` and shift ``beta``.

The parameters of one block (attention without biases, as in :func:`lmcore.attention.
multi_head_attention`)::

    W_Q, W_K, W_V, W_O     4 * d_model**2
    W_1, b_1, W_2, b_2     2 * d_model * d_ff + d_ff + d_model
    two layer norms        4 * d_model
    total                  4 d^2 + 2 d d_ff + d_ff + 5 d

A whole model stacks these blocks: :class:`lmcore.transformer.TransformerLM`.

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

from lmcore._attention_rules import BlockParams, Heads, Shape
from lmcore._checks import check_memory
from lmcore.attention import multi_head_attention
from lmcore.layers import gelu, layer_norm
from lmcore.positions import causal_mask
from lmcore.validation import Bool, Int, Rng, validate

#: The arrays of one block and their shapes, in terms of d = d_model and f = d_ff.
BLOCK_SHAPES = {
    "ln1_gamma": ("d",), "ln1_beta": ("d",),
    "w_q": ("d", "d"), "w_k": ("d", "d"), "w_v": ("d", "d"), "w_o": ("d", "d"),
    "ln2_gamma": ("d",), "ln2_beta": ("d",),
    "w_1": ("d", "f"), "b_1": ("f",), "w_2": ("f", "d"), "b_2": ("d",),
}


@validate(d_model=Int(min=1), d_ff=Int(min=1), rng=Rng())
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
    check_memory("d_model or d_ff", 4 * d_model**2 + 2 * d_model * d_ff)  # before allocating
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


@validate(x=Shape("B, T, d_model"), params=BlockParams(of="x"), num_heads=Heads(of="x"),
          causal=Bool(), return_weights=Bool())
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
    p, T = params, x.shape[1]
    mask = causal_mask(T) if causal else None  # (T, T): token t sees tokens 0..t
    z = layer_norm(x, p["ln1_gamma"], p["ln1_beta"])  # (B, T, d_model)
    attended, weights = multi_head_attention(z, p["w_q"], p["w_k"], p["w_v"], p["w_o"],
                                             num_heads, mask)  # (B, T, d_model)
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
    array = np.asarray(params)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"params must hold arrays of numbers, got {type(params).__name__}")
    return int(array.size)
