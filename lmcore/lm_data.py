"""Data for the neural language models: a vocabulary, rare words as ``<unk>``, training pairs.

:func:`build_vocab` keeps the words seen at least ``min_count`` times (plus ``</s>`` and
``<unk>``, sorted like ``NGramModel.vocab``), :func:`replace_rare` maps every other word to
``<unk>``, :func:`make_examples` turns sentences into (context ids, target id) pairs and
:func:`id_stream` into one stream of ids for a sequence model.
The start symbol ``<s>`` can be a context but never a target, so it gets the extra input id
``len(vocab)``: the models of :mod:`lmcore.neural_lm` have ``V + 1`` inputs and ``V`` outputs.

>>> vocab = build_vocab([["the", "cat"], ["the", "dog"]])
>>> vocab
('</s>', '<unk>', 'cat', 'dog', 'the')
>>> contexts, targets = make_examples([["the", "cat"]], vocab, context_size=1)
>>> contexts[:, 0].tolist(), targets.tolist()     # <s> is id 5 = len(vocab)
([5, 4, 2], [4, 2, 0])
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from lmcore._checks import check_memory, check_tokens
from lmcore.ngram import EOS, UNK
from lmcore.validation import Int, Sentences, validate


@validate(sentences=Sentences(words=True), min_count=Int(min=1))
def build_vocab(sentences, min_count: int = 1) -> tuple[str, ...]:
    """Sorted tuple of the words seen at least ``min_count`` times, plus ``</s>`` and ``<unk>``.

    The same convention as ``NGramModel.vocab``: a count bigram fitted on
    ``replace_rare(sentences, vocab)`` has exactly this vocabulary.

    >>> build_vocab([["a", "b", "a"]], min_count=2)
    ('</s>', '<unk>', 'a')
    """
    counts = Counter(w for s in sentences for w in s)
    return tuple(sorted({w for w, c in counts.items() if c >= min_count} | {EOS, UNK}))


def vocab_index(vocab) -> dict[str, int]:
    """``{word: id}`` of a vocabulary from :func:`build_vocab`, after checking it is one.

    >>> vocab_index(("</s>", "<unk>", "a"))
    {'</s>': 0, '<unk>': 1, 'a': 2}
    """
    if isinstance(vocab, str) or not isinstance(vocab, (tuple, list)):
        raise TypeError(f"vocab must be a tuple of words (from build_vocab), got {type(vocab).__name__}")
    index = {w: i for i, w in enumerate(check_tokens("vocab", vocab))}
    if len(index) != len(vocab) or EOS not in index or UNK not in index:
        raise ValueError("vocab must hold distinct words including '</s>' and '<unk>' (use build_vocab)")
    return index


@validate(sentences=Sentences())
def replace_rare(sentences, vocab) -> list[list[str]]:
    """Return ``sentences`` with every word not in ``vocab`` replaced by ``<unk>``.

    >>> replace_rare([["a", "zebra"]], ("</s>", "<unk>", "a"))
    [['a', '<unk>']]
    """
    index = vocab_index(vocab)
    return [[w if w in index else UNK for w in s] for s in sentences]


@validate(sentences=Sentences(), context_size=Int(min=1))
def make_examples(sentences, vocab, context_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn sentences into training pairs: ``contexts`` (N, context_size) and ``targets`` (N,).

    Each sentence is padded with ``context_size`` start symbols (input id ``len(vocab)``) and
    one ``</s>``; every word and the final ``</s>`` is one target, predicted from the
    ``context_size`` ids before it. Words outside ``vocab`` become ``<unk>``.

    >>> c, t = make_examples([["a", "b"]], ("</s>", "<unk>", "a"), context_size=2)
    >>> c.tolist(), t.tolist()
    ([[3, 3], [3, 2], [2, 1]], [2, 1, 0])
    """
    index = vocab_index(vocab)
    n = context_size
    check_memory("context_size", sum(len(s) + 1 for s in sentences) * (n + 1))
    bos, unk = len(vocab), index[UNK]
    contexts, targets = [], []
    for s in sentences:
        ids = [bos] * n + [index.get(w, unk) for w in s] + [index[EOS]]
        for i in range(n, len(ids)):
            contexts.append(ids[i - n : i])
            targets.append(ids[i])
    return np.array(contexts, dtype=np.int64), np.array(targets, dtype=np.int64)


@validate(sentences=Sentences())
def id_stream(sentences, vocab) -> np.ndarray:
    """The sentences as one stream of ids (N,) for a sequence model: ``</s>`` first, then each
    sentence's words followed by ``</s>``. Words outside ``vocab`` become ``<unk>``.

    >>> id_stream([["a", "b"], ["zebra"]], ("</s>", "<unk>", "a", "b")).tolist()
    [0, 2, 3, 0, 1, 0]
    """
    index = vocab_index(vocab)
    check_memory("sentences", sum(len(s) + 1 for s in sentences) + 1)
    ids = [index[EOS]]
    for sentence in sentences:
        ids += [index.get(w, index[UNK]) for w in sentence] + [index[EOS]]
    return np.array(ids, dtype=np.int64)

