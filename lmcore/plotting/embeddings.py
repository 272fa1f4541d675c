"""Figures and text tables for notebook 04 (word embeddings).

Pure functions that draw or format results computed elsewhere (cosines, a 2-D projection,
lists of neighbours) and return a Figure or a text table, so pytest can check them without a
display. They compute no model result: the notebook or the widget does.
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_array, check_callable, check_int, check_mapping, check_tokens
from lmcore.plotting import COLORS, PALETTE, format_table, new_figure

#: The words of notebook 04's neighbour tables and of its panel.
NEIGHBOUR_WORDS = ("king", "queen", "man", "cat", "dog", "horse", "bread", "morning", "red",
                   "ran")


def cosine_histograms_figure(cosines_by_dim: dict, density):
    """One histogram per dimension of cosines between random vector pairs.

    Each panel overlays the curve ``density(t, d)`` (the exact density of the cosine of two
    random directions in ``d`` dimensions) and marks the spread ``+-1/sqrt(d)``.

    Args:
        cosines_by_dim: ``{d: array of cosines}``, e.g. from ``random_pair_cosines``.
        density: ``density(t, d)``, e.g. ``lmcore.embeddings.random_cosine_density``.
    """
    if not isinstance(cosines_by_dim, dict) or not cosines_by_dim:
        raise TypeError("cosines_by_dim must be a non-empty dict {dimension: cosines}")
    check_callable("density", density, "a function density(t, d)")
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
        ax.plot(grid, density(grid, d), color=PALETTE["blue"], lw=2,
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


def projection_figure(xy, groups: dict, dim: int):
    """Scatter the words of ``groups`` at their 2-D positions ``xy`` (e.g. a PCA of unit vectors).

    Args:
        xy: an (n, 2) array, one row per word of ``groups`` in order (all of the first
            group's words, then the second's, ...).
        groups: ``{label: [word, ...]}``; each group gets its own colour and marker.
        dim: the dimension of the embeddings that were projected (for the title).
    """
    check_mapping("groups", groups)
    if not groups:
        raise ValueError("groups must be a non-empty dict {label: [words]}")
    if len(groups) > len(COLORS):
        raise ValueError(f"groups must hold at most {len(COLORS)} groups (one colour each)")
    dim = check_int("dim", dim, minimum=1)
    labels, words = [], []
    for label, members in groups.items():
        members = check_tokens(f"groups[{label!r}]", members)
        labels += [label] * len(members)
        words += members
    xy = check_array("xy", xy, ndim=2)
    if xy.shape != (len(words), 2):
        raise ValueError(f"xy must have shape ({len(words)}, 2), one row per word of groups; "
                         f"got {xy.shape}")
    fig, ax = new_figure(f"{len(words)} story words on the two main directions of their "
                         f"{dim}-D embeddings",
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


def neighbour_table(neighbours: dict) -> str:
    """A text table: each word and its nearest neighbours with their cosines.

    Args:
        neighbours: ``{word: [(neighbour, cosine), ...] or None}`` (``None``: the word has no
            vector), e.g. from ``lmcore.embeddings.neighbour_lists``.
    """
    check_mapping("neighbours", neighbours)
    if not neighbours:
        raise ValueError("neighbours must hold at least one word")
    k = max((len(row) for row in neighbours.values() if row is not None), default=1)
    rows = []
    for word, row in neighbours.items():
        if row is None:
            rows.append([word] + ["(not in vocabulary)"] + [""] * (k - 1))
            continue
        cells = [f"{w} {s:.2f}" for w, s in row]
        rows.append([word] + cells + [""] * (k - len(cells)))
    return format_table(rows, ["word"] + [f"#{i + 1}" for i in range(k)])
