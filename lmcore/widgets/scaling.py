"""Notebook 13's panel: fit a power law to a learning curve of chosen order, on chosen data."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.scaling import order_fit_figure
from lmcore.widgets import bind, int_slider, select_slider


def order_fit_panel(curves: dict, limits: dict, n: int, up_to: int):
    """Sliders ``order n`` and ``training tokens in the fit``; shows the fit and its floor.

    ``curves`` (``{n: (sizes, losses)}``) are precomputed, so a move only re-fits three
    numbers (about 15 ms) and updates the kept :func:`lmcore.plotting.scaling.order_fit_figure`
    in place (well under 0.1 s with the PNG, most of it matplotlib's drawing; updates on release).
    The second slider offers every size that leaves at least three points to fit.
    """
    orders = sorted(curves)
    sizes = [int(s) for s in curves[orders[0]][0]]
    return bind(
        order_fit_figure,
        curves=fixed(curves),
        limits=fixed(limits),
        n=int_slider("order n of the n-gram model", n, orders[0], orders[-1]),
        up_to=select_slider("training tokens in the fit (up to)", sizes[2:], up_to),
    )
