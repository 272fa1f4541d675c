"""lmcore.completer (NextWordCompleter) and lmcore.completer_fast (FastNextWordCompleter):
equal to each other on random corpora, and equal to a brute-force recount of the sentences."""

from __future__ import annotations

import pytest
from autocomplete_references import BruteBackoff, stories
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import ngram, ngram_fast
from lmcore.completer import NextWordCompleter
from lmcore.completer_fast import FastNextWordCompleter
from lmcore.trie import Trie
from lmcore.trie_fast import FastTrie

COMPLETERS = pytest.mark.parametrize("cls", [NextWordCompleter, FastNextWordCompleter],
                                     ids=["plain", "fast"])
word_st = st.sampled_from(["a", "ab", "abc", "b", "ba", "bb", "c", "ca"])


@settings(max_examples=80, deadline=None)
@given(sentences=st.lists(st.lists(word_st, min_size=1, max_size=6), min_size=1, max_size=8),
       n=st.integers(1, 3), smoothing=st.sampled_from(["mle", "add-k", "kneser-ney"]),
       history=st.lists(st.sampled_from(["a", "ab", "b", "c", "zz"]), max_size=3),
       prefix=st.sampled_from(["", "a", "ab", "b", "c", "z"]), k=st.integers(1, 6),
       cache_size=st.integers(1, 3))
def test_plain_and_fast_give_the_same_suggestions(sentences, n, smoothing, history, prefix, k,
                                                  cache_size):
    model = ngram_fast.NGramModel(n, smoothing=smoothing).fit(sentences)
    trie = Trie.from_words([w for s in sentences for w in s] + ["cab"])
    plain = NextWordCompleter(model, fallback=NextWordCompleter(ngram.NGramModel(1).fit(sentences),
                                                                fallback=trie))
    fast = FastNextWordCompleter(model, cache_size=cache_size, fallback=FastNextWordCompleter(
        ngram_fast.NGramModel(1).fit(sentences), fallback=FastTrie.from_words(
            [w for s in sentences for w in s] + ["cab"])))
    for h in [history, history[:1], []]:  # repeated contexts go through the cache
        assert plain.explain(h, prefix, k) == fast.explain(h, prefix, k)
        assert plain.suggest(h, prefix, k) == fast.suggest(h, prefix, k)
    assert plain.context_size == fast.context_size == max(n - 1, 0)


@COMPLETERS
def test_next_word_completer_by_hand(cls):
    sentences = [["the", "cat", "sat"], ["the", "cow", "sat"], ["the", "cat", "ran"], ["a", "cat"]]
    model = ngram_fast.NGramModel(2).fit(sentences)
    fallback = Trie.from_counts({"cab": 5, "cat": 3, "cot": 1, "dog": 9})
    c = cls(model, fallback=fallback)
    # after 'the': cat 2/3, cow 1/3; then the trie's 'c' words not yet offered: cab
    assert c.suggest(["the"], "c", 3) == ["cat", "cow", "cab"]
    assert c.suggest(["the"], "", 1) == ["cat"]
    # after <s>: the 3/4, a 1/4
    assert c.suggest([], "", 5) == ["the", "a", "dog", "cab", "cat"]
    # 'ran' was only seen at the end of a sentence: </s> is never offered, the trie fills in
    assert c.suggest(["cat", "ran"], "", 2) == ["dog", "cab"]
    # a context never seen: MLE has no distribution there, only the fallback speaks
    assert c.suggest(["unknown"], "c", 2) == ["cab", "cat"]
    assert cls(model).suggest(["unknown"], "c", 2) == []
    explained = c.explain(["the"], "c", 3)
    assert [(w, s) for w, _, s in explained] == [("cat", "2-gram"), ("cow", "2-gram"),
                                                ("cab", "frequency")]
    assert explained[0][1] == pytest.approx(2 / 3) and explained[1][1] == pytest.approx(1 / 3)
    assert explained[2][1] == pytest.approx(5 / 18)
    assert c.context_size == 1 and c.name == "2-gram"
    assert c.context(["x", "the"]) == ("the",) and c.context([]) == ("<s>",)


@COMPLETERS
def test_ranking_follows_model_distribution_for_every_smoothing(cls):
    train, test, _ = stories()
    for model in [ngram_fast.NGramModel(2).fit(train[:300]),
                  ngram_fast.NGramModel(2, smoothing="kneser-ney").fit(train[:300]),
                  ngram_fast.NGramModel(3, smoothing="add-k", k=0.1).fit(train[:300])]:
        completer = cls(model) if cls is NextWordCompleter else cls(model, cache_size=2)
        for s in test[:8]:
            for j in range(len(s)):
                history = s[:j]
                ctx = (["<s>"] * (model.n - 1) + history)[j:]
                try:
                    dist = model.distribution(ctx)
                except ValueError:
                    dist = {}
                ranked = [w for w in dist if w not in ("</s>", "<unk>")]
                for prefix in ["", s[j][:1], s[j][:2]]:
                    expected = [w for w in ranked if w.startswith(prefix)][:4]
                    assert completer.suggest(history, prefix, 4) == expected


@COMPLETERS
def test_backoff_chain_equals_brute_force_recount(cls):
    train, test, counts = stories()
    trie = FastTrie.from_counts(counts)
    trigram = cls(ngram_fast.NGramModel(3).fit(train),
                  fallback=cls(ngram_fast.NGramModel(2).fit(train), fallback=trie))
    reference = BruteBackoff(train, [3, 2])
    for s in test[:10 if cls is NextWordCompleter else 25]:
        for j in range(len(s)):
            for prefix in ["", s[j][:1], s[j][:2]]:
                assert (trigram.suggest(s[:j], prefix, 5)
                        == reference.suggest(s[:j], prefix, 5)), (s[:j], prefix)


@COMPLETERS
def test_next_word_completer_bad_input(cls):
    train, _, _ = stories()
    model = ngram_fast.NGramModel(2).fit(train[:50])
    with pytest.raises(TypeError, match="model"):
        cls({"a": 1})
    with pytest.raises(ValueError, match="model"):
        cls(ngram.NGramModel(2))
    with pytest.raises(TypeError, match="fallback"):
        cls(model, fallback={"a": 1})
    c = cls(model)
    with pytest.raises(TypeError, match="history"):
        c.suggest("the king", "", 3)
    with pytest.raises(TypeError, match="prefix"):
        c.suggest(["the"], None, 3)
    with pytest.raises(ValueError, match="k"):
        c.suggest(["the"], "", 0)
    with pytest.raises(TypeError, match="history"):
        c.explain(["the", 3], "", 2)
    if cls is FastNextWordCompleter:
        with pytest.raises(ValueError, match="cache_size"):
            cls(model, cache_size=0)
