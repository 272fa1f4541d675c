"""What notebook 11's text box shows: the words typed so far, split, and both rankings.

:func:`split_typed` turns what a learner typed into the previous words and the prefix of the
word being typed; :func:`suggestions` asks a trie and a next-word completer about it. The
panel (:mod:`lmcore.widgets.autocomplete`) formats the result with
:func:`lmcore.plotting.autocomplete.suggestions_text`.
"""

from __future__ import annotations

from lmcore.completer import COMPLETER
from lmcore.corpus import words
from lmcore.validation import Int, Str, validate


@validate(typed=Str())
def split_typed(typed: str) -> tuple[list[str], str]:
    """Split what a learner typed into ``(previous words, prefix of the word being typed)``.

    The prefix is the run of letters, digits and apostrophes at the very end (lowercased);
    it is ``""`` after a space or punctuation. The previous words come from
    :func:`lmcore.corpus.words`.

    >>> split_typed("The King sa")
    (['the', 'king'], 'sa')
    >>> split_typed("the king ")
    (['the', 'king'], '')
    """
    lowered = typed.lower()
    start = len(lowered)
    while start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] == "'"):
        start -= 1
    return words(lowered[:start]), lowered[start:]


@validate(trie=COMPLETER, completer=COMPLETER, typed=Str(), k=Int(min=1))
def suggestions(trie, completer, typed: str, k: int = 3) -> dict:
    """Both answers to ``typed``: the trie's completions and ``completer``'s suggestions.

    Returns ``{"history", "prefix", "context", "completions", "suggestions"}``: the previous
    words and the prefix (:func:`split_typed`), the last ``completer.context_size`` previous
    words (what the completer looks at), ``trie.complete(prefix, k)`` as ``(word, count)``
    pairs and ``completer.explain(history, prefix, k)`` as ``(word, probability, source)``.

    >>> from lmcore.trie import Trie
    >>> trie = Trie.from_counts({"sat": 2, "said": 1})
    >>> result = suggestions(trie, trie, "the cat sa", k=2)
    >>> result["prefix"], result["context"], result["completions"]
    ('sa', [], [('sat', 2), ('said', 1)])
    """
    history, prefix = split_typed(typed)
    size = completer.context_size
    return {
        "history": history,
        "prefix": prefix,
        "context": history[max(0, len(history) - size):] if size else [],
        "completions": trie.complete(prefix, k),
        "suggestions": completer.explain(history, prefix, k),
    }
