"""The course's labelled reviews, and how to read a public labelled set.

:func:`load_reviews` reads ``lmcore/data/reviews.tsv``, 850 short reviews written for this
course (see ``lmcore/data/REVIEWS.md``), as :class:`Reviews` ``(texts, labels, domains)``.
A larger public labelled set, the UCI Sentiment Labelled Sentences, comes from
:func:`lmcore.datasets.uci_sentiment` (downloaded only when called, verified, cached),
parsed by :func:`read_labelled_sentences`. :func:`has_negation` picks out the reviews with
a negation word, the ones a bag of words finds hard.

>>> texts, labels, domains = load_reviews()
>>> len(texts), int(labels.sum()), sorted(set(domains))[:2]
(850, 425, ['books', 'films'])
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lmcore._checks import read_text_file
from lmcore.segmentation import words
from lmcore.validation import Str, validate

__all__ = ["LABELS", "NEGATIONS", "Reviews", "load_reviews", "read_labelled_sentences", "has_negation"]

#: Class names, indexed by label: 0 = negative, 1 = positive.
LABELS = ("negative", "positive")

#: Words that flip or cancel what follows them (used to pick out the "negation" reviews).
NEGATIONS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "nor", "neither",
                       "cannot", "without", "hardly", "don't", "doesn't", "didn't", "isn't",
                       "wasn't", "won't", "can't", "couldn't", "wouldn't"})

class Reviews(NamedTuple):
    """Labelled reviews: ``texts`` (list of str), ``labels`` (int array, 1 = positive),
    ``domains`` (list of str, e.g. ``"films"``)."""

    texts: list[str]
    labels: np.ndarray
    domains: list[str]



def load_reviews(path=None) -> Reviews:
    """Read the course's labelled reviews (``label<TAB>domain<TAB>text`` with a header line).

    Args:
        path: a TSV file in that format; ``None`` reads the bundled ``data/reviews.tsv``.

    Returns:
        ``Reviews(texts, labels, domains)``, in file order; ``labels`` is an int array of 0/1.

    >>> r = load_reviews()
    >>> r.labels[0], r.domains[0], r.texts[0][:24]
    (np.int64(1), 'films', 'A warm, funny film that ')
    """
    if path is None:
        raw = resources.files("lmcore").joinpath("data", "reviews.tsv").read_text("utf-8")
    else:
        raw = read_text_file(path)  # clear errors that name the file; a UTF-8 BOM is fine
    lines = raw.splitlines()
    if not lines or lines[0] != "label\tdomain\ttext":
        where = "path" if path is None else f"path {str(path)!r}"
        raise ValueError(f"{where} must point to a TSV file whose first line is 'label<TAB>domain<TAB>text'")
    texts, labels, domains = [], [], []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ("0", "1") or not parts[1] or not parts[2].strip():
            raise ValueError(f"path: line {number} is not 'label<TAB>domain<TAB>text' with "
                             f"label 0 or 1: {line[:60]!r}")
        labels.append(int(parts[0]))
        domains.append(parts[1])
        texts.append(parts[2])
    if not texts:
        raise ValueError("path holds a header but no reviews")
    return Reviews(texts, np.array(labels, dtype=np.int64), domains)


def read_labelled_sentences(path) -> Reviews:
    """Parse the UCI "Sentiment Labelled Sentences" zip archive (Kotzias et al., 2015).

    Every member named ``*_labelled.txt`` holds lines ``sentence<TAB>label`` (label 0 or 1);
    its domain is the first word of the file name (``amazon``, ``imdb``, ``yelp``). Members
    are read in sorted order; macOS metadata (``__MACOSX/``) is skipped.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"path {path.name!r} is not a readable zip archive: {exc}") from None
    texts, labels, domains = [], [], []
    with archive:
        members = sorted(n for n in archive.namelist() if n.endswith("_labelled.txt")
                         and not n.startswith("__MACOSX") and not Path(n).name.startswith("._"))
        if not members:
            raise ValueError(f"path {path.name!r} holds no '*_labelled.txt' file")
        for member in members:
            domain = Path(member).name.removesuffix("_labelled.txt").split("_")[0]
            data = archive.read(member)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                sentence, tab, label = line.rstrip().rpartition("\t")
                if not tab or label.strip() not in ("0", "1") or not sentence.strip():
                    raise ValueError(f"path: {member} line {number} is not "
                                     f"'sentence<TAB>0|1': {line[:60]!r}")
                texts.append(sentence.strip())
                labels.append(int(label))
                domains.append(domain)
    return Reviews(texts, np.array(labels, dtype=np.int64), domains)


@validate(text=Str())
def has_negation(text: str) -> bool:
    """True if ``text`` holds a negation word (:data:`NEGATIONS`): not, no, never, ...

    >>> has_negation("Not bad at all"), has_negation("Nothing works"), has_negation("Great")
    (True, True, False)
    """
    return any(w in NEGATIONS for w in words(text))
