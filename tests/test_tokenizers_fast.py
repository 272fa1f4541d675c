"""Byte-pair encoding: the plain lmcore.bpe (full recount, merges in rank order) against the fast
lmcore.tokenizers_fast (incremental heap, remembered chunks) on random texts, both against
independent references (merges worked out by hand, an encoder that replays every merge in
training order), and the BPE numbers notebook 08 prints."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import bpe as plain
from lmcore import corpus, tokenizers_fast
from lmcore.bpe import BPETokenizer
from lmcore.plotting.tokenizers import merges_table
from lmcore.tokenizers import merge_pair, pretokenize
from lmcore.tokenizers_fast import FastBPETokenizer

EMOJI = "Crème brûlée for the Queen 👑, a naïve café 🐈!"
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)
ANY_CHAR = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))  # lone surrogates too
# few symbols, so that pairs repeat and counts tie; runs like "aaaa" overlap themselves
SMALL_ALPHABET = st.sampled_from(list("aaab  c\né☕1") + ["aaaa", "ab ab", " the"])
TEXTS = st.lists(SMALL_ALPHABET, max_size=40).map("".join)


@pytest.fixture(scope="module")
def split():
    """(training, held-out) sentences: 10% of the stories' sentences held out, seed 0."""
    return corpus.train_test_split(corpus.sentences(corpus.load_stories()), 0.1, seed=0)


@pytest.fixture(scope="module")
def bpe(split):
    """The notebook's tokenizer: trained on the training sentences to 1,000 tokens."""
    return FastBPETokenizer().train("\n".join(split[0]), vocab_size=1000)


def brute_force_lengths(chunk_counts: Counter, merges, vocab_sizes) -> list[int]:
    """Total tokens at each vocabulary size, replaying every merge in order on every chunk."""
    limits = sorted(v - 256 for v in vocab_sizes)
    totals = dict.fromkeys(limits, 0)
    for chunk, n in chunk_counts.items():
        seq = list(chunk.encode("utf-8"))
        for k in range(max(limits) + 1):
            if k in totals:
                totals[k] += n * len(seq)
            if len(seq) == 1:  # nothing left to merge: the same length at every larger size
                for rest in limits:
                    totals[rest] += n if rest > k else 0
                break
            if k == len(merges):
                break
            a, b = merges[k]
            if a in seq:
                seq = merge_pair(seq, (a, b), 256 + k)
    return [totals[v - 256] for v in vocab_sizes]


def brute_force_encode(text: str, merges) -> list[int]:
    """Encode by replaying every merge, in training order, on every chunk."""
    out = []
    for chunk in pretokenize(text):
        seq = list(chunk.encode("utf-8"))
        for k, pair in enumerate(merges):
            seq = merge_pair(seq, pair, 256 + k)
        out.extend(seq)
    return out


# ----------------------------------------------------------------------------- plain == fast
@PROPERTY
@given(TEXTS, st.integers(256, 320))
def test_fast_training_gives_the_plain_merges(text, vocab_size):
    assert tokenizers_fast.learn_merges(text, vocab_size) == plain.learn_merges(text, vocab_size)


@PROPERTY
@given(st.text(ANY_CHAR, max_size=40).map(lambda t: t * 3), st.integers(256, 290))
def test_fast_training_gives_the_plain_merges_on_any_unicode(text, vocab_size):
    assert tokenizers_fast.learn_merges(text, vocab_size) == plain.learn_merges(text, vocab_size)


@PROPERTY
@given(TEXTS, TEXTS, st.integers(256, 300))
def test_fast_encode_gives_the_plain_ids_and_both_round_trip(train_text, text, vocab_size):
    merges = plain.learn_merges(train_text, vocab_size)
    slow, fast = BPETokenizer.from_merges(merges), FastBPETokenizer.from_merges(merges)
    ids = slow.encode(text)
    assert fast.encode(text) == ids == brute_force_encode(text, merges)
    assert fast.encode(text) == ids  # the second time from the remembered chunks
    assert slow.decode(ids) == fast.decode(ids) == text
    sizes = list(range(256, slow.vocab_size + 1))
    assert fast.token_counts(text, sizes).tolist() == slow.token_counts(text, sizes).tolist()


