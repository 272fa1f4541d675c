"""Panels of notebooks 05 and 06: a temperature slider and a number-of-heads slider.

Each panel computes with :mod:`lmcore.attention` and then draws with
:mod:`lmcore.plotting.attention`: the two view functions below are that pair of calls (and
their in-place ``update``), which :func:`lmcore.widgets.bind` re-runs when a control moves.
"""

from __future__ import annotations

import numpy as np
from ipywidgets import fixed

from lmcore.attention import multi_head_attention, self_attention_weights
from lmcore.plotting.attention import heads_figure, temperature_heatmap
from lmcore.positions import causal_mask
from lmcore.widgets import bind, dropdown, log_slider, select_slider


def _temperature_weights(tokens, vectors, temperature, hide_self):
    others = ~np.eye(len(tokens), dtype=bool) if hide_self else None  # True off the diagonal
    return self_attention_weights(vectors, temperature, mask=others)  # (T, T)


def temperature_view(tokens, vectors, temperature: float = 1.0, hide_self: bool = False):
    """Self-attention of ``vectors`` (T, d) at ``temperature``, drawn over ``tokens``."""
    weights = _temperature_weights(tokens, vectors, temperature, hide_self)
    return temperature_heatmap(tokens, weights, temperature, hide_self)


def _update_temperature_view(fig, tokens, vectors, temperature=1.0, hide_self=False) -> None:
    weights = _temperature_weights(tokens, vectors, temperature, hide_self)
    temperature_heatmap.update(fig, tokens, weights, temperature, hide_self)


def _head_weights(x, projections, num_heads, causal):
    mask = causal_mask(len(x)) if causal else None
    _, weights = multi_head_attention(x[None], projections["w_q"], projections["w_k"],
                                      projections["w_v"], projections["w_o"], num_heads, mask)
    return weights[0]  # (1, h, T, T) -> (h, T, T)


def heads_view(tokens, x, projections, num_heads: int, causal: bool = True):
    """Multi-head self-attention of ``x`` (T, d_model) with ``projections`` (a dict of
    ``w_q, w_k, w_v, w_o``) cut into ``num_heads`` heads, drawn one heat map per head."""
    weights = _head_weights(np.asarray(x, dtype=float), projections, num_heads, causal)
    return heads_figure(tokens, weights, np.shape(x)[-1], causal)


def _update_heads_view(fig, tokens, x, projections, num_heads, causal=True) -> None:
    weights = _head_weights(np.asarray(x, dtype=float), projections, num_heads, causal)
    heads_figure.update(fig, tokens, weights, np.shape(x)[-1], causal)


temperature_view.update = _update_temperature_view
heads_view.update = _update_heads_view


def temperature_panel(tokens, vectors, temperature: float = 1.0, hide_self: bool = False):
    """A log slider for the temperature on the scores (0.01 to 10) and a self-attention switch;
    redraws the heat map of :func:`temperature_view`."""
    return bind(
        temperature_view,
        tokens=fixed(list(tokens)),
        vectors=fixed(vectors),
        temperature=log_slider("temperature (divides the scores)", temperature, -2, 1, step=0.1),
        hide_self=dropdown("each word may look at",
                           [("every word, itself included", False), ("the other words only", True)],
                           hide_self),
    )


def _layout_of_heads(num_heads, **_):
    return num_heads  # one kept figure per number of heads (their layouts differ)


def heads_panel(tokens, x, projections, num_heads: int = 1, options=None, causal: bool = True):
    """A slider over the numbers of heads (``options``, by default every divisor of d_model up
    to 8); redraws one heat map per head (:func:`heads_view`).

    The panel keeps one figure per number of heads and repaints only its heat maps, about
    30 ms a move (``make bench``), so the slider updates while dragged; the first visit to a
    number of heads builds its figure (about 0.2 s).
    """
    d_model = x.shape[-1]
    if options is None:
        options = [h for h in range(1, min(d_model, 8) + 1) if d_model % h == 0]
    return bind(
        heads_view,
        key=_layout_of_heads,
        tokens=fixed(list(tokens)),
        x=fixed(x),
        projections=fixed(projections),
        num_heads=select_slider("num_heads (divisors of d_model)", options, num_heads,
                                continuous_update=True),
        causal=dropdown("mask", [("causal", True), ("none", False)], causal),
    )
