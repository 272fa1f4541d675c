"""lmcore.trie (the plain Trie notebook 11 shows) and lmcore.trie_fast (FastTrie): equal to each
other on random word lists, and both equal to a brute-force filter-and-sort."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from autocomplete_references import SlideAutocomplete, brute_complete, brute_visits, stories
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import corpus
from lmcore.trie import Trie
from lmcore.trie_fast import FastTrie

TRIES = pytest.mark.parametrize("cls", [Trie, FastTrie], ids=["plain", "fast"])
words_st = st.text(alphabet="abc", min_size=1, max_size=5)
inserts_st = st.lists(st.tuples(words_st, st.integers(1, 4)), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(inserts=inserts_st, prefix=st.text(alphabet="abcd", max_size=3), k=st.integers(1, 8))
def test_plain_and_fast_give_the_same_answers_and_visits(inserts, prefix, k):
    plain, fast = Trie(), FastTrie()
    for word, count in inserts:
        plain.insert(word, count)
        fast.insert(word, count)
        # querying between inserts must not leave stale memoised answers or child orders
        assert plain.search(prefix, k) == fast.search(prefix, k)
    words = {w for w, _ in inserts}
    for p in {prefix} | {w[:i] for w in words for i in range(len(w) + 1)}:
        assert plain.search(p, k) == fast.search(p, k)
        assert plain.complete(p, k) == fast.complete(p, k)
        assert plain.suggest([], p, k) == fast.suggest([], p, k)
        assert plain.explain([], p, k) == fast.explain([], p, k)
    assert plain.items() == fast.items()
    assert (len(plain), plain.total, plain.node_count) == (len(fast), fast.total, fast.node_count)


@settings(max_examples=100, deadline=None)
@given(inserts=inserts_st, prefix=st.text(alphabet="abcd", max_size=3), k=st.integers(1, 8))
def test_complete_equals_brute_force_filter_and_sort(inserts, prefix, k):
    for cls in (Trie, FastTrie):
        trie = cls()
        counts = Counter()
        for word, count in inserts:
            trie.insert(word, count)
            counts[word] += count
            assert trie.complete(prefix, k) == brute_complete(counts, prefix, k)
        for p in {prefix} | {w[:i] for w in counts for i in range(len(w) + 1)}:
            answers = trie.complete(p, k)
            assert answers == brute_complete(counts, p, k)
            # the best-first search opens exactly the nodes on the paths to the answers
            assert trie.visits(p, k) == brute_visits(p, answers)
        assert len(trie) == len(counts) and trie.total == sum(counts.values())
        assert trie.items() == sorted(counts.items())
        assert trie.node_count == len({w[:i] for w in counts for i in range(len(w) + 1)})
        assert all(trie.count(w) == c and w in trie for w, c in counts.items())


@TRIES
def test_complete_on_the_stories_vocabulary_equals_brute_force(cls):
    _, _, counts = stories()
    trie = cls.from_counts(counts)
    prefixes = sorted({w[:i] for w in counts for i in range(3)} | {"bre"})
    for p in prefixes:
        answers = trie.complete(p, 5)
        assert answers == brute_complete(counts, p, 5), p
        assert trie.visits(p, 5) == brute_visits(p, answers), p
    assert trie.complete("bre", 4) == brute_complete(counts, "bre", 4)
    # the numbers notebook 11 prints about the trie
    assert (len(trie), trie.total) == (len(counts), sum(counts.values()))
    assert trie.node_count == len({w[:i] for w in counts for i in range(len(w) + 1)})


@TRIES
def test_search_work_does_not_grow_with_the_vocabulary(cls):
    base = ["the", "then", "they", "there", "cat", "car"]
    trie = cls.from_words(base)
    before = [trie.visits(p, 3) for p in ["", "t", "th", "the", "c"]]
    for i in range(3000):  # many rarer words elsewhere in the alphabet
        trie.insert("z" + format(i, "b"))
    assert [trie.visits(p, 3) for p in ["t", "th", "the", "c"]] == before[1:]
    assert trie.visits("", 3) == before[0]  # the 3 answers are unchanged, and so is the work
    assert trie.complete("", 3) == [("car", 1), ("cat", 1), ("the", 1)]


@TRIES
def test_visits_counts_the_nodes_touched(cls):
    trie = cls.from_words("the then cat".split())
    assert trie.visits("th", 1) == 4  # root, t, h, e
    assert trie.visits("", 10) == trie.node_count  # everything
    assert trie.visits("x", 3) == 1
    assert cls().search("", 3) == ([], 0)  # an empty trie opens nothing


@TRIES
def test_complete_edge_cases(cls):
    trie = cls.from_counts({"a": 2, "ab": 2, "abc": 5, "b": 1})
    assert trie.complete("ab", 5) == [("abc", 5), ("ab", 2)]  # the prefix itself competes
    assert trie.complete("abcd", 5) == []
    assert trie.complete("", 1) == [("abc", 5)]
    assert cls().complete("", 3) == [] and len(cls()) == 0
    answers = trie.complete("a", 2)
    answers.append(("junk", 0))  # the caller's list is a copy
    assert trie.complete("a", 2) == [("abc", 5), ("a", 2)]
    assert "ac" not in trie and 3 not in trie
    assert trie.explain(["x"], "a", 1) == [("abc", 5 / 10, "frequency")]
    assert trie.count(np.str_("abc")) == 5 and trie.complete("a", np.int64(1)) == [("abc", 5)]


@TRIES
def test_slide_example_and_its_tie_order(cls):
    text = "The quick brown fox jumps over the lazy dog"
    slide = SlideAutocomplete()
    for word in re.findall(r"\w+", text.lower()):
        slide.add_word(word)
    trie = cls.from_words(corpus.words(text))
    assert sorted(slide.find_words("th"), reverse=True)[:3] == [(2, "the")]
    assert trie.complete("th", 3) == [("the", 2)]
    assert repr(trie) == f"{cls.__name__}(8 words, 9 occurrences, 33 nodes)"
    assert trie.node_count == len({w[:i] for w in corpus.words(text) for i in range(len(w) + 1)})
    slide_top = [(w, f) for f, w in sorted(slide.find_words(""), reverse=True)[:3]]
    assert slide_top == [("the", 2), ("quick", 1), ("over", 1)]
    assert trie.complete("", 3) == brute_complete(Counter(corpus.words(text)), "", 3)
    assert trie.complete("", 3) == [("the", 2), ("brown", 1), ("dog", 1)]


def test_tie_pitfall_on_the_stories():
    _, _, counts = stories()
    trie = Trie.from_counts(counts)
    for p in ["g", "gr", "be", "kn"]:
        slide = [(w, c) for c, w in sorted(((c, w) for w, c in counts.items()
                                            if w.startswith(p)), reverse=True)[:3]]
        assert trie.complete(p, 3) == brute_complete(counts, p, 3) != slide


@TRIES
def test_trie_bad_input(cls):
    trie = cls()
    with pytest.raises(ValueError, match="word"):
        trie.insert("")
    with pytest.raises(TypeError, match="word"):
        trie.insert(3)
    with pytest.raises(ValueError, match="count"):
        trie.insert("a", 0)
    with pytest.raises(TypeError, match="count"):
        trie.insert("a", True)
    with pytest.raises(TypeError, match="count"):
        trie.insert("a", 1.5)
    with pytest.raises(ValueError, match="k"):
        trie.complete("a", 0)
    with pytest.raises(TypeError, match="prefix"):
        trie.complete(None, 3)
    with pytest.raises(TypeError, match="prefix"):
        trie.visits(["a"], 3)
    with pytest.raises(TypeError, match="counts"):
        cls.from_counts([("a", 1)])
    with pytest.raises(ValueError, match="counts"):
        cls.from_counts({"a": 0})
    with pytest.raises(ValueError, match="counts"):
        cls.from_counts({"": 2})
    with pytest.raises(TypeError, match="words"):
        cls.from_words("a single string")
    with pytest.raises(ValueError, match="word"):
        cls.from_words(["a", ""])
    with pytest.raises(TypeError, match="word"):
        trie.count(None)
    with pytest.raises(TypeError, match="history"):
        trie.suggest("the", "t", 3)
    with pytest.raises(TypeError, match="history"):
        trie.explain(None, "t", 3)
    assert len(trie) == 0 and trie.total == 0  # nothing half-inserted
