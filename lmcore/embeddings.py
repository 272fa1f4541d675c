"""Word embeddings: a word is a vector, and similar words point in similar directions.

An *embedding* gives each word of a vocabulary a vector of ``d`` real numbers. We compare two
words by the angle between their vectors, the **cosine similarity**

    cos(a, b) = a . b / (|a| |b|)        in [-1, 1]

(1: same direction, 0: orthogonal, -1: opposite). The cosine ignores length, so a frequent
word with a long vector is not "similar to everything".

Vectors drawn at random carry no meaning. In ``d`` dimensions two random directions are
nearly orthogonal: their cosine has mean 0 and standard deviation ``1 / sqrt(d)``.

Meaning comes from use ("you shall know a word by the company it keeps", Firth 1957).
The recipe here is the classic count-based one (Levy, Goldberg and Dagan, 2015):

1. :func:`cooccurrence`: count how often each word appears within ``window`` positions of
   each other word;
2. :func:`ppmi`: turn counts into *positive pointwise mutual information* (in bits),
   ``max(0, log2 P(w, c) / (P(w) P(c)))``, which rewards pairs seen together more often than
   chance and forgets that "the" is next to everything;
3. :func:`svd_embeddings`: keep the ``d`` strongest directions of that matrix (truncated SVD),
   one ``d``-dimensional vector per word.

:func:`nearest` lists a word's neighbours and :func:`analogy` tries "a is to b as c is to ?".

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
from collections import Counter
from functools import lru_cache

import numpy as np

from lmcore._checks import check_choice, check_float, check_int, check_memory, check_rng, check_tokens

#: Defaults of :func:`story_embeddings` (see its docstring for why).
STORY_DIM = 50
STORY_WINDOW = 2
STORY_VOCAB_SIZE = 1000
#: The widest embedding :func:`story_embeddings` can return (more is noise on 55,000 words).
STORY_MAX_DIM = 200


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

    def __init__(self, words, vectors):
        words = tuple(check_tokens("words", words))
        if not words:
            raise ValueError("words must hold at least one word")
        if len(set(words)) != len(words):
            repeated = sorted(w for w, n in Counter(words).items() if n > 1)
            raise ValueError(f"words must be distinct; repeated: {repeated[:5]}")
        vectors = _as_float_array("vectors", vectors)
        if vectors.ndim != 2 or vectors.shape[0] != len(words) or vectors.shape[1] == 0:
            raise ValueError(f"vectors must have shape (V, d) = ({len(words)}, d >= 1), one row "
                             f"per word; got shape {vectors.shape}")
        zero = np.flatnonzero(~np.any(vectors != 0, axis=1))
        if zero.size:
            raise ValueError(f"vectors has all-zero rows (no direction) for words "
                             f"{[words[i] for i in zero[:5]]}")
        self.words = words
        self.vectors = vectors.copy()
        self.vectors.setflags(write=False)
        self.index = {w: i for i, w in enumerate(words)}
        self._unit = self.vectors / np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self._unit.setflags(write=False)

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
        return self.vectors[self._position("word", word)]

    def __repr__(self) -> str:
        return f"Embeddings({len(self)} words, dim {self.dim})"

    def lookup(self, tokens) -> np.ndarray:
        """Stack the vectors of ``tokens`` into an array of shape ``(len(tokens), d)``."""
        tokens = check_tokens("tokens", tokens)
        missing = sorted({t for t in tokens if t not in self.index})
        if missing:
            raise ValueError(f"tokens holds words with no vector: {missing[:10]}")
        return self.vectors[[self.index[t] for t in tokens]]

    def _position(self, name: str, word) -> int:
        if not isinstance(word, str):
            raise TypeError(f"{name} must be a str, got {type(word).__name__}")
        if word not in self.index:
            raise ValueError(f"{name} {word!r} is not in the vocabulary ({len(self)} words)")
        return self.index[word]


def _as_float_array(name: str, value) -> np.ndarray:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a string")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return arr


def _check_embeddings(name: str, embeddings) -> Embeddings:
    if not isinstance(embeddings, Embeddings):
        raise TypeError(f"{name} must be an Embeddings (e.g. story_embeddings()), "
                        f"got {type(embeddings).__name__}")
    return embeddings


# --------------------------------------------------------------------------- similarity


def _rescaled(v: np.ndarray) -> np.ndarray:
    """``v`` with every row whose largest entry is extreme (beyond 1e+-100) divided by it."""
    big = np.abs(v).max(axis=-1, keepdims=True)
    extreme = (big > 1e100) | ((big < 1e-100) & (big > 0))
    return np.where(extreme, v / np.where(extreme, big, 1.0), v) if extreme.any() else v


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
    a = _as_float_array("a", a)
    b = _as_float_array("b", b)
    for name, arr in (("a", a), ("b", b)):
        if arr.ndim not in (1, 2) or arr.shape[-1] == 0 or arr.size == 0:
            raise ValueError(f"{name} must be a vector (d,) or a matrix (n, d) with d >= 1; "
                             f"got shape {arr.shape}")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"a and b must have the same last dimension d; got shapes {a.shape} "
                         f"and {b.shape}")
    a, b = _rescaled(a), _rescaled(b)  # |v| of a 1e200 vector overflows, of 1e-200 underflows
    na = np.linalg.norm(a, axis=-1)
    nb = np.linalg.norm(b, axis=-1)
    for name, norms in (("a", na), ("b", nb)):
        if np.any(norms == 0):
            raise ValueError(f"{name} holds a zero vector: its cosine similarity is undefined")
    sims = (a / na[..., None]) @ (b / nb[..., None]).T  # (n, d) @ (d, m) -> (n, m)
    sims = np.clip(sims, -1.0, 1.0)
    return float(sims) if sims.ndim == 0 else sims


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
    dim = check_int("dim", dim, minimum=1)
    pairs = check_int("pairs", pairs, minimum=1)
    check_memory("dim and pairs", 2 * dim * pairs)
    rng = check_rng("rng", rng)
    check_choice("distribution", distribution, ("normal", "uniform"))
    draw = rng.standard_normal if distribution == "normal" else rng.random
    x = draw((pairs, dim))
    y = draw((pairs, dim))
    norms = np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)
    return np.clip(np.einsum("pd,pd->p", x, y) / norms, -1.0, 1.0)


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
    t = _as_float_array("t", t)
    dim = check_int("dim", dim, minimum=2)
    log_norm = math.lgamma(dim / 2) - 0.5 * math.log(math.pi) - math.lgamma((dim - 1) / 2)
    inside = np.abs(t) <= 1
    base = np.where(inside, 1.0 - np.square(np.where(inside, t, 0.0)), 1.0)
    with np.errstate(divide="ignore"):
        density = math.exp(log_norm) * np.power(base, (dim - 3) / 2)
    return np.where(inside, density, 0.0)


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
    words = check_tokens("words", words)
    dim = check_int("dim", dim, minimum=1)
    check_memory("dim", len(words) * dim)
    rng = check_rng("rng", rng)
    return Embeddings(words, rng.standard_normal((len(words), dim)))


# --------------------------------------------------------------------------- counting


def frequent_words(tokens, size: int) -> tuple[str, ...]:
    """The ``size`` most frequent tokens, most frequent first, ties in alphabetical order.

    >>> frequent_words("b a c a b a".split(), 2)
    ('a', 'b')
    """
    tokens = check_tokens("tokens", tokens)
    size = check_int("size", size, minimum=1)
    counts = Counter(tokens)
    return tuple(sorted(counts, key=lambda w: (-counts[w], w))[:size])


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
    tokens = check_tokens("tokens", tokens)
    window = min(check_int("window", window, minimum=1), max(len(tokens) - 1, 1))  # no pair is further
    vocab = check_tokens("vocab", vocab)
    if not vocab:
        raise ValueError("vocab must hold at least one word")
    if len(set(vocab)) != len(vocab):
        raise ValueError("vocab must hold distinct words")
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
    counts = _as_float_array("counts", counts)
    if counts.ndim != 2 or counts.size == 0:
        raise ValueError(f"counts must be a non-empty 2-D matrix, got shape {counts.shape}")
    if np.any(counts < 0):
        raise ValueError("counts must be >= 0 (they are counts)")
    if counts.max() == 0:
        raise ValueError("counts must not be all zero: nothing was counted")
    if not 1e-100 < counts.max() < 1e100:
        counts = counts / counts.max()  # PPMI is scale-free; this keeps sums of 1e300s finite
    total = counts.sum()
    rows = counts.sum(axis=1)
    cols = counts.sum(axis=0)
    seen = counts > 0
    expected = np.outer(rows, cols)  # (W, C): N^2 P(w) P(c)
    out = np.zeros_like(counts)
    out[seen] = np.log2(counts[seen] * total / expected[seen])
    return np.maximum(out, 0.0)


# --------------------------------------------------------------------------- SVD


def _fix_signs(u: np.ndarray) -> np.ndarray:
    """Flip each column so that its largest-magnitude entry is positive (first one if tied).

    A singular vector is only defined up to sign (u and -u are both right); fixing the sign
    makes the result the same on every machine and BLAS.
    """
    biggest = np.argmax(np.abs(u), axis=0)
    signs = np.sign(u[biggest, np.arange(u.shape[1])])
    signs[signs == 0] = 1.0
    return u * signs


def svd_embeddings(matrix, dim: int, power: float = 0.5) -> np.ndarray:
    """Row vectors from the truncated SVD ``matrix ~ U_d S_d V_d^T``: returns ``U_d S_d^power``.

    Keeps the ``dim`` largest singular values (descending) and their left singular vectors;
    row ``i`` is the embedding of word ``i``. ``power`` weights the directions: 1 gives
    ``U S`` (= ``matrix @ V_d``), 0 gives the orthonormal ``U``; 0.5 (the default) usually
    gives better word similarities (Levy, Goldberg and Dagan, 2015).

    Each singular vector is only defined up to sign, so the sign of every column is fixed
    (its largest-magnitude entry is positive): the same input gives the same output on every
    machine. A symmetric matrix (such as PPMI of symmetric counts) uses the faster symmetric
    eigendecomposition (singular values are the absolute eigenvalues); any other matrix uses
    ``np.linalg.svd``.

    Args:
        matrix: a finite (W, C) array.
        dim: how many dimensions to keep, 1 <= dim <= min(W, C).
        power: exponent on the singular values, in [0, 1].

    Returns:
        a float array of shape (W, dim).

    >>> svd_embeddings([[3.0, 0.0], [0.0, -2.0]], 2, power=1.0).tolist()
    [[3.0, 0.0], [0.0, 2.0]]
    """
    matrix = _as_float_array("matrix", matrix)
    if matrix.ndim != 2 or matrix.size == 0:
        raise ValueError(f"matrix must be a non-empty 2-D array, got shape {matrix.shape}")
    dim = check_int("dim", dim, minimum=1, maximum=min(matrix.shape))
    power = check_float("power", power, minimum=0, maximum=1)
    if matrix.shape[0] == matrix.shape[1] and np.array_equal(matrix, matrix.T):
        eigenvalues, q = np.linalg.eigh(matrix)  # matrix = Q diag(lambda) Q^T
        order = np.argsort(-np.abs(eigenvalues), kind="stable")[:dim]
        singular, u = np.abs(eigenvalues[order]), q[:, order]
    else:
        u_full, s_full, _ = np.linalg.svd(matrix, full_matrices=False)
        singular, u = s_full[:dim], u_full[:, :dim]
    return _fix_signs(u) * singular**power


def pca_2d(vectors) -> np.ndarray:
    """Project row vectors onto their two main directions (PCA): shape (n, d) -> (n, 2).

    The rows are centred, then projected on the first two right singular vectors, each sign
    fixed (largest-magnitude loading positive) so the picture is the same on every machine.

    >>> pca_2d([[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]]).round(3).tolist()
    [[-1.0, -0.5], [1.0, -0.5], [-1.0, 0.5], [1.0, 0.5]]
    """
    vectors = _as_float_array("vectors", vectors)
    if vectors.ndim != 2 or vectors.shape[0] < 2 or vectors.shape[1] < 2:
        raise ValueError(f"vectors must have shape (n, d) with n >= 2 and d >= 2, "
                         f"got {vectors.shape}")
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = _fix_signs(vt[:2].T)  # (2, d) -> (d, 2): one column per principal direction
    return centred @ axes  # (n, d) @ (d, 2) -> (n, 2)


# --------------------------------------------------------------------------- using them


def _ranked(sims: np.ndarray, words, exclude: set[int], k: int) -> list[tuple[str, float]]:
    """Top ``k`` (word, similarity) pairs, most similar first, ties in alphabetical order."""
    candidates = [i for i in range(len(words)) if i not in exclude]
    candidates.sort(key=lambda i: (-sims[i], words[i]))
    return [(words[i], float(sims[i])) for i in candidates[:k]]


def nearest(word: str, embeddings: Embeddings, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` words whose vectors have the highest cosine similarity with ``word``'s.

    Returns ``[(word, cosine), ...]``, most similar first (ties in alphabetical order);
    the word itself is left out.

    >>> emb = Embeddings(["cat", "dog", "bread"], [[1, 0.1], [1, 0.3], [0, 1]])
    >>> [w for w, _ in nearest("cat", emb, k=2)]
    ['dog', 'bread']
    """
    embeddings = _check_embeddings("embeddings", embeddings)
    i = embeddings._position("word", word)
    k = check_int("k", k, minimum=1, maximum=max(1, len(embeddings) - 1))
    if len(embeddings) < 2:
        raise ValueError("embeddings must hold at least 2 words to have a neighbour")
    sims = embeddings._unit @ embeddings._unit[i]  # (V, d) @ (d,) -> (V,)
    return _ranked(np.clip(sims, -1.0, 1.0), embeddings.words, {i}, k)


