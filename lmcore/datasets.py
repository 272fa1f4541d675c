"""Real text on demand: public books and labelled sets, fetched only when you ask, verified, cached.

The course runs on its own bundled texts; this module fetches larger public ones with
`pooch <https://www.fatiando.org/pooch/>`_ (the downloader behind ``scipy.datasets``):

- :func:`gutenberg` a Project Gutenberg book by number, licence header and footer removed;
- :func:`tiny_shakespeare` about 1 MB of Shakespeare's plays (char-rnn's ``input.txt``);
- :func:`uci_sentiment` 3,000 labelled sentences, as :class:`lmcore.sentiment.Reviews`.

Nothing is downloaded at import time. Each source is described in :data:`SOURCES` (URL,
licence, SHA-256 where it is known). A file is downloaded once into the cache
(:func:`default_cache_dir`, or the folder in the ``LMCORE_CACHE`` environment variable)
and its SHA-256 is checked on every load; where none is known (a Gutenberg book), the first
download is trusted and recorded. The machinery (:class:`Source`, :func:`fetch`, the cache,
locks and the trust-on-first-use registry) is :mod:`lmcore.downloads`, re-exported here.
"""

from __future__ import annotations

import re

from lmcore.corpus import load_text
from lmcore.downloads import CACHE_ENV, REGISTRY_FILE, Source, default_cache_dir, fetch, sha256_of
from lmcore.validation import Int, validate

__all__ = [
    "GUTENBERG_URL", "GUTENBERG_LICENCE", "SOURCES", "gutenberg_source", "strip_gutenberg",
    "gutenberg", "tiny_shakespeare", "uci_sentiment",
    # re-exported from lmcore.downloads
    "CACHE_ENV", "REGISTRY_FILE", "Source", "default_cache_dir", "sha256_of", "fetch",
]

GUTENBERG_URL = "https://www.gutenberg.org/cache/epub/{id}/pg{id}.txt"
GUTENBERG_LICENCE = ("Project Gutenberg License (gutenberg.org/policy/license.html); most books "
                     "are in the public domain in the USA: check the law where you are")

#: The registry of fixed sources. Gutenberg books are made on demand by :func:`gutenberg_source`.
#: The two SHA-256 digests below were not computed here (no network); each one is the digest
#: that several independent public projects pin for the same URL.
SOURCES: dict[str, Source] = {
    "tiny-shakespeare": Source(
        name="tiny-shakespeare",
        url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        filename="input.txt",
        licence="Shakespeare's plays are in the public domain; selection by A. Karpathy (char-rnn, MIT)",
        description="Tiny Shakespeare: 40,000 lines of Shakespeare's plays, 1,115,394 bytes",
        sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    ),
    "uci-sentiment": Source(
        name="uci-sentiment",
        url="https://archive.ics.uci.edu/static/public/331/sentiment+labelled+sentences.zip",
        filename="sentiment_labelled_sentences.zip",
        licence="CC BY 4.0 (UCI Machine Learning Repository); cite Kotzias et al., KDD 2015",
        description="UCI Sentiment Labelled Sentences: 3,000 sentences from Amazon, IMDb and "
                    "Yelp, 1,500 positive and 1,500 negative",
        sha256="afc26626d710899948693e1a61405dce197f57ffa719fa1130d346b4cc095343",
    ),
}


@validate(book_id=Int(min=1, max=10**6))  # Gutenberg is near 80,000
def gutenberg_source(book_id: int) -> Source:
    """The :class:`Source` of Project Gutenberg book number ``book_id`` (SHA-256 unknown).

    >>> gutenberg_source(1342).url
    'https://www.gutenberg.org/cache/epub/1342/pg1342.txt'
    """
    return Source(name=f"gutenberg-{book_id}", url=GUTENBERG_URL.format(id=book_id),
                  filename=f"pg{book_id}.txt", licence=GUTENBERG_LICENCE,
                  description=f"Project Gutenberg eBook #{book_id}, plain text (UTF-8)")


# -------------------------------------------------------------------------------- the loaders


def strip_gutenberg(text: str) -> str:
    """The book between the ``*** START OF ...`` and ``*** END OF ...`` lines, stripped.

    >>> strip_gutenberg("licence\\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\\nIt was.\\n"
    ...                 "*** END OF THE PROJECT GUTENBERG EBOOK X ***\\nmore licence")
    'It was.'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    start = re.search(r"^\*\*\*\s*START OF.*$", text, flags=re.MULTILINE)
    end = re.search(r"^\*\*\*\s*END OF.*$", text, flags=re.MULTILINE)
    if start is None or end is None or end.start() < start.end():
        raise ValueError("text has no '*** START OF' line followed by an '*** END OF' line: "
                         "is it a Project Gutenberg plain-text book?")
    return text[start.end():end.start()].strip()


def gutenberg(book_id: int, cache_dir=None, *, timeout: float = 300.0, progress: bool = True) -> str:
    """Project Gutenberg book ``book_id`` as one string, without the licence header and footer.

    For example ``gutenberg(1342)`` is *Pride and Prejudice*, ``gutenberg(2600)`` *War and
    Peace* (in English). Downloaded once (trust on first use, see the module docstring),
    then read from the cache. Arguments as in :func:`fetch`.
    """
    source = gutenberg_source(book_id)
    path = fetch(source, cache_dir, timeout=timeout, progress=progress)
    try:
        return strip_gutenberg(load_text(path))
    except ValueError as exc:
        raise ValueError(f"book_id {book_id}: {path} is not a Gutenberg plain-text book "
                         f"({exc})") from None


def tiny_shakespeare(cache_dir=None, *, timeout: float = 300.0, progress: bool = True) -> str:
    """Tiny Shakespeare (1,115,394 characters of the plays), verified against its SHA-256."""
    path = fetch(SOURCES["tiny-shakespeare"], cache_dir, timeout=timeout, progress=progress)
    return load_text(path)


def uci_sentiment(cache_dir=None, *, timeout: float = 300.0, progress: bool = True):
    """The UCI Sentiment Labelled Sentences (Kotzias et al., 2015) as ``lmcore.sentiment.Reviews``.

    3,000 sentences, 1,000 each from Amazon, IMDb and Yelp (the domains), labelled
    1 = positive, 0 = negative; the same shape as :func:`lmcore.sentiment.load_reviews`.
    """
    from lmcore.reviews import read_labelled_sentences

    path = fetch(SOURCES["uci-sentiment"], cache_dir, timeout=timeout, progress=progress)
    return read_labelled_sentences(path)
