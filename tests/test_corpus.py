"""lmcore.corpus and the stories file it ships."""

import re
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import corpus

STORIES = resources.files("lmcore").joinpath("data", "stories.txt")


class TestStoriesFile:
    def test_is_utf8_and_long_enough(self):
        raw = STORIES.read_bytes()
        text = raw.decode("utf-8")  # raises if not UTF-8
        # counted independently of lmcore's tokenizer: whitespace-separated words with a letter
        tokens = [t for t in text.split() if re.search(r"[A-Za-z]", t)]
        assert len(tokens) >= 40_000
        types = {re.sub(r"[^a-z']", "", t.lower()).strip("'") for t in tokens}
        assert len(types - {""}) >= 2_000

    def test_lmcore_counts_agree_with_the_thresholds(self):
        w = corpus.words(corpus.load_stories())
        assert len(w) >= 40_000 and len(set(w)) >= 2_000

    def test_no_line_over_1000_characters(self):
        assert max(len(line) for line in STORIES.read_text(encoding="utf-8").splitlines()) <= 1000

    def test_has_the_recurring_cast(self):
        counts = Counter(corpus.words(corpus.load_stories()))
        for word in ["king", "queen", "man", "woman", "cat", "dog", "crown", "mat", "bird", "horse"]:
            assert counts[word] >= 5, word

    def test_no_paragraph_repeats(self):
        paragraphs = [p for p in STORIES.read_text(encoding="utf-8").split("\n\n")
                      if len(p) > 80]
        assert len(paragraphs) == len(set(paragraphs))


class TestWords:
    def test_lowercases_and_drops_punctuation(self):
        assert corpus.words('"Sit!" said the King, and Whisker sat.') == [
            "sit", "said", "the", "king", "and", "whisker", "sat"]

    def test_keeps_inner_apostrophes_and_digits(self):
        assert corpus.words("Don't touch the king's 12 loaves, 'please'") == [
            "don't", "touch", "the", "king's", "12", "loaves", "please"]

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet="abcXYZ '.,!?-\n0123", max_size=60))
    def test_every_word_is_in_the_lowercased_text(self, text):
        lowered = text.lower()
        for w in corpus.words(text):
            assert w in lowered and w == w.lower() and w.strip("'") == w

    def test_rejects_non_strings(self):
        with pytest.raises(TypeError, match="text"):
            corpus.words(["a", "b"])


class TestSentences:
    def test_splits_at_terminal_punctuation_and_keeps_quotes(self):
        text = '"Is it ready?" asked Tom. "Yes!" Hana laughed. The bread was warm.\n* * *\nNew story.'
        assert corpus.sentences(text) == [
            '"Is it ready?" asked Tom.', '"Yes!"', "Hana laughed.", "The bread was warm.",
            "New story."]

    def test_line_breaks_end_sentences_and_empty_pieces_are_dropped(self):
        assert corpus.sentences("one\n\ntwo three\n...\n") == ["one", "two three"]

    def test_every_word_of_the_stories_lands_in_exactly_one_sentence(self):
        text = corpus.load_stories()
        assert sum(len(corpus.words(s)) for s in corpus.sentences(text)) == len(corpus.words(text))

    def test_tokenized_sentences(self):
        assert corpus.tokenized_sentences("The cat sat. The dog ran!") == [
            ["the", "cat", "sat"], ["the", "dog", "ran"]]

    def test_rejects_non_strings(self):
        with pytest.raises(TypeError, match="text"):
            corpus.sentences(None)


class TestTrainTestSplit:
    def test_partition_sizes_and_determinism(self):
        items = list(range(100))
        train, test = corpus.train_test_split(items, 0.1, seed=3)
        assert len(test) == 10 and len(train) == 90
        assert sorted(train + test) == items
        assert (train, test) == corpus.train_test_split(items, 0.1, seed=3)
        assert test != corpus.train_test_split(items, 0.1, seed=4)[1]

    def test_matches_an_independent_permutation(self):
        import numpy as np

        items = [f"s{i}" for i in range(20)]
        order = np.random.default_rng(5).permutation(20)
        _, test = corpus.train_test_split(items, 0.25, seed=5)
        assert test == [items[i] for i in order[:5]]

    @settings(max_examples=50, deadline=None)
    @given(st.integers(2, 60), st.floats(0.01, 0.99), st.integers(0, 2**32 - 1))
    def test_both_sides_non_empty(self, size, fraction, seed):
        train, test = corpus.train_test_split(list(range(size)), fraction, seed)
        assert train and test and len(train) + len(test) == size

    @pytest.mark.parametrize("kwargs, exc, name", [
        ({"items": [1]}, ValueError, "items"),
        ({"items": "abc"}, TypeError, "items"),
        ({"items": [1, 2], "test_fraction": 0}, ValueError, "test_fraction"),
        ({"items": [1, 2], "test_fraction": 1.5}, ValueError, "test_fraction"),
        ({"items": [1, 2], "test_fraction": "0.1"}, TypeError, "test_fraction"),
        ({"items": [1, 2], "seed": -1}, ValueError, "seed"),
        ({"items": [1, 2], "seed": 1.5}, TypeError, "seed"),
    ])
    def test_bad_input(self, kwargs, exc, name):
        with pytest.raises(exc, match=name):
            corpus.train_test_split(**kwargs)


