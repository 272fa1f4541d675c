"""Figures and text panels for notebook 08 (tokenization and vocabulary).

Pure functions: they take computed numbers and return a Figure or text, so pytest can
check them without a display.
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_int, check_list
from lmcore.plotting import PALETTE, format_table, new_figure
from lmcore.plotting.live import keep, kept


def zipf_figure(freqs, slope: float, intercept: float, max_rank: int):
    """Log-log plot of word frequency against rank, with the fitted Zipf line.

    Args:
        freqs: counts sorted from most to least frequent, shape ``(V,)``.
        slope, intercept: the line ``log10 freq = intercept + slope * log10 rank``
            (from :func:`lmcore.vocabulary_stats.zipf_fit`).
        max_rank: the ranks ``1 .. max_rank`` the line was fitted on (drawn solid there).
    """
    freqs = np.asarray(freqs, dtype=float)
    if freqs.ndim != 1 or freqs.size < 2 or np.any(freqs <= 0):
        raise ValueError("freqs must be a 1-D array of at least 2 positive counts")
    max_rank = check_int("max_rank", max_rank, minimum=2, maximum=freqs.size)
    ranks = np.arange(1, freqs.size + 1)
    fig, ax = new_figure("Zipf's law: word frequency against rank (log-log)",
                         "rank of the word (1 = most frequent)", "occurrences in the stories")
    ax.loglog(ranks, freqs, marker=".", linestyle="none", markersize=3, color=PALETTE["blue"],
              label="words of the stories")
    fit = 10 ** (intercept + slope * np.log10(ranks))
    ax.loglog(ranks[:max_rank], fit[:max_rank], color=PALETTE["vermillion"],
              label=f"fit on ranks 1-{max_rank}: slope {slope:.2f}")
    ax.loglog(ranks[max_rank - 1:], fit[max_rank - 1:], color=PALETTE["vermillion"],
              linestyle=":")
    ax.legend()
    return fig


def vocab_tradeoff_figure(min_freqs, sizes, rates, min_freq: int):
    """Held-out OOV rate (%) against vocabulary size, one point per ``min_freq``.

    Args:
        min_freqs: the thresholds, shape ``(F,)``, e.g. ``range(1, 21)``.
        sizes: vocabulary size (tokens, specials included) for each threshold, shape ``(F,)``.
        rates: held-out out-of-vocabulary share in [0, 1] for each threshold, shape ``(F,)``.
        min_freq: the threshold to highlight (one of ``min_freqs``).
    """
    min_freqs = [check_int("min_freqs[]", m, minimum=1) for m in min_freqs]
    sizes = np.asarray(sizes, dtype=float)
    rates = np.asarray(rates, dtype=float)
    if sizes.shape != (len(min_freqs),) or rates.shape != (len(min_freqs),):
        raise ValueError(f"sizes and rates must hold one value per min_freq ({len(min_freqs)}), "
                         f"got shapes {sizes.shape} and {rates.shape}")
    if np.any((rates < 0) | (rates > 1)):
        raise ValueError("rates must lie in [0, 1]")
    min_freq = check_int("min_freq", min_freq)
    if min_freq not in min_freqs:
        raise ValueError(f"min_freq must be one of {min_freqs}, got {min_freq}")
    j = min_freqs.index(min_freq)
    fig, ax = new_figure("Smaller vocabulary, more unknown words",
                         "vocabulary size (tokens, specials included)",
                         "held-out words that are <unk> (%)")
    ax.plot(sizes, 100 * rates, marker="o", markersize=4, color=PALETTE["blue"],
            label=f"min_freq = {min(min_freqs)} (right) ... {max(min_freqs)} (left)")
    point = ax.plot([sizes[j]], [100 * rates[j]], marker="o", markersize=11,
                    color=PALETTE["vermillion"], linestyle="none", label=f"min_freq = {min_freq}")[0]
    note = ax.annotate("", (sizes[j], 100 * rates[j]), textcoords="offset points", xytext=(0, 0))
    ax.set_ylim(0, max(100 * rates.max() * 1.25, 1.0))
    ax.set_xlim(0, sizes.max() * 1.08)
    legend = ax.legend(loc="upper right")
    # an update repaints the point, the frame over it, its note and the legend (in that order)
    keep(fig, point=point, note=note, legend=legend,
         redraw=[point, *ax.spines.values(), note, legend])
    _mark_min_freq(fig, sizes, rates, min_freq, j)
    return fig


def _mark_min_freq(fig, sizes, rates, min_freq: int, j: int) -> None:
    parts = kept(fig)
    parts["point"].set_data([sizes[j]], [100 * rates[j]])
    parts["legend"].get_texts()[1].set_text(f"min_freq = {min_freq}")
    right = sizes[j] > 0.7 * sizes.max()  # keep the label inside the axes
    note = parts["note"]
    note.xy = (sizes[j], 100 * rates[j])
    note.set_text(f"min_freq = {min_freq}\n{int(sizes[j]):,} tokens\n{100 * rates[j]:.1f}% <unk>")
    note.xyann = (-12 if right else 12, 10)
    note.set_horizontalalignment("right" if right else "left")


def _update_vocab_tradeoff_figure(fig, min_freqs, sizes, rates, min_freq: int) -> None:
    """Move the highlighted point of a :func:`vocab_tradeoff_figure` to ``min_freq``."""
    min_freqs = [int(m) for m in min_freqs]
    min_freq = check_int("min_freq", min_freq)
    if min_freq not in min_freqs:
        raise ValueError(f"min_freq must be one of {min_freqs}, got {min_freq}")
    _mark_min_freq(fig, np.asarray(sizes, dtype=float), np.asarray(rates, dtype=float),
                   min_freq, min_freqs.index(min_freq))


def bytes_per_token_figure(vocab_sizes, train_bpt, test_bpt):
    """Bytes per token against BPE vocabulary size, on training and held-out text.

    Args:
        vocab_sizes: the vocabulary sizes, shape ``(K,)`` (256 = bytes only).
        train_bpt, test_bpt: UTF-8 bytes per token at each size, shape ``(K,)``.
    """
    vocab_sizes = [check_int("vocab_sizes[]", v, minimum=256) for v in vocab_sizes]
    train_bpt = np.asarray(train_bpt, dtype=float)
    test_bpt = np.asarray(test_bpt, dtype=float)
    if train_bpt.shape != (len(vocab_sizes),) or test_bpt.shape != (len(vocab_sizes),):
        raise ValueError("train_bpt and test_bpt must hold one value per vocabulary size")
    fig, ax = new_figure("BPE: more merges, fewer and longer tokens",
                         "vocabulary size (256 bytes + merges)", "UTF-8 bytes per token")
    ax.plot(vocab_sizes, train_bpt, marker="o", markersize=4, color=PALETTE["blue"],
            label="training text")
    ax.plot(vocab_sizes, test_bpt, marker="s", markersize=4, color=PALETTE["orange"],
            label="held-out text")
    ax.set_ylim(0, max(train_bpt.max(), test_bpt.max()) * 1.15)
    ax.legend()
    return fig


def merges_table(merges) -> str:
    """BPE merges as a text table, one row per merge, the token strings in quotes (so a leading
    space shows).

    Args:
        merges: ``(left, right, new token)`` strings of merges ``1, 2, ...`` in order (from
            :meth:`lmcore.bpe.BPETokenizer.merge_pieces`); merge ``k`` made token ``255 + k``.

    >>> print(merges_table([("a", "t", "at"), ("h", "e", "he")]))
    merge  new id  left  right  new token
    -----  ------  ----  -----  ---------
        1     256  'a'   't'    'at'
        2     257  'h'   'e'    'he'
    """
    merges = check_list("merges", merges, "a list of (left, right, new token) strings")
    if not merges:
        raise ValueError("merges is empty: there is no merge to show")
    for k, row in enumerate(merges):
        if not (isinstance(row, (tuple, list)) and len(row) == 3 and all(isinstance(t, str) for t in row)):
            raise TypeError(f"merges[{k}] must be three strings (left, right, new token), got {row!r}")
    rows = [[k + 1, 256 + k, repr(a), repr(b), repr(new)] for k, (a, b, new) in enumerate(merges)]
    return format_table(rows, ["merge", "new id", "left", "right", "new token"])


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
vocab_tradeoff_figure.update = _update_vocab_tradeoff_figure
