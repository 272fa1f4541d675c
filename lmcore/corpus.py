"""The course's texts: where the words come from, and the one switch that changes them.

The course's English corpus is a set of short stories written for this project and shipped
in ``lmcore/data/stories.txt`` (see ``lmcore/data/README.md``), so every notebook runs
offline and prints the same numbers on every machine. :func:`load_text` reads any UTF-8
file, and :func:`course_text` returns the text a notebook should measure: the stories, or
what the ``LMCORE_TEXT`` environment variable names (a file, a Project Gutenberg book, Tiny
Shakespeare). :func:`stand_ins` replaces words a notebook names that another text lacks.

The rest of what a notebook does with a text lives in its own module and is re-exported
here, so ``from lmcore import corpus`` is all a notebook needs:

- :mod:`lmcore.segmentation`: :func:`sentences`, :func:`words`, :func:`tokenized_sentences`;
- :mod:`lmcore.splits`: :func:`stories`, :func:`split_stories`, :func:`train_test_split`;
- :mod:`lmcore.markov`: :class:`MarkovSource`, a synthetic language of known entropy.

>>> words('"Sit," said the King. The cat sat on the mat!')
['sit', 'said', 'the', 'king', 'the', 'cat', 'sat', 'on', 'the', 'mat']
>>> sentences('"Sit," said the King. The cat sat on the mat!')
['"Sit," said the King.', 'The cat sat on the mat!']
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lmcore._checks import check_tokens
from lmcore.markov import MarkovSource
from lmcore.segmentation import WORD_PATTERN, sentences, tokenized_sentences, words
from lmcore.splits import (
    PSEUDO_STORY_WORDS,
    STORY_SEPARATOR,
    split_stories,
    stories,
    train_test_split,
)

__all__ = [
    # defined here
    "TEXT_ENV", "load_stories", "load_text", "course_text", "stand_ins",
    # re-exported: lmcore.segmentation
    "WORD_PATTERN", "words", "sentences", "tokenized_sentences",
    # re-exported: lmcore.splits
    "STORY_SEPARATOR", "PSEUDO_STORY_WORDS", "train_test_split", "stories", "split_stories",
    # re-exported: lmcore.markov
    "MarkovSource",
]


@lru_cache(maxsize=1)
def load_stories() -> str:
    """Return the course's English corpus as one string (about 45,000 words).

    Paragraphs are separated by blank lines and stories by a line ``* * *``.
    The text is read from the installed package, so the working directory does not matter.
    """
    return resources.files("lmcore").joinpath("data", "stories.txt").read_text(encoding="utf-8")


def load_text(path) -> str:
    """Read a UTF-8 text file (a book, your own notes, a class's essays) as one string.

    A byte-order mark is dropped and Windows/old-Mac line endings become ``\\n``.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "t.txt"); _ = p.write_bytes("Ça va?\\r\\nOui.".encode()); load_text(p)
    'Ça va?\\nOui.'
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or pathlib.Path), got {type(path).__name__}")
    path = Path(path).expanduser()
    if path.is_dir():
        raise ValueError(f"path {str(path)!r} is a folder, not a text file")
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r}: no such file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"path {str(path)!r} is not UTF-8 text (byte {exc.start} is "
                         f"{data[exc.start]:#04x}); save it as UTF-8 first, e.g. "
                         "'iconv -f latin1 -t utf-8 in.txt > out.txt'") from None
    if not text.strip():
        raise ValueError(f"path {str(path)!r} holds no text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: The environment variable that makes :func:`course_text` load another text.
TEXT_ENV = "LMCORE_TEXT"


def course_text(choice: str | None = None) -> str:
    """The text the notebooks measure: the course's stories unless ``LMCORE_TEXT`` says otherwise.

    ``choice`` (default: the ``LMCORE_TEXT`` environment variable) is one of

    - unset, empty or ``stories``: :func:`load_stories`;
    - ``shakespeare``: :func:`lmcore.datasets.tiny_shakespeare` (downloaded once, then cached);
    - ``gutenberg:1342``: :func:`lmcore.datasets.gutenberg` book 1342 (downloaded once);
    - a path to a UTF-8 text file: :func:`load_text`.

    So ``LMCORE_TEXT=gutenberg:1342 jupyter lab`` runs every text notebook on *Pride and
    Prejudice*. Only the stories keep the recorded outputs; other texts give other numbers.

    >>> course_text("stories") == load_stories()
    True
    """
    where = TEXT_ENV if choice is None else "choice"
    if choice is None:
        choice = os.environ.get(TEXT_ENV, "")
    elif not isinstance(choice, str):
        raise TypeError(f"choice must be a str, got {type(choice).__name__}")
    spec = choice.strip()
    if spec.lower() in ("", "stories"):
        return load_stories()
    from lmcore import datasets

    if spec.lower() == "shakespeare":
        return datasets.tiny_shakespeare()
    book = re.fullmatch(r"gutenberg:\s*(\d+)", spec, flags=re.IGNORECASE)
    if book:
        return datasets.gutenberg(int(book.group(1)))
    path = Path(spec).expanduser()
    if spec.lower().startswith("gutenberg") or not path.is_file():
        raise ValueError(f"{where}={choice!r} is not understood: use 'stories', 'shakespeare', "
                         "'gutenberg:<book number>' (e.g. gutenberg:1342) or the path of an "
                         f"existing UTF-8 text file (there is no file {str(path.resolve())!r})")
    return load_text(path)


def stand_ins(wanted, vocabulary, spare) -> tuple[list[str], str]:
    """``(chosen, note)``: ``wanted`` with each word that ``vocabulary`` lacks replaced.

    A notebook names words of the stories (*king*, *whisker*); on another text they may be
    missing. Each missing word is replaced by the first word of ``spare`` that ``vocabulary``
    holds and that is not already chosen; ``note`` says so in one line, or is ``""`` when
    nothing was replaced (print it only then).

    >>> stand_ins(["king", "cat"], {"cat", "roi", "le"}, ["le", "roi"])
    (['le', 'cat'], "this text has no 'king': using 'le' instead")
    """
    wanted, spare = check_tokens("wanted", wanted), check_tokens("spare", spare)
    if not hasattr(vocabulary, "__contains__"):
        raise TypeError(f"vocabulary must be a collection of words, got {type(vocabulary).__name__}")
    chosen, missing = list(wanted), []
    unused = iter(w for w in spare if w in vocabulary and w not in wanted)
    for i, word in enumerate(wanted):
        if word not in vocabulary:
            chosen[i] = next(unused, None)
            if chosen[i] is None:
                raise ValueError(f"spare has too few words of vocabulary to stand in for {word!r}")
            missing.append(i)
    if not missing:
        return chosen, ""
    note = (f"this text has no {', '.join(repr(wanted[i]) for i in missing)}: using "
            f"{', '.join(repr(chosen[i]) for i in missing)} instead")
    return chosen, note