def analogy(a: str, b: str, c: str, embeddings: Embeddings, k: int = 1,
            exclude_inputs: bool = True) -> list[tuple[str, float]]:
    """Answer "``a`` is to ``b`` as ``c`` is to ?" with the vector ``b - a + c``.

    The three vectors are normalised to length 1 first; candidates are ranked by their cosine
    with ``b - a + c`` (the "3CosAdd" method of Mikolov et al., 2013). By convention the three
    input words are not allowed as answers (``exclude_inputs=True``): without that rule the
    answer is very often ``c`` itself.

    Returns ``[(word, cosine), ...]`` with ``k`` entries, best first.

    >>> emb = Embeddings(["man", "woman", "king", "queen"],
    ...                  [[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]])
    >>> analogy("man", "woman", "king", emb)[0][0]
    'queen'
    """
    embeddings = _check_embeddings("embeddings", embeddings)
    positions = [embeddings._position(name, w) for name, w in (("a", a), ("b", b), ("c", c))]
    exclude = set(positions) if exclude_inputs else set()
    k = check_int("k", k, minimum=1, maximum=max(1, len(embeddings) - len(exclude)))
    if len(embeddings) <= len(exclude):
        raise ValueError("embeddings must hold at least one word besides a, b and c")
    unit = embeddings._unit
    target = unit[positions[1]] - unit[positions[0]] + unit[positions[2]]  # (d,)
    norm = np.linalg.norm(target)
    if norm == 0:
        raise ValueError("a, b and c give b - a + c = 0: no direction to search")
    sims = np.clip(unit @ (target / norm), -1.0, 1.0)  # (V, d) @ (d,) -> (V,)
    return _ranked(sims, embeddings.words, exclude, k)


