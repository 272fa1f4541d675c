"""lmcore.embeddings, its figures and panel, and notebook 04's exercises and numbers.

References: scikit-learn's cosine_similarity and PCA, numpy/scipy SVD, scipy's beta
distribution and quadrature, brute-force loops, and closed forms.
"""

from __future__ import annotations

import math
from collections import Counter

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.sparse.linalg
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.decomposition import PCA
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from lmcore import corpus, embeddings, exercises
from lmcore.embeddings import (
    Embeddings,
    analogy,
    cooccurrence,
    cosine_similarity,
    frequent_words,
    nearest,
    pca_2d,
    ppmi,
    random_cosine_density,
    random_embeddings,
    random_pair_cosines,
    story_embeddings,
    story_matrices,
    svd_embeddings,
)
from lmcore.plotting.embeddings import (
    NEIGHBOUR_WORDS,
    cosine_histograms_figure,
    neighbour_table,
    projection_figure,
    story_neighbour_table,
)
from lmcore.widgets.embeddings import neighbours_panel

#: never zero, so no row is ever the zero vector (whose cosine is undefined)
nonzero = st.one_of(st.floats(-10, -0.01), st.floats(0.01, 10))


# ------------------------------------------------------------------ brute-force references


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


# ------------------------------------------------------------------ cosine similarity


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 6), st.data())
def test_cosine_matches_sklearn_for_matrices(n, m, d, data):
    a = data.draw(hnp.arrays(float, (n, d), elements=nonzero))
    b = data.draw(hnp.arrays(float, (m, d), elements=nonzero))
    ours = cosine_similarity(a, b)
    assert ours.shape == (n, m)
    np.testing.assert_allclose(ours, sk_cosine(a, b), atol=1e-12)
    np.testing.assert_allclose(cosine_similarity(a[0], b[0]), sk_cosine(a[:1], b[:1])[0, 0],
                               atol=1e-12)
    np.testing.assert_allclose(cosine_similarity(a[0], b), sk_cosine(a[:1], b)[0], atol=1e-12)
    assert np.all(np.abs(ours) <= 1)


def test_cosine_of_a_vector_pair_is_a_float_with_known_values():
    assert isinstance(cosine_similarity([1, 2], [3, 4]), float)
    assert cosine_similarity([1, 0], [0, 5]) == 0.0
    assert cosine_similarity([2, 2], [3, 3]) == pytest.approx(1.0)
    assert cosine_similarity([1, 0], [-4, 0]) == pytest.approx(-1.0)


