"""Exercises of notebook 04 (word embeddings)."""

import numpy as np

from lmcore.count_embeddings import cooccurrence, ppmi
from lmcore.embeddings import cosine_similarity
from lmcore.exercises._core import register


def _cosine(a, b):
    return cosine_similarity(a, b)


def _cooccurrence_pairs(tokens, window):
    """{(word, neighbour): count} for every ordered pair at most ``window`` apart."""
    vocab = sorted(set(tokens))
    if not vocab:
        return {}
    counts = cooccurrence(tokens, window, vocab)
    return {(vocab[i], vocab[j]): int(counts[i, j]) for i, j in zip(*np.nonzero(counts))}


def _ppmi_rows(counts):
    """The PPMI matrix as a list of rows (a list prints on one line in the checker)."""
    return ppmi(counts).tolist()


def _same_matrix(expected, got) -> bool:
    """Same shape and values (within 1e-9) for a numpy array or a list of rows."""
    expected = np.asarray(expected, dtype=float)
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == expected.shape and bool(np.allclose(got, expected, atol=1e-9))


_TEXT = "the cat sat on the mat".split()
_LONGER = "the king and the queen rode to the castle and the king sat down".split()

register(
    "cosine",
    _cosine,
    cases=[([1, 0], [0, 1]), ([1, 2, 3], [2, 4, 6]), ([1, 0], [-1, 0]), ([3, 4], [4, 3]),
           ([1, 1, 0, 0], [0, 1, 1, 0]), ([0.5, -2.0, 1.0], [1.0, 1.0, 1.0])],
    hint="divide the dot product by the product of the two lengths; "
    "the length of v is sqrt(v . v) (np.dot and np.linalg.norm do the work)",
)
register(
    "cooccurrence_pairs",
    _cooccurrence_pairs,
    cases=[(_TEXT, 1), (_TEXT, 2), (_LONGER, 1), (_LONGER, 3), (["alone"], 2),
           ("a a a".split(), 1)],
    hint="for every position i and every j with 1 <= |i - j| <= window (inside the text), "
    "add 1 to the pair (tokens[i], tokens[j]); each pair is counted from both ends",
    describe=lambda args: f"{' '.join(args[0])!r}.split(), window={args[1]}",
)
register(
    "ppmi",
    _ppmi_rows,
    cases=[(np.array([[2, 0], [0, 2]]),), (np.array([[1, 2], [3, 4]]),),
           (np.array([[0, 3, 1], [3, 0, 0], [1, 0, 2]]),), (np.array([[5, 1, 0], [0, 1, 5]]),)],
    hint="with N = counts.sum(), PMI = log2(counts * N / (row sum * column sum)); "
    "set it to 0 where the count is 0 (log 0 is -inf) and clip negatives to 0",
    compare=_same_matrix,
    describe=lambda args: f"np.array({args[0].tolist()})",
)
