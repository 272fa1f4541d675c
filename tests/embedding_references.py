"""Independent references for the embedding tests: brute-force loops written apart from lmcore.

Imported by tests/test_embeddings.py, test_count_embeddings.py and test_story_embeddings.py.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse.linalg
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine


def brute_cooccurrence(tokens, window, vocab):
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for i, t in enumerate(tokens):
        for j, u in enumerate(tokens):
            if i != j and abs(i - j) <= window and t in index and u in index:
                out[index[t], index[u]] += 1
    return out


def direct_ppmi(counts):
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    out = np.zeros_like(counts)
    for w in range(counts.shape[0]):
        for c in range(counts.shape[1]):
            if counts[w, c] > 0:
                p_wc = counts[w, c] / total
                p_w = counts[w, :].sum() / total
                p_c = counts[:, c].sum() / total
                out[w, c] = max(0.0, math.log2(p_wc / (p_w * p_c)))
    return out


def sign_fixed(u):
    """The sign convention, written independently: largest |entry| of each column positive."""
    u = u.copy()
    for j in range(u.shape[1]):
        if u[np.argmax(np.abs(u[:, j])), j] < 0:
            u[:, j] = -u[:, j]
    return u


def top_svd(matrix, k):
    """The k largest singular triplets from ARPACK (scipy), largest first: (U_k, s_k)."""
    u, s, _ = scipy.sparse.linalg.svds(matrix, k=k, random_state=0)
    order = np.argsort(-s)
    return u[:, order], s[order]


def brute_nearest(word, words, vectors, k):
    sims = sk_cosine(vectors[[words.index(word)]], vectors)[0]
    pairs = [(words[i], sims[i]) for i in range(len(words)) if words[i] != word]
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return pairs[:k]


def brute_analogy(a, b, c, words, vectors, k):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    sims = sk_cosine(target[None, :], vectors)[0]
    pairs = [(words[i], sims[i]) for i in range(len(words)) if words[i] not in (a, b, c)]
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return pairs[:k]
