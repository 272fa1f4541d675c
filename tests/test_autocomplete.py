"""lmcore.autocomplete (and notebook 11's figures, panel and exercises) against brute force.

The references here share no code with lmcore.autocomplete: completions are a filter and a
sort over a dict of counts, n-gram rankings are recounted from the padded training
sentences, and typing is simulated letter by letter.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import ipywidgets
import matplotlib.pyplot as plt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import corpus
from lmcore.autocomplete import (
    NextWordCompleter,
    Trie,
    keystroke_counts,
    keystrokes_saved,
    keystrokes_saved_by_k,
    split_typed,
    word_keystrokes,
)
from lmcore.exercises import check, passes
from lmcore.ngram import NGramModel
from lmcore.plotting.autocomplete import keystrokes_figure, search_cost_figure, suggestions_text
from lmcore.widgets.autocomplete import autocomplete_panel

# ---------------------------------------------------------------------------- references


def brute_complete(counts, prefix, k):
    """Filter-and-sort: the k most frequent words starting with prefix, ties alphabetical."""
    matching = [(w, c) for w, c in counts.items() if w.startswith(prefix) and c > 0]
    return sorted(matching, key=lambda wc: (-wc[1], wc[0]))[:k]


def brute_visits(prefix, answers):
    """Nodes on the walk to the prefix (root excluded) plus the distinct nodes from the
    prefix's node down to each answer: what a best-first search must open, and no more."""
    if not answers:
        return len(prefix)
    below = {w[:i] for w, _ in answers for i in range(len(prefix), len(w) + 1)}
    return len(prefix) + len(below)


class SlideAutocomplete:
    """The slide's trie of dicts, as printed on the slide (the reference for its example)."""

    def __init__(self):
        self.trie = {}
        self.word_freq = defaultdict(int)

    def add_word(self, word):
        word = word.lower()
        self.word_freq[word] += 1
        node = self.trie
        for char in word:
            node = node.setdefault(char, {})
        node["$"] = word

    def find_words(self, prefix):
        node = self.trie
        for char in prefix.lower():
            if char not in node:
                return []
            node = node[char]
        return self._dfs(node)

    def _dfs(self, node):
        results = []
        if "$" in node:
            results.append((self.word_freq[node["$"]], node["$"]))
        for char, child in node.items():
            if char != "$":
                results.extend(self._dfs(child))
        return results


class BruteBackoff:
    """Next-word suggestions recounted from the sentences: for each order in ``orders``
    (highest first), the words seen after the last n - 1 words ranked by count (= MLE
    probability), then plain word frequency; no repeats, no ``</s>``."""

    def __init__(self, sentences, orders):
        self.orders = list(orders)
        self.tables = {}
        for n in self.orders:
            table = defaultdict(Counter)
            for s in sentences:
                padded = ["<s>"] * (n - 1) + s + ["</s>"]
                for i in range(n - 1, len(padded)):
                    table[tuple(padded[i - n + 1 : i])][padded[i]] += 1
            self.tables[n] = {}
            for ctx, c in table.items():  # ranked words, and the same split by first letter
                ranked = [w for w, _ in sorted(c.items(), key=lambda wc: (-wc[1], wc[0]))]
                by_letter = {"": ranked}
                for w in ranked:
                    by_letter.setdefault(w[0], []).append(w)
                self.tables[n][ctx] = by_letter
        unigram = Counter(w for s in sentences for w in s)
        self.by_prefix = defaultdict(list)  # every prefix -> its words, ranked
        for w, _ in sorted(unigram.items(), key=lambda wc: (-wc[1], wc[0])):
            for i in range(len(w) + 1):
                self.by_prefix[w[:i]].append(w)
        self.context_size = max([n - 1 for n in self.orders] + [0])

    def suggest(self, history, prefix, k):
        out = []
        for n in self.orders:
            ctx = tuple((["<s>"] * (n - 1) + list(history))[len(history):]) if n > 1 else ()
            candidates = self.tables[n].get(ctx, {}).get(prefix[:1], [])
            for w in [w for w in candidates if w.startswith(prefix)]:
                if len(out) >= k:
                    return out
                if w != "</s>" and w not in out:
                    out.append(w)
        for w in self.by_prefix.get(prefix, []):
            if len(out) >= k:
                break
            if w not in out:
                out.append(w)
        return out[:k]


