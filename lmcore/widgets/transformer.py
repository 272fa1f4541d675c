"""Notebook 07's panel: a slider over the checkpoints of a recorded transformer training run."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.transformer import training_step_figure
from lmcore.widgets import bind, select_slider


def training_steps_panel(history, probe_labels, floor: float, references=None,
                         index: int | None = None):
    """A ``training step`` slider over ``history.steps``: the loss curve up to there and every
    head's attention at that checkpoint. Nothing is trained when it moves; it looks up the
    checkpoint that :func:`lmcore.lm_training.train_lm` recorded.
    """
    options = [(str(step), i) for i, step in enumerate(history.steps)]
    start = len(options) - 1 if index is None else index
    return bind(
        training_step_figure,
        history=fixed(history),
        index=select_slider("training step", options, start),
        probe_labels=fixed(probe_labels),
        floor=fixed(floor),
        references=fixed(references),
    )