def test_cosine_rejects_bad_input():
    with pytest.raises(ValueError, match="^a holds a zero vector"):
        cosine_similarity([0, 0], [1, 1])
    with pytest.raises(ValueError, match="^b holds a zero vector"):
        cosine_similarity([[1, 1]], [[1, 0], [0, 0]])
    with pytest.raises(ValueError, match="same last dimension"):
        cosine_similarity([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="^a must be a vector"):
        cosine_similarity(np.ones((2, 2, 2)), [1, 2])
    with pytest.raises(ValueError, match="^b must contain only finite"):
        cosine_similarity([1, 2], [np.nan, 1])
    with pytest.raises(TypeError, match="^a must be an array"):
        cosine_similarity("king", [1, 2])


# ------------------------------------------------------------------ random vectors


def test_random_pair_cosines_are_cosines_of_the_same_draws():
    ours = random_pair_cosines(7, 50, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((50, 7)), rng.standard_normal((50, 7))
    np.testing.assert_allclose(ours, np.diag(sk_cosine(x, y)), atol=1e-12)
    ours = random_pair_cosines(4, 30, np.random.default_rng(3), distribution="uniform")
    rng = np.random.default_rng(3)
    x, y = rng.random((30, 4)), rng.random((30, 4))
    np.testing.assert_allclose(ours, np.diag(sk_cosine(x, y)), atol=1e-12)


@pytest.mark.parametrize("d", [2, 3, 5, 30, 300])
def test_random_cosine_density_is_the_beta_law_with_variance_1_over_d(d):
    t = np.linspace(-0.99, 0.99, 41)
    beta = scipy.stats.beta((d - 1) / 2, (d - 1) / 2)
    np.testing.assert_allclose(random_cosine_density(t, d), beta.pdf((t + 1) / 2) / 2, rtol=1e-9)
    f = lambda x: float(random_cosine_density(x, d))  # noqa: E731
    assert scipy.integrate.quad(f, -1, 1)[0] == pytest.approx(1.0, abs=1e-6)
    var = scipy.integrate.quad(lambda x: x * x * f(x), -1, 1)[0]
    assert var == pytest.approx(1 / d, rel=1e-6)
    assert random_cosine_density([1.5, -2.0], d).tolist() == [0.0, 0.0]


def test_notebook_random_cosines_follow_the_exact_law():
    # the notebook's draws: d = 3, 30, 300 from default_rng(0), 10,000 pairs each
    rng = np.random.default_rng(0)
    for d in (3, 30, 300):
        cos = random_pair_cosines(d, 10_000, rng)
        beta = scipy.stats.beta((d - 1) / 2, (d - 1) / 2)
        assert scipy.stats.kstest((cos + 1) / 2, beta.cdf).pvalue > 1e-3
        # the printed spread against the closed form 1/sqrt(d) (5 standard errors)
        assert cos.std() == pytest.approx(1 / math.sqrt(d), rel=5 / math.sqrt(2 * 10_000) + 0.02)
        assert abs(cos.mean()) < 5 / math.sqrt(d * 10_000)


def test_uniform_positive_vectors_have_large_cosines():
    # the slide's np.random.rand: E[x.y] / E|x|^2 = (1/4) / (1/3) = 3/4 for large d
    big = random_pair_cosines(300, 20_000, np.random.default_rng(1), distribution="uniform")
    assert big.mean() == pytest.approx(0.75, abs=0.005)
    # in 3-D: an independent Monte Carlo (other generator, other draws) gives the same mean
    rng = np.random.default_rng(np.random.PCG64DXSM(12345))
    x, y = rng.random((100_000, 3)), rng.random((100_000, 3))
    reference = np.einsum("ij,ij->i", x, y) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    ours = random_pair_cosines(3, 100_000, np.random.default_rng(0), distribution="uniform")
    assert ours.mean() == pytest.approx(reference.mean(), abs=0.004)
    assert reference.mean() == pytest.approx(0.80, abs=0.005)


def test_slide_example_numbers_against_sklearn():
    rng = np.random.default_rng(42)
    words = ["king", "queen", "man", "woman", "crown"]
    vectors = {w: rng.random(3) for w in words}
    ours = cosine_similarity(vectors["king"], vectors["queen"])
    assert ours == pytest.approx(sk_cosine([vectors["king"]], [vectors["queen"]])[0, 0])
    matrix = np.array([vectors[w] for w in words])
    sims = sk_cosine(matrix)
    assert sims[np.triu_indices(5, 1)].min() > 0  # all positive vectors: no negative cosine


def test_random_embeddings_are_seeded_normal_draws():
    emb = random_embeddings(["a", "b", "c"], 4, np.random.default_rng(5))
    np.testing.assert_array_equal(emb.vectors,
                                  np.random.default_rng(5).standard_normal((3, 4)))
    assert emb.words == ("a", "b", "c") and emb.dim == 4
    other = random_embeddings(["a", "b", "c"], 4, np.random.default_rng(6))
    assert not np.array_equal(emb.vectors, other.vectors)
    with pytest.raises(TypeError, match="^rng"):
        random_embeddings(["a"], 2, 42)
    with pytest.raises(ValueError, match="^dim"):
        random_embeddings(["a"], 0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="^words"):
        random_embeddings("king", 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="^words must be distinct"):
        random_embeddings(["a", "a"], 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="^distribution"):
        random_pair_cosines(3, 10, np.random.default_rng(0), distribution="gauss")


# ------------------------------------------------------------------ the container


def test_embeddings_container_validates_and_is_read_only():
    emb = Embeddings(["x", "y"], [[1, 0], [0, 2]])
    assert repr(emb) == "Embeddings(2 words, dim 2)"
    assert emb["y"].tolist() == [0.0, 2.0] and "x" in emb and "z" not in emb
    with pytest.raises(ValueError):
        emb.vectors[0, 0] = 5.0
    with pytest.raises(ValueError, match="^word 'z' is not in the vocabulary"):
        emb["z"]
    with pytest.raises(ValueError, match="^tokens holds words with no vector"):
        emb.lookup(["x", "z"])
    with pytest.raises(ValueError, match="^vectors must have shape"):
        Embeddings(["x", "y"], [[1, 0]])
    with pytest.raises(ValueError, match="^vectors has all-zero rows"):
        Embeddings(["x", "y"], [[1, 0], [0, 0]])
    with pytest.raises(ValueError, match="^vectors must contain only finite"):
        Embeddings(["x"], [[np.inf, 0]])
    with pytest.raises(TypeError, match=r"^words must contain only strings"):
        Embeddings([1, 2], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="^words must hold at least one"):
        Embeddings([], np.zeros((0, 2)))


# ------------------------------------------------------------------ counting


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from("abcde"), max_size=25), st.integers(1, 4),
       st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6, unique=True))