def brute_keystrokes(sentences, suggest, ks, context_size=None):
    """Type every word letter by letter; accept it (1 key) as soon as it is among the first
    k offered. Returns ``({k: keystrokes}, keystrokes without help)``.

    The reference completers return the first k of one fixed ranked list, so one list of
    max(ks) answers serves every k. Answers are memoised on the last ``context_size`` words
    (all of them if None), the only part of the history the reference completers read."""
    ks = [ks] if isinstance(ks, int) else list(ks)
    top = max(ks)
    typed = dict.fromkeys(ks, 0)
    plain = 0
    memo = {}
    for s in sentences:
        for j, word in enumerate(s):
            plain += len(word) + 1
            start = 0 if context_size is None else max(0, j - context_size)
            for k in ks:
                cost = len(word) + 1
                for i in range(len(word)):
                    key = (tuple(s[start:j]), word[:i])
                    if key not in memo:
                        memo[key] = suggest(s[:j], word[:i], top)
                    if word in memo[key][:k]:
                        cost = i + 1
                        break
                typed[k] += cost
    return typed, plain


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def stories():
    sentences = corpus.tokenized_sentences(corpus.load_stories())
    train, test = corpus.train_test_split(sentences, 0.1, seed=0)
    counts = Counter(w for s in train for w in s)
    return train, test, counts


@pytest.fixture(scope="module")
def completers(stories):
    """The four completers of notebook 11, built exactly as there."""
    train, _, counts = stories
    trie = Trie.from_counts(counts)
    bigram = NextWordCompleter(NGramModel(2).fit(train), fallback=trie)
    trigram_model = NGramModel(3).fit(train)
    return {
        "trie": trie,
        "bigram": bigram,
        "trigram_only": NextWordCompleter(trigram_model, fallback=trie),
        "trigram": NextWordCompleter(trigram_model, fallback=bigram),
    }


# ---------------------------------------------------------------------------- Trie

