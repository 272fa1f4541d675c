"""lmcore.story_embeddings (the stories' pipeline), notebook 04's numbers, its figures and panel.

References: the whole pipeline re-done independently (double loop, direct PPMI, ARPACK's SVD),
scikit-learn's cosine_similarity and PCA, brute-force loops (tests/embedding_references.py).
"""

from __future__ import annotations

import math
from collections import Counter

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from embedding_references import (
    brute_analogy,
    brute_cooccurrence,
    brute_nearest,
    direct_ppmi,
    sign_fixed,
    top_svd,
)
from sklearn.decomposition import PCA
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from lmcore import corpus
from lmcore.count_embeddings import cooccurrence, pca_2d, ppmi, svd_embeddings
from lmcore.count_embeddings_fast import svd_embeddings_fast
from lmcore.embeddings import (
    Embeddings,
    analogy,
    cosine_similarity,
    nearest,
    neighbour_lists,
    random_cosine_density,
    random_embeddings,
    random_pair_cosines,
)
from lmcore.plotting.embeddings import (
    NEIGHBOUR_WORDS,
    cosine_histograms_figure,
    neighbour_table,
    projection_figure,
)
from lmcore.story_embeddings import STORY_DIM, story_embeddings, story_matrices
from lmcore.widgets.embeddings import neighbours_panel, story_neighbour_table

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
                                  svd_embeddings_fast(weights, 10))
    np.testing.assert_allclose(story_embeddings(dim=10, window=3).vectors,
                               svd_embeddings(weights, 10), atol=1e-9)
    assert STORY_DIM == 50 and story_embeddings().dim == STORY_DIM
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
    fig = cosine_histograms_figure({d: random_pair_cosines(d, 500, rng) for d in (3, 30)},
                                   random_cosine_density)
    assert fig._suptitle.get_text()
    for ax, d in zip(fig.axes, (3, 30)):
        assert ax.get_xlabel() == "cosine similarity" and "density" in ax.get_ylabel()
        assert f"d = {d}" in ax.get_title()
        x, y = ax.lines[0].get_data()
        np.testing.assert_allclose(y, random_cosine_density(x, d))
    plt.close(fig)
    with pytest.raises(TypeError, match="^cosines_by_dim"):
        cosine_histograms_figure([], random_cosine_density)
    with pytest.raises(TypeError, match="^density"):
        cosine_histograms_figure({3: [0.1, 0.2]}, "exact")


def test_projection_figure_scatters_the_pca_of_unit_vectors():
    emb = story_embeddings()
    groups = {"royal": ["king", "queen", "prince"], "animals": ["cat", "dog", "horse"]}
    words = groups["royal"] + groups["animals"]
    unit = emb.lookup(words) / np.linalg.norm(emb.lookup(words), axis=1, keepdims=True)
    fig = projection_figure(pca_2d(unit), groups, emb.dim)  # what notebook 04 draws
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and "50-D" in ax.get_title()
    reference = PCA(n_components=2, svd_solver="full").fit_transform(unit)
    points = np.vstack([c.get_offsets() for c in ax.collections])
    np.testing.assert_allclose(np.abs(points), np.abs(reference), atol=1e-9)
    assert [t.get_text() for t in ax.texts] == words
    plt.close(fig)
    with pytest.raises(ValueError, match="^xy must have shape"):
        projection_figure(np.zeros((2, 2)), {"x": ["a", "b", "c"]}, 50)


def test_neighbour_tables():
    emb = Embeddings(["cat", "dog", "bread"], [[1, 0.1], [1, 0.3], [0, 1]])
    text = neighbour_table(neighbour_lists(["cat", "zebra"], emb, k=2))
    lines = text.splitlines()
    assert lines[0].split() == ["word", "#1", "#2"]
    assert lines[2].split()[:3] == ["cat", "dog", f"{cosine_similarity([1, 0.1], [1, 0.3]):.2f}"]
    assert "(not in vocabulary)" in lines[3]
    story = story_neighbour_table(dimension=50, window=2)
    assert story.splitlines()[0].startswith("PPMI + SVD on the stories: 1000 words, window 2")
    assert story.split("\n\n", 1)[1] == neighbour_table(
        neighbour_lists(NEIGHBOUR_WORDS, story_embeddings(), 5))
    with pytest.raises(TypeError, match="^neighbours"):
        neighbour_table(["cat"])
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
