"""Notebook 13's panel: fit a power law to a learning curve of chosen order, on chosen data."""

from __future__ import annotations

import numpy as np
from ipywidgets import fixed

from lmcore._checks import check_int
from lmcore.plotting.scaling import order_fit_figure
from lmcore.scaling import fit_power_law
from lmcore.widgets import bind, int_slider, select_slider


def _fitted_order(curves: dict, limits: dict, n: int, up_to) -> tuple:
    """The arguments of ``order_fit_figure``: the order-``n`` curve, the law fitted to its
    sizes ``<= up_to`` (:func:`lmcore.scaling.fit_power_law`), its floor, ``n`` and ``up_to``."""
    n = check_int("n", n, minimum=1)
    if n not in curves or n not in limits:
        raise ValueError(f"n must be one of the orders {sorted(curves)}, got {n}")
    sizes, losses = (np.asarray(v, dtype=float) for v in curves[n])
    used = sizes <= up_to
    if used.sum() < 3:
        raise ValueError(f"up_to must leave at least 3 sizes to fit, got {up_to}")
    fit = fit_power_law(sizes[used], losses[used])
    return sizes, losses, fit, float(limits[n]), n, up_to


def fitted_order_figure(curves: dict, limits: dict, n: int, up_to):
    """Fit ``E + A D^-alpha`` to the order-``n`` curve using only sizes ``<= up_to``; draw it.

    The panel's render function (about 10 ms to fit, the rest is drawing).

    Args:
        curves: ``{n: (sizes, losses)}`` precomputed learning curves (bits per token).
        limits: ``{n: bits}`` the exact floor of each order.
        n: which order to show (a key of ``curves``).
        up_to: the largest training size used in the fit (at least 3 sizes must qualify).
    """
    return order_fit_figure(*_fitted_order(curves, limits, n, up_to))


def _update_fitted_order_figure(fig, curves: dict, limits: dict, n: int, up_to) -> None:
    order_fit_figure.update(fig, *_fitted_order(curves, limits, n, up_to))


fitted_order_figure.update = _update_fitted_order_figure


def order_fit_panel(curves: dict, limits: dict, n: int, up_to: int):
    """Sliders ``order n`` and ``training tokens in the fit``; shows the fit and its floor.

    ``curves`` (``{n: (sizes, losses)}``) are precomputed, so a move only re-fits three
    numbers and updates the kept :func:`lmcore.plotting.scaling.order_fit_figure` in place
    (well under 0.1 s with the PNG, most of it matplotlib's drawing; updates on release).
    The second slider offers every size that leaves at least three points to fit.
    """
    orders = sorted(curves)
    sizes = [int(s) for s in curves[orders[0]][0]]
    return bind(
        fitted_order_figure,
        curves=fixed(curves),
        limits=fixed(limits),
        n=int_slider("order n of the n-gram model", n, orders[0], orders[-1]),
        up_to=select_slider("training tokens in the fit (up to)", sizes[2:], up_to),
    )
