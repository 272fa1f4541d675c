"""Word embeddings: a word is a vector, and similar words point in similar directions.

An *embedding* gives each word of a vocabulary a vector of ``d`` real numbers. We compare two
words by the angle between their vectors, the **cosine similarity**

    cos(a, b) = a . b / (|a| |b|)        in [-1, 1]

(1: same direction, 0: orthogonal, -1: opposite). The cosine ignores length, so a frequent
word with a long vector is not "similar to everything".

Vectors drawn at random carry no meaning. In ``d`` dimensions two random directions are
nearly orthogonal: their cosine has mean 0 and standard deviation ``1 / sqrt(d)``.

Meaning comes from use: :mod:`lmcore.count_embeddings` learns vectors from co-occurrence
counts (PPMI + SVD), and :mod:`lmcore.story_embeddings` runs that recipe on the course's
stories in one call. :func:`nearest` lists a word's neighbours and :func:`analogy` tries
"a is to b as c is to ?".

**The container.** An :class:`Embeddings` is a pair ``(words, vectors)``: a tuple of ``V``
distinct strings and a read-only float array of shape ``(V, d)`` whose row ``i`` is the vector
of ``words[i]``. ``emb["king"]`` is one vector, ``emb.lookup(tokens)`` stacks several.

>>> emb = Embeddings(["king", "queen", "crown"], [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
>>> emb
Embeddings(3 words, dim 2)
>>> round(cosine_similarity(emb["king"], emb["queen"]), 2)
0.8
>>> nearest("king", emb, k=2)
[('queen', 0.8), ('crown', 0.0)]
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_memory
from lmcore._embedding_rules import (
    DistinctWords,
    InVocabulary,
    IsEmbeddings,
    VectorRows,
    vocabulary_position,
)
from lmcore.validation import Array, Bool, Choice, Int, Rng, Tokens, validate

# --------------------------------------------------------------------------- the container


class Embeddings:
    """A vocabulary and one vector per word: ``words`` (V strings) and ``vectors`` (V, d).

    Args:
        words: ``V`` distinct strings.
        vectors: an array-like of shape ``(V, d)``, finite, with no all-zero row (a zero
            vector has no direction, so its cosine with anything is undefined).

    The array is copied and made read-only, so an ``Embeddings`` never changes.

    >>> emb = Embeddings(["a", "b"], [[1, 2], [3, 4]])
    >>> emb.words, emb.dim, len(emb), "a" in emb
    (('a', 'b'), 2, 2, True)
    >>> emb.lookup(["b", "a"]).tolist()
    [[3.0, 4.0], [1.0, 2.0]]
    """

    @validate(words=DistinctWords(), vectors=VectorRows(ndim=2))
    def __init__(self, words, vectors):
        if vectors.shape[0] != len(words):
            raise ValueError(f"vectors must have shape (V, d) = ({len(words)}, d), one row per "
                             f"word; got shape {vectors.shape}")
        self.words = words
        self.vectors = vectors.copy()
        self.vectors.setflags(write=False)
        self.index = {w: i for i, w in enumerate(words)}

    @property
    def dim(self) -> int:
        """The dimension ``d`` of every vector."""
        return self.vectors.shape[1]

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of ``word``, shape ``(d,)``."""
        return self.vectors[vocabulary_position("word", word, self)]

    def __repr__(self) -> str:
        return f"Embeddings({len(self)} words, dim {self.dim})"

    @validate(tokens=Tokens())
    def lookup(self, tokens) -> np.ndarray:
        """Stack the vectors of ``tokens`` into an array of shape ``(len(tokens), d)``."""
        missing = sorted({t for t in tokens if t not in self.index})
        if missing:
            raise ValueError(f"tokens holds words with no vector: {missing[:10]}")
        return self.vectors[[self.index[t] for t in tokens]]


# --------------------------------------------------------------------------- similarity


@validate(v=Array(min_ndim=1), per_row=Bool())
def rescale_extremes(v, per_row: bool = True) -> np.ndarray:
    """``v`` with each row (``per_row=False``: the whole array) whose largest ``|entry|`` lies
    beyond 1e+-100 divided by that entry; other rows are returned unchanged.

    Directions and ratios do not change, and afterwards ``|v|`` and sums of products can no
    longer overflow (1e200 squared) or underflow (1e-200 squared) to inf or 0.

    >>> rescale_extremes([[3e200, 4e200], [3.0, 4.0]]).tolist()
    [[0.75, 1.0], [3.0, 4.0]]
    """
    big = np.abs(v).max(axis=-1 if per_row else None, keepdims=True)
    extreme = (big > 1e100) | ((big < 1e-100) & (big > 0))
    return np.where(extreme, v / np.where(extreme, big, 1.0), v) if extreme.any() else v


