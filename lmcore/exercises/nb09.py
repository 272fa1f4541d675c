"""Exercises of notebook 09 (sampling: temperature, top-k, top-p)."""

import numpy as np

from lmcore.exercises._core import register
from lmcore.sampling import apply_temperature, top_k, top_p

_SLIDE = [0.1, 0.2, 0.05, 0.4, 0.25]


def _same_distribution(expected, got) -> bool:
    """Same shape and values (1e-9 absolute), no NaN; lists and arrays both accepted."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return (got.shape == expected.shape and bool(np.all(np.isfinite(got)))
            and bool(np.allclose(got, expected, rtol=1e-6, atol=1e-9)))


def _describe(args) -> str:
    return f"{list(args[0])}, {args[1]}"


register(
    "tempered_distribution",
    apply_temperature,
    cases=[
        (_SLIDE, 0.5),
        ([0.5, 0.3, 0.2], 1.0),
        ([0.5, 0.3, 0.2], 2.0),
        ([0.7, 0.2, 0.1, 0.0], 3.0),
        ([0.2, 0.5, 0.3], 0),
        ([0.4, 0.35, 0.25], 0.001),
    ],
    hint="raise p to the power 1/t and divide by the sum, in log space: "
    "z = (log p - max log p) / t, then exp(z) / sum(exp(z)); t = 0 puts all the mass on "
    "np.argmax(p); a word with p = 0 stays at 0",
    compare=_same_distribution,
    describe=_describe,
)
register(
    "top_k_filter",
    top_k,
    cases=[
        (_SLIDE, 2),
        (_SLIDE, 1),
        (_SLIDE, 5),
        (_SLIDE, 9),
        ([0.1, 0.3, 0.3, 0.3], 2),
    ],
    hint="sort the indices by decreasing probability with a stable sort (np.argsort(-p, "
    "kind='stable'), so ties keep the lower index), keep the first k, set the others to 0 "
    "and divide by the kept mass",
    compare=_same_distribution,
    describe=_describe,
)
register(
    "top_p_filter",
    top_p,
    cases=[
        (_SLIDE, 0.5),
        (_SLIDE, 0.65),
        (_SLIDE, 0.66),
        (_SLIDE, 1.0),
        ([0.5, 0.3, 0.15, 0.05], 0.8),
        ([0.25, 0.25, 0.25, 0.25], 0.3),
        ([0.7, 0.1, 0.1, 0.1], 0.9),
    ],
    hint="sort by decreasing probability (stable), accumulate with np.cumsum, keep the "
    "shortest prefix whose mass reaches p (allow 1e-12 for rounding: in floating point "
    "0.7 + 0.1 + 0.1 is 0.8999999999999999), zero the rest and renormalise",
    compare=_same_distribution,
    describe=_describe,
)