# --------------------------------------------------------------------------- the stories


@lru_cache(maxsize=1)
def _story_tokens() -> tuple[str, ...]:
    from lmcore.corpus import load_stories, words

    return tuple(words(load_stories()))


@lru_cache(maxsize=8)
def story_matrices(window: int = STORY_WINDOW,
                   vocab_size: int = STORY_VOCAB_SIZE) -> tuple[tuple[str, ...], np.ndarray,
                                                                 np.ndarray]:
    """``(vocab, counts, ppmi)`` for the stories: the ``vocab_size`` most frequent words,
    their (V, V) co-occurrence counts within ``window`` and the PPMI matrix (bits).

    Cached per ``(window, vocab_size)`` (the last 8, about 16 MB each); the arrays are
    read-only.

    >>> vocab, counts, weights = story_matrices(2, 50)
    >>> vocab[:3], counts.shape, weights.shape
    (('the', 'and', 'a'), (50, 50), (50, 50))
    """
    window = check_int("window", window, minimum=1, maximum=20)
    vocab_size = check_int("vocab_size", vocab_size, minimum=2, maximum=2000)  # (V, V): keep them quick
    tokens = _story_tokens()
    vocab = frequent_words(tokens, vocab_size)
    counts = cooccurrence(tokens, window, vocab)
    weights = ppmi(counts)
    counts.setflags(write=False)
    weights.setflags(write=False)
    return vocab, counts, weights


