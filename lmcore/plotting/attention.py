"""Figures for notebooks 05 (attention) and 06 (multi-head attention, the transformer block).

Pure functions: they take arrays (and token labels) and return a matplotlib Figure. They only
draw: the attention weights are computed by the caller (the notebook, or the panels of
:mod:`lmcore.widgets.attention`, which compute with :mod:`lmcore.attention` and then draw).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from lmcore._checks import check_int, check_tokens
from lmcore.plotting import CMAP, PALETTE, STYLE, new_figure
from lmcore.plotting.live import keep, kept

#: Heat maps with at most this many tokens get their weights written in the cells.
ANNOTATE_UP_TO = 12


def _draw_weights(ax, weights, query_labels, key_labels, annotate: bool, fontsize=None,
                  ylabels: bool = True):
    """Draw a (T_q, T_k) weight matrix on ``ax`` (colour scale fixed to [0, 1])."""
    image = ax.imshow(weights, cmap=CMAP, vmin=0.0, vmax=1.0, aspect="equal")
    ax.grid(False)
    ax.set_xticks(range(len(key_labels)), key_labels, rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=fontsize)
    ax.set_yticks(range(len(query_labels)), query_labels, fontsize=fontsize)
    if not ylabels:
        ax.tick_params(labelleft=False)
    if annotate:
        for i in range(weights.shape[0]):
            for j in range(weights.shape[1]):
                w = weights[i, j]
                ax.text(j, i, f"{w:.2f}", ha="center", va="center", fontsize=7,
                        color="black" if w > 0.6 else "white")
    return image


def _check_weights(weights, query_labels, key_labels):
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError(f"weights must have shape (T_q, T_k), got shape {weights.shape}")
    query_labels = check_tokens("query_labels", query_labels)
    key_labels = check_tokens("key_labels", key_labels)
    if weights.shape != (len(query_labels), len(key_labels)):
        raise ValueError(f"weights of shape {weights.shape} need {weights.shape[0]} query labels "
                         f"and {weights.shape[1]} key labels, got {len(query_labels)} and "
                         f"{len(key_labels)}")
    if np.any(weights < 0) or np.any(weights > 1 + 1e-9):
        raise ValueError("weights must lie in [0, 1] (they are softmax outputs)")
    return weights, query_labels, key_labels


def attention_heatmap(weights, query_labels, key_labels, title: str, annotate=None):
    """Heat map of attention weights: row = query token, column = key token, colour = weight.

    ``weights`` is ``(T_q, T_k)`` with rows summing to 1; the labels are the tokens. Weights
    are written in the cells when ``annotate`` (default: when there are at most 12 tokens).
    """
    weights, query_labels, key_labels = _check_weights(weights, query_labels, key_labels)
    if annotate is None:
        annotate = max(weights.shape) <= ANNOTATE_UP_TO
    side = 1.2 + 0.45 * max(weights.shape)
    fig, ax = new_figure(title, "key (the token looked at)", "query (the token looking)",
                         figsize=(side + 1.4, side))
    image = _draw_weights(ax, weights, query_labels, key_labels, annotate)
    fig.colorbar(image, ax=ax, label="attention weight", shrink=0.8)
    # an update repaints the map, its frame, the numbers in it and the title (in that order)
    redraw = [image, *ax.spines.values(), *ax.texts, ax.title]
    keep(fig, title=ax.title, image=image, redraw=redraw)
    return fig


def _recolour(image, weights) -> None:
    """Show new ``weights`` on a heat map drawn by ``_draw_weights`` (and in its cells)."""
    image.set_data(weights)
    texts = image.axes.texts
    if texts:
        for text, w in zip(texts, np.ravel(weights)):
            text.set_text(f"{w:.2f}")
            text.set_color("black" if w > 0.6 else "white")


def scaling_figure(dims, result):
    """Two panels from :func:`lmcore.attention.scaling_experiment`: score variance and peakedness.

    Left: the variance of ``q . k`` against ``d``, with and without the ``1/sqrt(d)`` scale
    (log-log). Right: the average largest softmax weight over the keys.
    """
    dims = np.asarray([check_int("dims[]", d, minimum=1) for d in dims])
    for key in ("var_unscaled", "var_scaled", "max_weight_unscaled", "max_weight_scaled"):
        if key not in result or np.shape(result[key]) != dims.shape:
            raise ValueError(f"result[{key!r}] must hold one value per dimension ({len(dims)})")
    fig, (left, right) = new_figure("Why attention divides the scores by sqrt(d)",
                                    "dimension d of queries and keys", "variance of the scores",
                                    figsize=(9.5, 3.8), ncols=2)
    left.loglog(dims, result["var_unscaled"], "o-", color=PALETTE["vermillion"],
                label="q . k")
    left.loglog(dims, result["var_scaled"], "s-", color=PALETTE["blue"],
                label="q . k / sqrt(d)")
    left.loglog(dims, dims, ":", color=PALETTE["black"], label="d (theory)")
    left.legend()
    left.set_title("score variance", fontsize=10)
    right.semilogx(dims, result["max_weight_unscaled"], "o-", color=PALETTE["vermillion"],
                   label="without the scale")
    right.semilogx(dims, result["max_weight_scaled"], "s-", color=PALETTE["blue"],
                   label="with 1/sqrt(d)")
    right.set_ylim(0, 1.02)
    right.set_ylabel("average largest weight (1 = one-hot)")
    right.set_title("how peaked the softmax is", fontsize=10)
    right.legend()
    return fig


def _temperature_title(temperature: float, hide_self: bool, title: str | None) -> str:
    if title is not None:
        return title
    seen = "other words only" if hide_self else "every word"
    return f"Self-attention at temperature {temperature:.3g} ({seen})"


def temperature_heatmap(tokens, weights, temperature: float = 1.0, hide_self: bool = False,
                        title: str | None = None):
    """Heat map of self-attention ``weights`` (T, T) over a sentence at a temperature
    (notebook 05's panel).

    ``tokens`` are the ``T`` words; ``weights`` come from
    :func:`lmcore.attention.self_attention_weights` at ``temperature`` (with the diagonal
    masked when ``hide_self``: each word sees the *other* words only); the temperature and
    ``hide_self`` only write the title.
    """
    tokens = check_tokens("tokens", tokens)
    return attention_heatmap(weights, tokens, tokens, _temperature_title(temperature, hide_self, title))


def _update_temperature_heatmap(fig, tokens, weights, temperature: float = 1.0,
                                hide_self: bool = False, title: str | None = None) -> None:
    """Redraw a :func:`temperature_heatmap` in place (same tokens)."""
    weights, _, _ = _check_weights(weights, tokens, tokens)
    parts = kept(fig)
    parts["title"].set_text(_temperature_title(temperature, hide_self, title))
    _recolour(parts["image"], weights)


def _check_heads(tokens, weights, d_model: int):
    tokens = check_tokens("tokens", tokens)
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3 or weights.shape[1:] != (len(tokens), len(tokens)):
        raise ValueError(f"weights must have shape (h, T, T) with T = {len(tokens)} tokens, "
                         f"got shape {weights.shape}")
    num_heads = len(weights)
    d_model = check_int("d_model", d_model, minimum=num_heads)
    return tokens, weights, num_heads, d_model // num_heads


def _heads_title(num_heads: int, d_head: int, causal: bool) -> str:
    kind = "causal mask" if causal else "no mask"
    heads = "1 head" if num_heads == 1 else f"{num_heads} heads"
    return f"{heads} of {d_head} dimensions each ({kind})"


def heads_figure(tokens, weights, d_model: int, causal: bool = True):
    """One heat map per head of multi-head self-attention over a sentence.

    ``tokens`` are the ``T`` words and ``weights`` the ``(h, T, T)`` attention of each head
    (for example ``multi_head_attention(...)[1][0]``) of a model of width ``d_model``; ``causal``
    says whether a causal mask was applied (the title states it and the head size).
    """
    tokens, weights, num_heads, d_head = _check_heads(tokens, weights, d_model)
    title = _heads_title(num_heads, d_head, causal)
    cols = min(num_heads, 4)
    rows = math.ceil(num_heads / cols)
    # A fixed layout in inches (much faster to draw than a constrained layout of 8 axes).
    side, gap, left, right, top, bottom, head_title = 2.0, 0.2, 0.9, 1.0, 0.5, 0.85, 0.3
    width = left + cols * side + (cols - 1) * gap + right
    if width < 5.0:  # one head: widen the margins so that the title fits
        left, right, width = left + (5.0 - width) / 2, right + (5.0 - width) / 2, 5.0
    height = top + rows * (side + head_title) + bottom
    with plt.style.context(STYLE):
        fig = plt.figure(figsize=(width, height))
    suptitle = fig.suptitle(title, fontweight="bold", y=1 - 0.12 / height, va="top")
    images = []
    for head in range(num_heads):
        row, col = divmod(head, cols)
        x0 = left + col * (side + gap)
        y0 = bottom + (rows - 1 - row) * (side + head_title)
        ax = fig.add_axes((x0 / width, y0 / height, side / width, side / height))
        images.append(_draw_weights(ax, weights[head], tokens, tokens, annotate=False,
                                    fontsize=7, ylabels=col == 0))
        if row < rows - 1:
            ax.tick_params(labelbottom=False)
        ax.set_title(f"head {head + 1}", fontsize=9)
        ax.set_xlabel("key" if row == rows - 1 else "", fontsize=8)
        ax.set_ylabel("query" if col == 0 else "", fontsize=8)
    cax = fig.add_axes(((width - right + 0.2) / width, bottom / height, 0.15 / width,
                        (rows * (side + head_title) - head_title) / height))
    fig.colorbar(images[-1], cax=cax, label="attention weight")
    redraw = [suptitle]  # the heat maps change, their tick labels and the colour bar do not
    for image in images:
        redraw += [image, *image.axes.spines.values()]
    keep(fig, title=suptitle, images=images, redraw=redraw)
    return fig


def _update_heads_figure(fig, tokens, weights, d_model: int, causal: bool = True) -> None:
    """Redraw a :func:`heads_figure` built for the same number of heads (new weights)."""
    tokens, weights, num_heads, d_head = _check_heads(tokens, weights, d_model)
    parts = kept(fig)
    if len(parts["images"]) != num_heads:
        raise ValueError(f"weights must hold the {len(parts['images'])} heads the figure was built for")
    parts["title"].set_text(_heads_title(num_heads, d_head, causal))
    for image, w in zip(parts["images"], weights):
        _recolour(image, w)


def positions_figure(pe, columns=(0, 8, 16, 32)):
    """Sinusoidal position encodings ``pe`` (T, d): a heat map, and a few columns as curves.

    The curves are sampled at the integer positions (one dot per position).
    """
    pe = np.asarray(pe, dtype=float)
    if pe.ndim != 2:
        raise ValueError(f"pe must have shape (T, d), got shape {pe.shape}")
    columns = [c for c in columns if c < pe.shape[1]]
    T, d = pe.shape
    fig, (left, right) = new_figure(f"Sinusoidal position encodings (T = {T}, d = {d})",
                                    "dimension (column of the encoding)", "position t",
                                    figsize=(10.0, 3.8), ncols=2)
    image = left.imshow(pe, cmap=CMAP, vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    left.grid(False)
    fig.colorbar(image, ax=left, label="value")
    for c, color in zip(columns, ("blue", "orange", "green", "vermillion", "purple")):
        kind = "sin" if c % 2 == 0 else "cos"
        right.plot(np.arange(T), pe[:, c], ".-", color=PALETTE[color], lw=1, ms=4,
                   label=f"column {c} ({kind})")
    right.set_xlabel("position t")
    right.set_ylabel("value of the encoding")
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # beside the curves
    return fig


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
temperature_heatmap.update = _update_temperature_heatmap
heads_figure.update = _update_heads_figure
