"""Exercises of notebook 13 (scaling laws and the challenges, measured)."""

import math

import numpy as np

from lmcore.challenges import novel_ngram_share
from lmcore.exercises._core import register


def _tokens_to_reach(E, A, alpha, target):
    if target <= E:
        return math.inf
    return (A / (target - E)) ** (1 / alpha)


def _association_score(w, group_a, group_b):
    w = np.asarray(w, dtype=float)

    def mean_cos(group):
        g = np.asarray(group, dtype=float)  # (k, d)
        return float(np.mean(g @ w / (np.linalg.norm(g, axis=1) * np.linalg.norm(w))))

    return mean_cos(group_a) - mean_cos(group_b)


register(
    "novel_ngram_share",
    novel_ngram_share,
    cases=[
        ([["a", "b", "c", "d"]], [["a", "b", "c"], ["b", "c", "x"]], 3),
        ([["the", "cat", "ran"]], [["the", "cat", "sat"]], 2),
        ([["the", "cat", "sat"], ["the", "cat", "sat"]], [["a", "cat", "sat"]], 2),
        ([["x", "y"], ["a", "b", "c"]], [["a", "b", "c"]], 3),
        ([["a", "b", "a", "b", "c"]], [["a", "b"]], 2),
        ([["a", "b"]], [["a", "b"]], 1),
    ],
    hint="collect every n-gram (a tuple of n neighbouring words, inside one sentence) of the "
    "training sentences in a set; then count, over every n-gram occurrence of the generated "
    "sentences, the share that is not in the set (an n-gram met twice counts twice); sentences "
    "shorter than n have none",
)
register(
    "tokens_to_reach",
    _tokens_to_reach,
    cases=[
        (2.0, 5.0, 0.5, 2.5),
        (2.234, 9.96, 0.84, 2.25),
        (1.0, 100.0, 1.0, 1.5),
        (2.0, 5.0, 0.5, 2.0),
        (2.0, 5.0, 0.5, 1.9),
    ],
    hint="solve target = E + A * D ** -alpha for D: D = (A / (target - E)) ** (1 / alpha); "
    "a target at or below the floor E is never reached: return math.inf",
)
register(
    "association_score",
    _association_score,
    cases=[
        ([1.0, 0.0], [[1.0, 0.0]], [[0.0, 1.0]]),
        ([1.0, 1.0], [[2.0, 0.0], [0.0, 3.0]], [[-1.0, 0.0]]),
        ([0.6, 0.8], [[1.0, 0.0]], [[0.0, 1.0], [0.0, 2.0]]),
        ([1.0, 2.0, 3.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0]]),
    ],
    hint="cosine(u, v) = u . v / (|u| |v|); average the cosine of w with every vector of "
    "group_a, the same for group_b, and return the first mean minus the second",
)
