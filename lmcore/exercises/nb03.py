"""Exercises of notebook 03 (perplexity)."""

import math

from lmcore.exercises._core import register
from lmcore.information import perplexity


def _add_k_probability(count, context_count, vocab_size, k):
    return (count + k) / (context_count + k * vocab_size)


def _bits_per_char(perplexity_per_token, n_tokens, n_chars):
    return math.log2(perplexity_per_token) * n_tokens / n_chars


register(
    "perplexity_of_probabilities",
    perplexity,
    cases=[([0.1, 0.2, 0.05, 0.3, 0.15],), ([0.5, 0.5, 0.5, 0.5],), ([1 / 6] * 6,),
           ([0.9, 0.1],), ([1.0],)],
    hint="average -log2(p) over the tokens (the cross-entropy in bits), then raise 2 to it; "
    "equivalently, 1 over the geometric mean of the probabilities",
)
register(
    "add_k_probability",
    _add_k_probability,
    cases=[(0, 0, 10, 1.0), (3, 10, 100, 1.0), (3, 10, 100, 0.01), (0, 10, 100, 0.5),
           (7, 7, 2, 0.1)],
    hint="pretend every one of the vocab_size words was seen k more times after the context: "
    "(count + k) / (context_count + k * vocab_size)",
)
register(
    "bits_per_char",
    _bits_per_char,
    cases=[(142.5, 6028, 28097), (3.5, 28097, 28097), (2.0, 10, 40), (1.0, 5, 20)],
    hint="log2(perplexity) is the bits per token; multiply by the number of tokens to get the "
    "total bits, then divide by the number of characters",
)
