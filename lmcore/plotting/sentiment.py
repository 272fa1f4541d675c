"""Figures and text panels for notebook 12 (sentiment analysis).

Pure functions: they take computed numbers (a confusion matrix, word weights, a
:class:`lmcore.sentiment.RegularisationCurve`) and return a Figure or a str.
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_float
from lmcore.plotting import CMAP, PALETTE, new_figure
from lmcore.plotting.live import keep, kept
from lmcore.reviews import LABELS
from lmcore.sentiment import RegularisationCurve


def confusion_figure(matrix, title: str = "Confusion matrix, out-of-fold"):
    """Heat map of a 2 x 2 confusion matrix (rows: true label, columns: predicted label).

    Each cell shows its count and its share of the true class (the row) in %.
    """
    matrix = np.asarray(matrix)
    if matrix.shape != (2, 2) or np.any(matrix < 0) or matrix.sum() == 0:
        raise ValueError(f"matrix must be a 2 x 2 table of counts, got shape {matrix.shape}")
    fig, ax = new_figure(title, "predicted label", "true label", figsize=(5.4, 4.2))
    ax.grid(False)
    image = ax.imshow(matrix, cmap=CMAP, vmin=0)
    rows = matrix.sum(axis=1, keepdims=True)  # (2, 1)
    for i in range(2):
        for j in range(2):
            share = 100 * matrix[i, j] / rows[i, 0] if rows[i, 0] else 0.0
            dark = matrix[i, j] < matrix.max() / 2
            ax.text(j, i, f"{matrix[i, j]}\n{share:.1f}% of row", ha="center", va="center",
                    color="white" if dark else "black", fontsize=11)
    ax.set_xticks([0, 1], LABELS)
    ax.set_yticks([0, 1], LABELS)
    fig.colorbar(image, ax=ax, label="reviews (count)")
    return fig


def word_weights_figure(positive, negative):
    """Horizontal bars of the most positive and most negative word weights.

    Args:
        positive, negative: lists of ``(word, weight)`` as returned by
            :func:`lmcore.sentiment.top_words`; weights in nats of log-odds per occurrence.
    """
    rows = list(negative) + list(positive)[::-1]  # bottom to top: most negative first
    if not rows:
        raise ValueError("positive and negative must not both be empty")
    labels = [w for w, _ in rows]
    weights = np.array([float(v) for _, v in rows])
    fig, ax = new_figure("Words that move the verdict most\n(logistic regression weights)",
                         "weight (nats of log-odds of 'positive' per occurrence)", "word",
                         figsize=(7.0, 0.28 * len(rows) + 1.2))
    colors = [PALETTE["blue"] if v > 0 else PALETTE["vermillion"] for v in weights]
    ax.barh(np.arange(len(rows)), weights, color=colors)
    ax.set_yticks(np.arange(len(rows)), labels)
    ax.axvline(0, color=PALETTE["black"], linewidth=0.8)
    return fig


def _grid_index(curve: RegularisationCurve, C: float) -> int:
    C = check_float("C", C, minimum=0, min_inclusive=False)
    return int(np.argmin(np.abs(np.log10(curve.Cs) - np.log10(C))))


def regularisation_summary(curve: RegularisationCurve, C: float) -> str:
    """One line: the accuracies at the grid point of ``curve`` nearest to ``C`` (in log C).

    >>> from lmcore.sentiment import RegularisationCurve
    >>> import numpy as np
    >>> c = RegularisationCurve(np.array([0.1, 1.0]), np.array([0.7, 0.8]),
    ...                         np.array([0.02, 0.01]), np.array([0.75, 0.99]))
    >>> regularisation_summary(c, 0.9)
    'C = 1: cross-validated accuracy 80.0% +- 1.0% (training 99.0%)'
    """
    i = _grid_index(curve, C)
    return (f"C = {curve.Cs[i]:.3g}: cross-validated accuracy {100 * curve.cv_mean[i]:.1f}% "
            f"+- {100 * curve.cv_std[i]:.1f}% (training {100 * curve.train_mean[i]:.1f}%)")


def regularisation_figure(curve: RegularisationCurve, C: float):
    """Training and cross-validated accuracy against C (log axis), with ``C`` marked.

    The band is the mean +- one standard deviation over the folds. The marked point is the
    grid value nearest to ``C``; its numbers (:func:`regularisation_summary`) are the title.
    """
    if not isinstance(curve, RegularisationCurve):
        raise TypeError(f"curve must be a RegularisationCurve, got {type(curve).__name__}")
    i = _grid_index(curve, C)
    cs, mean, std = curve.Cs, 100 * curve.cv_mean, 100 * curve.cv_std
    x = np.log10(cs)  # plotted on a linear axis of log10(C): a log axis's minor ticks are slow
    fig, ax = new_figure(regularisation_summary(curve, C),
                         "C (inverse regularisation strength, log scale)", "accuracy (%)")
    ax.plot(x, 100 * curve.train_mean, marker=".", color=PALETTE["orange"],
            label="training folds")
    ax.plot(x, mean, marker="o", color=PALETTE["blue"], label="held-out folds (mean)")
    ax.fill_between(x, mean - std, mean + std, color=PALETTE["blue"], alpha=0.2,
                    label="held-out +- 1 std")
    ax.axhline(50, color=PALETTE["black"], linestyle=":", linewidth=1,
               label="guessing (balanced classes)")
    marker = ax.axvline(x[i], color=PALETTE["vermillion"], linestyle="--", linewidth=1)
    point = ax.plot([x[i]], [mean[i]], marker="o", markersize=10, color=PALETTE["vermillion"],
                    label=f"C = {cs[i]:.3g}")[0]
    decades = np.arange(np.floor(x.min()), np.ceil(x.max()) + 1)
    ax.set_xticks(decades, [f"{10.0 ** d:g}" for d in decades])
    ax.set_ylim(45, 102)
    legend = ax.legend(loc="lower right")
    # drawn last of their kind, so an update repaints only these (and what lies over them)
    redraw = [marker, point, *ax.spines.values(), legend, ax.title]
    keep(fig, title=ax.title, marker=marker, point=point, legend=legend, redraw=redraw)
    return fig


def _update_regularisation_figure(fig, curve: RegularisationCurve, C: float) -> None:
    """Move the marked C of a :func:`regularisation_figure` (same ``curve``) to ``C``."""
    i = _grid_index(curve, C)
    x, mean = np.log10(curve.Cs[i]), 100 * curve.cv_mean[i]
    parts = kept(fig)
    parts["title"].set_text(regularisation_summary(curve, C))
    parts["marker"].set_xdata([x, x])
    parts["point"].set_data([x], [mean])
    parts["legend"].get_texts()[-1].set_text(f"C = {curve.Cs[i]:.3g}")


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
regularisation_figure.update = _update_regularisation_figure