words_st = st.text(alphabet="abc", min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(inserts=st.lists(st.tuples(words_st, st.integers(1, 4)), min_size=1, max_size=30),
       prefix=st.text(alphabet="abcd", max_size=3), k=st.integers(1, 8))
def test_complete_equals_brute_force_filter_and_sort(inserts, prefix, k):
    trie = Trie()
    counts = Counter()
    for word, count in inserts:
        trie.insert(word, count)
        counts[word] += count
        # querying between inserts must not leave stale cached answers or orders
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


def test_complete_on_the_stories_vocabulary_equals_brute_force(stories):
    _, _, counts = stories
    trie = Trie.from_counts(counts)
    prefixes = sorted({w[:i] for w in counts for i in range(3)} | {"bre"})
    for p in prefixes:
        answers = trie.complete(p, 5)
        assert answers == brute_complete(counts, p, 5), p
        assert trie.visits(p, 5) == brute_visits(p, answers), p
    assert trie.complete("bre", 4) == brute_complete(counts, "bre", 4)
    # the numbers notebook 11 prints about the trie
    assert (len(trie), trie.total) == (len(counts), sum(counts.values()))
    assert trie.node_count == len({w[:i] for w in counts for i in range(len(w) + 1)})


def test_search_work_does_not_grow_with_the_vocabulary():
    base = ["the", "then", "they", "there", "cat", "car"]
    trie = Trie.from_words(base)
    before = [trie.visits(p, 3) for p in ["", "t", "th", "the", "c"]]
    for i in range(3000):  # many rarer words elsewhere in the alphabet
        trie.insert("z" + format(i, "b"))
    assert [trie.visits(p, 3) for p in ["t", "th", "the", "c"]] == before[1:]
    assert trie.visits("", 3) == before[0]  # the 3 answers are unchanged, and so is the work
    assert trie.complete("", 3) == [("car", 1), ("cat", 1), ("the", 1)]


def test_visits_counts_the_nodes_touched():
    trie = Trie.from_words("the then cat".split())
    assert trie.visits("th", 1) == 4  # root, t, h, e
    assert trie.visits("", 10) == trie.node_count  # everything
    assert trie.visits("x", 3) == 1


def test_complete_edge_cases():
    trie = Trie.from_counts({"a": 2, "ab": 2, "abc": 5, "b": 1})
    assert trie.complete("ab", 5) == [("abc", 5), ("ab", 2)]  # the prefix itself competes
    assert trie.complete("abcd", 5) == []
    assert trie.complete("", 1) == [("abc", 5)]
    assert Trie().complete("", 3) == [] and len(Trie()) == 0
    answers = trie.complete("a", 2)
    answers.append(("junk", 0))  # the caller's list is a copy
    assert trie.complete("a", 2) == [("abc", 5), ("a", 2)]
    assert "ac" not in trie and 3 not in trie


def test_slide_example_and_its_tie_order():
    text = "The quick brown fox jumps over the lazy dog"
    slide = SlideAutocomplete()
    for word in re.findall(r"\w+", text.lower()):
        slide.add_word(word)
    trie = Trie.from_words(corpus.words(text))
    assert sorted(slide.find_words("th"), reverse=True)[:3] == [(2, "the")]
    assert trie.complete("th", 3) == [("the", 2)]
    assert repr(trie) == "Trie(8 words, 9 occurrences, 33 nodes)"
    assert trie.node_count == len({w[:i] for w in corpus.words(text) for i in range(len(w) + 1)})
    slide_top = [(w, f) for f, w in sorted(slide.find_words(""), reverse=True)[:3]]
    assert slide_top == [("the", 2), ("quick", 1), ("over", 1)]
    assert trie.complete("", 3) == brute_complete(Counter(corpus.words(text)), "", 3)
    assert trie.complete("", 3) == [("the", 2), ("brown", 1), ("dog", 1)]


def test_tie_pitfall_on_the_stories(stories):
    _, _, counts = stories
    trie = Trie.from_counts(counts)
    for p in ["g", "gr", "be", "kn"]:
        slide = [(w, c) for c, w in sorted(((c, w) for w, c in counts.items()
                                            if w.startswith(p)), reverse=True)[:3]]
        assert trie.complete(p, 3) == brute_complete(counts, p, 3) != slide


def test_trie_bad_input():
    trie = Trie()
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
        Trie.from_counts([("a", 1)])
    with pytest.raises(TypeError, match="words"):
        Trie.from_words("a single string")
    with pytest.raises(TypeError, match="word"):
        trie.count(None)
    with pytest.raises(TypeError, match="history"):
        trie.suggest("the", "t", 3)


# ---------------------------------------------------------------------------- NextWordCompleter


def test_held_out_coverage_printed_in_notebook_11(stories):
    train, test, _ = stories
    for n in (2, 3):
        seen = set()
        for s in train:
            padded = ["<s>"] * (n - 1) + s + ["</s>"]
            seen.update(tuple(padded[i:i + n]) for i in range(len(padded) - n + 1))
        grams = [tuple(p[i:i + n]) for s in test
                 for p in [["<s>"] * (n - 1) + s + ["</s>"]] for i in range(len(p) - n + 1)]
        share = sum(g in seen for g in grams) / len(grams)
        assert NGramModel(n).fit(train).coverage(test) == pytest.approx(share)


def test_next_word_completer_by_hand():
    sentences = [["the", "cat", "sat"], ["the", "cow", "sat"], ["the", "cat", "ran"], ["a", "cat"]]
    model = NGramModel(2).fit(sentences)
    fallback = Trie.from_counts({"cab": 5, "cat": 3, "cot": 1, "dog": 9})
    c = NextWordCompleter(model, fallback=fallback)
    # after 'the': cat 2/3, cow 1/3; then the trie's 'c' words not yet offered: cab
    assert c.suggest(["the"], "c", 3) == ["cat", "cow", "cab"]
    assert c.suggest(["the"], "", 1) == ["cat"]
    # after <s>: the 3/4, a 1/4
    assert c.suggest([], "", 5) == ["the", "a", "dog", "cab", "cat"]
    # 'ran' was only seen at the end of a sentence: </s> is never offered, the trie fills in
    assert c.suggest(["cat", "ran"], "", 2) == ["dog", "cab"]
    # a context never seen: MLE has no distribution there, only the fallback speaks
    assert c.suggest(["unknown"], "c", 2) == ["cab", "cat"]
    assert NextWordCompleter(model).suggest(["unknown"], "c", 2) == []
    explained = c.explain(["the"], "c", 3)
    assert [(w, s) for w, _, s in explained] == [("cat", "2-gram"), ("cow", "2-gram"),
                                                ("cab", "frequency")]
    assert explained[0][1] == pytest.approx(2 / 3) and explained[1][1] == pytest.approx(1 / 3)
    assert explained[2][1] == pytest.approx(5 / 18)
    assert c.context_size == 1


def test_ranking_follows_model_distribution_for_every_smoothing(stories):
    train, test, _ = stories
    for model in [NGramModel(2).fit(train[:300]),
                  NGramModel(2, smoothing="kneser-ney").fit(train[:300]),
                  NGramModel(3, smoothing="add-k", k=0.1).fit(train[:300])]:
        completer = NextWordCompleter(model, cache_size=2)  # tiny cache: evictions too
        for s in test[:15]:
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


def test_backoff_chain_equals_brute_force_recount(stories, completers):
    train, test, _ = stories
    reference = BruteBackoff(train, [3, 2])
    for s in test[:25]:
        for j in range(len(s)):
            for prefix in ["", s[j][:1], s[j][:2]]:
                assert (completers["trigram"].suggest(s[:j], prefix, 5)
                        == reference.suggest(s[:j], prefix, 5)), (s[:j], prefix)


def test_next_word_completer_bad_input(stories):
    train, _, _ = stories
    model = NGramModel(2).fit(train[:50])
    with pytest.raises(TypeError, match="model"):
        NextWordCompleter({"a": 1})
    with pytest.raises(ValueError, match="model"):
        NextWordCompleter(NGramModel(2))
    with pytest.raises(TypeError, match="fallback"):
        NextWordCompleter(model, fallback={"a": 1})
    with pytest.raises(ValueError, match="cache_size"):
        NextWordCompleter(model, cache_size=0)
    c = NextWordCompleter(model)
    with pytest.raises(TypeError, match="history"):
        c.suggest("the king", "", 3)
    with pytest.raises(TypeError, match="prefix"):
        c.suggest(["the"], None, 3)
    with pytest.raises(ValueError, match="k"):
        c.suggest(["the"], "", 0)


# ---------------------------------------------------------------------------- keystrokes


def test_keystrokes_hand_computed_example():
    # counts: the 3, and/cat/end/mat/on/sat 1
    trie = Trie.from_words("the cat sat on the mat the end and".split())
    # k = 1: 'the' is offered before any letter (1 key); 'cat': '' -> the, 'c' -> cat (2 keys)
    assert word_keystrokes("the", [], trie, 1) == 1
    assert word_keystrokes("cat", ["the"], trie, 1) == 2
    assert keystroke_counts("the cat", trie, 1) == (3, 8)
    assert keystrokes_saved("the cat", trie, 1) == pytest.approx(1 - 3 / 8)
    # k = 2: '' -> the, and: 'cat' needs 'c' (2 keys); k = 3: '' -> the, and, cat (1 key)
    assert keystroke_counts("the cat", trie, 2) == (3, 8)
    assert keystroke_counts("the cat", trie, 3) == (2, 8)
    # 'sat': k = 1: '' -> the, 's' -> sat (2); 'dog' is never offered: d, o, g, space (4)
    assert word_keystrokes("sat", [], trie, 1) == 2
    assert word_keystrokes("dog", [], trie, 5) == 4
    # two sentences, punctuation and capitals dropped: the(1) sat(2) . the(1) dog(4)
    assert keystroke_counts("The sat. The dog!", trie, 1) == (8, 16)
    assert keystrokes_saved_by_k("The sat. The dog!", trie, [3, 1]) == {1: 0.5, 3: 0.5}
    # a bigram model after 'the': cat 1/3, end 1/3, mat 1/3 (ties alphabetical)
    model = NGramModel(2).fit([corpus.words("the cat sat on the mat the end and")])
    c = NextWordCompleter(model, fallback=trie)
    assert c.suggest(["the"], "", 3) == ["cat", "end", "mat"]
    # 'the'(after <s>: the, 1 key) 'mat'(after the, k=1: cat; 'm' -> mat: 2 keys)
    assert keystroke_counts("the mat", c, 1) == (3, 8)
    # k = 3: mat offered at once after 'the' (1 key)
    assert keystroke_counts("the mat", c, 3) == (2, 8)


def test_keystrokes_of_notebook_11_equal_a_brute_force_typist(stories, completers):
    train, test, _ = stories
    references = {
        "trie": BruteBackoff(train, []),
        "bigram": BruteBackoff(train, [2]),
        "trigram_only": BruteBackoff(train, [3]),
        "trigram": BruteBackoff(train, [3, 2]),
    }
    for name, completer in completers.items():
        typed, plain = brute_keystrokes(test, references[name].suggest, [1, 3, 5],
                                        references[name].context_size)
        by_k = keystrokes_saved_by_k(test, completer, [1, 3, 5])
        assert by_k == pytest.approx({k: 1 - typed[k] / plain for k in (1, 3, 5)}), name
        assert keystroke_counts(test, completer, 3) == (typed[3], plain), name
    assert plain == sum(len(w) + 1 for s in test for w in s)
    # the leakage pitfall: the same number of training sentences
    seen = train[:len(test)]
    for name in ("trie", "trigram"):
        typed, plain = brute_keystrokes(seen, references[name].suggest, 3,
                                        references[name].context_size)
        assert keystrokes_saved(seen, completers[name], 3) == pytest.approx(1 - typed[3] / plain)


def test_keystrokes_bad_input():
    trie = Trie.from_words(["a"])
    with pytest.raises(TypeError, match="completer"):
        keystrokes_saved("a", object(), 1)
    with pytest.raises(ValueError, match="k"):
        keystrokes_saved("a", trie, 0)
    with pytest.raises(ValueError, match="text"):
        keystrokes_saved("...", trie, 1)
    with pytest.raises(ValueError, match="text"):
        keystrokes_saved([], trie, 1)
    with pytest.raises(TypeError, match="text"):
        keystrokes_saved([["a", 1]], trie, 1)
    with pytest.raises(TypeError, match="ks"):
        keystrokes_saved_by_k("a", trie, 3)
    with pytest.raises(ValueError, match="ks"):
        keystrokes_saved_by_k("a", trie, [])
    with pytest.raises(ValueError, match="ks"):
        keystrokes_saved_by_k("a", trie, [0, 1])
    with pytest.raises(ValueError, match="word"):
        word_keystrokes("", [], trie, 1)
    with pytest.raises(TypeError, match="history"):
        word_keystrokes("a", "b", trie, 1)


def test_split_typed():
    assert split_typed("The King sa") == (["the", "king"], "sa")
    assert split_typed("the king ") == (["the", "king"], "")
    assert split_typed("") == ([], "")
    assert split_typed("Whisker's b") == (["whisker's"], "b")
    assert split_typed("she said. th") == (["she", "said"], "th")
    with pytest.raises(TypeError, match="typed"):
        split_typed(None)


# ---------------------------------------------------------------------------- figures, panel


def test_keystrokes_figure():
    fig = keystrokes_figure([1, 3, 5], {"a": [0.1, 0.2, 0.3], "b": [0.2, 0.4, 0.5]})
    ax = fig.axes[0]
    assert ax.get_title() and "%" in ax.get_ylabel() and "k" in ax.get_xlabel()
    assert list(ax.lines[1].get_ydata()) == pytest.approx([20, 40, 50])
    plt.close(fig)
    with pytest.raises(ValueError, match="savings"):
        keystrokes_figure([1, 3], {"a": [0.1]})
    with pytest.raises(ValueError, match="savings"):
        keystrokes_figure([1], {"a": [1.2]})
    with pytest.raises(ValueError, match="savings"):
        keystrokes_figure([1], {})


def test_search_cost_figure():
    fig = search_cost_figure(["", "t"], [100, 10], [5, 4], k=5)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_yscale() == "log"
    assert [p.get_height() for p in ax.patches] == [100, 10, 5, 4]
    plt.close(fig)
    with pytest.raises(ValueError, match="matches"):
        search_cost_figure(["", "t"], [100], [5, 4], k=5)


def test_suggestions_text_shows_both_rankings(completers):
    trie, trigram = completers["trie"], completers["trigram"]
    text = suggestions_text(trie, trigram, "the king sa", k=3)
    assert "prefix: 'sa'" in text and "after 'the king'" in text
    for w, c in trie.complete("sa", 3):
        assert re.search(rf"\b{w}\s+{c}\b", text)
    for w in trigram.suggest(["the", "king"], "sa", 3):
        assert w in text
    assert "start of a sentence" in suggestions_text(trie, trigram, "", k=2)
    assert "no word starts" in suggestions_text(trie, trigram, "qqq", k=2)
    with pytest.raises(TypeError, match="trie"):
        suggestions_text({}, trigram, "a", 3)
    with pytest.raises(TypeError, match="completer"):
        suggestions_text(trie, trie, "a", 3)


def test_autocomplete_panel_updates_as_the_learner_types(completers, capsys):
    panel = autocomplete_panel(completers["trie"], completers["trigram"], typed="the king sa")
    assert isinstance(panel, ipywidgets.interactive)
    box = next(c for c in panel.children if isinstance(c, ipywidgets.Text))
    assert box.description.startswith("prefix") and box.continuous_update
    assert box.style.description_width == "initial"
    assert "said" in capsys.readouterr().out
    box.value = "once upon a ti"
    assert panel.kwargs["typed"] == "once upon a ti"
    assert "time" in capsys.readouterr().out


# ---------------------------------------------------------------------------- exercises


def test_exercise_references_pass_with_brute_force_solutions():
    def top(counts, prefix, k):
        return brute_complete(counts, prefix, k)

    def nodes(words):
        return len({w[:i] for w in words for i in range(len(w) + 1)})

    def cost(word, trie, k):
        suggest = lambda h, p, kk: [w for w, _ in trie.complete(p, kk)]  # noqa: E731
        return brute_keystrokes([[word]], suggest, k)[0][k]

    assert passes("top_completions", top)
    assert passes("trie_node_count", nodes)
    assert passes("typing_cost", cost)
    assert not passes("typing_cost", lambda word, trie, k: len(word))


def test_exercise_report_names_the_failing_case(capsys):
    check("trie_node_count", lambda words: len(set(words)))
    out = capsys.readouterr().out
    assert "✗ trie_node_count(['a'])" in out and "Hint" in out
