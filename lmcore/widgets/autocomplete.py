"""Notebook 11's panel: a text box where typing shows the top suggestions live."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.autocomplete import suggestions_text
from lmcore.suggestions import suggestions
from lmcore.widgets import bind, int_slider, text_box


def suggestions_panel_text(trie, completer, typed: str = "the king sa", k: int = 3) -> str:
    """The panel's text for ``typed``: :func:`lmcore.suggestions.suggestions`, formatted by
    :func:`lmcore.plotting.autocomplete.suggestions_text` (the notebook's twin cell prints it)."""
    return suggestions_text(**suggestions(trie, completer, typed, k))


def autocomplete_panel(trie, completer, typed: str = "the king sa", k: int = 3):
    """A text box (the words typed so far, the last one maybe unfinished) and a ``k`` slider.

    Updates on every keystroke (``continuous_update=True``): one update costs a trie
    search and one ranking of the n-gram model's vocabulary (well under a millisecond
    with the fast siblings, :mod:`lmcore.trie_fast` and :mod:`lmcore.completer_fast`).
    """
    return bind(
        suggestions_panel_text,
        trie=fixed(trie),
        completer=fixed(completer),
        typed=text_box("prefix (type words; the last may be unfinished)", typed,
                       continuous_update=True),
        k=int_slider("k (suggestions)", k, 1, 10, continuous_update=True),
    )