@lru_cache(maxsize=8)
def _story_vectors(window: int, vocab_size: int, power: float) -> tuple[tuple[str, ...],
                                                                        np.ndarray]:
    vocab, _, weights = story_matrices(window, vocab_size)
    keep = np.any(weights > 0, axis=1)  # a word never seen above chance has no direction
    words = tuple(w for w, kept in zip(vocab, keep) if kept)
    vectors = svd_embeddings(weights[np.ix_(keep, keep)], min(STORY_MAX_DIM, len(words)), power)
    vectors.setflags(write=False)
    return words, vectors


def story_embeddings(dim: int = STORY_DIM, window: int = STORY_WINDOW,
                     vocab_size: int = STORY_VOCAB_SIZE, power: float = 0.5) -> Embeddings:
    """Embeddings of the course's stories, learned by PPMI + SVD, in one call.

    Defaults, chosen for 55,000 words of text: the ``vocab_size = 1000`` most frequent words
    (each seen at least 6 times; rarer words have too few neighbours to place them),
    ``window = 2`` words on each side (close neighbours: nouns come out near nouns of the
    same kind), ``dim = 50`` (fewer merges unrelated words, more keeps noise), and
    ``power = 0.5`` (see :func:`svd_embeddings`). A word whose PPMI row is all zero would have
    no direction and is left out (none is, with the defaults).

    The counts and the SVD are cached per ``(window, vocab_size, power)``: the first call
    takes a fraction of a second, a change of ``dim`` alone is instant, and the first
    ``dim`` columns never depend on how many were asked for.

    >>> emb = story_embeddings()
    >>> emb, "king" in emb
    (Embeddings(1000 words, dim 50), True)
    """
    dim = check_int("dim", dim, minimum=1, maximum=STORY_MAX_DIM)
    power = check_float("power", power, minimum=0, maximum=1)
    words, vectors = _story_vectors(check_int("window", window, minimum=1, maximum=20),
                                    check_int("vocab_size", vocab_size, minimum=2),
                                    float(power))
    if dim > vectors.shape[1]:
        raise ValueError(f"dim must be <= {vectors.shape[1]} for {len(words)} words, got {dim}")
    return Embeddings(words, vectors[:, :dim])  # (V, max_dim) -> (V, dim): strongest first
