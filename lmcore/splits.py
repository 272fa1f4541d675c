"""Held-out data done right: shuffled splits, and splits by whole story.

Sentences of one story share characters and phrases, so text is held out by story
(:func:`split_stories`); :func:`stories` finds the stories (or pseudo-stories of a book).

>>> train, dev, test = split_stories("A.\\n* * *\\nB.\\n* * *\\nC.\\n* * *\\nD.", 0.25, 0.25)
>>> len(stories(train)), len(stories(dev)), len(stories(test))
(2, 1, 1)
"""

from __future__ import annotations

import re

import numpy as np

from lmcore.validation import Float, Int, List, Str, validate

__all__ = ["STORY_SEPARATOR", "PSEUDO_STORY_WORDS", "train_test_split", "stories", "split_stories"]

@validate(items=List("a list (e.g. of sentences)"),
          test_fraction=Float(min=0, max=1, open_min=True, open_max=True), seed=Int(min=0))
def train_test_split(items, test_fraction: float = 0.1, seed: int = 0) -> tuple[list, list]:
    """Shuffle ``items`` with ``np.random.default_rng(seed)`` and split off a test share.

    Deterministic: the same items, fraction and seed always give the same split, on any
    machine. The test part has ``round(len(items) * test_fraction)`` items, at least one,
    and the training part keeps at least one. Items keep no particular order.

    >>> train, test = train_test_split(list(range(10)), test_fraction=0.2, seed=0)
    >>> len(train), len(test), sorted(train + test) == list(range(10))
    (8, 2, True)
    """
    if len(items) < 2:
        raise ValueError(f"items must hold at least 2 items to split, got {len(items)}")
    n_test = min(max(1, round(len(items) * test_fraction)), len(items) - 1)
    order = np.random.default_rng(seed).permutation(len(items))
    test = [items[i] for i in order[:n_test]]
    train = [items[i] for i in order[n_test:]]
    return train, test


STORY_SEPARATOR = "* * *"


#: A text without separator lines is cut into pseudo-stories of about this many words.
PSEUDO_STORY_WORDS = 1000


@validate(text=Str())
def stories(text: str) -> list[str]:
    """Cut ``text`` into its stories at the separator lines ``* * *``; empty pieces dropped.

    A text with no separator line at all (a book, your own notes) is cut into
    *pseudo-stories* instead: runs of consecutive paragraphs (blank-line separated, or lines
    if there are fewer than 20 paragraphs), equal in number of paragraphs, about
    ``PSEUDO_STORY_WORDS`` words each and at least 20 of them (fewer only if the text has
    fewer paragraphs). So :func:`split_stories` holds out whole runs of a book.

    >>> stories("Once.\\n* * *\\nTwice.\\n")
    ['Once.', 'Twice.']
    >>> stories("One.\\n\\nTwo.\\n\\nThree.")  # no separator: one paragraph each
    ['One.', 'Two.', 'Three.']
    """
    pieces = re.split(r"^\s*\* \* \*\s*$", text, flags=re.MULTILINE)
    if len(pieces) == 1:  # no separator line: pseudo-stories of paragraphs
        pieces = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        if len(pieces) < 20:
            pieces = [line for line in text.splitlines() if line.strip()]
        n = min(len(pieces), max(20, round(len(text.split()) / PSEUDO_STORY_WORDS)))
        bounds = np.linspace(0, len(pieces), n + 1).round().astype(int)
        pieces = ["\n\n".join(pieces[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    return [p.strip() for p in pieces if p.strip()]


@validate(text=Str(), dev_fraction=Float(min=0, max=1, open_min=True, open_max=True),
          test_fraction=Float(min=0, max=1, open_min=True, open_max=True), seed=Int(min=0))
def split_stories(text: str, dev_fraction: float = 0.1, test_fraction: float = 0.1,
                  seed: int = 0) -> tuple[str, str, str]:
    """Split ``text`` into ``(train, dev, test)`` texts made of whole stories.

    Held-out text must be held out by story: sentences of one story share characters and
    phrases, so splitting sentences would leak them into the test set. The stories are
    shuffled with ``np.random.default_rng(seed)``; dev and test get
    ``max(1, round(n * fraction))`` stories each and training keeps the rest. Tune on
    ``dev``; score ``test`` once. Each part is its stories joined by separator lines.

    >>> train, dev, test = split_stories("A.\\n* * *\\nB.\\n* * *\\nC.\\n* * *\\nD.", 0.25, 0.25)
    >>> sorted(stories(train) + stories(dev) + stories(test))
    ['A.', 'B.', 'C.', 'D.']
    """
    parts = stories(text)
    n = len(parts)
    n_dev, n_test = max(1, round(n * dev_fraction)), max(1, round(n * test_fraction))
    if n - n_dev - n_test < 1:
        raise ValueError(f"text has {n} stories: too few to hold out {n_dev} for dev and "
                         f"{n_test} for test and keep one for training")
    order = np.random.default_rng(seed).permutation(n)
    join = f"\n{STORY_SEPARATOR}\n".join
    dev = join(parts[i] for i in sorted(order[:n_dev]))
    test = join(parts[i] for i in sorted(order[n_dev:n_dev + n_test]))
    train = join(parts[i] for i in sorted(order[n_dev + n_test:]))
    return train, dev, test
