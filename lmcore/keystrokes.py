"""Keystrokes saved: how much typing a completer spares on real text.

    saved = 1 - (keystrokes with suggestions) / (keystrokes without)

with the typing model of :func:`word_keystrokes`. A completer is a trie
(:class:`lmcore.trie.Trie`, :class:`lmcore.trie_fast.FastTrie`) or a next-word completer
(:mod:`lmcore.completer`): anything with ``suggest(history, prefix, k)`` and ``context_size``.

>>> from lmcore.trie import Trie
>>> trie = Trie.from_words("the cat sat on the mat".split())
>>> round(keystrokes_saved("the mat", trie, k=1), 3)   # 1 + 2 keystrokes instead of 4 + 4
0.625
"""

from __future__ import annotations

from collections.abc import Iterable

from lmcore._checks import check_int, check_sentences
from lmcore.corpus import tokenized_sentences
from lmcore.trie import WORD
from lmcore.validation import Custom, Int, Tokens, validate


def _completer(name, completer):
    if not callable(getattr(completer, "suggest", None)) or not hasattr(completer, "context_size"):
        raise TypeError(
            f"{name} must have a suggest(history, prefix, k) method and a context_size "
            f"(a Trie or a NextWordCompleter), got {type(completer).__name__}"
        )
    check_int(f"{name}.context_size", completer.context_size, minimum=0)
    return completer


def _text(name, text) -> list[list[str]]:
    if isinstance(text, str):
        sentences = [s for s in tokenized_sentences(text) if s]
        if not sentences:
            raise ValueError(f"{name} holds no words")
        return sentences
    return check_sentences(name, text)


def _ks(name, ks) -> list[int]:
    if isinstance(ks, (str, bytes)) or not isinstance(ks, Iterable):
        raise TypeError(f"{name} must be a sequence of integers >= 1, got {type(ks).__name__}")
    ks = sorted({check_int(f"{name}[]", k, minimum=1) for k in ks})
    if not ks:
        raise ValueError(f"{name} must hold at least one k")
    return ks


#: Something that suggests words: ``suggest(history, prefix, k)`` and ``context_size``.
COMPLETER = Custom(_completer)
#: A string (split into sentences of lowercase words) or a list of sentences of words.
TEXT = Custom(_text)


@validate(word=WORD, history=Tokens(), completer=COMPLETER, k=Int(min=1))
def word_keystrokes(word: str, history, completer, k: int = 3) -> int:
    """Keystrokes needed to enter ``word`` (and the space after it) with ``completer``'s help.

    The typing model: before each letter, including before the first, the completer sees
    ``history`` (the previous words of the sentence, a list) and the letters typed so far,
    and offers at most ``k`` words. If ``word`` is offered, one keystroke accepts it, and
    the accepted word comes with its space. Otherwise the typist types the next letter. A
    word offered after ``i`` typed letters (``0 <= i < len(word)``) costs ``i + 1``
    keystrokes; a word never offered costs ``len(word) + 1`` (its letters and a space),
    exactly its cost without any completer.

    >>> from lmcore.trie import Trie
    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> word_keystrokes("the", [], trie, k=1)   # offered before typing: 1 key
    1
    >>> word_keystrokes("mat", ["the"], trie, k=1)   # "" -> the, "m" -> mat: m + accept
    2
    >>> word_keystrokes("dog", [], trie, k=1)   # never offered: d, o, g, space
    4
    """
    for i in range(len(word)):
        if word in completer.suggest(history, word[:i], k):
            return i + 1
    return len(word) + 1


def _typed_totals(sentences: list[list[str]], completer, ks: list[int]) -> tuple[list[int], int]:
    """Keystrokes to type ``sentences`` for each k of ``ks`` (sorted), and without help.

    One pass asking for the top ``max(ks)``: the top-k list is taken to be the first k of
    the top-``max(ks)`` list, which holds for any completer that ranks by a fixed order
    (a trie, a next-word completer). Identical queries (the same last
    ``completer.context_size`` words and prefix) are answered once.
    """
    size = completer.context_size
    top = ks[-1]
    memo: dict[tuple[tuple[str, ...], str], list[str]] = {}
    typed = [0] * len(ks)
    plain = 0
    for sentence in sentences:
        for j, word in enumerate(sentence):
            history = sentence[:j]
            context = tuple(history[max(0, j - size) :]) if size else ()
            plain += len(word) + 1
            costs = [len(word) + 1] * len(ks)  # never offered: letters and a space
            for i in range(len(word)):
                query = (context, word[:i])
                offered = memo.get(query)
                if offered is None:
                    offered = memo[query] = list(completer.suggest(history, word[:i], top))
                if word in offered:
                    position = offered.index(word)
                    for m, k in enumerate(ks):
                        if position < k and costs[m] == len(word) + 1:
                            costs[m] = i + 1
                    if position < ks[0]:  # found for every k: stop typing
                        break
            for m in range(len(ks)):
                typed[m] += costs[m]
    if plain == 0:
        raise ValueError("text holds no words")
    return typed, plain


@validate(text=TEXT, completer=COMPLETER, k=Int(min=1))
def keystroke_counts(text, completer, k: int = 3) -> tuple[int, int]:
    """Return ``(with_completer, without)``: total keystrokes to type ``text`` both ways.

    ``text`` is a string (split with ``corpus.tokenized_sentences``, so it is lowercased
    and punctuation is dropped) or a list of sentences, each a list of words. Each word
    costs :func:`word_keystrokes`; its history is the words before it in its sentence (a
    new sentence starts with an empty history). Without a completer a word costs its
    letters plus one space. Identical queries are answered once.

    >>> from lmcore.trie import Trie
    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> keystroke_counts("The cat. The mat!", trie, k=1)   # (1 + 2) + (1 + 2) vs 4 * 4
    (6, 16)
    """
    typed, plain = _typed_totals(text, completer, [k])
    return typed[0], plain


def keystrokes_saved(text, completer, k: int = 3) -> float:
    """The share of keystrokes saved, ``1 - with / without``, in [0, 1).

    ``text``, ``completer`` and ``k`` as in :func:`keystroke_counts`; the typing model is
    that of :func:`word_keystrokes`. A fraction, not a percentage.

    >>> from lmcore.trie import Trie
    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> keystrokes_saved("the cat", trie, k=1)   # (1 + 2) instead of (4 + 4)
    0.625
    """
    typed, plain = keystroke_counts(text, completer, k)
    return 1.0 - typed / plain


@validate(text=TEXT, completer=COMPLETER, ks=Custom(_ks))
def keystrokes_saved_by_k(text, completer, ks) -> dict[int, float]:
    """``{k: keystrokes_saved(text, completer, k)}`` for every k of ``ks``, in one pass.

    Types the text once, asking for the top ``max(ks)`` suggestions and reading the top
    ``k`` as their first ``k``: exact for completers that rank by a fixed order, as the
    tries and next-word completers do (for others use :func:`keystrokes_saved` per k).

    >>> from lmcore.trie import Trie
    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> keystrokes_saved_by_k("the cat", trie, [1, 2])   # cat: 2 keys at k = 1, 1 at k = 2
    {1: 0.625, 2: 0.75}
    """
    typed, plain = _typed_totals(text, completer, ks)
    return {k: 1.0 - t / plain for k, t in zip(ks, typed)}
