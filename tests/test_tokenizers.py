"""lmcore.tokenizers (Vocabulary, the BPE pieces), notebook 08's figures and panel, and the word
numbers the notebook prints, each against an independent reference (brute-force loops, numpy,
str.replace, or counts derived by hand). BPE training and encoding: tests/test_tokenizers_fast.py."""

from __future__ import annotations

import json
from collections import Counter

import ipywidgets
import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import corpus, plotting
from lmcore.plotting.tokenizers import (
    bytes_per_token_figure,
    merges_table,
    vocab_tradeoff_figure,
    zipf_figure,
)
from lmcore.tokenizers import SPECIALS, Vocabulary, count_pairs, merge_pair, pretokenize
from lmcore.vocabulary_stats import oov_curve, rank_frequency, zipf_fit

SLIDE_TEXTS = ["The cat sat on the mat", "The dog chased the cat", "The bird flew over the mat"]
NEW_TEXT = "The cat and dog played on the mat"


@pytest.fixture(scope="module")
def split():
    """The notebook's split: 10% of the stories' sentences held out, seed 0."""
    train, test = corpus.train_test_split(corpus.sentences(corpus.load_stories()), 0.1, seed=0)
    return train, test


@pytest.fixture(scope="module")
def words_split(split):
    train, test = split
    return ([w for s in train for w in corpus.words(s)], [w for s in test for w in corpus.words(s)])


# ----------------------------------------------------------------------------- Vocabulary
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "dd", "é", "<s>", "the"]), max_size=30),
       st.integers(1, 4))
def test_ids_are_contiguous_unique_and_specials_come_first(tokens, min_freq):
    vocab = Vocabulary(tokens, min_freq=min_freq)
    assert vocab.tokens[:4] == ("<unk>", "<pad>", "<s>", "</s>")
    assert len(set(vocab.tokens)) == len(vocab)
    assert vocab.encode(list(vocab.tokens)) == list(range(len(vocab)))
    counts = Counter(tokens)
    expected = {t for t, c in counts.items() if c >= min_freq} | set(SPECIALS)
    assert set(vocab.tokens) == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text("ab<>/sunk", max_size=3), max_size=20),
       st.lists(st.text("ab<>/sunk", max_size=3), max_size=20))
def test_unknown_tokens_get_unk_and_never_another_tokens_id(train, other):
    vocab = Vocabulary(train)
    for token, i in zip(other, vocab.encode(other)):
        if token in set(train) | set(SPECIALS):
            assert vocab.tokens[i] == token
        else:
            assert i == vocab.unk_id == 0


def test_order_is_frequency_then_alphabetical():
    # counted by hand: b x3, a x2, c x2, d x1
    vocab = Vocabulary(["c", "b", "a", "b", "d", "c", "b", "a"])
    assert vocab.tokens[4:] == ("b", "a", "c", "d")


def test_slide_sentences_done_right():
    # counted by hand: 'the' x6, 'cat' x2, 'mat' x2, every other word once
    vocab = Vocabulary([w for t in SLIDE_TEXTS for w in corpus.words(t)], min_freq=2)
    assert vocab.tokens == ("<unk>", "<pad>", "<s>", "</s>", "the", "cat", "mat")
    ids = vocab.encode(corpus.words(NEW_TEXT))
    assert ids == [4, 5, 0, 0, 0, 0, 4, 6]
    assert vocab.decode(ids) == ["the", "cat"] + ["<unk>"] * 4 + ["the", "mat"]
    full = Vocabulary([w for t in SLIDE_TEXTS for w in corpus.words(t)], min_freq=1)
    assert len(full) == 4 + 10  # ten distinct words
    assert full.decode(full.encode(corpus.words(NEW_TEXT))) == [
        "the", "cat", "<unk>", "dog", "<unk>", "on", "the", "mat"]