def test_cooccurrence_equals_a_double_loop(tokens, window, vocab):
    ours = cooccurrence(tokens, window, vocab)
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours, brute_cooccurrence(tokens, window, vocab))
    np.testing.assert_array_equal(ours, ours.T)


def test_cooccurrence_rejects_bad_input():
    with pytest.raises(ValueError, match="^window"):
        cooccurrence(["a", "b"], 0, ["a"])
    with pytest.raises(TypeError, match="^tokens"):
        cooccurrence("a b", 1, ["a"])
    with pytest.raises(ValueError, match="^vocab must hold distinct"):
        cooccurrence(["a"], 1, ["a", "a"])
    with pytest.raises(ValueError, match="^vocab must hold at least one"):
        cooccurrence(["a"], 1, [])


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
    with pytest.raises(ValueError, match="^counts must be a non-empty 2-D"):
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


def test_svd_embeddings_signs_are_fixed_and_invariant_to_a_flip():
    a = np.random.default_rng(0).standard_normal((6, 4))
    out = svd_embeddings(a, 3)
    assert np.all(out[np.argmax(np.abs(out), axis=0), range(3)] > 0)
    np.testing.assert_allclose(svd_embeddings(-a, 3), out, atol=1e-10)  # -A: same U up to sign


def test_svd_embeddings_reject_bad_input():
    with pytest.raises(ValueError, match="^dim"):
        svd_embeddings(np.eye(3), 4)
    with pytest.raises(TypeError, match="^dim"):
        svd_embeddings(np.eye(3), 2.0)
    with pytest.raises(ValueError, match="^matrix must be a non-empty 2-D"):
        svd_embeddings([1.0, 2.0], 1)
    with pytest.raises(ValueError, match="^matrix must contain only finite"):
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


# ------------------------------------------------------------------ nearest and analogy


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 8), st.integers(1, 5), st.data())
def test_nearest_and_analogy_match_brute_force(v, d, data):
    vectors = data.draw(hnp.arrays(float, (v, d), elements=nonzero))
    words = [f"w{i}" for i in range(v)]
    emb = Embeddings(words, vectors)
    k = data.draw(st.integers(1, v - 1))
    got = nearest("w0", emb, k)
    want = brute_nearest("w0", words, vectors, k)
    assert len(got) == k
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-9)
    if v > 3:
        target = emb._unit[1] - emb._unit[0] + emb._unit[2]
        if np.linalg.norm(target) > 1e-6:
            got = analogy("w0", "w1", "w2", emb, k=v - 3)
            want = brute_analogy("w0", "w1", "w2", words, vectors, v - 3)
            np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-9)
            assert {w for w, _ in got} == {f"w{i}" for i in range(3, v)}


