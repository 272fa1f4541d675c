"""Notebook 12's panel: a slider over C that marks the cross-validated accuracy.

The accuracies are precomputed once over a grid of C (``regularisation_curve``); the slider
steps through that grid, so one update only moves the marker of the kept
:func:`lmcore.plotting.sentiment.regularisation_figure`, whose title holds the numbers
(well under 100 ms).
"""

from __future__ import annotations

import numpy as np
from ipywidgets import fixed

from lmcore.plotting.sentiment import regularisation_figure
from lmcore.sentiment import RegularisationCurve
from lmcore.widgets import bind, log_slider


def regularisation_panel(curve: RegularisationCurve, C: float = 1.0):
    """A log slider over the C grid of ``curve``; the figure marks the accuracy at C."""
    if not isinstance(curve, RegularisationCurve):
        raise TypeError(f"curve must be a RegularisationCurve, got {type(curve).__name__}")
    exponents = np.log10(curve.Cs)
    steps = np.diff(exponents)
    step = float(steps[0]) if steps.size else 1.0
    if steps.size and not np.allclose(steps, step):
        raise ValueError("curve.Cs must be evenly spaced in log10 (e.g. 10 ** np.arange(...))")
    slider = log_slider("C (regularisation; smaller = stronger)", C, float(exponents[0]),
                        float(exponents[-1]), step=step)
    return bind(regularisation_figure, curve=fixed(curve), C=slider)
