"""Exercises of notebook 08 (tokenization and vocabulary)."""

from lmcore.exercises._core import register
from lmcore.tokenizers import Vocabulary, count_pairs, merge_pair


def _most_frequent_pair(seqs):
    counts = count_pairs(seqs)
    return min(counts, key=lambda p: (-counts[p], p))


def _oov_rate(train_tokens, test_tokens, min_freq):
    return Vocabulary(train_tokens, min_freq=min_freq).oov_rate(test_tokens)


_CAT = list(b"the cat sat on the mat")
_SENT = "the cat sat on the mat".split()
_MORE = "the dog chased the cat and the cat chased the bird".split()

register(
    "most_frequent_pair",
    _most_frequent_pair,
    cases=[
        ([[1, 2, 3, 1, 2]],),
        ([[1, 2], [3, 1, 2], [3, 1]],),
        ([[5, 5, 5, 5]],),
        ([[9, 8], [1, 2]],),
        ([[1, 1, 1, 5, 6, 5, 6]],),
        ([[5, 2], [3, 5, 2], [3, 5, 2], [3]],),
        ([_CAT],),
    ],
    hint="count every adjacent pair (a, b) = (seq[i], seq[i + 1]) inside each sequence (never "
    "across two); overlapping pairs count too ([1, 1, 1] holds (1, 1) twice); among the most "
    "frequent, return the smallest pair (min of the tuples)",
)
register(
    "merge_pair",
    merge_pair,
    cases=[
        ([1, 2, 3, 1, 2], (1, 2), 9),
        ([7, 7, 7], (7, 7), 8),
        ([7, 7, 7, 7], (7, 7), 8),
        ([1, 2], (2, 1), 5),
        ([], (1, 2), 3),
        (_CAT, (116, 104), 256),
    ],
    hint="walk left to right; where ids[i], ids[i + 1] is the pair, append new_id and jump two "
    "places, otherwise append ids[i] and move one place",
)
register(
    "oov_rate",
    _oov_rate,
    cases=[
        (_SENT, _MORE, 1),
        (_MORE, _SENT, 1),
        (_MORE, _SENT, 2),
        (_MORE, _MORE, 3),
        (_MORE, ["the", "unicorn"], 5),
    ],
    hint="count the training tokens; a test token is out of vocabulary when its training count "
    "is below min_freq; return the share of test tokens (in [0, 1]) that are out",
    describe=lambda args: f"{len(args[0])} train tokens, {len(args[1])} test tokens, "
    f"min_freq={args[2]}",
)
