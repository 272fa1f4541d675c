"""lmcore.keystrokes, lmcore.suggestions and notebook 11's figures, panel and exercises, against
brute force (tests/autocomplete_references.py: typing simulated letter by letter, rankings
recounted from the sentences). The tries and completers have their own files: test_trie.py,
test_completer.py."""

from __future__ import annotations

import re

import ipywidgets
import matplotlib.pyplot as plt
import pytest
from autocomplete_references import BruteBackoff, brute_complete, brute_keystrokes, stories

from lmcore import corpus
from lmcore.completer import NextWordCompleter
from lmcore.completer_fast import FastNextWordCompleter
from lmcore.exercises import check, passes
from lmcore.keystrokes import (
    keystroke_counts,
    keystrokes_saved,
    keystrokes_saved_by_k,
    word_keystrokes,
)
from lmcore.ngram_fast import NGramModel
from lmcore.plotting.autocomplete import keystrokes_figure, search_cost_figure, suggestions_text
from lmcore.suggestions import split_typed, suggestions
from lmcore.trie import Trie
from lmcore.trie_fast import FastTrie
from lmcore.widgets.autocomplete import autocomplete_panel, suggestions_panel_text


@pytest.fixture(scope="module")
def completers():
    """The four completers of notebook 11's measurements, built as there (the fast siblings)."""
    train, _, counts = stories()
    trie = FastTrie.from_counts(counts)
    bigram = FastNextWordCompleter(NGramModel(2).fit(train), fallback=trie)
    trigram_model = NGramModel(3).fit(train)
    return {
        "trie": trie,
        "bigram": bigram,
        "trigram_only": FastNextWordCompleter(trigram_model, fallback=trie),
        "trigram": FastNextWordCompleter(trigram_model, fallback=bigram),
    }


def test_held_out_coverage_printed_in_notebook_11():
    train, test, _ = stories()
    for n in (2, 3):
        seen = set()
        for s in train:
            padded = ["<s>"] * (n - 1) + s + ["</s>"]
            seen.update(tuple(padded[i:i + n]) for i in range(len(padded) - n + 1))
        grams = [tuple(p[i:i + n]) for s in test
                 for p in [["<s>"] * (n - 1) + s + ["</s>"]] for i in range(len(p) - n + 1)]
        share = sum(g in seen for g in grams) / len(grams)
        assert NGramModel(n).fit(train).coverage(test) == pytest.approx(share)


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


def test_keystrokes_of_notebook_11_equal_a_brute_force_typist(completers):
    train, test, _ = stories()
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


def test_plain_completers_save_what_the_brute_force_typist_saves():
    """The plain Trie and NextWordCompleter (slower: a part of the test stories)."""
    train, test, counts = stories()
    trie = Trie.from_counts(counts)
    bigram = NextWordCompleter(NGramModel(2).fit(train), fallback=trie)
    trigram = NextWordCompleter(NGramModel(3).fit(train), fallback=bigram)
    for completer, orders in [(trie, []), (trigram, [3, 2])]:
        reference = BruteBackoff(train, orders)
        typed, plain = brute_keystrokes(test[:40], reference.suggest, [1, 3, 5],
                                        reference.context_size)
        by_k = keystrokes_saved_by_k(test[:40], completer, [1, 3, 5])
        assert by_k == pytest.approx({k: 1 - typed[k] / plain for k in (1, 3, 5)})
    suggest = BruteBackoff(train, [3, 2]).suggest
    both, first = (brute_keystrokes([test[0][:j]], suggest, 3)[0][3] for j in (2, 1))
    assert word_keystrokes(test[0][1], test[0][:1], trigram, 3) == both - first


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


def test_suggestions_computes_both_rankings_and_the_text_shows_them(completers):
    train, _, counts = stories()
    trie, trigram = completers["trie"], completers["trigram"]
    result = suggestions(trie, trigram, "The King sa", k=3)
    assert (result["history"], result["prefix"], result["context"]) == (["the", "king"], "sa",
                                                                        ["the", "king"])
    assert result["completions"] == brute_complete(counts, "sa", 3)
    expected = BruteBackoff(train, [3, 2]).suggest(["the", "king"], "sa", 3)
    assert [w for w, _, _ in result["suggestions"]] == expected
    text = suggestions_text(**result)
    assert "prefix: 'sa'" in text and "after 'the king'" in text
    for w, c in result["completions"]:
        assert re.search(rf"\b{w}\s+{c}\b", text)
    assert all(w in text for w in expected)
    assert text == suggestions_panel_text(trie, trigram, "The King sa", 3)
    assert "start of a sentence" in suggestions_panel_text(trie, trigram, "", k=2)
    assert "no word starts" in suggestions_panel_text(trie, trigram, "qqq", k=2)
    assert "(no suggestion)" in suggestions_text([], "q", [], [], [])
    assert suggestions(trie, trie, "the c", 2)["context"] == []  # a trie reads no context
    with pytest.raises(TypeError, match="trie"):
        suggestions({}, trigram, "a", 3)
    with pytest.raises(TypeError, match="completer"):
        suggestions(trie, object(), "a", 3)
    with pytest.raises(TypeError, match="typed"):
        suggestions(trie, trigram, None, 3)


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
