"""Embeddings from counts: co-occurrence, PPMI, truncated SVD (Levy, Goldberg and Dagan, 2015).

Meaning comes from use ("you shall know a word by the company it keeps", Firth 1957). The
classic count-based recipe:

1. :func:`cooccurrence`: count how often each word appears within ``window`` positions of
   each other word;
2. :func:`ppmi`: turn counts into *positive pointwise mutual information* (in bits),
   ``max(0, log2 P(w, c) / (P(w) P(c)))``, which rewards pairs seen together more often than
   chance and forgets that "the" is next to everything;
3. :func:`svd_embeddings`: keep the ``d`` strongest directions of that matrix (truncated SVD),
   one ``d``-dimensional vector per word.

These are the plain versions a learner reads. :mod:`lmcore.count_embeddings_fast` does steps
1 and 3 faster (the same numbers, tested equal) for the story pipeline and the widgets.

>>> tokens = "the cat sat on the mat".split()
>>> counts = cooccurrence(tokens, 1, ["the", "cat", "mat"])
>>> ppmi(counts).tolist()  # N = 4 pairs; "the" is in 2, "cat" in 1: log2(1 * 4 / (2 * 1))
[[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
>>> svd_embeddings(ppmi(counts), 2).shape  # one 2-D vector per word
(3, 2)
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from lmcore._embedding_rules import CountMatrix, DistinctWords, VectorRows
from lmcore.embeddings import rescale_extremes
from lmcore.validation import Array, Float, Int, Tokens, validate


@validate(tokens=Tokens(), size=Int(min=1))
def frequent_words(tokens, size: int) -> tuple[str, ...]:
    """The ``size`` most frequent tokens, most frequent first, ties in alphabetical order.

    >>> frequent_words("b a c a b a".split(), 2)
    ('a', 'b')
    """
    counts = Counter(tokens)
    return tuple(sorted(counts, key=lambda w: (-counts[w], w))[:size])


@validate(tokens=Tokens(), window=Int(min=1), vocab=DistinctWords())
def cooccurrence(tokens, window: int, vocab) -> np.ndarray:
    """Count how often each vocabulary word appears near each other one.

    ``counts[i, j]`` is the number of times ``vocab[j]`` occurs at most ``window`` positions
    before or after an occurrence of ``vocab[i]``. The matrix is symmetric. Tokens outside
    ``vocab`` are not counted but still take up their positions (distance is measured in the
    original text).

    Args:
        tokens: a sequence of string tokens, e.g. ``corpus.words(text)``.
        window: how many positions on each side, an integer >= 1.
        vocab: V distinct strings (rows and columns, in this order).

    Returns:
        an int64 array of shape (V, V).

    >>> cooccurrence("the cat sat on the mat".split(), 1, ["the", "cat", "mat"]).tolist()
    [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    """
    index = {word: i for i, word in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for i, word in enumerate(tokens):
        if word not in index:
            continue
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):  # i's window
            if j != i and tokens[j] in index:
                counts[index[word], index[tokens[j]]] += 1
    return counts


@validate(counts=CountMatrix())
def ppmi(counts) -> np.ndarray:
    """Positive pointwise mutual information (in bits) of a co-occurrence count matrix.

    With ``N`` the sum of all counts, ``P(w, c) = counts[w, c] / N`` and the marginals
    ``P(w)`` (row sums / N) and ``P(c)`` (column sums / N),

        PPMI[w, c] = max(0, log2( P(w, c) / (P(w) P(c)) ))

    and 0 wherever ``counts[w, c] == 0`` (log of 0 is minus infinity, clipped to 0).

    Args:
        counts: a non-negative (W, C) array of counts (any numbers >= 0), not all zero.

    Returns:
        a float array of shape (W, C), in bits, >= 0.

    >>> ppmi([[2, 0], [0, 2]]).tolist()  # each word only with its own context: log2(2) = 1 bit
    [[1.0, 0.0], [0.0, 1.0]]
    """
    counts = rescale_extremes(counts, per_row=False)  # PPMI is scale-free: keep sums of 1e300 finite
    total = counts.sum()  # N
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)  # N P(w) and N P(c)
    seen = counts > 0  # log2(0) = -inf: unseen pairs keep 0
    pmi = np.zeros_like(counts)
    # P(w, c) / (P(w) P(c)) = counts[w, c] N / (rows[w] cols[c])
    pmi[seen] = np.log2(counts[seen] * total / np.outer(rows, cols)[seen])
    return np.maximum(pmi, 0.0)


@validate(u=VectorRows(ndim=2, nonzero=False))
def fix_signs(u) -> np.ndarray:
    """Flip each column so that its largest-magnitude entry is positive (first one if tied).

    A singular vector is only defined up to sign (u and -u are both right); fixing the sign
    makes the result the same on every machine and BLAS.

    >>> fix_signs([[1.0, -3.0], [-2.0, 1.0]]).tolist()
    [[-1.0, 3.0], [2.0, -1.0]]
    """
    biggest = np.argmax(np.abs(u), axis=0)  # (k,): the row of each column's largest |entry|
    signs = np.sign(u[biggest, np.arange(u.shape[1])])
    signs[signs == 0] = 1.0
    return u * signs


@validate(matrix=Array(ndim=2), dim=Int(min=1, max=lambda a: min(a["matrix"].shape)),
          power=Float(min=0, max=1))
def svd_embeddings(matrix, dim: int, power: float = 0.5) -> np.ndarray:
    """Row vectors from the truncated SVD ``matrix ~ U_d S_d V_d^T``: returns ``U_d S_d^power``.

    Keeps the ``dim`` largest singular values (descending) and their left singular vectors;
    row ``i`` is the embedding of word ``i``. ``power`` weights the directions: 1 gives
    ``U S`` (= ``matrix @ V_d``), 0 gives the orthonormal ``U``; 0.5 (the default) usually
    gives better word similarities (Levy, Goldberg and Dagan, 2015).

    Each singular vector is only defined up to sign, so :func:`fix_signs` makes every
    column's largest-magnitude entry positive: the same input gives the same output on every
    machine.

    Args:
        matrix: a finite (W, C) array.
        dim: how many dimensions to keep, 1 <= dim <= min(W, C).
        power: exponent on the singular values, in [0, 1].

    Returns:
        a float array of shape (W, dim).

    >>> svd_embeddings([[3.0, 0.0], [0.0, -2.0]], 2, power=1.0).tolist()
    [[3.0, 0.0], [0.0, 2.0]]
    """
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)  # matrix = U diag(s) V^T, s descending
    return fix_signs(u[:, :dim]) * s[:dim] ** power  # (W, dim): column j scaled by s_j^power


@validate(vectors=Array(ndim=2))
def pca_2d(vectors) -> np.ndarray:
    """Project row vectors onto their two main directions (PCA): shape (n, d) -> (n, 2).

    The rows are centred, then projected on the first two right singular vectors, each sign
    fixed (largest-magnitude loading positive) so the picture is the same on every machine.

    >>> pca_2d([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]]).round(3).tolist()
    [[-1.0, -0.5], [1.0, -0.5], [-1.0, 0.5], [1.0, 0.5]]
    """
    if vectors.shape[0] < 2 or vectors.shape[1] < 2:
        raise ValueError(f"vectors must have shape (n, d) with n >= 2 and d >= 2, got {vectors.shape}")
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = fix_signs(vt[:2].T)  # (2, d) -> (d, 2): one column per principal direction
    return centred @ axes  # (n, d) @ (d, 2) -> (n, 2)