@validate(a=VectorRows(), b=VectorRows())
def cosine_similarity(a, b):
    """Cosine of the angle between vectors: ``a . b / (|a| |b|)``, a number in [-1, 1].

    Shapes:
        - ``a`` (d,) and ``b`` (d,): a float;
        - ``a`` (n, d) and ``b`` (m, d): an (n, m) array of every row of ``a`` against every
          row of ``b`` (like ``sklearn.metrics.pairwise.cosine_similarity``);
        - one vector (d,) and one matrix (m, d): an (m,) array.

    A zero vector has no direction: it raises ``ValueError`` (never a silent NaN).

    >>> cosine_similarity([1, 0], [1, 1])  # 45 degrees
    0.7071067811865475
    >>> cosine_similarity([[1, 0], [0, 2]], [[3, 0], [1, 1], [0, -1]]).round(3).tolist()
    [[1.0, 0.707, 0.0], [0.0, 0.707, -1.0]]
    """
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"a and b must have the same last dimension d; got {a.shape}, {b.shape}")
    a, b = rescale_extremes(a), rescale_extremes(b)  # so that |v| cannot overflow
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)  # unit vectors, same shapes
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    sims = np.clip(a @ b.T, -1.0, 1.0)  # (n, d) @ (d, m) -> (n, m); rounding may pass +-1
    return float(sims) if sims.ndim == 0 else sims


@validate(dim=Int(min=1), pairs=Int(min=1), rng=Rng(), distribution=Choice("normal", "uniform"))
def random_pair_cosines(dim: int, pairs: int, rng, distribution: str = "normal") -> np.ndarray:
    """Cosines of ``pairs`` independent pairs of random ``dim``-dimensional vectors, shape (pairs,).

    ``distribution="normal"`` draws coordinates from N(0, 1): the directions are uniform on
    the sphere, and the cosine has mean 0 and standard deviation exactly ``1 / sqrt(dim)``.
    ``"uniform"`` draws them from [0, 1) like the slide's ``np.random.rand``: every vector
    lies in the positive corner, so cosines are large (mean about 0.75) for no reason at all.

    >>> c = random_pair_cosines(300, 2000, np.random.default_rng(0))
    >>> bool(abs(c.std() * math.sqrt(300) - 1) < 0.05)
    True
    """
    check_memory("dim and pairs", 2 * dim * pairs)
    draw = rng.standard_normal if distribution == "normal" else rng.random
    x = draw((pairs, dim))
    y = draw((pairs, dim))
    norms = np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)
    return np.clip(np.einsum("pd,pd->p", x, y) / norms, -1.0, 1.0)


@validate(t=Array(), dim=Int(min=2))
def random_cosine_density(t, dim: int) -> np.ndarray:
    """Exact probability density of the cosine between two random directions in ``dim`` dims.

    For directions uniform on the sphere (for example N(0, 1) coordinates),

        f(t) = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)) * (1 - t^2)^((d-3)/2)   for -1 <= t <= 1

    and 0 outside; its variance is exactly ``1/d``. In 3-D it is flat (1/2 on [-1, 1],
    Archimedes' hat-box theorem); as ``d`` grows it narrows around 0 like a normal
    distribution with standard deviation ``1 / sqrt(d)``.

    Args:
        t: cosine values, any shape.
        dim: the dimension d >= 2.

    Returns:
        the density at each ``t`` (same shape), per unit of cosine.

    >>> random_cosine_density([-1.0, 0.0, 0.5, 2.0], 3).round(12).tolist()
    [0.5, 0.5, 0.5, 0.0]
    """
    log_norm = math.lgamma(dim / 2) - 0.5 * math.log(math.pi) - math.lgamma((dim - 1) / 2)
    inside = np.abs(t) <= 1
    base = np.where(inside, 1.0 - np.square(np.where(inside, t, 0.0)), 1.0)
    with np.errstate(divide="ignore"):
        density = math.exp(log_norm) * np.power(base, (dim - 3) / 2)
    return np.where(inside, density, 0.0)


