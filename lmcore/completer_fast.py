"""The fast sibling of :class:`lmcore.completer.NextWordCompleter`: rankings kept per context.

Typing a text asks the same context many times (once per letter typed of each word), and
the plain completer ranks the model's whole vocabulary afresh every time.
:class:`FastNextWordCompleter` keeps each context's ranking, grouped by first letter, so a
query scans only the words starting with the prefix's first letter; at most ``cache_size``
contexts are kept. Same answers as the plain completer (``tests/test_completer.py`` holds
them equal); used where speed matters: the keystroke measurements and the panel.

>>> from lmcore.ngram import NGramModel
>>> from lmcore.trie import Trie
>>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "cow", "sat"], ["a", "cat"]])
>>> FastNextWordCompleter(m, fallback=Trie.from_words(["cap", "cat"])).suggest(["the"], "c", 3)
['cat', 'cow', 'cap']
"""

from __future__ import annotations

from lmcore.completer import FALLBACK, FITTED_MODEL, NextWordCompleter
from lmcore.ngram import BOS
from lmcore.validation import Int, Str, Tokens, validate


class FastNextWordCompleter(NextWordCompleter):
    """:class:`~lmcore.completer.NextWordCompleter` with each context's ranking cached.

    Args:
        model: a fitted :class:`~lmcore.ngram.NGramModel`.
        fallback: a completer (a trie or a next-word completer) or ``None``.
        cache_size: how many contexts' ranked lists to keep (an integer >= 1).

    >>> from lmcore.ngram import NGramModel
    >>> m = NGramModel(2).fit([["the", "cat"], ["the", "cow"], ["the", "cat"]])
    >>> [(w, round(p, 3)) for w, p, _ in FastNextWordCompleter(m).explain(["the"], "c", 3)]
    [('cat', 0.667), ('cow', 0.333)]
    """

    @validate(model=FITTED_MODEL, fallback=FALLBACK, cache_size=Int(min=1))
    def __init__(self, model, fallback=None, cache_size: int = 4096):
        super().__init__(model, fallback)
        self.cache_size = cache_size
        self._cache: dict[tuple[str, ...], dict[str, list[tuple[str, float]]]] = {}

    def _groups(self, context: tuple[str, ...]) -> dict[str, list[tuple[str, float]]]:
        """``{"": the ranking, letter: its words starting with letter}``, cached per context."""
        groups = self._cache.get(context)
        if groups is None:
            ranked = self.ranking(context)
            groups = {"": ranked}
            for pair in ranked:
                groups.setdefault(pair[0][0], []).append(pair)
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            self._cache[context] = groups
        return groups

    @validate(history=Tokens(), prefix=Str(), k=Int(min=1))
    def explain(self, history, prefix: str = "", k: int = 3) -> list[tuple[str, float, str]]:
        """The suggestions as ``(word, probability, source)``, as the plain completer gives them.

        >>> from lmcore.ngram import NGramModel
        >>> FastNextWordCompleter(NGramModel(2).fit([["a", "b"]])).explain(["a"], "", 3)
        [('b', 1.0, '2-gram')]
        """
        return self._explain(history, prefix, k)

    @validate(history=Tokens(), prefix=Str(), k=Int(min=1))
    def suggest(self, history, prefix: str = "", k: int = 3) -> list[str]:
        """At most ``k`` words to offer after ``history`` given ``prefix``.

        >>> from lmcore.ngram import NGramModel
        >>> FastNextWordCompleter(NGramModel(2).fit([["a", "b"]])).suggest(["a"], "", 3)
        ['b']
        """
        return [word for word, _, _ in self._explain(history, prefix, k)]

    def _explain(self, history: list[str], prefix: str, k: int) -> list[tuple[str, float, str]]:
        size = self.model.n - 1
        context = tuple(([BOS] * size + history)[len(history):]) if size else ()
        out = []
        for word, p in self._groups(context).get(prefix[:1], ()):
            if word.startswith(prefix):
                out.append((word, p, self.name))
                if len(out) == k:
                    return out
        if self.fallback is None:
            return out
        if isinstance(self.fallback, FastNextWordCompleter):  # its arguments are checked already
            more = self.fallback._explain(history, prefix, k)
        else:
            more = self.fallback.explain(history, prefix, k)
        offered = {w for w, _, _ in out}
        for item in more:
            if item[0] not in offered and len(out) < k:
                out.append(item)
        return out