def _slide_vocab(texts, min_freq=2):
    """The slide's rule, restated: id = position among all distinct words (first seen first)."""
    all_words = [w for t in texts for w in t.lower().split()]
    order = list(dict.fromkeys(all_words))
    return {w: order.index(w) for w in order if all_words.count(w) >= min_freq}


def test_the_slide_vocabulary_has_gaps_and_its_unknown_id_can_collide():
    slide = _slide_vocab(SLIDE_TEXTS)
    assert slide == {"the": 0, "cat": 1, "mat": 4}  # not the slide's printed {..., 'on': 3}
    assert [slide.get(w, len(slide)) for w in NEW_TEXT.lower().split()] == [0, 1, 3, 3, 3, 3, 0, 4]
    four = _slide_vocab(SLIDE_TEXTS + ["The dog slept on the mat"])
    assert four == {"the": 0, "cat": 1, "on": 3, "mat": 4, "dog": 5}
    assert len(four) == four["dog"]  # an unknown word gets the id of 'dog'
    right = Vocabulary([w for t in SLIDE_TEXTS + ["The dog slept on the mat"]
                        for w in corpus.words(t)], min_freq=2)
    assert right.encode(["and"]) == [0] and right.encode(["dog"]) != [0]


def test_save_and_load_round_trip(tmp_path):
    vocab = Vocabulary("the cat sat on the mat with the café".split(), min_freq=1)
    vocab.save(tmp_path / "v.json")
    loaded = Vocabulary.load(tmp_path / "v.json")
    assert loaded == vocab and loaded.tokens == vocab.tokens and loaded.min_freq == 1
    assert loaded.encode(["café", "dog"]) == vocab.encode(["café", "dog"])
    (tmp_path / "bad.json").write_text(json.dumps({"tokens": ["a"]}))
    with pytest.raises(ValueError, match="path"):
        Vocabulary.load(tmp_path / "bad.json")
    (tmp_path / "nospecials.json").write_text(json.dumps(
        {"format": "lmcore.Vocabulary", "min_freq": 1, "tokens": ["a", "b"]}))
    with pytest.raises(ValueError, match="tokens"):
        Vocabulary.load(tmp_path / "nospecials.json")


def test_vocabulary_bad_input():
    with pytest.raises(ValueError, match="min_freq"):
        Vocabulary(["a"], min_freq=0)
    with pytest.raises(TypeError, match="min_freq"):
        Vocabulary(["a"], min_freq=1.5)
    with pytest.raises(TypeError, match="tokens"):
        Vocabulary("the cat")
    vocab = Vocabulary(["a"])
    with pytest.raises(ValueError, match="ids"):
        vocab.decode([5])
    with pytest.raises(ValueError, match="ids"):
        vocab.decode([-1])
    with pytest.raises(TypeError, match="ids"):
        vocab.decode([1.0])
    with pytest.raises(ValueError, match="tokens"):
        vocab.oov_rate([])
    assert vocab.decode(np.array([4, 0])) == ["a", "<unk>"]


def test_notebook_word_vocabulary_numbers(split, words_split):
    train, test = words_split
    # numpy's unique, not Counter or Vocabulary
    types, counts = np.unique(np.array(train), return_counts=True)
    kept = set(types[counts >= 2].tolist())
    assert (len(split[0]), len(split[1])) == (3895, 433)
    assert len(split[0]) + len(split[1]) == len(corpus.sentences(corpus.load_stories()))
    assert 4 + len(kept) == len(Vocabulary(train, 2)) == 2329
    assert round(100 * float(np.mean([w not in kept for w in test])), 1) == 4.7
    assert sum(w not in kept for w in test) == 265
    assert len(test) == 5595 and len(types) == 3591
    unknown = Counter(w for w in test if w not in kept)
    assert sorted(unknown.items(), key=lambda x: (-x[1], x[0]))[:6] == [
        ("books", 8), ("song", 4), ("fairweather", 3), ("mills", 3), ("bite", 2), ("bramble's", 2)]
    # the 'Try it' table, recomputed with numpy on the same split
    for m, size, pct in [(1, 3595, "2.5"), (2, 2329, "4.7"), (3, 1749, "6.5"), (5, 1198, "10.1"),
                         (10, 726, "15.3"), (20, 405, "24.6")]:
        kept_m = types[counts >= m]
        assert 4 + len(kept_m) == size
        assert f"{100 * (1 - np.isin(np.array(test), kept_m).mean()):.1f}" == pct


