"""Notebook 08's panel: a ``min_freq`` slider trading vocabulary size against unknown words."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.tokenizers import vocab_tradeoff_figure
from lmcore.widgets import bind, int_slider


def vocab_tradeoff_panel(min_freqs, sizes, rates, min_freq: int = 2):
    """A ``min_freq`` slider over ``min_freqs`` (consecutive integers) highlighting that point
    of the curve of held-out OOV rate against vocabulary size (from
    :func:`lmcore.vocabulary_stats.oov_curve`)."""
    min_freqs = list(min_freqs)
    return bind(
        vocab_tradeoff_figure,
        min_freqs=fixed(min_freqs),
        sizes=fixed(sizes),
        rates=fixed(rates),
        min_freq=int_slider("min_freq (minimum count)", min_freq,
                            min(min_freqs), max(min_freqs)),
    )
