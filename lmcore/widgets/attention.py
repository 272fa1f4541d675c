"""Panels of notebooks 05 and 06: a temperature slider and a number-of-heads slider."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.attention import heads_figure, temperature_heatmap
from lmcore.widgets import bind, dropdown, log_slider, select_slider


def temperature_panel(tokens, vectors, temperature: float = 1.0, hide_self: bool = False):
    """A log slider for the temperature on the scores (0.01 to 10) and a self-attention switch;
    redraws the heat map of :func:`lmcore.plotting.attention.temperature_heatmap`."""
    return bind(
        temperature_heatmap,
        tokens=fixed(list(tokens)),
        vectors=fixed(vectors),
        temperature=log_slider("temperature (divides the scores)", temperature, -2, 1, step=0.1),
        scale=fixed(True),
        hide_self=dropdown("each word may look at",
                           [("every word, itself included", False), ("the other words only", True)],
                           hide_self),
        title=fixed(None),
    )


def _layout_of_heads(num_heads, **_):
    return num_heads  # one kept figure per number of heads (their layouts differ)


def heads_panel(tokens, x, projections, num_heads: int = 1, options=None, causal: bool = True):
    """A slider over the numbers of heads (``options``, by default every divisor of d_model up
    to 8); redraws one heat map per head (:func:`lmcore.plotting.attention.heads_figure`).

    The panel keeps one figure per number of heads and repaints only its heat maps, about
    30 ms a move (``make bench``), so the slider updates while dragged; the first visit to a
    number of heads builds its figure (about 0.2 s).
    """
    d_model = x.shape[-1]
    if options is None:
        options = [h for h in range(1, min(d_model, 8) + 1) if d_model % h == 0]
    return bind(
        heads_figure,
        key=_layout_of_heads,
        tokens=fixed(list(tokens)),
        x=fixed(x),
        projections=fixed(projections),
        num_heads=select_slider("num_heads (divisors of d_model)", options, num_heads,
                                continuous_update=True),
        causal=dropdown("mask", [("causal", True), ("none", False)], causal),
    )
