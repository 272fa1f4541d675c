"""Figures for notebook 07 (training by gradient descent).

Pure functions: they take data, fits or training histories and return a Figure; they
compute nothing but what they draw. :func:`learning_rate_figure` draws one
:class:`lmcore.line_fit.LearningRateRun` (``learning_rate_figure.update`` redraws a new run in
place, for the learning-rate panel of :mod:`lmcore.widgets.training`).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from lmcore.line_fit import SURFACE_WINDOW, LearningRateRun
from lmcore.plotting import CMAP, PALETTE, new_figure
from lmcore.plotting.live import FigureParts, keep, kept
from lmcore.training import History


def line_fit_figure(x, y, lines: dict):
    """Scatter of the data with one straight line per entry of ``lines``.

    Args:
        x, y: the data, shapes (N,).
        lines: ``{label: (slope, intercept)}``, drawn in the order given.
    """
    x, y = np.ravel(np.asarray(x, dtype=float)), np.ravel(np.asarray(y, dtype=float))
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"x and y must be non-empty and of the same length, got {x.size} and {y.size}")
    if not isinstance(lines, dict) or not lines:
        raise ValueError("lines must be a non-empty dict {label: (slope, intercept)}")
    fig, ax = new_figure("Straight lines fitted to the slide's data", "x (arbitrary units)",
                         "y (arbitrary units)")
    ax.scatter(x, y, s=14, color=PALETTE["sky"], alpha=0.8, label="data")
    grid = np.array([x.min(), x.max()])
    styles = ["-", "--", ":", "-."]
    colors = [PALETTE["vermillion"], PALETTE["black"], PALETTE["green"], PALETTE["purple"]]
    for i, (label, (slope, intercept)) in enumerate(lines.items()):
        ax.plot(grid, slope * grid + intercept, styles[i % 4], color=colors[i % 4], lw=2,
                label=f"{label}: y = {slope:.3f} x + {intercept:.3f}")
    ax.legend(loc="upper left", fontsize=9)
    return fig


def _title(run: LearningRateRun) -> str:
    return (f"Learning rate {run.lr:.3g}: {run.regime} (gradient descent is stable below "
            f"{run.critical:.3g})")


def _excess(run: LearningRateRun) -> np.ndarray:
    """The loss above the minimum per epoch, (epochs + 1,), floored for the log axis."""
    return np.maximum(run.fit.losses - run.best_loss, 1e-16)


def _check_run(run) -> LearningRateRun:
    if not isinstance(run, LearningRateRun):
        raise TypeError(f"run must be a LearningRateRun (from lmcore.line_fit.learning_rate_run), "
                        f"got {type(run).__name__}")
    return run


def learning_rate_figure(run: LearningRateRun):
    """One run of gradient descent on the line fit (``learning_rate_run``): loss curve and path.

    Left: how far the loss (half mean squared error) is above its least-squares minimum
    after each epoch, on a log scale (a straight falling line is steady convergence).
    Right: the loss surface over (slope, intercept), the path of the parameters from (0, 0),
    and the minimum (a star). The title says whether the run's ``lr`` is too small (not
    within 1% of the way after its epochs), good, or diverges (above ``2 / lambda_max``).
    """
    run = _check_run(run)
    fit, best, best_loss = run.fit, run.best, run.best_loss
    fig, (ax_loss, ax_surf) = new_figure(_title(run), "epoch",
                                         "loss above the minimum (log scale)",
                                         figsize=(10.0, 4.0), ncols=2)
    keep(fig, title=FigureParts.suptitle(fig), loss=None, overflow=None, path=None)
    if fit is not None:
        _loss_line(fig, ax_loss, _excess(run))
    else:
        _overflow_note(fig, ax_loss)
    ax_loss.set_yscale("log")
    ax_loss.set_title(f"{run.epochs} epochs of gradient descent", fontsize=10)

    (m_lo, m_hi), (b_lo, b_hi) = SURFACE_WINDOW
    slopes, intercepts, surface = run.slopes, run.intercepts, run.surface  # (50, 50) each
    levels = best_loss + (surface.max() - best_loss) * np.linspace(0, 1, 14) ** 2
    ax_surf.contourf(slopes, intercepts, surface, levels=levels, cmap=CMAP, alpha=0.85)
    ax_surf.contour(slopes, intercepts, surface, levels=levels[1:], colors="white",
                    linewidths=0.5)
    if fit is not None:
        _path_line(fig, ax_surf, fit.path)
    star = ax_surf.plot(*best, "*", color=PALETTE["yellow"], mec="black", ms=14,
                        label="least squares")[0]
    keep(fig, star=star)
    ax_surf.set_xlim(m_lo, m_hi)
    ax_surf.set_ylim(b_lo, b_hi)
    ax_surf.set_xlabel("slope")
    ax_surf.set_ylabel("intercept")
    ax_surf.set_title("path on the loss surface", fontsize=10)
    ax_surf.legend(loc="upper right", fontsize=9)
    _keep_redraw(fig)
    return fig


def _keep_redraw(fig) -> None:
    """What an update repaints, in the order a full draw paints it: the title, the loss panel
    whole, and on the (unchanging) loss surface the path, the star, the frame and the legend."""
    parts = kept(fig)
    ax_loss, ax_surf = fig.axes[0], fig.axes[1]
    on_surface = [a for a in (parts["path"], parts["star"]) if a is not None]
    keep(fig, redraw=[parts["title"], ax_loss, *on_surface, *ax_surf.spines.values(),
                      ax_surf.get_legend()])


def _loss_line(fig, ax, excess):
    line = ax.plot(np.arange(len(excess)), excess, color=PALETTE["vermillion"], lw=2)[0]
    keep(fig, loss=line)
    return line


def _overflow_note(fig, ax):
    note = ax.text(0.5, 0.5, "the loss overflowed", transform=ax.transAxes, ha="center")
    keep(fig, overflow=note)
    return note


def _path_line(fig, ax, path):
    line = ax.plot(path[:, 0], path[:, 1], "-o", color=PALETTE["vermillion"], ms=3, lw=1.2,
                   label="path from (0, 0)")[0]
    keep(fig, path=line)
    return line


def _update_learning_rate_figure(fig, run: LearningRateRun) -> None:
    """Redraw a :func:`learning_rate_figure` in place for a new run (same data and epochs)."""
    run = _check_run(run)
    parts = kept(fig)
    ax_loss, ax_surf = fig.axes[0], fig.axes[1]
    parts["title"].set_text(_title(run))
    fit = run.fit
    loss, path = parts["loss"], parts["path"]
    if fit is not None:
        excess = _excess(run)
        if loss is None:
            loss = _loss_line(fig, ax_loss, excess)
        loss.set_data(np.arange(len(excess)), excess)
        if path is None:
            path = _path_line(fig, ax_surf, fit.path)
        path.set_data(fit.path[:, 0], fit.path[:, 1])
    elif parts["overflow"] is None:
        _overflow_note(fig, ax_loss)
    for artist, shown in ((loss, fit is not None), (path, fit is not None),
                          (parts["overflow"], fit is None)):
        if artist is not None:
            artist.set_visible(shown)
    ax_loss.relim(visible_only=True)
    ax_loss.autoscale_view()
    handles = [h for h in (path, parts["star"]) if h is not None and h.get_visible()]
    ax_surf.legend(handles=handles, loc="upper right", fontsize=9)
    _keep_redraw(fig)


def training_curves_figure(panels: dict, references: dict | None = None):
    """Held-out perplexity against the training step, one panel per entry of ``panels``.

    Args:
        panels: ``{panel title: {curve label: History}}`` (histories with held-out losses in
            nats per token; perplexity = exp(loss)).
        references: optional ``{panel title: {label: perplexity}}`` drawn as dashed lines
            (for example the count-based models).
    """
    if not isinstance(panels, dict) or not panels:
        raise ValueError("panels must be a non-empty dict {title: {label: History}}")
    references = references or {}
    fig, axes = new_figure("Held-out perplexity during training", "training step",
                           "held-out perplexity (log scale)", figsize=(10.0, 4.0),
                           ncols=len(panels))
    axes = [axes] if len(panels) == 1 else axes
    colors = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["purple"]]
    for ax, (title, curves) in zip(axes, panels.items()):
        for i, (label, history) in enumerate(curves.items()):
            if not isinstance(history, History) or not history.held_out_loss:
                raise ValueError(f"panels[{title!r}][{label!r}] must be a History with held-out losses")
            ax.plot(history.steps, np.exp(history.held_out_loss), color=colors[i % 4], lw=2,
                    label=label)
        for j, (label, ppl) in enumerate(references.get(title, {}).items()):
            if not math.isfinite(ppl):
                raise ValueError(f"references[{title!r}][{label!r}] must be a finite perplexity")
            ax.axhline(ppl, ls=["--", ":", "-."][j % 3], color=PALETTE["black"], lw=1,
                       label=f"{label}: {ppl:.1f}")
        ax.set_yscale("log")
        # plain 100, 200, 300, 500 rather than 10^2; a label on every minor tick would overlap
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(title, fontsize=10)
        ax.legend(loc="upper right", fontsize=9)
    return fig


def probability_agreement_figure(p_counts, p_neural, label_counts: str, label_neural: str):
    """Each (context, next word) probability of two models against each other, log-log.

    Points on the diagonal mean the two models give the same probability.

    Args:
        p_counts, p_neural: arrays of the same shape (e.g. (V + 1, V) bigram tables).
    """
    a, b = np.ravel(np.asarray(p_counts, dtype=float)), np.ravel(np.asarray(p_neural, dtype=float))
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"p_counts and p_neural must have the same shape, got {np.shape(p_counts)} "
                         f"and {np.shape(p_neural)}")
    if np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("p_counts and p_neural must be positive (smoothed) probabilities")
    fig, ax = new_figure("Every bigram probability:\ntrained softmax against counts",
                         f"{label_counts} probability (log scale)",
                         f"{label_neural} probability (log scale)", figsize=(5.5, 5.0))
    ax.scatter(a, b, s=3, alpha=0.3, color=PALETTE["blue"], rasterized=True)
    lo, hi = min(a.min(), b.min()), 1.0
    ax.plot([lo, hi], [lo, hi], "--", color=PALETTE["black"], lw=1, label="equal")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(loc="upper left")
    return fig


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
learning_rate_figure.update = _update_learning_rate_figure
