"""Exercises of notebook 06 (multi-head attention and the transformer block)."""

import numpy as np

from lmcore.attention import split_heads
from lmcore.block import BLOCK_SHAPES, count_parameters
from lmcore.exercises._core import register


def _same_array(expected, got) -> bool:
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=1e-12))


def _block_parameter_count(d_model, d_ff):
    """Count the arrays of init_block's shapes (zero-memory stand-ins: no random draws)."""
    sizes = {"d": d_model, "f": d_ff}
    return count_parameters({name: np.broadcast_to(0.0, tuple(sizes[s] for s in dims))
                             for name, dims in BLOCK_SHAPES.items()})


_RNG = np.random.default_rng(6)

register(
    "split_heads",
    split_heads,
    cases=[(np.arange(24.0).reshape(1, 2, 12), 3), (np.arange(24.0).reshape(1, 2, 12), 4),
           (_RNG.standard_normal((2, 5, 8)), 2), (_RNG.standard_normal((3, 4, 6)), 1),
           (_RNG.standard_normal((1, 3, 6)), 6)],
    hint="reshape (B, T, d_model) to (B, T, h, d_head), then transpose(0, 2, 1, 3) to "
    "(B, h, T, d_head); a reshape straight to (B, h, T, d_head) mixes tokens and features",
    compare=_same_array,
    describe=lambda args: f"x of shape {args[0].shape}, num_heads={args[1]}",
)
register(
    "block_parameter_count",
    _block_parameter_count,
    cases=[(8, 32), (12, 48), (48, 192), (64, 100), (768, 3072)],
    hint="W_Q, W_K, W_V, W_O are d_model x d_model each; the MLP has W_1 (d_model x d_ff), "
    "b_1 (d_ff), W_2 (d_ff x d_model), b_2 (d_model); each layer norm has a gain and a shift "
    "of d_model numbers",
    describe=lambda args: f"d_model={args[0]}, d_ff={args[1]}",
)