def test_split_stories_holds_out_whole_stories():
    text = corpus.load_stories()
    all_stories = corpus.stories(text)
    # independent count of the separators: 46 stories need 45 separator lines
    assert len(all_stories) == sum(line.strip() == "* * *" for line in text.splitlines()) + 1
    train, dev, test = corpus.split_stories(text, seed=0)
    parts = [corpus.stories(p) for p in (train, dev, test)]
    assert [len(p) for p in parts] == [36, 5, 5]
    assert sorted(s for p in parts for s in p) == sorted(all_stories)
    # no sentence of a held-out story is a sentence of a training story's text by position
    train_set = set(parts[0])
    assert not (train_set & set(parts[1])) and not (train_set & set(parts[2]))
    assert corpus.split_stories(text, seed=0) == (train, dev, test)
    assert corpus.split_stories(text, seed=1) != (train, dev, test)


def test_split_stories_refuses_too_few_stories():
    with pytest.raises(ValueError, match="stories"):
        corpus.split_stories("A.\n* * *\nB.", 0.3, 0.3)
    with pytest.raises(ValueError, match="dev_fraction"):
        corpus.split_stories("A.\n* * *\nB.\n* * *\nC.", 1.5, 0.1)


# ----------------------------------------------------------- any alphabet, any file, the switch

# The tokenizer as it was when it knew only English letters, kept here as the reference.
OLD_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")
OLD_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?![a-z])")


def old_sentences(text):
    out = []
    for line in text.splitlines():
        line, pieces, start = line.strip(), [], 0
        for m in OLD_SENTENCE_END.finditer(line):
            pieces.append(line[start:m.start() + len(m.group(0).rstrip())])
            start = m.end()
        pieces.append(line[start:])
        out += [p.strip() for p in pieces if p.strip() and OLD_WORD.search(p.strip().lower())]
    return out


@pytest.mark.parametrize("name", ["stories.txt", "reviews.tsv"])
def test_unicode_words_and_sentences_leave_the_course_texts_unchanged(name):
    text = resources.files("lmcore").joinpath("data", name).read_text(encoding="utf-8")
    assert corpus.words(text) == OLD_WORD.findall(text.lower())
    assert corpus.sentences(text) == old_sentences(text)
    assert len(old_sentences(text)) > 800  # the reference really cut the text


def test_words_on_mixed_scripts_match_a_hand_tokenisation():
    text = ("Émile’s café, 12 Ölbäume; Москва — «город»! Αθήνα και Σπάρτη. "
            "東京タワー is tall; 서울은 크다. Cafe\u0301 ＆ naïve_dog 7x")
    assert corpus.words(text) == [
        "émile's", "café", "12", "ölbäume", "москва", "город", "αθήνα", "και", "σπάρτη",
        "東", "京", "タ", "ワ", "ー", "is", "tall", "서울은", "크다", "café", "naïve", "dog",
        "7", "x"]


LETTERS = "abcdéèçñüößøåæœαβγδεζηθλμπωάέήίόύώабвгдеёжзийклмнопрстуфхцчшщъыьэюяΑΒΓΔЖЯÉÖ"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=8), min_size=1, max_size=12),
       st.lists(st.sampled_from([" ", ", ", "! ", " — ", "\n", " « ", "» ", "; "]), min_size=12,
                max_size=12))
def test_words_of_letters_between_punctuation_are_the_lowercased_words(ws, seps):
    text = "".join(w + sep for w, sep in zip(ws, seps))
    assert corpus.words(text) == [w.lower() for w in ws]


def test_sentences_on_mixed_scripts_match_a_hand_split():
    text = ("Он пришёл. Она ушла! «Куда?» спросил он. 猫が寝た。犬も寝た。 Έλα εδώ… Τέλος.\n"
            "Voilà! Ça marche.")
    assert corpus.sentences(text) == [
        "Он пришёл.", "Она ушла!", "«Куда?» спросил он.", "猫が寝た。", "犬も寝た。",
        "Έλα εδώ…", "Τέλος.", "Voilà!", "Ça marche."]


def test_load_text_reads_utf8_and_names_the_file_in_every_error(tmp_path):
    good = tmp_path / "book.txt"
    good.write_bytes("\ufeffПривет.\r\nΓεια.\rHi.".encode())
    assert corpus.load_text(good) == "Привет.\nΓεια.\nHi."
    assert corpus.load_text(str(good)) == corpus.load_text(good)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.txt.*not UTF-8.*byte 3 is 0xe9"):
        corpus.load_text(latin)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        corpus.load_text(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="folder"):
        corpus.load_text(tmp_path)
    (tmp_path / "empty.txt").write_text(" \n")
    with pytest.raises(ValueError, match="empty.txt.*no text"):
        corpus.load_text(tmp_path / "empty.txt")
    with pytest.raises(TypeError, match="path"):
        corpus.load_text(3)


def test_course_text_follows_lmcore_text(tmp_path, monkeypatch):
    monkeypatch.delenv("LMCORE_TEXT", raising=False)
    assert corpus.course_text() == corpus.load_stories()
    monkeypatch.setenv("LMCORE_TEXT", " stories ")
    assert corpus.course_text() == corpus.load_stories()
    book = tmp_path / "mine.txt"
    book.write_text("Ein kleiner Text über Bäume.", encoding="utf-8")
    monkeypatch.setenv("LMCORE_TEXT", str(book))
    assert corpus.course_text() == "Ein kleiner Text über Bäume."
    for bad in ["gutenberg:pride", "gutenberg", str(tmp_path / "nope.txt"), "shakespear"]:
        monkeypatch.setenv("LMCORE_TEXT", bad)
        with pytest.raises(ValueError, match=r"LMCORE_TEXT=.*gutenberg:<book number>"):
            corpus.course_text()
    with pytest.raises(ValueError, match="^choice="):
        corpus.course_text("nope")
    with pytest.raises(TypeError, match="choice"):
        corpus.course_text(3)
