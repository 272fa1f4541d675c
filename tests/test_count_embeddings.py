"""lmcore.count_embeddings (the plain recipe) and lmcore.count_embeddings_fast (its siblings).

References: brute-force loops (tests/embedding_references.py), numpy's and scipy's SVD,
scikit-learn's TruncatedSVD and PCA; property tests hold each fast sibling equal to the plain one.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.linalg
from embedding_references import brute_cooccurrence, direct_ppmi, sign_fixed
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.decomposition import PCA, TruncatedSVD

from lmcore import corpus
from lmcore.count_embeddings import (
    cooccurrence,
    fix_signs,
    frequent_words,
    pca_2d,
    ppmi,
    svd_embeddings,
)
from lmcore.count_embeddings_fast import cooccurrence_fast, svd_embeddings_fast

# ------------------------------------------------------------------ counting


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from("abcde"), max_size=25), st.integers(1, 4),
       st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6, unique=True))
def test_cooccurrence_equals_a_double_loop(tokens, window, vocab):
    ours = cooccurrence(tokens, window, vocab)
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours, brute_cooccurrence(tokens, window, vocab))
    np.testing.assert_array_equal(ours, ours.T)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("abcdefg"), max_size=40), st.integers(1, 50),
       st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=8, unique=True))
def test_cooccurrence_fast_equals_the_plain_loop(tokens, window, vocab):
    plain = cooccurrence(tokens, window, vocab)
    fast = cooccurrence_fast(tokens, window, vocab)
    assert fast.dtype == plain.dtype == np.int64
    np.testing.assert_array_equal(fast, plain)


def test_cooccurrence_of_the_stories_fast_equals_plain():
    tokens = corpus.words(corpus.load_stories())[:5000]
    vocab = frequent_words(tokens, 200)
    np.testing.assert_array_equal(cooccurrence_fast(tokens, 3, vocab), cooccurrence(tokens, 3, vocab))
    # a huge window is a window of the whole text (no hang, no huge allocation)
    np.testing.assert_array_equal(cooccurrence_fast(tokens[:50], 10**15, vocab),
                                  cooccurrence(tokens[:50], 10**15, vocab))


def test_cooccurrence_rejects_bad_input():
    with pytest.raises(ValueError, match="^window"):
        cooccurrence(["a", "b"], 0, ["a"])
    with pytest.raises(TypeError, match="^tokens"):
        cooccurrence("a b", 1, ["a"])
    with pytest.raises(ValueError, match="^vocab must hold distinct"):
        cooccurrence(["a"], 1, ["a", "a"])
    with pytest.raises(ValueError, match="^vocab must hold at least one"):
        cooccurrence(["a"], 1, [])
    with pytest.raises(ValueError, match="^vocab must hold distinct"):
        cooccurrence_fast(["a"], 1, ["a", "a"])


def test_frequent_words_matches_counter_with_alphabetical_ties():
    tokens = corpus.words(corpus.load_stories())
    counts = Counter(tokens)
    top = frequent_words(tokens, 1000)
    assert len(top) == 1000
    assert [counts[w] for w in top] == sorted((counts[w] for w in top), reverse=True)
    assert min(counts[w] for w in top) >= max(counts[w] for w in counts if w not in top)
    for a, b in zip(top, top[1:]):
        assert counts[a] > counts[b] or a < b
    with pytest.raises(ValueError, match="^size"):
        frequent_words(tokens, 0)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.int64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
                  elements=st.integers(0, 9)).filter(lambda a: a.sum() > 0))
def test_ppmi_equals_the_direct_formula(counts):
    ours = ppmi(counts)
    np.testing.assert_allclose(ours, direct_ppmi(counts), atol=1e-12)
    assert np.all(ours >= 0) and np.all(ours[counts == 0] == 0)


def test_ppmi_known_value_and_bad_input():
    # P(w,c) = 1/2, P(w) = P(c) = 1/2: log2(2) = 1 bit
    assert ppmi([[3, 0], [0, 3]]).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(ValueError, match="^counts must be >= 0"):
        ppmi([[1, -1]])
    with pytest.raises(ValueError, match="^counts must not be all zero"):
        ppmi([[0, 0]])
    with pytest.raises(ValueError, match="^counts must be 2-D"):
        ppmi([1, 2])


# ------------------------------------------------------------------ SVD


def _check_against_numpy_svd(matrix, dim):
    u, s, vt = np.linalg.svd(matrix)
    best = u[:, :dim] * s[:dim] @ vt[:dim]  # the best rank-dim approximation (Eckart-Young)
    u0 = svd_embeddings(matrix, dim, power=0.0)
    np.testing.assert_allclose(u0.T @ u0, np.eye(dim), atol=1e-9)
    np.testing.assert_allclose(u0 @ u0.T @ matrix, best, atol=1e-8)
    us = svd_embeddings(matrix, dim, power=1.0)
    np.testing.assert_allclose(np.linalg.norm(us, axis=0), scipy.linalg.svdvals(matrix)[:dim],
                               rtol=1e-9)
    np.testing.assert_allclose(us, sign_fixed(u[:, :dim]) * s[:dim], atol=1e-8)
    half = svd_embeddings(matrix, dim)
    np.testing.assert_allclose(half, sign_fixed(u[:, :dim]) * np.sqrt(s[:dim]), atol=1e-8)


@pytest.mark.parametrize("seed", range(4))
def test_svd_embeddings_of_a_general_matrix_match_numpy(seed):
    matrix = np.random.default_rng(seed).standard_normal((9, 6))
    _check_against_numpy_svd(matrix, 4)


@pytest.mark.parametrize("seed", range(4))
def test_svd_embeddings_of_a_symmetric_matrix_match_numpy(seed):
    a = np.random.default_rng(seed).standard_normal((8, 8))
    _check_against_numpy_svd(a + a.T, 5)  # has negative eigenvalues: |lambda| are the s


def test_svd_embeddings_match_sklearn_truncated_svd():
    # TruncatedSVD's transform is U_d S_d (ARPACK, an independent solver)
    x = np.random.default_rng(7).standard_normal((30, 12))
    reference = TruncatedSVD(n_components=5, algorithm="arpack", random_state=0).fit_transform(x)
    np.testing.assert_allclose(svd_embeddings(x, 5, power=1.0), sign_fixed(reference), atol=1e-8)
    counts = np.random.default_rng(8).integers(0, 6, (25, 25))
    weights = ppmi(counts + counts.T)
    reference = TruncatedSVD(n_components=4, algorithm="arpack", random_state=0).fit_transform(weights)
    np.testing.assert_allclose(svd_embeddings(weights, 4, power=1.0), sign_fixed(reference),
                               atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.integers(0, 10**6), st.booleans(), st.sampled_from([0.0, 0.5, 1.0]),
       st.data())
def test_svd_embeddings_fast_equals_plain(n, seed, symmetric, power, data):
    a = np.random.default_rng(seed).standard_normal((n, n if symmetric else n + 2))
    matrix = a + a.T if symmetric else a
    dim = data.draw(st.integers(1, n))
    s = scipy.linalg.svdvals(matrix)
    if np.min(np.abs(np.diff(s[: dim + 1]))) < 1e-6:  # tied singular values: no unique U
        return
    np.testing.assert_allclose(svd_embeddings_fast(matrix, dim, power),
                               svd_embeddings(matrix, dim, power), atol=1e-8)


def test_fix_signs_matches_the_independent_convention():
    u = np.random.default_rng(4).standard_normal((7, 4))
    np.testing.assert_array_equal(fix_signs(u), sign_fixed(u))
    np.testing.assert_array_equal(fix_signs(-u), sign_fixed(u))
    with pytest.raises(ValueError, match="^u must be a matrix"):
        fix_signs([1.0, 2.0])


def test_svd_embeddings_signs_are_fixed_and_invariant_to_a_flip():
    a = np.random.default_rng(0).standard_normal((6, 4))
    out = svd_embeddings(a, 3)
    assert np.all(out[np.argmax(np.abs(out), axis=0), range(3)] > 0)
    np.testing.assert_allclose(svd_embeddings(-a, 3), out, atol=1e-10)  # -A: same U up to sign


def test_svd_embeddings_reject_bad_input():
    with pytest.raises(ValueError, match="^dim"):
        svd_embeddings_fast(np.eye(3), 4)
    with pytest.raises(ValueError, match="^dim"):
        svd_embeddings(np.eye(3), 4)
    with pytest.raises(TypeError, match="^dim"):
        svd_embeddings(np.eye(3), 2.0)
    with pytest.raises(ValueError, match="^matrix must be 2-D"):
        svd_embeddings([1.0, 2.0], 1)
    with pytest.raises(ValueError, match="^matrix contains NaN"):
        svd_embeddings([[np.nan]], 1)
    with pytest.raises(ValueError, match="^power"):
        svd_embeddings(np.eye(3), 2, power=2)


def test_pca_2d_matches_sklearn_up_to_sign():
    x = np.random.default_rng(2).standard_normal((20, 6))
    ours = pca_2d(x)
    reference = PCA(n_components=2, svd_solver="full").fit_transform(x)
    np.testing.assert_allclose(np.abs(ours), np.abs(reference), atol=1e-9)
    with pytest.raises(ValueError, match="^vectors must have shape"):
        pca_2d(np.ones((1, 3)))
