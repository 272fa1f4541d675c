"""Exercises of notebook 02 (entropy)."""

from collections import Counter

from lmcore.exercises._core import register
from lmcore.information import conditional_entropy, entropy, kl_divergence


def _entropy_bits(counts):
    return entropy(counts, base=2)


def _conditional_entropy_k1(text):
    return conditional_entropy(text, 1)


register(
    "entropy_bits",
    _entropy_bits,
    cases=[
        (dict(Counter("hello world")),),
        ({"a": 1, "b": 1},),
        ({"a": 5},),
        ({"x": 3, "y": 1},),
        ({"a": 2, "b": 0, "c": 2},),
        (dict(Counter("mississippi")),),
    ],
    hint="turn counts into probabilities p = count / total, then add up -p * log2(p) over the "
    "symbols with p > 0 (a symbol never seen contributes nothing)",
)
register(
    "conditional_entropy_k1",
    _conditional_entropy_k1,
    cases=[("abababab",), ("aaaa",), ("hello world",), ("abcabcabd",), ("the cat sat on the mat",)],
    hint="count each pair (previous char, char) and each previous char over positions 1..N-1; "
    "H = -sum over pairs of count/M * log2(count / count of its previous char), M = N - 1",
)
register(
    "kl_divergence_bits",
    lambda p, q: kl_divergence(p, q, base=2),
    cases=[
        ([0.5, 0.5], [0.5, 0.5]),
        ([0.5, 0.5], [0.25, 0.75]),
        ([0.25, 0.75], [0.5, 0.5]),
        ([1.0, 0.0], [0.5, 0.5]),
        ([0.1, 0.2, 0.7], [0.3, 0.3, 0.4]),
    ],
    hint="sum p * log2(p / q) over the outcomes with p > 0; it is not symmetric in p and q",
)
