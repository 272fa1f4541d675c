"""Cutting text into sentences and words: the two ways every notebook reads prose.

- :func:`sentences` splits prose into sentences (a sentence ends at ``.``, ``!`` or ``?``,
  possibly followed by a closing quote; a line break always ends one);
- :func:`words` lowercases and keeps runs of letters of any alphabet (with inner
  apostrophes: ``don't``) and runs of digits; a Chinese character or Japanese kana is a
  word of its own (those scripts put no spaces between words). Punctuation is dropped.

>>> words('"Sit," said the King. The cat sat on the mat!')
['sit', 'said', 'the', 'king', 'the', 'cat', 'sat', 'on', 'the', 'mat']
>>> sentences('"Sit," said the King. The cat sat on the mat!')
['"Sit," said the King.', 'The cat sat on the mat!']
"""

from __future__ import annotations

import re
import unicodedata

from lmcore.validation import Str, validate

__all__ = ["WORD_PATTERN", "words", "sentences", "tokenized_sentences"]

# Chinese characters (Han) and Japanese kana: these scripts put no spaces between words,
# so each character is a token of its own.
_CJK = "\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# One letter of any other script (a word character that is not a digit, "_" or CJK),
# with any combining accents that follow it.
_LETTER = rf"[^\W\d_{_CJK}][\u0300-\u036f]*"

#: A word is a run of letters, optionally joined by apostrophes (``don't``, ``king's``),
#: or a run of digits, or one CJK character. Everything else (punctuation, quotes, dashes)
#: separates words. It is applied to lowercased NFC text whose ``’`` became ``'``.
WORD_PATTERN = re.compile(rf"(?:{_LETTER})+(?:'(?:{_LETTER})+)*|[{_CJK}]|\d+")

# Lowercase letters of the alphabetic scripts (Latin, Greek, Cyrillic, Armenian, ...).
_LOWER = "".join(re.escape(c) for c in map(chr, range(0x2000)) if c.islower())
# A sentence ends after . ! ? or an ellipsis (and any closing quotes) when whitespace follows
# and the next word does not start in lower case ('"Run!" she said.' stays one sentence);
# after a CJK full stop, ! or ? (and closing brackets) it always ends.
_SENTENCE_END = re.compile(
    rf"(?<=[.!?\u2026])[\"')\]\u2019\u201d\u00bb]*\s+(?![{_LOWER}])"
    r"|(?<=[\u3002\uff01\uff1f])[\u300d\u300f\uff09]*\s*"
)


@validate(text=Str())
def words(text: str) -> list[str]:
    """Lowercase ``text`` and return its words, in order (punctuation dropped).

    Letters of every alphabet count (accents, Greek, Cyrillic, ...); the text is put in
    NFC form first, so an accent typed as a separate combining mark stays in its word, and
    a typographic apostrophe ``’`` becomes ``'``. Chinese characters and Japanese kana are
    one word each (a word list for those languages needs a dictionary-based segmenter).

    >>> words("Don't wake the King's cat!")
    ["don't", 'wake', 'the', "king's", 'cat']
    >>> words("L’été à Paris: 3 cafés.")
    ["l'été", 'à', 'paris', '3', 'cafés']
    >>> words("Кошка спит. Η γάτα κοιμάται.")
    ['кошка', 'спит', 'η', 'γάτα', 'κοιμάται']
    >>> words("我爱猫。Cats!")
    ['我', '爱', '猫', 'cats']
    """
    text = unicodedata.normalize("NFC", text.lower()).replace("\u2019", "'")
    return WORD_PATTERN.findall(text)


@validate(text=Str())
def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, keeping their original spelling and punctuation.

    Every line break ends a sentence (the corpus keeps one paragraph per line); pieces
    without a single word (such as the ``* * *`` story separators) are dropped. A lower-case
    letter of any alphabet after ``!`` or ``?`` continues the sentence; a Chinese or
    Japanese full stop ``。`` always ends one.

    >>> sentences("Hello there. How are you?\\n* * *\\nFine!")
    ['Hello there.', 'How are you?', 'Fine!']
    >>> sentences("«Στάσου!» φώναξε. Έφυγε.")
    ['«Στάσου!» φώναξε.', 'Έφυγε.']
    >>> sentences("猫が寝た。犬も寝た。")
    ['猫が寝た。', '犬も寝た。']
    """
    out = []
    for line in text.splitlines():
        for piece in _split_line(line.strip()):
            if words(piece):
                out.append(piece)
    return out


def _split_line(line: str) -> list[str]:
    """Split one line at sentence ends, keeping closing quotes with their sentence."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(line):
        # the closing quotes belong to the sentence that ends here; the whitespace does not
        end = match.start() + len(match.group(0).rstrip())
        pieces.append(line[start:end])
        start = match.end()
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


def tokenized_sentences(text: str) -> list[list[str]]:
    """Return ``[words(s) for s in sentences(text)]``: the input every n-gram model takes.

    >>> tokenized_sentences("The cat sat. The dog ran!")
    [['the', 'cat', 'sat'], ['the', 'dog', 'ran']]
    """
    return [words(s) for s in sentences(text)]
