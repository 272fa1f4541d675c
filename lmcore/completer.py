"""Next-word suggestions from an n-gram model, backing off to a fallback completer.

Between words a phone keyboard guesses the *next* word: after ``the king`` the words most
likely to follow, ``P(w | the king)``, restricted to those that start with the letters typed
so far. :class:`NextWordCompleter` does this with an :class:`~lmcore.ngram.NGramModel` and
fills up from a fallback (a :class:`~lmcore.trie.Trie` of word counts, or a completer with a
shorter context) when the model knows fewer than ``k`` matching words.

A completer is anything with ``suggest(history, prefix, k)``, ``explain(history, prefix, k)``
and ``context_size`` (how many previous words its answers depend on): a trie (plain or fast)
or a ``NextWordCompleter`` (plain or :class:`lmcore.completer_fast.FastNextWordCompleter`).

This is the plain version: it ranks the model's vocabulary afresh for every query. The fast
sibling keeps each context's ranking, grouped by first letter, and is tested equal.
"""

from __future__ import annotations

import numpy as np

from lmcore.ngram import BOS, EOS, FITTED_MODEL, UNK, NGramModel
from lmcore.validation import Custom, Int, Str, Tokens, validate

#: Tokens of the model that are never suggested.
SPECIAL = (BOS, EOS, UNK)


def _completer(name, value):
    if not all(hasattr(value, attr) for attr in ("suggest", "explain", "context_size")):
        raise TypeError(f"{name} must be a completer with suggest, explain and context_size "
                        f"(a Trie or a NextWordCompleter), got {type(value).__name__}")
    return value


#: A completer: a trie (plain or fast) or a next-word completer (plain or fast).
COMPLETER = Custom(_completer)
#: A completer to fall back on, or ``None``.
FALLBACK = Custom(_completer, optional=True)


class NextWordCompleter:
    """Suggest the next word from an n-gram model, backing off to a fallback completer.

    For a history ``h`` (the words typed so far in the sentence) and the letters ``prefix``
    typed of the next word, the suggestions are the words ``w`` starting with ``prefix``
    in order of ``P(w | last n - 1 words of h)`` (most probable first, ties alphabetical,
    as :meth:`NGramModel.distribution` gives them). The sentence start ``<s>`` pads a short
    history, exactly as in training. ``<s>``, ``</s>`` and ``<unk>`` are never suggested.

    An MLE model knows only the words it saw after a context (none after an unseen one).
    When it offers fewer than ``k`` matching words, the rest come from ``fallback``, without
    repeats: a :class:`~lmcore.trie.Trie` of word counts (plain frequency), or another
    completer with a shorter context, so a trigram model can back off to a bigram model and
    then to frequency.

    >>> from lmcore.ngram import NGramModel
    >>> from lmcore.trie import Trie
    >>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "cow", "sat"], ["a", "cat"]])
    >>> c = NextWordCompleter(m, fallback=Trie.from_words(["cap", "cat", "cot"]))
    >>> c.suggest(["the"], "c", k=3)   # cat, cow from the bigram model; cap from the trie
    ['cat', 'cow', 'cap']
    >>> c.suggest([], "", k=2)          # after <s>
    ['the', 'a']
    """

    @validate(model=FITTED_MODEL, fallback=FALLBACK)
    def __init__(self, model: NGramModel, fallback=None):
        self.model = model
        self.fallback = fallback
        #: how many previous words the suggestions depend on (this model's or the fallback's)
        self.context_size = max(model.n - 1, 0 if fallback is None else fallback.context_size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model!r}, fallback={self.fallback!r})"

    @property
    def name(self) -> str:
        """A short label of this completer's own model, e.g. ``"3-gram"``."""
        return f"{self.model.n}-gram"

    @validate(history=Tokens())
    def context(self, history) -> tuple[str, ...]:
        """The last ``n - 1`` words of ``history``, padded with ``<s>`` at a sentence start.

        >>> from lmcore.ngram import NGramModel
        >>> NextWordCompleter(NGramModel(3).fit([["a", "b"]])).context(["a"])
        ('<s>', 'a')
        """
        size = self.model.n - 1
        padded = [BOS] * size + history
        return tuple(padded[len(padded) - size :]) if size else ()

    @validate(context=Tokens())
    def ranking(self, context) -> list[tuple[str, float]]:
        """Every word the model offers after ``context`` as ``(word, P(word | context))``,
        most probable first, ties alphabetical; ``[]`` for a context an MLE model never saw.

        >>> from lmcore.ngram import NGramModel
        >>> m = NGramModel(2).fit([["a", "b"], ["a", "c"], ["a", "b"]])
        >>> [(w, round(p, 3)) for w, p in NextWordCompleter(m).ranking(("a",))]
        [('b', 0.667), ('c', 0.333)]
        """
        try:
            p = self.model.probabilities(context)  # (V,) over the sorted vocabulary
        except ValueError:  # an MLE model never saw this context: it offers nothing
            return []
        seen = np.flatnonzero(p > 0)
        order = seen[np.argsort(-p[seen], kind="stable")]  # most probable first; a stable
        vocab = self.model.vocab                             # sort keeps ties alphabetical
        return [(vocab[i], float(p[i])) for i in order if vocab[i] not in SPECIAL]

    @validate(history=Tokens(), prefix=Str(), k=Int(min=1))
    def explain(self, history, prefix: str = "", k: int = 3) -> list[tuple[str, float, str]]:
        """The suggestions as ``(word, probability, source)``, best first.

        ``source`` names who offered the word: ``"2-gram"`` (probability
        ``P(w | context)`` of that model), or ``"frequency"`` for a trie fallback
        (probability ``count(w) / total``, the unigram estimate).

        >>> from lmcore.ngram import NGramModel
        >>> from lmcore.trie import Trie
        >>> m = NGramModel(2).fit([["the", "cat"], ["the", "cow"], ["the", "cat"]])
        >>> c = NextWordCompleter(m, fallback=Trie.from_counts({"cab": 2, "cat": 1, "cob": 1}))
        >>> [(w, round(p, 3), s) for w, p, s in c.explain(["the"], "c", 3)]
        [('cat', 0.667, '2-gram'), ('cow', 0.333, '2-gram'), ('cab', 0.5, 'frequency')]
        """
        ranked = self.ranking(self.context(history))
        out = [(w, p, self.name) for w, p in ranked if w.startswith(prefix)][:k]
        if len(out) < k and self.fallback is not None:
            offered = {w for w, _, _ in out}
            # the fallback's top k holds at most len(out) repeats: enough to fill up to k
            for item in self.fallback.explain(history, prefix, k):
                if item[0] not in offered and len(out) < k:
                    out.append(item)
        return out

    def suggest(self, history, prefix: str = "", k: int = 3) -> list[str]:
        """At most ``k`` words to offer after ``history`` (a list of words) given ``prefix``.

        >>> from lmcore.ngram import NGramModel
        >>> NextWordCompleter(NGramModel(2).fit([["a", "b"]])).suggest(["a"], "", 3)
        ['b']
        """
        return [word for word, _, _ in self.explain(history, prefix, k)]