@PROPERTY
@given(st.text(ANY_CHAR, max_size=40))
def test_round_trip_of_any_unicode_string(text):
    trained = BPETokenizer().train("the cat and the hat and the mat, naïve café ☕ 42", 270)
    for tok in (BPETokenizer(), trained, FastBPETokenizer.from_merges(trained.merges)):
        ids = tok.encode(text)
        assert all(0 <= i < tok.vocab_size for i in ids)
        assert tok.decode(ids) == text


# ----------------------------------------------------------------------------- by hand
def test_merges_worked_out_by_hand():
    # 'aaaa' holds (a, a) three times (overlapping): merged once per place, leaving [aa, aa],
    # whose pair occurs once: training stops
    for learn in (plain.learn_merges, tokenizers_fast.learn_merges):
        assert learn("aaaa", 300) == [(97, 97)]
        # chunks 'ab' x1 and ' ab' x2: (a, b) 3 times, then (' ', ab) twice, then nothing twice
        assert learn("ab ab ab", 300) == [(97, 98), (32, 256)]
        # 'aaab' x2: (a, a) 4 times, then (aa, a) and (a, b) 2 times each: the smaller pair (97, 98)
        assert learn("aaab aaab", 300) == [(97, 97), (97, 98), (256, 257)]
        assert learn("", 300) == [] and learn("abc", 256) == []


def test_encode_worked_out_by_hand():
    # merges: 'ab' -> 256, 'b' 'c' -> 257. In 'abc' both pairs are present; 'ab' was learned
    # first, so it wins: [256, 99] (not [97, 257], which replaying backwards would give)
    for cls in (BPETokenizer, FastBPETokenizer):
        tok = cls.from_merges([(97, 98), (98, 99)])
        assert tok.encode("abc bc") == [256, 99, 32, 257]
        assert tok.token_counts("abc bc", [256, 257, 258]).tolist() == [6, 5, 4]


# ----------------------------------------------------------------------------- the notebook
def test_fast_training_gives_the_plain_merges_on_the_stories(split):
    text = corpus.load_stories()[:6_000]
    assert tokenizers_fast.learn_merges(text, 1000) == plain.learn_merges(text, 1000)
    train_text = "\n".join(split[0])  # the notebook's first merges, trained the plain way
    assert BPETokenizer().train(train_text, 270).merges == FastBPETokenizer().train(train_text, 270).merges


def test_truncated_equals_training_to_the_smaller_size(split, bpe):
    text = "\n".join(split[0])
    assert bpe.truncated(400).merges == FastBPETokenizer().train(text, 400).merges
    assert isinstance(bpe.truncated(400), FastBPETokenizer)
    assert bpe.truncated(256).merges == []
    assert bpe.truncated(1000).merges == bpe.merges


def test_first_merges_of_the_notebook(bpe):
    first = [bpe.token_bytes(256 + k) for k in range(12)]
    assert first == [b"he", b" t", b" a", b" the", b" s", b"in", b" w", b"nd", b" o", b" b",
                     b"er", b" h"]
    table = merges_table(bpe.merge_pieces(4))
    assert table.splitlines()[-1].split() == ["4", "259", "'", "t'", "'he'", "'", "the'"]


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_round_trip_for_any_unicode_string(bpe, text):
    assert bpe.decode(bpe.encode(text)) == text
    assert BPETokenizer().decode(BPETokenizer().encode(text)) == text
    assert all(0 <= i < 1000 for i in bpe.encode(text))


def test_round_trip_lone_surrogates_and_the_emoji_example(bpe):
    for text in ["\ud800", "a\udfffb", EMOJI, "\x00\n\t  ", "日本語のテキスト"]:
        assert bpe.decode(bpe.encode(text)) == text
    ids = bpe.encode(EMOJI)
    assert (len(EMOJI), len(EMOJI.encode("utf-8"))) == (45, 56)
    assert len(ids) == brute_force_lengths(Counter(pretokenize(EMOJI)), bpe.merges, [1000])[0]
    assert len(ids) == 38
    assert "".join(bpe.pieces("Queen")) == "Queen"


