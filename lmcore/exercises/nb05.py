"""Exercises of notebook 05 (attention)."""

import numpy as np

from lmcore.attention import attention_scores, softmax
from lmcore.exercises._core import register
from lmcore.positions import causal_mask


def _same_array(expected, got) -> bool:
    """Same shape and values (within 1e-6): lists, tuples and arrays all accepted."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    expected = np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=1e-6, atol=1e-9))


def _one_query_weights(query, keys):
    return softmax(attention_scores(np.asarray(query, dtype=float)[None, :], keys))[0]


def _rounded(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in np.ravel(values)) + "]"


_RNG = np.random.default_rng(5)

register(
    "stable_softmax",
    lambda scores: softmax(scores),
    cases=[([1.0, 2.0, 3.0],), ([0.0, 0.0, 0.0, 0.0],), ([1000.0, 1001.0, 1002.0],),
           ([-1e4, 0.0, 1e4],), ([-1000.0, -1000.0],), ([5.0],)],
    hint="subtract the largest score before np.exp (softmax does not change when every score "
    "moves by the same amount), then divide by the sum",
    compare=_same_array,
    describe=lambda args: _rounded(args[0]),
)
register(
    "attention_weights_one_query",
    _one_query_weights,
    cases=[
        ([1.0, 0.0, 1.0], [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
        ([2.0, -1.0], [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [3.0, 3.0]]),
        (_RNG.standard_normal(8).round(2).tolist(), _RNG.standard_normal((5, 8)).round(2).tolist()),
        ([100.0, 100.0], [[100.0, 0.0], [0.0, 100.0], [100.0, 100.0]]),
    ],
    hint="the score of key j is query . keys[j] / sqrt(d), with d = len(query); "
    "then a softmax over the keys (a stable one: the last case has scores near 14,000)",
    compare=_same_array,
    describe=lambda args: f"query of d={len(args[0])}, {len(args[1])} keys",
)
register(
    "causal_mask",
    lambda T: causal_mask(T),
    cases=[(1,), (2,), (4,), (6,)],
    hint="a boolean array (dtype=bool, as lmcore's masks are): entry [i, j] is True when key "
    "position j is not after query position i (j <= i), a lower triangle, diagonal included "
    "(np.tril of np.ones((T, T), dtype=bool))",
    compare=lambda expected, got: np.asarray(got).dtype == bool and np.shape(got) == expected.shape
    and bool(np.array_equal(np.asarray(got), expected)),
    describe=lambda args: f"T={args[0]}",
)
