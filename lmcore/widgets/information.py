"""Panels of notebooks 02 and 03: a source's concentration, and add-k's pseudo-count."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.information import add_k_figure, source_figure
from lmcore.widgets import bind, log_slider


def concentration_panel(concentration: float = 1.0, order: int = 1, vocab_size: int = 8,
                        seed: int = 0):
    """A log slider for a :class:`MarkovSource`'s Dirichlet concentration (0.01 to 100)."""
    return bind(
        source_figure,
        concentration=log_slider("concentration (Dirichlet parameter)", concentration, -2, 2),
        order=fixed(order),
        vocab_size=fixed(vocab_size),
        seed=fixed(seed),
    )


def add_k_panel(models, sentences, k: float = 0.01):
    """A log slider for add-k's pseudo-count k (1e-4 to 10) over held-out ``sentences``."""
    return bind(
        add_k_figure,
        models=fixed(models),
        sentences=fixed(sentences),
        k=log_slider("k (add-k pseudo-count)", k, -4, 1),
        ks=fixed(None),
    )
