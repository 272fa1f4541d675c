"""Figures and text panels for notebook 11 (autocomplete).

Pure functions: they take computed numbers and return a Figure or text, so pytest can check
them without a display. Nothing here computes a model result: the notebook, or
:func:`lmcore.suggestions.suggestions` for the panel, does.
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_int
from lmcore.plotting import COLORS, format_table, new_figure

_MARKERS = ["o", "s", "^", "D", "v", "P"]


def keystrokes_figure(ks, savings):
    """Keystrokes saved (%) against the number of suggestions shown, one line per completer.

    Args:
        ks: the numbers of suggestions, e.g. ``[1, 3, 5]``.
        savings: ``{completer name: [share saved in [0, 1) for each k]}``, in legend order.
    """
    ks = [check_int("ks[]", k, minimum=1) for k in ks]
    if not isinstance(savings, dict) or not savings:
        raise ValueError("savings must be a non-empty dict {name: one share per k}")
    fig, ax = new_figure("Keystrokes saved on held-out sentences",
                         "k (suggestions shown at each keystroke)", "keystrokes saved (%)")
    top = 0.0
    for j, (name, values) in enumerate(savings.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != (len(ks),):
            raise ValueError(f"savings[{name!r}] must hold one value per k ({len(ks)}), "
                             f"got shape {values.shape}")
        if np.any((values < 0) | (values >= 1)):
            raise ValueError(f"savings[{name!r}] must lie in [0, 1)")
        ax.plot(ks, 100 * values, marker=_MARKERS[j % len(_MARKERS)], color=COLORS[j % 7],
                label=name)
        top = max(top, 100 * values.max())
    last = {name: 100 * float(np.asarray(v, dtype=float)[-1]) for name, v in savings.items()}
    best = max(last, key=last.get)
    ax.annotate(f"{last[best]:.1f}%", (ks[-1], last[best]), textcoords="offset points",
                xytext=(6, 4))
    ax.set_xticks(ks)
    ax.set_ylim(0, max(10.0, top * 1.2))
    ax.legend(loc="lower right")
    return fig


def search_cost_figure(prefixes, matches, visits, k: int):
    """Bar chart (log scale) of the work per query: words matching each prefix vs trie nodes visited.

    Args:
        prefixes: the prefixes queried, e.g. ``["", "t", "th"]``.
        matches: for each prefix, how many vocabulary words start with it (what a linear
            scan, or the slide's collect-then-sort, must rank).
        visits: for each prefix, the nodes :meth:`lmcore.trie.Trie.visits` touched for the top ``k``.
        k: the number of suggestions asked for.
    """
    prefixes = [str(p) for p in prefixes]
    matches = np.asarray(matches, dtype=float)
    visits = np.asarray(visits, dtype=float)
    if matches.shape != (len(prefixes),) or visits.shape != (len(prefixes),):
        raise ValueError(f"matches and visits must hold one value per prefix ({len(prefixes)}), "
                         f"got shapes {matches.shape} and {visits.shape}")
    if np.any(matches < 0) or np.any(visits < 1):
        raise ValueError("matches must be >= 0 and visits >= 1")
    k = check_int("k", k, minimum=1)
    fig, ax = new_figure(f"Work to find the top {k} completions",
                         "prefix typed", "items examined (log scale)")
    x = np.arange(len(prefixes))
    ax.bar(x - 0.2, np.maximum(matches, 0.8), width=0.4, color=COLORS[1],
           label="words starting with the prefix (slide: collect all, then sort)")
    ax.bar(x + 0.2, visits, width=0.4, color=COLORS[0],
           label=f"trie nodes visited by best-first search (k = {k})")
    ax.set_yscale("log")
    ax.set_xticks(x, [repr(p) for p in prefixes])
    ax.set_ylim(0.8, max(matches.max(), visits.max()) * 8)
    ax.legend(loc="upper right")
    return fig


def suggestions_text(history, prefix: str, context, completions, suggestions) -> str:
    """What the text box shows: completions of the word being typed, without and with context.

    Formats the result of :func:`lmcore.suggestions.suggestions` (pass it as
    ``**result``): the previous words ``history`` and the ``prefix`` being typed, the
    ``context`` words the completer looks at, the trie's ``completions`` as ``(word, count)``
    pairs and the completer's ``suggestions`` as ``(word, probability, source)``.
    """
    history = [str(w) for w in history]
    context = [str(w) for w in context]
    where = f"after {' '.join(context)!r}" if context else "at the start of a sentence"
    lines = [f"previous words: {' '.join(history) or '(none)'}   |   prefix: {prefix!r}", ""]
    rows = [[i + 1, w, c] for i, (w, c) in enumerate(completions)]
    lines.append("Word completion by frequency alone (trie):")
    lines.append(format_table(rows, ["rank", "word", "count"]) if rows else "  (no word starts "
                 "with this prefix)")
    lines.append("")
    lines.append(f"Next-word suggestions {where} (n-gram model, backing off):")
    rows = [[i + 1, w, p, src] for i, (w, p, src) in enumerate(suggestions)]
    lines.append(format_table(rows, ["rank", "word", "probability", "from"], floatfmt=".4f")
                 if rows else "  (no suggestion)")
    return "\n".join(lines)
