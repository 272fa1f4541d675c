"""Exercises of notebook 11 (autocomplete)."""

from lmcore.exercises._core import register
from lmcore.keystrokes import word_keystrokes
from lmcore.trie import Trie

_SMALL = {"the": 5, "then": 2, "they": 2, "there": 2, "cat": 3, "car": 3, "cart": 1, "a": 4}
_SENTENCE = "the cat sat on the mat and the cat ate the rat then the cat slept".split()


def _top_completions(counts, prefix, k):
    return Trie.from_counts(counts).complete(prefix, k)


def _trie_node_count(words):
    return Trie.from_words(words).node_count


def _typing_cost(word, trie, k):
    return word_keystrokes(word, [], trie, k)


register(
    "top_completions",
    _top_completions,
    cases=[(_SMALL, "th", 3), (_SMALL, "th", 10), (_SMALL, "ca", 2), (_SMALL, "", 4),
           (_SMALL, "x", 3), (_SMALL, "then", 3), ({"b": 1, "a": 1, "c": 1}, "", 2)],
    hint="keep the words that start with the prefix, sort by (-count, word) and keep the "
    "first k; return (word, count) pairs, and [] when nothing matches",
    describe=lambda args: f"counts, {args[1]!r}, k={args[2]}",
)
register(
    "trie_node_count",
    _trie_node_count,
    cases=[(["a"],), (["to", "tea", "ted", "ten", "i", "in", "inn"],), (["ab", "ab"],),
           (_SENTENCE,), (list(_SMALL),)],
    hint="a trie has one node per distinct prefix of its words, the empty prefix (the root) "
    "included: count the set {w[:i] for every word w and every i from 0 to len(w)}",
)
_TRIE = Trie.from_words(_SENTENCE)
register(
    "typing_cost",
    _typing_cost,
    cases=[("the", _TRIE, 1), ("cat", _TRIE, 1), ("cat", _TRIE, 2), ("slept", _TRIE, 1),
           ("sat", _TRIE, 3), ("dog", _TRIE, 3), ("rat", _TRIE, 1)],
    hint="for i = 0, 1, ..., len(word) - 1 ask trie.complete(word[:i], k); the first time the "
    "word is among the answers it costs i + 1 keystrokes; if never, len(word) + 1",
    describe=lambda args: f"{args[0]!r}, trie, k={args[2]}",
)
