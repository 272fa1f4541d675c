"""Notebook 01's panel: an ``n`` slider and a ``seed`` slider that regenerate text."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.ngram import sample_sentences
from lmcore.plotting.ngram import generated_text
from lmcore.widgets import bind, int_slider


def _sampled_text(models, n: int, seed: int, count: int = 3) -> str:
    """The panel's render: ``count`` sentences of ``models[n]`` (sampled by
    :func:`lmcore.ngram.sample_sentences`), laid out by :func:`generated_text`."""
    if n not in models:
        raise ValueError(f"n must be one of the fitted orders {sorted(models)}, got {n}")
    return generated_text(sample_sentences(models[n], seed, count), n, seed)


def generation_panel(models, n: int = 2, seed: int = 0, count: int = 3):
    """Sliders for the order ``n`` (over the fitted orders) and the seed; shows sampled text.

    Both update while dragged (``continuous_update=True``): a move samples ``count`` short
    sentences, well under 50 ms (``make bench``).
    """
    return bind(
        _sampled_text,
        models=fixed(models),
        n=int_slider("n (order of the model)", n, min(models), max(models), continuous_update=True),
        seed=int_slider("seed", seed, 0, 99, continuous_update=True),
        count=fixed(count),
    )
