"""Fast siblings of :mod:`lmcore.count_embeddings`: the same numbers, for sweeps and widgets.

- :func:`cooccurrence_fast` counts every window offset at once with ``np.bincount`` instead
  of a Python double loop (several times faster; see BENCHMARKS.md);
- :func:`svd_embeddings_fast` uses the symmetric eigendecomposition when the matrix is
  symmetric (PPMI of symmetric counts is): singular values are the absolute eigenvalues,
  and ``eigh`` is faster than a full SVD.

``tests/test_count_embeddings.py`` holds each equal to its plain sibling on random inputs.
"""

from __future__ import annotations

import numpy as np

from lmcore._embedding_rules import DistinctWords
from lmcore.count_embeddings import fix_signs, svd_embeddings
from lmcore.validation import Array, Float, Int, Tokens, validate


@validate(tokens=Tokens(), window=Int(min=1), vocab=DistinctWords())
def cooccurrence_fast(tokens, window: int, vocab) -> np.ndarray:
    """:func:`lmcore.count_embeddings.cooccurrence`, vectorised: one ``bincount`` per offset.

    >>> cooccurrence_fast("the cat sat on the mat".split(), 1, ["the", "cat", "mat"]).tolist()
    [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    """
    window = min(window, max(len(tokens) - 1, 1))  # no pair is further apart
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.fromiter((index.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
    size = len(vocab)
    flat = np.zeros(size * size, dtype=np.int64)
    for offset in range(1, window + 1):
        left, right = ids[:-offset], ids[offset:]
        both = (left >= 0) & (right >= 0)
        flat += np.bincount(left[both] * size + right[both], minlength=size * size)
    counts = flat.reshape(size, size)  # (V * V,) -> (V, V): counts[left word, right word]
    return counts + counts.T  # (V, V): a pair at distance k counts from both ends


@validate(matrix=Array(ndim=2), dim=Int(min=1, max=lambda a: min(a["matrix"].shape)),
          power=Float(min=0, max=1))
def svd_embeddings_fast(matrix, dim: int, power: float = 0.5) -> np.ndarray:
    """:func:`lmcore.count_embeddings.svd_embeddings`, by ``eigh`` for a symmetric matrix.

    >>> svd_embeddings_fast([[3.0, 0.0], [0.0, -2.0]], 2, power=1.0).tolist()
    [[3.0, 0.0], [0.0, 2.0]]
    """
    if matrix.shape[0] != matrix.shape[1] or not np.array_equal(matrix, matrix.T):
        return svd_embeddings(matrix, dim, power)
    eigenvalues, q = np.linalg.eigh(matrix)  # matrix = Q diag(lambda) Q^T
    order = np.argsort(-np.abs(eigenvalues), kind="stable")[:dim]
    singular, u = np.abs(eigenvalues[order]), q[:, order]
    return fix_signs(u) * singular**power
