"""Argument rules of the embedding modules, for :func:`lmcore.validation.validate`.

Each rule checks one argument and returns it converted; its error names the argument.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from lmcore import _checks
from lmcore.validation import Array, Rule


class VectorRows(Array):
    """A vector ``(d,)`` or a matrix of row vectors ``(n, d)`` (``ndim=2``: a matrix only),
    finite, with ``d >= 1`` and, if ``nonzero``, no all-zero row (it has no direction)."""

    def __init__(self, ndim=None, nonzero=True, optional=False):
        super().__init__(optional=optional)
        self.shape_ndim, self.nonzero = ndim, nonzero

    def check(self, name, value, checked):
        arr = super().check(name, value, checked)
        allowed = (1, 2) if self.shape_ndim is None else (self.shape_ndim,)
        if arr.ndim not in allowed or arr.shape[-1] == 0:
            what = "a vector (d,) or a matrix (n, d)" if self.shape_ndim is None else "a matrix (n, d)"
            raise ValueError(f"{name} must be {what} with d >= 1; got shape {arr.shape}")
        if self.nonzero and not np.all(np.any(arr != 0, axis=-1)):
            raise ValueError(f"{name} holds a zero vector: it has no direction, so its cosine "
                             f"similarity is undefined")
        return arr


class CountMatrix(Array):
    """A non-empty 2-D array of counts: numbers >= 0, not all zero."""

    def __init__(self, optional=False):
        super().__init__(ndim=2, optional=optional)

    def check(self, name, value, checked):
        arr = super().check(name, value, checked)
        if np.any(arr < 0):
            raise ValueError(f"{name} must be >= 0 (they are counts)")
        if not arr.any():
            raise ValueError(f"{name} must not be all zero: nothing was counted")
        return arr


class DistinctWords(Rule):
    """At least one string token, none repeated (a vocabulary), returned as a tuple."""

    def check(self, name, value, checked):
        words = tuple(_checks.check_tokens(name, value))
        if not words:
            raise ValueError(f"{name} must hold at least one word")
        if len(set(words)) != len(words):
            repeated = sorted(w for w, n in Counter(words).items() if n > 1)
            raise ValueError(f"{name} must hold distinct words; repeated: {repeated[:5]}")
        return words


class IsEmbeddings(Rule):
    """An :class:`lmcore.embeddings.Embeddings` of at least ``min_words`` words."""

    def __init__(self, min_words=1, optional=False):
        super().__init__(optional)
        self.min_words = min_words

    def check(self, name, value, checked):
        from lmcore.embeddings import Embeddings

        if not isinstance(value, Embeddings):
            raise TypeError(f"{name} must be an Embeddings (e.g. story_embeddings()), "
                            f"got {type(value).__name__}")
        if len(value) < self.min_words:
            raise ValueError(f"{name} must hold at least {self.min_words} words, "
                             f"got {len(value)}")
        return value


def vocabulary_position(name, word, embeddings) -> int:
    """The row of ``word`` in ``embeddings``; a clear error naming ``name`` if it has none."""
    if not isinstance(word, str):
        raise TypeError(f"{name} must be a str, got {type(word).__name__}")
    if word not in embeddings.index:
        raise ValueError(f"{name} {word!r} is not in the vocabulary ({len(embeddings)} words)")
    return embeddings.index[word]


class InVocabulary(Rule):
    """A word of the embeddings checked before it (the argument named ``of``)."""

    def __init__(self, of="embeddings", optional=False):
        super().__init__(optional)
        self.of = of

    def check(self, name, value, checked):
        vocabulary_position(name, value, checked[self.of])
        return value