def test_nearest_breaks_ties_alphabetically_and_rejects_bad_input():
    emb = Embeddings(["q", "b", "a", "c"], [[1, 0], [0, 1], [0, 2], [1, 1]])
    assert [w for w, _ in nearest("q", emb, 3)] == ["c", "a", "b"]
    with pytest.raises(ValueError, match="^word 'zebra' is not in the vocabulary"):
        nearest("zebra", emb)
    with pytest.raises(ValueError, match="^k"):
        nearest("q", emb, k=4)
    with pytest.raises(TypeError, match="^embeddings"):
        nearest("q", {"q": [1, 0]})
    with pytest.raises(TypeError, match="^word"):
        nearest(3, emb)


def test_analogy_rejects_bad_input_and_can_keep_the_inputs():
    emb = Embeddings(["man", "woman", "king", "queen"], [[1, 0, 0], [1, 1, 0], [1, 0, 1],
                                                         [1, 1, 1]])
    assert analogy("man", "woman", "king", emb)[0][0] == "queen"
    assert len(analogy("man", "woman", "king", emb, k=4, exclude_inputs=False)) == 4
    with pytest.raises(ValueError, match="^c 'prince' is not in the vocabulary"):
        analogy("man", "woman", "prince", emb)
    with pytest.raises(ValueError, match="^k"):
        analogy("man", "woman", "king", emb, k=2)


# ------------------------------------------------------------------ the stories (notebook 04)


@pytest.fixture(scope="module")
def reference_story():
    """The whole pipeline re-done independently: double loop, direct PPMI, ARPACK's SVD."""
    tokens = corpus.words(corpus.load_stories())
    counts = Counter(tokens)
    vocab = sorted(counts, key=lambda w: (-counts[w], w))[:1000]
    index = {w: i for i, w in enumerate(vocab)}
    cooc = np.zeros((1000, 1000))
    for i, t in enumerate(tokens):
        if t not in index:
            continue
        for j in range(max(0, i - 2), min(len(tokens), i + 3)):
            if j != i and tokens[j] in index:
                cooc[index[t], index[tokens[j]]] += 1
    total, rows = cooc.sum(), cooc.sum(axis=1)
    with np.errstate(divide="ignore"):
        pmi = np.log2(cooc * total / np.outer(rows, rows))
    weights = np.where(cooc > 0, np.maximum(pmi, 0), 0.0)
    u, s = top_svd(weights, 50)
    vectors = sign_fixed(u) * np.sqrt(s)
    return tokens, vocab, cooc, weights, vectors


def test_story_matrices_match_the_independent_pipeline(reference_story):
    _, vocab, cooc, weights, _ = reference_story
    ours_vocab, ours_counts, ours_weights = story_matrices()
    assert ours_vocab == tuple(vocab)
    np.testing.assert_array_equal(ours_counts, cooc)
    np.testing.assert_allclose(ours_weights, weights, atol=1e-10)
    assert not ours_weights.flags.writeable


def test_story_embeddings_match_the_independent_pipeline(reference_story):
    _, vocab, _, _, vectors = reference_story
    emb = story_embeddings()
    assert emb.words == tuple(vocab) and emb.vectors.shape == (1000, 50)
    np.testing.assert_allclose(emb.vectors, vectors, atol=1e-7)
    # the notebook's neighbour table and analogies, recomputed with sklearn on these vectors
    for word in NEIGHBOUR_WORDS:
        got = nearest(word, emb, 5)
        want = brute_nearest(word, list(vocab), vectors, 5)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
    for a, b, c in [("man", "woman", "king"), ("he", "she", "his"), ("cat", "whisker", "dog")]:
        got = analogy(a, b, c, emb, k=3)
        want = brute_analogy(a, b, c, list(vocab), vectors, 3)
        assert [w for w, _ in got] == [w for w, _ in want]


