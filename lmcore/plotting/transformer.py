"""Figures for training a transformer (notebook 07) and for its model-size scaling (13).

Pure functions: they take a recorded :class:`lmcore.lm_training.LMHistory` (or arrays) and
return a Figure. :func:`training_step_figure` is the panel behind notebook 07's slider over
training steps: it only looks up the checkpoint it is given, it never trains.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from lmcore._checks import check_int, check_tokens
from lmcore.plotting import CMAP, PALETTE, STYLE, new_figure
from lmcore.plotting.live import keep, kept


def training_step_figure(history, index: int, probe_labels, floor: float,
                         references: dict | None = None):
    """Loss curve with a marker at checkpoint ``index``, and every head's attention there.

    Left: held-out loss (nats/token) against training step, the exact floor, and optional
    horizontal ``references`` (label -> loss). Right: one heat map per layer and head of the
    probe sequence's attention at ``history.steps[index]`` (row = query, column = key).
    """
    n = len(history.steps)
    index = check_int("index", index, minimum=0, maximum=n - 1)
    labels = check_tokens("probe_labels", probe_labels)
    if not history.attention or not history.held_out_loss:
        raise ValueError("history must hold held-out losses and probe attention "
                         "(train_lm with held_out= and probe=)")
    maps = history.attention[index]  # per layer: (h, T, T)
    L, H, T = len(maps), maps[0].shape[0], maps[0].shape[1]
    if len(labels) != T:
        raise ValueError(f"probe_labels must have {T} labels, got {len(labels)}")
    with plt.style.context(STYLE):
        fig = plt.figure(figsize=(4.2 + 2.6 * H, max(4.2, 2.5 * L + 0.6)), layout="constrained")
        outer = fig.add_gridspec(1, 2, width_ratios=[4.2, 2.6 * H])
        ax = fig.add_subfigure(outer[0]).subplots()
        right = fig.add_subfigure(outer[1])
        axes = np.atleast_2d(right.subplots(L, H))
    steps = np.asarray(history.steps)
    ax.plot(steps, history.held_out_loss, color=PALETTE["blue"], label="transformer, held out")
    ax.axhline(floor, color=PALETTE["black"], ls="--", lw=1, label=f"exact floor {floor:.3f}")
    colors = [PALETTE["orange"], PALETTE["vermillion"], PALETTE["purple"], PALETTE["green"]]
    for (name, value), color in zip((references or {}).items(), colors):
        ax.axhline(value, color=color, ls=":", lw=1.5, label=f"{name} {value:.2f}")
    marker = ax.axvline(steps[index], color=PALETTE["sky"], lw=2, alpha=0.7)
    point = ax.plot(steps[index], history.held_out_loss[index], "o", color=PALETTE["vermillion"])[0]
    ax.set_xlabel("training step")
    ax.set_ylabel("held-out loss (nats per token)")
    ax.set_title(f"step {steps[index]}: loss {history.held_out_loss[index]:.3f}",
                 fontweight="bold")
    ax.set_ylim(0, None)
    ax.legend(loc="upper right", fontsize=8)
    images = []
    for layer in range(L):
        for head in range(H):
            a = axes[layer, head]
            images.append(a.imshow(maps[layer][head], cmap=CMAP, vmin=0.0, vmax=1.0))
            a.grid(False)
            # token labels on the outer edge only: the maps share their axes, and each of
            # hundreds of tick labels costs drawing time on every figure
            if layer == L - 1:
                a.set_xticks(range(T), labels, fontsize=6)
            else:
                a.set_xticks([])
            if head == 0:
                a.set_yticks(range(T), labels, fontsize=6)
            else:
                a.set_yticks([])
            a.tick_params(length=0, pad=1)
            a.set_title(f"layer {layer + 1}, head {head + 1}", fontsize=9)
    right.suptitle("attention on one held-out sequence (row: query, column: key)", fontsize=9)
    redraw = [ax]  # the loss panel whole, then each heat map and the frame over it
    for image in images:
        redraw += [image, *image.axes.spines.values()]
    keep(fig, title=ax.title, marker=marker, point=point, images=images, redraw=redraw)
    return fig


def _update_training_step_figure(fig, history, index: int, probe_labels=None, floor=None,
                                references=None) -> None:
    """Move a :func:`training_step_figure` (same ``history``) to checkpoint ``index``."""
    index = check_int("index", index, minimum=0, maximum=len(history.steps) - 1)
    parts = kept(fig)
    step, loss = history.steps[index], history.held_out_loss[index]
    parts["marker"].set_xdata([step, step])
    parts["point"].set_data([step], [loss])
    parts["title"].set_text(f"step {step}: loss {loss:.3f}")
    maps = [head for layer in history.attention[index] for head in layer]  # (L * H) of (T, T)
    for image, weights in zip(parts["images"], maps):
        image.set_data(weights)


def position_loss_figure(position_losses: dict, floor_by_position, title: str):
    """Loss at each position of the sequence (nats), for several models, beside the exact floor.

    ``position_losses`` maps a model's name to an array of losses for positions 1..T-1;
    ``floor_by_position`` is the exact entropy at the same positions.
    """
    floor = np.asarray(floor_by_position, dtype=float)
    fig, ax = new_figure(title, "position of the predicted token", "loss (nats per token)",
                         figsize=(8.0, 4.0))
    positions = np.arange(1, len(floor) + 1)
    for name, losses in position_losses.items():
        losses = np.asarray(losses, dtype=float)
        if losses.shape != floor.shape:
            raise ValueError(f"position_losses[{name!r}] must have shape {floor.shape}, "
                             f"got {losses.shape}")
        ax.plot(positions, losses, marker="o", ms=3, label=name)
    ax.plot(positions, floor, color=PALETTE["black"], ls="--", label="exact entropy (floor)")
    ax.set_ylim(0, None)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def model_size_figure(n_params, losses, fit, floor: float, title: str):
    """Held-out loss against non-embedding parameters (log x), the fitted ``E + A N^-alpha``
    and the exact floor."""
    n_params, losses = np.asarray(n_params, dtype=float), np.asarray(losses, dtype=float)
    fig, ax = new_figure(title, "non-embedding parameters N (log scale)",
                         "held-out loss (nats per token)", figsize=(7.5, 4.2))
    grid = np.geomspace(n_params.min() / 1.5, n_params.max() * 4, 200)
    ax.plot(n_params, losses, "o", color=PALETTE["blue"], label="trained transformers")
    ax.plot(grid, fit(grid), color=PALETTE["blue"], alpha=0.6,
            label=f"fit: {fit.E:.3f} + {fit.A:.3g} N^-{fit.alpha:.2f}")
    ax.axhline(floor, color=PALETTE["black"], ls="--", label=f"exact floor {floor:.3f}")
    ax.set_xscale("log")
    ax.legend(loc="upper right", fontsize=8)
    return fig


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
training_step_figure.update = _update_training_step_figure