def test_encode_matches_replaying_every_merge_in_order(split, bpe):
    test_text = "\n".join(split[1])
    chunks = Counter(pretokenize(test_text))
    sizes = [256, 300, 400, 500, 600, 700, 800, 900, 1000]
    brute = brute_force_lengths(chunks, bpe.merges, sizes)
    assert bpe.token_counts(test_text, sizes).tolist() == brute
    assert [len(bpe.truncated(v).encode(test_text)) for v in (300, 1000)] == [brute[1], brute[-1]]
    n_bytes = len(test_text.encode("utf-8"))
    assert [f"{n_bytes / n:.2f}" for n in brute] == [
        "1.00", "1.53", "1.95", "2.20", "2.38", "2.52", "2.65", "2.78", "2.88"]
    assert bpe.bytes_per_token(test_text) == pytest.approx(n_bytes / brute[-1])


def test_bytes_per_token_on_the_training_text(split, bpe):
    train_text = "\n".join(split[0])
    sizes = [256, 300, 400, 500, 600, 700, 800, 900, 1000]
    brute = brute_force_lengths(Counter(pretokenize(train_text)), bpe.merges, sizes)
    assert bpe.token_counts(train_text, sizes).tolist() == brute
    n_bytes = len(train_text.encode("utf-8"))
    assert [f"{n_bytes / n:.2f}" for n in brute] == [
        "1.00", "1.52", "1.96", "2.20", "2.39", "2.54", "2.68", "2.79", "2.90"]


def test_sequence_length_table(split, bpe):
    test_s = split[1]
    chunks = Counter(c for s in test_s for c in pretokenize(s))
    assert brute_force_lengths(chunks, bpe.merges, [1000])[0] == sum(
        len(bpe.encode(s)) for s in test_s) == 9699
    assert sum(len(corpus.words(s)) for s in test_s) == 5595
    assert sum(len(s.encode("utf-8")) for s in test_s) == sum(len(s) for s in test_s) == 28722
    train_chars = set("\n".join(split[0]))
    assert len(train_chars) == 62
    assert not any(c not in train_chars for s in test_s for c in s)


def test_encode_matches_the_brute_force_encoder_on_the_notebook_strings(split, bpe):
    for text in [split[1][2], EMOJI, "Whisker 🐈", "the", " the", "The", " The", " THE"]:
        assert bpe.encode(text) == brute_force_encode(text, bpe.merges), text
    assert split[1][2] == "Fairweather looked out to sea, and her face grew serious."
    assert "".join(bpe.pieces(split[1][2])) == split[1][2]


def test_decode_of_a_cut_character(bpe):
    ids = bpe.encode("Whisker 🐈")
    assert bpe.decode(ids[:-1]) == "Whisker \ufffd"
    with pytest.raises(UnicodeDecodeError, match="unexpected end of data"):
        bpe.decode(ids[:-1], errors="strict")
    assert bpe.decode(ids[:-1], errors="ignore") == "Whisker "


def test_same_word_several_tokens(bpe):
    assert bpe.encode(" the") == [259]
    assert len({tuple(bpe.encode(p)) for p in ["the", " the", "The", " The", " THE"]}) == 5


def test_bpe_bad_input(bpe):
    with pytest.raises(ValueError, match="vocab_size"):
        BPETokenizer().train("abc", 255)
    with pytest.raises(TypeError, match="vocab_size"):
        BPETokenizer().train("abc", 300.0)
    with pytest.raises(TypeError, match="text"):
        BPETokenizer().train(b"abc", 300)
    with pytest.raises(TypeError, match="text"):
        bpe.encode(["a"])
    with pytest.raises(ValueError, match="ids"):
        bpe.decode([1000])
    with pytest.raises(ValueError, match="errors"):
        bpe.decode([65], errors="loud")
    with pytest.raises(ValueError, match="vocab_size"):
        bpe.truncated(1001)
    with pytest.raises(ValueError, match="vocab_sizes"):
        bpe.token_counts("abc", [200])
    with pytest.raises(ValueError, match="text"):
        bpe.bytes_per_token("")
    with pytest.raises(ValueError, match=r"merges\[1\]"):
        BPETokenizer.from_merges([(97, 98), (300, 1)])
    with pytest.raises(TypeError, match=r"merges\[0\]"):
        BPETokenizer.from_merges([(97,)])
    assert BPETokenizer().train("abc abc", 256).merges == []
    with pytest.raises(ValueError, match="vocab_sizes"):
        BPETokenizer().token_counts("abc", [257])
    with pytest.raises(TypeError, match="text"):
        bpe.token_counts(b"abc", [256])
    with pytest.raises(ValueError, match="count"):
        bpe.merge_pieces(1001)


