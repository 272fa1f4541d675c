"""Notebook 07's panel: a learning-rate slider over gradient descent on the line fit."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.line_fit import learning_rate_run
from lmcore.plotting.training import learning_rate_figure
from lmcore.widgets import bind, log_slider


def run_and_draw(x, y, lr: float = 0.5, epochs: int = 50):
    """The panel's render function: compute the run at ``lr``, then draw it."""
    return learning_rate_figure(learning_rate_run(x, y, lr, epochs))


def _run_and_redraw(fig, x, y, lr: float = 0.5, epochs: int = 50) -> None:
    learning_rate_figure.update(fig, learning_rate_run(x, y, lr, epochs))


run_and_draw.update = _run_and_redraw  # the panel keeps its figure and redraws it in place


def learning_rate_panel(x, y, lr: float = 0.5, epochs: int = 50):
    """A log-scale ``learning rate`` slider (0.001 to about 1.6); shows the loss curve and path.

    Each move computes :func:`lmcore.line_fit.learning_rate_run` and updates the curve, path
    and title of :func:`lmcore.plotting.training.learning_rate_figure`'s figure in place
    (about 0.1 s per move with the PNG, ``make bench``).
    """
    return bind(
        run_and_draw,
        x=fixed(x),
        y=fixed(y),
        lr=log_slider("learning rate (step size)", lr, -3.0, 0.2, step=0.05),
        epochs=fixed(epochs),
    )
