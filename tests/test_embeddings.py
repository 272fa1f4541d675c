"""lmcore.embeddings: the container, cosine similarity, random vectors, nearest and analogy,
and notebook 04's exercises.

References: scikit-learn's cosine_similarity, scipy's beta distribution and quadrature,
brute-force loops (tests/embedding_references.py) and closed forms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
from embedding_references import brute_analogy, brute_nearest, direct_ppmi
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from lmcore import exercises
from lmcore.embeddings import (
    Embeddings,
    analogy,
    cosine_similarity,
    nearest,
    neighbour_lists,
    random_cosine_density,
    random_embeddings,
    random_pair_cosines,
    rescale_extremes,
)

#: never zero, so no row is ever the zero vector (whose cosine is undefined)
nonzero = st.one_of(st.floats(-10, -0.01), st.floats(0.01, 10))


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
    with pytest.raises(ValueError, match="^b contains NaN"):
        cosine_similarity([1, 2], [np.nan, 1])
    with pytest.raises(TypeError, match="^a must be an array"):
        cosine_similarity("king", [1, 2])



@settings(max_examples=40, deadline=None)
@given(hnp.arrays(float, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=nonzero),
       st.integers(-300, 300))
def test_rescale_extremes_keeps_directions_and_brings_rows_into_range(v, exponent):
    scaled = v * 10.0**exponent
    out = rescale_extremes(scaled)
    big = np.abs(out).max(axis=1)
    assert np.all((big >= 1e-100) & (big <= 1e100))
    # a row's direction is unchanged: the same unit vector as the unscaled row (sklearn)
    unit = out / np.linalg.norm(out, axis=1, keepdims=True)
    np.testing.assert_allclose(unit, v / np.linalg.norm(v, axis=1, keepdims=True), atol=1e-12)
    np.testing.assert_array_equal(rescale_extremes(v * 1.0), v)  # moderate rows: untouched
    whole = rescale_extremes(scaled, per_row=False)
    np.testing.assert_allclose(whole / whole.max(), scaled / scaled.max(), rtol=1e-12)


def test_rescale_extremes_known_values_and_bad_input():
    assert rescale_extremes([[3e200, 4e200], [3.0, 4.0]]).tolist() == [[0.75, 1.0], [3.0, 4.0]]
    assert rescale_extremes([1e-200, -2e-200]).tolist() == [0.5, -1.0]
    with pytest.raises(TypeError, match="^per_row"):
        rescale_extremes([[1.0, 2.0]], per_row=2)
    with pytest.raises(ValueError, match="^v contains NaN"):
        rescale_extremes([np.nan, 1.0])

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
    with pytest.raises(ValueError, match="^words must hold distinct"):
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
    with pytest.raises(ValueError, match="^vectors holds a zero vector"):
        Embeddings(["x", "y"], [[1, 0], [0, 0]])
    with pytest.raises(ValueError, match="^vectors must be finite"):
        Embeddings(["x"], [[np.inf, 0]])
    with pytest.raises(TypeError, match=r"^words must contain only strings"):
        Embeddings([1, 2], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="^words must hold at least one"):
        Embeddings([], np.zeros((0, 2)))


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
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        target = unit[1] - unit[0] + unit[2]
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



def test_neighbour_lists_are_nearest_per_word_and_none_without_a_vector():
    emb = Embeddings(["cat", "dog", "bread"], [[1, 0.1], [1, 0.3], [0, 1]])
    lists = neighbour_lists(["cat", "zebra", "bread"], emb, k=5)  # k capped at 2 others
    assert list(lists) == ["cat", "zebra", "bread"] and lists["zebra"] is None
    want = brute_nearest("cat", ["cat", "dog", "bread"], np.array([[1, 0.1], [1, 0.3], [0, 1]]), 2)
    assert [w for w, _ in lists["cat"]] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in lists["cat"]], [s for _, s in want], atol=1e-12)
    with pytest.raises(TypeError, match="^words"):
        neighbour_lists("cat", emb)

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
