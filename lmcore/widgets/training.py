"""Notebook 07's panel: a learning-rate slider over gradient descent on the line fit."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.training import learning_rate_figure
from lmcore.widgets import bind, log_slider


def learning_rate_panel(x, y, lr: float = 0.5, epochs: int = 50):
    """A log-scale ``learning rate`` slider (0.001 to about 1.6); shows the loss curve and path.

    The panel keeps :func:`lmcore.plotting.training.learning_rate_figure`'s figure and updates
    its curve, path and title in place (about 0.1 s per move with the PNG, ``make bench``).
    """
    return bind(
        learning_rate_figure,
        x=fixed(x),
        y=fixed(y),
        lr=log_slider("learning rate (step size)", lr, -3.0, 0.2, step=0.05),
        epochs=fixed(epochs),
    )
