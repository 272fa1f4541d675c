"""Figures and text panels for notebook 04 (word embeddings).

Pure functions: they take computed cosines or :class:`~lmcore.embeddings.Embeddings` and
return a Figure or a text table, so pytest can check them without a display.
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_int, check_tokens
from lmcore.embeddings import (
    STORY_MAX_DIM,
    Embeddings,
    nearest,
    pca_2d,
    random_cosine_density,
    story_embeddings,
)
from lmcore.plotting import COLORS, PALETTE, format_table, new_figure

#: The words of notebook 04's neighbour tables and of its panel.
NEIGHBOUR_WORDS = ("king", "queen", "man", "cat", "dog", "horse", "bread", "morning", "red",
                   "ran")


def cosine_histograms_figure(cosines_by_dim: dict):
    """One histogram per dimension of cosines between random vector pairs.

    Each panel overlays the exact density of the cosine of two random directions in ``d``
    dimensions and marks the spread ``+-1/sqrt(d)``.

    Args:
        cosines_by_dim: ``{d: array of cosines}``, e.g. from ``random_pair_cosines``.
    """
    if not isinstance(cosines_by_dim, dict) or not cosines_by_dim:
        raise TypeError("cosines_by_dim must be a non-empty dict {dimension: cosines}")
    dims = [check_int("cosines_by_dim key", d, minimum=2) for d in cosines_by_dim]
    fig, axes = new_figure("Cosine between two random vectors: wide in 3-D, near 0 in 300-D",
                           "cosine similarity", "density (per unit of cosine)",
                           figsize=(10.0, 3.6), ncols=len(dims))
    axes = np.atleast_1d(axes)
    grid = np.linspace(-1, 1, 401)
    for ax, d in zip(axes, dims):
        values = np.asarray(cosines_by_dim[d], dtype=float)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"cosines_by_dim[{d}] must be a non-empty 1-D array")
        ax.hist(values, bins=40, range=(-1, 1), density=True, color=PALETTE["sky"],
                label=f"{values.size:,} random pairs")
        ax.plot(grid, random_cosine_density(grid, d), color=PALETTE["blue"], lw=2,
                label="exact density")
        spread = 1 / math.sqrt(d)
        for x, label in ((-spread, "±1/sqrt(d)"), (spread, None)):
            ax.axvline(x, color=PALETTE["vermillion"], ls="--", lw=1.2, label=label)
        ax.set_title(f"d = {d}  (1/sqrt(d) = {spread:.3f})")
        ax.set_xlim(-1, 1)
    # one legend under the panels: inside any of them it would hide bars or the peak
    fig.legend(*axes[-1].get_legend_handles_labels(), loc="outside lower center", ncols=3,
               fontsize=8)
    return fig


def projection_figure(embeddings: Embeddings, groups: dict):
    """Scatter the words of ``groups`` on their two main directions (PCA of unit vectors).

    Args:
        embeddings: the word vectors.
        groups: ``{label: [word, ...]}``; each group gets its own colour and marker.
    """
    if not isinstance(embeddings, Embeddings):
        raise TypeError(f"embeddings must be an Embeddings, got {type(embeddings).__name__}")
    if not isinstance(groups, dict) or not groups:
        raise TypeError("groups must be a non-empty dict {label: [words]}")
    if len(groups) > len(COLORS):
        raise ValueError(f"groups must hold at most {len(COLORS)} groups (one colour each)")
    labels, words = [], []
    for label, members in groups.items():
        members = check_tokens(f"groups[{label!r}]", members)
        labels += [label] * len(members)
        words += members
    vectors = embeddings.lookup(words)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    xy = pca_2d(unit)
    fig, ax = new_figure(f"{len(words)} story words on the two main directions of their "
                         f"{embeddings.dim}-D embeddings",
                         "first principal direction (unit-vector coordinates)",
                         "second principal direction", figsize=(8.0, 6.0))
    markers = "osD^vP*X"
    for g, label in enumerate(groups):
        rows = [i for i, lab in enumerate(labels) if lab == label]
        ax.scatter(xy[rows, 0], xy[rows, 1], color=COLORS[g], marker=markers[g % len(markers)],
                   s=45, label=label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)  # beside the points
    _label_points(ax, xy, words, [COLORS[list(groups).index(lab)] for lab in labels])
    return fig


def _label_points(ax, xy, words, colors, fontsize: float = 9, marker_radius: float = 4.5):
    """Write each word next to its point so that no two labels overlap (greedy, deterministic).

    Word by word, a label tries places around its point, nearest first (right, left, above,
    below, then further out), and takes the first one that stays inside the axes and overlaps
    neither a label placed before it nor another point (``marker_radius`` in points).
    Positions are measured in pixels after the layout is fixed; the labels stay out of the
    layout so that they cannot move it.
    """
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72  # pixels per point
    points = ax.transData.transform(xy)  # (N, 2) pixels
    frame = ax.get_window_extent(renderer)
    placed = []

    def free(box, own) -> bool:
        x0, y0, x1, y1 = box
        if x0 < frame.x0 or y0 < frame.y0 or x1 > frame.x1 or y1 > frame.y1:
            return False
        if any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in placed):
            return False
        gap = np.abs(points - np.clip(points, [x0, y0], [x1, y1])).max(axis=1)  # pixels
        near = gap < marker_radius * scale
        near[own] = False
        return not near.any()

    for i, (word, color) in enumerate(zip(words, colors)):
        text = ax.annotate(word, xy[i], textcoords="offset points", xytext=(4, 2), va="bottom",
                           fontsize=fontsize, color=color, annotation_clip=False)
        text.set_in_layout(False)
        extent = text.get_window_extent(renderer)
        w, h = extent.width / scale, extent.height / scale  # points
        candidates = [(dx, dy) for d in (5, 9, 14, 20, 28)
                      for dx, dy in ((d, -h / 2), (-w - d, -h / 2), (-w / 2, d), (-w / 2, -h - d),
                                     (d, d / 2), (d, -h - d / 2), (-w - d, d / 2),
                                     (-w - d, -h - d / 2))]
        for dx, dy in candidates:
            box = (points[i, 0] + dx * scale, points[i, 1] + dy * scale,
                   points[i, 0] + (dx + w) * scale, points[i, 1] + (dy + h) * scale)
            if free(box, i):
                break
        else:  # nowhere free: the first place, right of the point
            dx, dy = candidates[0]
            box = (points[i, 0] + dx * scale, points[i, 1] + dy * scale,
                   points[i, 0] + (dx + w) * scale, points[i, 1] + (dy + h) * scale)
        text.xyann = (dx, dy)
        placed.append(box)


def neighbour_table(embeddings: Embeddings, words=NEIGHBOUR_WORDS, k: int = 5) -> str:
    """A text table: each word of ``words`` and its ``k`` nearest neighbours (cosine)."""
    words = check_tokens("words", words)
    k = check_int("k", k, minimum=1)
    rows = []
    for word in words:
        if word not in embeddings:
            rows.append([word] + ["(not in vocabulary)"] + [""] * (k - 1))
            continue
        rows.append([word] + [f"{w} {s:.2f}" for w, s in nearest(word, embeddings, k)])
    return format_table(rows, ["word"] + [f"#{i + 1}" for i in range(k)])


def story_neighbour_table(dimension: int = 50, window: int = 2, words=NEIGHBOUR_WORDS,
                          k: int = 5) -> str:
    """The panel of notebook 04: neighbours in PPMI + SVD embeddings of the stories.

    Args:
        dimension: how many SVD dimensions to keep (1 to ``STORY_MAX_DIM``).
        window: co-occurrence window, in words on each side.
    """
    dimension = check_int("dimension", dimension, minimum=1, maximum=STORY_MAX_DIM)
    window = check_int("window", window, minimum=1, maximum=20)
    emb = story_embeddings(dim=dimension, window=window)
    header = (f"PPMI + SVD on the stories: {len(emb)} words, window {window}, "
              f"dimension {dimension}; cosine similarity after each neighbour")
    return header + "\n\n" + neighbour_table(emb, words, k)
