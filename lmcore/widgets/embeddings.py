"""Notebook 04's panel: a ``dimension`` slider and a ``window`` slider that update a table of
nearest neighbours in PPMI + SVD embeddings of the stories.

Moving ``dimension`` only slices a cached SVD (instant), so it updates while dragged; a new
``window`` recounts and re-factorises once (about 0.1-0.2 s), then it is cached too: that
slider updates on release.
"""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.embeddings import STORY_MAX_DIM
from lmcore.plotting.embeddings import NEIGHBOUR_WORDS, story_neighbour_table
from lmcore.widgets import bind, int_slider


def neighbours_panel(dimension: int = 50, window: int = 2, words=NEIGHBOUR_WORDS, k: int = 5):
    """Sliders for the embedding dimension (2 to STORY_MAX_DIM = 200) and the window (1-6 words each side)."""
    return bind(
        story_neighbour_table,
        dimension=int_slider("dimension (SVD components kept)", dimension, 2, STORY_MAX_DIM,
                             continuous_update=True),
        window=int_slider("window (words on each side)", window, 1, 6),
        words=fixed(tuple(words)),
        k=fixed(k),
    )