@validate(words=DistinctWords(), dim=Int(min=1), rng=Rng())
def random_embeddings(words, dim: int, rng) -> Embeddings:
    """Give each word a random vector with coordinates from N(0, 1): meaningless by design.

    Args:
        words: distinct strings (V of them).
        dim: the dimension d >= 1.
        rng: a ``np.random.Generator``; the same seed gives the same vectors.

    >>> emb = random_embeddings(["king", "queen"], 4, np.random.default_rng(0))
    >>> emb.vectors.shape
    (2, 4)
    """
    check_memory("dim", len(words) * dim)
    return Embeddings(words, rng.standard_normal((len(words), dim)))


# --------------------------------------------------------------------------- using them


@validate(embeddings=IsEmbeddings(min_words=2), word=InVocabulary(),
          k=Int(min=1, max=lambda a: len(a["embeddings"]) - 1))
def nearest(word: str, embeddings: Embeddings, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` words whose vectors have the highest cosine similarity with ``word``'s.

    Returns ``[(word, cosine), ...]``, most similar first (ties in alphabetical order);
    the word itself is left out.

    >>> emb = Embeddings(["cat", "dog", "bread"], [[1, 0.1], [1, 0.3], [0, 1]])
    >>> [(w, round(s, 3)) for w, s in nearest("cat", emb, k=2)]
    [('dog', 0.982), ('bread', 0.1)]
    """
    sims = cosine_similarity(embeddings.vectors, embeddings[word])  # (V, d) vs (d,) -> (V,)
    others = [i for i, w in enumerate(embeddings.words) if w != word]
    others.sort(key=lambda i: (-sims[i], embeddings.words[i]))  # best first, ties alphabetical
    return [(embeddings.words[i], float(sims[i])) for i in others[:k]]


def _answers_left(a) -> int:
    """How many words of ``a["embeddings"]`` may answer an analogy (the inputs may not)."""
    return len(a["embeddings"]) - (len({a["a"], a["b"], a["c"]}) if a["exclude_inputs"] else 0)


@validate(embeddings=IsEmbeddings(), a=InVocabulary(), b=InVocabulary(), c=InVocabulary(),
          exclude_inputs=Bool(), k=Int(min=1, max=_answers_left))
def analogy(a: str, b: str, c: str, embeddings: Embeddings, k: int = 1,
            exclude_inputs: bool = True) -> list[tuple[str, float]]:
    """Answer "``a`` is to ``b`` as ``c`` is to ?" with the vector ``b - a + c``.

    The three vectors are normalised to length 1 first; candidates are ranked by their cosine
    with ``b - a + c`` (the "3CosAdd" method of Mikolov et al., 2013). By convention the three
    input words are not allowed as answers (``exclude_inputs=True``): without that rule the
    answer is very often ``c`` itself.

    Returns ``[(word, cosine), ...]`` with ``k`` entries, best first (ties alphabetical).

    >>> emb = Embeddings(["man", "woman", "king", "queen"],
    ...                  [[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]])
    >>> analogy("man", "woman", "king", emb)[0][0]
    'queen'
    """
    abc = embeddings.lookup([a, b, c])  # (3, d)
    abc = abc / np.linalg.norm(abc, axis=1, keepdims=True)  # (3, d): unit vectors
    target = abc[1] - abc[0] + abc[2]  # (d,): b - a + c
    if not target.any():
        raise ValueError("a, b and c give b - a + c = 0: no direction to search")
    sims = cosine_similarity(embeddings.vectors, target)  # (V,)
    banned = {a, b, c} if exclude_inputs else set()
    candidates = [i for i, w in enumerate(embeddings.words) if w not in banned]
    candidates.sort(key=lambda i: (-sims[i], embeddings.words[i]))
    return [(embeddings.words[i], float(sims[i])) for i in candidates[:k]]


@validate(words=Tokens(), embeddings=IsEmbeddings(min_words=2), k=Int(min=1))
def neighbour_lists(words, embeddings: Embeddings, k: int = 5) -> dict:
    """``{word: nearest(word, embeddings, k)}`` for each of ``words``; ``None`` for a word
    with no vector. ``k`` is capped at the number of other words.

    >>> emb = Embeddings(["cat", "dog", "bread"], [[1, 0.1], [1, 0.3], [0, 1]])
    >>> lists = neighbour_lists(["cat", "zebra"], emb, k=1)
    >>> [w for w, _ in lists["cat"]], lists["zebra"]
    (['dog'], None)
    """
    k = min(k, len(embeddings) - 1)
    return {w: nearest(w, embeddings, k) if w in embeddings else None for w in words}