def test_split_on_spaces_pitfall_numbers(split, words_split):
    train_s, test_s = split
    sp_train = [w for s in train_s for w in s.lower().split()]
    sp_test = [w for s in test_s for w in s.lower().split()]
    types, counts = np.unique(np.array(sp_train), return_counts=True)
    kept = types[counts >= 2]
    assert len(types) == 6677
    assert 4 + len(kept) == len(Vocabulary(sp_train, 2)) == 3272
    oov = 1 - np.isin(np.array(sp_test), kept).mean()
    assert round(100 * oov, 1) == 10.8
    assert sorted(t for t in kept.tolist() if t.strip('".,!?;:\'') == "mat") == [
        "mat", "mat,", "mat.", 'mat."']


# ----------------------------------------------------------------------------- BPE pieces
@settings(max_examples=200, deadline=None)
@given(st.text())
def test_pretokenize_chunks_join_back_to_the_text(text):
    chunks = pretokenize(text)
    assert "".join(chunks) == text
    assert all(chunks)


def test_pretokenize_the_notebook_sentence():
    # by hand: a space starts a chunk; letters, digits and other symbols are separate runs
    assert pretokenize('"Sit," said the King. The cat sat on the mat!') == [
        '"', "Sit", ',"', " said", " the", " King", ".", " The", " cat", " sat", " on", " the",
        " mat", "!"]
    # whitespace before a word leaves its last space to the word (as in GPT-2)
    assert pretokenize("a  b\n\nc") == ["a", " ", " b", "\n", "\n", "c"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=20), st.integers(0, 4), st.integers(0, 4))
def test_merge_pair_matches_str_replace(ids, a, b):
    # str.replace also substitutes non-overlapping occurrences from left to right
    as_text = "".join(chr(0x100 + i) for i in ids)
    expected = as_text.replace(chr(0x100 + a) + chr(0x100 + b), chr(0x100 + 9))
    assert merge_pair(ids, (a, b), 9) == [ord(c) - 0x100 for c in expected]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), max_size=8), max_size=5))
def test_count_pairs_matches_a_brute_force_loop(seqs):
    brute = Counter()
    for seq in seqs:
        for i in range(len(seq) - 1):
            brute[(seq[i], seq[i + 1])] += 1
    assert count_pairs(seqs) == dict(brute)
    with pytest.raises(ValueError, match="freqs"):
        count_pairs(seqs, freqs=[1] * (len(seqs) + 1))


# ----------------------------------------------------------------------------- figures, panel
def _labelled(fig):
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plotting.close(fig)


def test_figures_are_titled_and_labelled(words_split):
    _, freqs = rank_frequency(corpus.words(corpus.load_stories()))
    slope, intercept = zipf_fit(freqs, max_rank=1000)
    fig = zipf_figure(freqs, slope, intercept, max_rank=1000)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    _labelled(fig)
    _labelled(bytes_per_token_figure([256, 1000], [1.0, 2.9], [1.0, 2.8]))
    sizes, rates = oov_curve(*words_split, range(1, 6))
    _labelled(vocab_tradeoff_figure(range(1, 6), sizes, rates, min_freq=3))
    assert matplotlib.pyplot.get_fignums() == []
    with pytest.raises(ValueError, match="min_freq"):
        vocab_tradeoff_figure(range(1, 6), sizes, rates, min_freq=9)
    with pytest.raises(ValueError, match="sizes"):
        vocab_tradeoff_figure(range(1, 6), sizes[:2], rates, min_freq=2)
    with pytest.raises(ValueError, match="max_rank"):
        zipf_figure(freqs, slope, intercept, max_rank=10**6)
    with pytest.raises(ValueError, match="train_bpt"):
        bytes_per_token_figure([256, 1000], [1.0], [1.0, 2.8])
    with pytest.raises(ValueError, match="merges"):
        merges_table([])
    with pytest.raises(TypeError, match=r"merges\[1\]"):
        merges_table([("a", "t", "at"), ("h", "e")])
    # by hand: merge 3 made token 258 from ' ' and 'the'; repr shows the spaces
    assert merges_table([("a", "t", "at"), ("h", "e", "he"), (" ", "the", " the")]).splitlines()[-1] == (
        "    3     258  ' '   'the'  ' the'")


