"""Exercises of notebook 12 (sentiment analysis)."""

import numpy as np

from lmcore.corpus import words
from lmcore.exercises._core import register
from lmcore.sentiment import confusion_matrix


def _bag_of_words_counts(text, vocabulary):
    tokens = words(text)
    return [tokens.count(word) for word in vocabulary]


def _append_bigrams(tokens):
    return list(tokens) + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def _confusion_counts(labels, predicted):
    return confusion_matrix(labels, predicted).tolist()


def _same_table(expected, got) -> bool:
    """The same 2 x 2 counts, as nested lists or as a numpy array."""
    try:
        got = np.asarray(got)
    except (TypeError, ValueError):
        return False
    return got.shape == (2, 2) and bool(np.array_equal(got, expected))


_VOCAB = ["bad", "good", "not", "the", "very"]

register(
    "bag_of_words_counts",
    _bag_of_words_counts,
    cases=[
        ("Not good, not good at all.", _VOCAB),
        ("The food was very, very good!", _VOCAB),
        ("Terrible service.", _VOCAB),
        ("Nothing bad, though the theme is badly done: not bad.", _VOCAB),
        ("", _VOCAB),
        ("Good good GOOD", ["good"]),
    ],
    hint="split with lmcore.corpus.words(text) (lowercase words, punctuation dropped), then "
    "count each vocabulary word, in the vocabulary's order; unknown words are ignored, and a "
    "word inside another ('bad' in 'badly') is not that word",
)
register(
    "append_bigrams",
    _append_bigrams,
    cases=[
        (["not", "good"],),
        (["not", "bad", "at", "all"],),
        (["great"],),
        ([],),
        (["very", "very", "good"],),
    ],
    hint="keep the unigrams, then add each neighbouring pair joined by one space, "
    "in order: ['a', 'b', 'c'] -> ['a', 'b', 'c', 'a b', 'b c']",
)
register(
    "confusion_counts",
    _confusion_counts,
    cases=[
        ([0, 0, 1, 1], [0, 1, 1, 1]),
        ([1, 1, 1], [1, 1, 1]),
        ([0, 1, 0, 1, 0], [1, 0, 1, 0, 0]),
        ([1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, 0]),
    ],
    hint="row = true label, column = predicted label: [[true neg, false pos], "
    "[false neg, true pos]]; count all four cells, zeros included",
    compare=_same_table,
)
