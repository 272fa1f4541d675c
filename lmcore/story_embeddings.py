"""The course's stories as embeddings, in one call: PPMI + SVD with caching for widgets.

:func:`story_embeddings` runs the recipe of :mod:`lmcore.count_embeddings` on the stories
with the fast siblings of :mod:`lmcore.count_embeddings_fast`, and keeps the results: the
counts per ``(window, vocab_size)`` and the SVD per ``(window, vocab_size, power)``. A
widget that moves ``dim`` only slices a cached SVD.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lmcore.count_embeddings import frequent_words, ppmi
from lmcore.count_embeddings_fast import cooccurrence_fast, svd_embeddings_fast
from lmcore.embeddings import Embeddings
from lmcore.validation import Float, Int, validate

#: Defaults of :func:`story_embeddings` (see its docstring for why).
STORY_DIM = 50
STORY_WINDOW = 2
STORY_VOCAB_SIZE = 1000
#: The widest embedding :func:`story_embeddings` can return (more is noise on 55,000 words).
STORY_MAX_DIM = 200


@lru_cache(maxsize=1)
def _story_tokens() -> tuple[str, ...]:
    from lmcore.corpus import load_stories, words

    return tuple(words(load_stories()))


@validate(window=Int(min=1, max=20), vocab_size=Int(min=2, max=2000))  # (V, V): keep them quick
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
    tokens = _story_tokens()
    vocab = frequent_words(tokens, vocab_size)
    counts = cooccurrence_fast(tokens, window, vocab)
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
    vectors = svd_embeddings_fast(weights[np.ix_(keep, keep)], min(STORY_MAX_DIM, len(words)),
                                  power)
    vectors.setflags(write=False)
    return words, vectors


@validate(dim=Int(min=1, max=STORY_MAX_DIM), window=Int(min=1, max=20),
          vocab_size=Int(min=2, max=2000), power=Float(min=0, max=1))
def story_embeddings(dim: int = STORY_DIM, window: int = STORY_WINDOW,
                     vocab_size: int = STORY_VOCAB_SIZE, power: float = 0.5) -> Embeddings:
    """Embeddings of the course's stories, learned by PPMI + SVD, in one call.

    Defaults, chosen for 55,000 words of text: the ``vocab_size = 1000`` most frequent words
    (each seen at least 6 times; rarer words have too few neighbours to place them),
    ``window = 2`` words on each side (close neighbours: nouns come out near nouns of the
    same kind), ``dim = 50`` (fewer merges unrelated words, more keeps noise), and
    ``power = 0.5`` (see :func:`lmcore.count_embeddings.svd_embeddings`). A word whose PPMI
    row is all zero would have no direction and is left out (none is, with the defaults).

    The counts and the SVD are cached per ``(window, vocab_size, power)``: the first call
    takes a fraction of a second, a change of ``dim`` alone is instant, and the first
    ``dim`` columns never depend on how many were asked for.

    >>> emb = story_embeddings()
    >>> emb, "king" in emb
    (Embeddings(1000 words, dim 50), True)
    """
    words, vectors = _story_vectors(window, vocab_size, power)
    if dim > vectors.shape[1]:
        raise ValueError(f"dim must be <= {vectors.shape[1]} for {len(words)} words, got {dim}")
    return Embeddings(words, vectors[:, :dim])  # (V, max_dim) -> (V, dim): strongest first
