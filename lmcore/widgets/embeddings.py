"""Notebook 04's panel: a ``dimension`` slider and a ``window`` slider that update a table of
nearest neighbours in PPMI + SVD embeddings of the stories.

:func:`story_neighbour_table` binds the steps: it computes (``story_embeddings``, then
``neighbour_lists``) and formats (``plotting.embeddings.neighbour_table``).
Moving ``dimension`` only slices a cached SVD (instant), so it updates while dragged; a new
``window`` recounts and re-factorises once (about 0.1-0.2 s), then it is cached too: that
slider updates on release.
"""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.embeddings import neighbour_lists
from lmcore.plotting.embeddings import NEIGHBOUR_WORDS, neighbour_table
from lmcore.story_embeddings import STORY_MAX_DIM, story_embeddings
from lmcore.validation import Int, Tokens, validate
from lmcore.widgets import bind, int_slider


@validate(dimension=Int(min=1, max=STORY_MAX_DIM), window=Int(min=1, max=20), words=Tokens(),
          k=Int(min=1))
def story_neighbour_table(dimension: int = 50, window: int = 2, words=NEIGHBOUR_WORDS,
                          k: int = 5) -> str:
    """The panel's text: neighbours of ``words`` in PPMI + SVD embeddings of the stories.

    Args:
        dimension: how many SVD dimensions to keep (1 to ``STORY_MAX_DIM``).
        window: co-occurrence window, in words on each side.
    """
    emb = story_embeddings(dim=dimension, window=window)
    header = (f"PPMI + SVD on the stories: {len(emb)} words, window {window}, "
              f"dimension {dimension}; cosine similarity after each neighbour")
    return header + "\n\n" + neighbour_table(neighbour_lists(words, emb, k))


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