def test_story_embeddings_slice_one_cached_svd():
    emb20, emb50 = story_embeddings(dim=20), story_embeddings(dim=50)
    np.testing.assert_array_equal(emb20.vectors, emb50.vectors[:, :20])
    _, _, weights = story_matrices(window=3)
    np.testing.assert_array_equal(story_embeddings(dim=10, window=3).vectors,
                                  svd_embeddings(weights, 10))
    with pytest.raises(ValueError, match="^dim"):
        story_embeddings(dim=0)
    with pytest.raises(ValueError, match="^window"):
        story_embeddings(window=0)
    with pytest.raises(ValueError, match="^power"):
        story_embeddings(power=-1)


NOTEBOOK_ANALOGIES = [
    ("man", "woman", "king", "queen"), ("king", "queen", "man", "woman"),
    ("king", "queen", "prince", "princess"), ("he", "she", "his", "her"),
    ("cat", "whisker", "dog", "bramble"), ("king", "aldric", "queen", "maren"),
    ("morning", "evening", "day", "night"), ("boy", "girl", "man", "woman"),
    ("walked", "walk", "ran", "run"), ("king", "kings", "queen", "queens"),
]


def test_notebook_toy_tables_against_brute_force():
    toy = "the cat sat on the mat".split()
    vocab = sorted(set(toy))
    np.testing.assert_array_equal(cooccurrence(toy, 1, vocab), brute_cooccurrence(toy, 1, vocab))
    weights = direct_ppmi(brute_cooccurrence(toy, 1, vocab))
    np.testing.assert_allclose(ppmi(cooccurrence(toy, 1, vocab)), weights, atol=1e-12)
    cat, sat, the, mat = (vocab.index(w) for w in ("cat", "sat", "the", "mat"))
    # printed 1.32, 0.74 and 1.74: 10 counted pairs; row sums cat 2, sat 2, the 3, mat 1
    assert round(weights[cat, sat], 2) == round(math.log2(10 / (2 * 2)), 2) == 1.32
    assert round(weights[cat, the], 2) == round(math.log2(10 / (2 * 3)), 2) == 0.74
    assert round(weights[mat, the], 2) == round(math.log2(10 / (1 * 3)), 2) == 1.74


def test_notebook_slide_section_numbers():
    words = ["king", "queen", "man", "woman", "crown"]
    rng = np.random.default_rng(42)
    uniform = np.array([rng.random(3) for _ in words])
    normal = random_embeddings(words, 3, np.random.default_rng(42))
    np.testing.assert_allclose(cosine_similarity(normal.vectors, normal.vectors),
                               sk_cosine(np.random.default_rng(42).standard_normal((5, 3))),
                               atol=1e-12)
    sims = sk_cosine(uniform)
    assert round(sims[0, 1], 2) == 0.95  # king - queen, printed 0.95
    assert sims[0, 3] > sims[0, 1] and sims[2, 4] > sims[2, 3]  # king~woman, man~crown
    # mean and share >= 0.76 of all-positive 3-D pairs: independent draws, other generator
    ours = random_pair_cosines(3, 100_000, np.random.default_rng(0), distribution="uniform")
    ref_rng = np.random.default_rng(np.random.PCG64DXSM(777))
    x, y = ref_rng.random((100_000, 3)), ref_rng.random((100_000, 3))
    ref = np.einsum("ij,ij->i", x, y) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    assert np.mean(ours >= 0.76) == pytest.approx(np.mean(ref >= 0.76), abs=0.008)
    assert ours.mean() == pytest.approx(ref.mean(), abs=0.003)


