"""Text sources for the course, and the two ways we cut text into pieces.

The course's English corpus is a set of short stories written for this project and shipped
in ``lmcore/data/stories.txt`` (see ``lmcore/data/README.md``), so every notebook runs
offline and prints the same numbers on every machine.

Cutting text:

- :func:`sentences` splits prose into sentences (a sentence ends at ``.``, ``!`` or ``?``,
  possibly followed by a closing quote; a line break always ends one);
- :func:`words` lowercases and keeps runs of letters (with inner apostrophes: ``don't``)
  and runs of digits. Punctuation is dropped.

>>> words('"Sit," said the King. The cat sat on the mat!')
['sit', 'said', 'the', 'king', 'the', 'cat', 'sat', 'on', 'the', 'mat']
>>> sentences('"Sit," said the King. The cat sat on the mat!')
['"Sit," said the King.', 'The cat sat on the mat!']
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy as np

from lmcore._checks import check_float, check_int

#: A word is a run of letters, optionally joined by apostrophes (``don't``, ``king's``),
#: or a run of digits. Everything else (punctuation, quotes, dashes) separates words.
WORD_PATTERN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")

# A sentence ends after . ! or ? (and any closing quotes) when whitespace follows and the
# next word does not start in lower case ('"Run!" she said.' stays one sentence).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?![a-z])")


@lru_cache(maxsize=1)
def load_stories() -> str:
    """Return the course's English corpus as one string (about 45,000 words).

    Paragraphs are separated by blank lines and stories by a line ``* * *``.
    The text is read from the installed package, so the working directory does not matter.
    """
    return resources.files("lmcore").joinpath("data", "stories.txt").read_text(encoding="utf-8")


def words(text: str) -> list[str]:
    """Lowercase ``text`` and return its words, in order (punctuation dropped).

    >>> words("Don't wake the King's cat!")
    ["don't", 'wake', 'the', "king's", 'cat']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return WORD_PATTERN.findall(text.lower())


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, keeping their original spelling and punctuation.

    Every line break ends a sentence (the corpus keeps one paragraph per line); pieces
    without a single word (such as the ``* * *`` story separators) are dropped.

    >>> sentences("Hello there. How are you?\\n* * *\\nFine!")
    ['Hello there.', 'How are you?', 'Fine!']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    out = []
    for line in text.splitlines():
        for piece in _split_line(line.strip()):
            if WORD_PATTERN.search(piece.lower()):
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


def train_test_split(items, test_fraction: float = 0.1, seed: int = 0) -> tuple[list, list]:
    """Shuffle ``items`` with ``np.random.default_rng(seed)`` and split off a test share.

    Deterministic: the same items, fraction and seed always give the same split, on any
    machine. The test part has ``round(len(items) * test_fraction)`` items, at least one,
    and the training part keeps at least one. Items keep no particular order.

    >>> train, test = train_test_split(list(range(10)), test_fraction=0.2, seed=0)
    >>> len(train), len(test), sorted(train + test) == list(range(10))
    (8, 2, True)
    """
    if isinstance(items, (str, bytes)):
        raise TypeError("items must be a list (e.g. of sentences), got a single string")
    items = list(items)
    if len(items) < 2:
        raise ValueError(f"items must hold at least 2 items to split, got {len(items)}")
    test_fraction = check_float(
        "test_fraction", test_fraction, minimum=0, maximum=1, min_inclusive=False,
        max_inclusive=False,
    )
    seed = check_int("seed", seed, minimum=0)
    n_test = min(max(1, round(len(items) * test_fraction)), len(items) - 1)
    order = np.random.default_rng(seed).permutation(len(items))
    test = [items[i] for i in order[:n_test]]
    train = [items[i] for i in order[n_test:]]
    return train, test