def test_min_freq_panel_reruns_when_the_slider_moves(words_split, monkeypatch):
    import lmcore.widgets.tokenizers as widgets_module

    calls = []

    def recording(**kwargs):
        calls.append(kwargs["min_freq"])
        return vocab_tradeoff_figure(**kwargs)

    monkeypatch.setattr(widgets_module, "vocab_tradeoff_figure", recording)
    sizes, rates = oov_curve(*words_split, range(1, 21))
    panel = widgets_module.vocab_tradeoff_panel(range(1, 21), sizes, rates, min_freq=2)
    assert isinstance(panel, ipywidgets.interactive)
    (slider,) = [c for c in panel.children if isinstance(c, ipywidgets.IntSlider)]
    assert slider.description.startswith("min_freq")
    assert slider.style.description_width == "initial"
    assert (slider.min, slider.max, slider.value) == (1, 20, 2)
    slider.value = 7
    assert calls == [2, 7] and panel.kwargs["min_freq"] == 7
    assert matplotlib.pyplot.get_fignums() == []


# ----------------------------------------------------------------------------- exercises
def test_nb08_exercises_accept_correct_and_reject_wrong_solutions():
    from lmcore import exercises
    from lmcore.exercises import _core

    def pair(seqs):
        counts = Counter(p for s in seqs for p in zip(s, s[1:]))
        return min(counts, key=lambda p: (-counts[p], p))

    def merge(ids, p, new_id):
        text = "".join(chr(0x100 + i) for i in ids)
        return [ord(c) - 0x100 for c in text.replace(chr(0x100 + p[0]) + chr(0x100 + p[1]),
                                                      chr(0x100 + new_id))]

    def oov(train, test, min_freq):
        counts = Counter(train)
        return sum(counts[t] < min_freq for t in test) / len(test)

    assert exercises.passes("most_frequent_pair", pair)
    assert exercises.passes("merge_pair", merge)
    assert exercises.passes("oov_rate", oov)
    # wrong: ties to the largest pair; overlapping merges; <= instead of <
    assert not exercises.passes("most_frequent_pair",
                                lambda seqs: max(Counter(p for s in seqs for p in zip(s, s[1:]))
                                                 .items(), key=lambda kv: (kv[1], kv[0]))[0])
    assert not exercises.passes("merge_pair", lambda ids, p, n: [
        n if (a, b) == tuple(p) else a for a, b in zip(ids, ids[1:] + [None])])
    assert not exercises.passes("oov_rate", lambda tr, te, m: sum(
        Counter(tr)[t] <= m for t in te) / len(te))
    ex = _core._REGISTRY
    # by hand: [5, 5, 5, 5] holds the pair (5, 5) three times; in the training sentence 'the'
    # occurs 4 times, 'cat' twice, 'sat', 'on', 'mat' never: 3 of 6 test words are out
    assert ex["most_frequent_pair"].reference([[5, 5, 5, 5]]) == (5, 5)
    assert ex["oov_rate"].reference("the dog chased the cat and the cat chased the bird".split(),
                                    "the cat sat on the mat".split(), 2) == 0.5