def test_notebook_story_numbers(reference_story):
    tokens, vocab, cooc, weights, vectors = reference_story
    counts = Counter(tokens)
    known = set(vocab)
    assert (len(tokens), len(counts)) == (55_227, 3_725)
    covered = sum(counts[w] for w in vocab) / len(tokens)
    assert f"{covered:.1%}" == "89.2%" and f"{1 - covered:.1%}" == "10.8%"
    assert len(set(tokens) - known) == 2_725
    assert int(cooc.sum()) == 175_690
    assert f"{np.mean(cooc > 0):.1%}" == "6.2%" and f"{np.mean(weights > 0):.1%}" == "5.4%"
    # the king row, sorted on the reference matrices
    king = vocab.index("king")
    top = sorted(range(1000), key=lambda j: (-cooc[king, j], j))[:3]
    assert [(vocab[j], int(cooc[king, j])) for j in top] == [("the", 183), ("said", 47),
                                                            ("and", 36)]
    top = sorted(range(1000), key=lambda j: (-weights[king, j], j))[:3]
    assert [vocab[j] for j in top] == ["aldric", "wore", "woke"]
    assert round(weights[king, vocab.index("aldric")], 1) == 5.9
    assert {w: counts[w] for w in ("sister", "brother", "daughter")} == {
        "sister": 5, "brother": 6, "daughter": 6}
    assert not {"sister", "brother", "daughter"} & known


def test_notebook_analogies_and_noise_table(reference_story):
    _, vocab, _, _, vectors = reference_story
    words = list(vocab)
    emb = story_embeddings()
    ranks = []
    for a, b, c, hoped in NOTEBOOK_ANALOGIES:
        ranked = [w for w, _ in brute_analogy(a, b, c, words, vectors, 997)]
        ours = [w for w, _ in analogy(a, b, c, emb, k=997)]
        assert ours[:3] == ranked[:3]
        ranks.append(ranked.index(hoped) + 1)
        assert ours.index(hoped) + 1 == ranks[-1]
        # with the inputs allowed the best answer is an input word (pitfall 2)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
        best = words[int(np.argmax(sk_cosine(target[None, :], vectors)[0]))]
        assert best in (b, c)
        assert analogy(a, b, c, emb, k=1, exclude_inputs=False)[0][0] == best
    assert ranks == [2, 1, 2, 1, 1, 1, 32, 59, 24, 15]
    noise = np.random.default_rng(0).standard_normal((1000, 50))
    ours = random_embeddings(emb.words, 50, np.random.default_rng(0))
    for word in ("king", "cat", "bread", "morning"):
        want = brute_nearest(word, words, noise, 5)
        got = nearest(word, ours, 5)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-12)
        assert 0.3 < want[0][1] < 0.6  # the best of 999 chance cosines: about 3 spreads


def test_notebook_raw_count_pitfall(reference_story):
    _, vocab, cooc, _, vectors = reference_story
    u, s = top_svd(cooc, 50)
    raw = sign_fixed(u) * np.sqrt(s)
    vocab_counts, counts, _ = story_matrices()
    ours = Embeddings(vocab_counts, svd_embeddings(counts.astype(float), 50))
    want = brute_nearest("king", list(vocab), raw, 999)
    got = nearest("king", ours, 999)
    assert [w for w, _ in got[:5]] == [w for w, _ in want[:5]]
    assert [w for w, _ in want].index("queen") + 1 == 78
    assert [w for w, _ in got].index("queen") + 1 == 78
    assert brute_nearest("king", list(vocab), vectors, 1)[0][0] == "queen"


# ------------------------------------------------------------------ figures and the panel


def test_cosine_histograms_figure_is_labelled_and_draws_the_exact_density():
    rng = np.random.default_rng(0)
    fig = cosine_histograms_figure({d: random_pair_cosines(d, 500, rng) for d in (3, 30)})
    assert fig._suptitle.get_text()
    for ax, d in zip(fig.axes, (3, 30)):
        assert ax.get_xlabel() == "cosine similarity" and "density" in ax.get_ylabel()
        assert f"d = {d}" in ax.get_title()
        x, y = ax.lines[0].get_data()
        np.testing.assert_allclose(y, random_cosine_density(x, d))
    plt.close(fig)
    with pytest.raises(TypeError, match="^cosines_by_dim"):
        cosine_histograms_figure([])


def test_projection_figure_scatters_the_pca_of_unit_vectors():
    emb = story_embeddings()
    groups = {"royal": ["king", "queen", "prince"], "animals": ["cat", "dog", "horse"]}
    fig = projection_figure(emb, groups)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    words = groups["royal"] + groups["animals"]
    unit = emb.lookup(words) / np.linalg.norm(emb.lookup(words), axis=1, keepdims=True)
    reference = PCA(n_components=2, svd_solver="full").fit_transform(unit)
    points = np.vstack([c.get_offsets() for c in ax.collections])
    np.testing.assert_allclose(np.abs(points), np.abs(reference), atol=1e-9)
    assert [t.get_text() for t in ax.texts] == words
    plt.close(fig)
    with pytest.raises(ValueError, match="no vector"):
        projection_figure(emb, {"x": ["notaword"]})


def test_neighbour_tables():
    emb = Embeddings(["cat", "dog", "bread"], [[1, 0.1], [1, 0.3], [0, 1]])
    text = neighbour_table(emb, ["cat", "zebra"], k=2)
    lines = text.splitlines()
    assert lines[0].split() == ["word", "#1", "#2"]
    assert lines[2].split()[:3] == ["cat", "dog", f"{cosine_similarity([1, 0.1], [1, 0.3]):.2f}"]
    assert "(not in vocabulary)" in lines[3]
    story = story_neighbour_table(dimension=50, window=2)
    assert story.splitlines()[0].startswith("PPMI + SVD on the stories: 1000 words, window 2")
    assert story.split("\n\n", 1)[1] == neighbour_table(story_embeddings(), NEIGHBOUR_WORDS, 5)
    with pytest.raises(ValueError, match="^dimension"):
        story_neighbour_table(dimension=0)


def test_neighbours_panel_reruns_when_a_slider_moves(capsys):
    panel = neighbours_panel()
    assert isinstance(panel, ipywidgets.interactive)
    sliders = {c.description.split()[0]: c for c in panel.children
               if isinstance(c, ipywidgets.IntSlider)}
    assert set(sliders) == {"dimension", "window"}
    assert all(s.style.description_width == "initial" for s in sliders.values())
    assert "window 2, dimension 50" in capsys.readouterr().out
    sliders["window"].value = 3
    sliders["dimension"].value = 20
    assert panel.kwargs["window"] == 3 and panel.kwargs["dimension"] == 20
    assert "window 3, dimension 20" in capsys.readouterr().out


# ------------------------------------------------------------------ exercises


def test_exercises_pass_with_correct_solutions_and_fail_with_wrong_ones():
    assert exercises.passes("cosine", lambda a, b: float(np.dot(a, b) / np.linalg.norm(a)
                                                          / np.linalg.norm(b)))
    assert not exercises.passes("cosine", lambda a, b: float(np.dot(a, b)))

    def pairs(tokens, window):
        out = {}
        for i, t in enumerate(tokens):
            for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
                if j != i:
                    out[(t, tokens[j])] = out.get((t, tokens[j]), 0) + 1
        return out

    assert exercises.passes("cooccurrence_pairs", pairs)
    assert not exercises.passes("cooccurrence_pairs", lambda t, w: pairs(t, w + 1))
    assert exercises.passes("ppmi", direct_ppmi)
    assert not exercises.passes("ppmi", lambda c: np.log2(np.asarray(c) + 1.0))
    assert not exercises.passes("ppmi", lambda c: "not a matrix")
    assert embeddings.STORY_DIM == 50
