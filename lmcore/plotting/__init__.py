"""The course's one plotting style, and one module of figures per topic.

Every figure in the course is made here, so they all look alike: a title, labelled axes with
units, the Okabe-Ito colour-blind-safe palette, and ``viridis`` for heat maps. A figure
function *returns* a ``matplotlib.figure.Figure``; the notebook passes it to :func:`show`,
which displays it once and closes it (no figure is left open to be drawn twice).

Topic modules (``lmcore.plotting.ngram``, ...) hold the pure functions behind each
notebook's figures and widget panels. They take computed values (or models) and return a
Figure or a text table, so pytest can check them without a display.

>>> fig, ax = new_figure("Title", "x (tokens)", "y (bits)")
>>> ax.get_xlabel(), ax.get_ylabel(), ax.get_title()
('x (tokens)', 'y (bits)', 'Title')
>>> close(fig)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from cycler import cycler

#: Okabe & Ito (2008) colours, distinguishable with every common colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
COLORS = list(PALETTE.values())
#: Perceptually uniform and colour-blind safe; used for every heat map.
CMAP = "viridis"

STYLE = {
    "axes.prop_cycle": cycler(color=COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.frameon": False,
    "figure.dpi": 100,
    "figure.figsize": (7.0, 4.0),
    "image.cmap": CMAP,
    "font.family": "DejaVu Sans",
}


def _draw_once_inline() -> None:
    """Let the notebook's inline backend draw our figures once, not twice (see :func:`show`).

    The inline backend saves every figure with ``bbox_inches="tight"``, which draws it a second
    time to measure it. Our figures already lay themselves out (``layout="constrained"``), so
    that pass only costs time. Outside a kernel, or with another backend: nothing.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # pragma: no cover - both ship with jupyterlab
        return
    if get_ipython() is None or "inline" not in plt.get_backend():
        return
    config = InlineBackend.instance()
    if config.print_figure_kwargs.get("bbox_inches") is not None:  # once per kernel
        config.print_figure_kwargs = {**config.print_figure_kwargs, "bbox_inches": None}


def new_figure(title: str, xlabel: str, ylabel: str, figsize=(7.0, 4.0), ncols: int = 1):
    """Create a figure in the house style with one (or ``ncols``) titled, labelled axes.

    Returns ``(fig, ax)``, or ``(fig, axes)`` when ``ncols > 1`` (the suptitle is ``title``
    and each axis gets ``xlabel``/``ylabel``).
    """
    for name, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string: every figure is labelled")
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained")
    axs = [axes] if ncols == 1 else list(axes)
    for ax in axs:
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_prop_cycle(cycler(color=COLORS))
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    if ncols == 1:
        axes.set_title(title, fontweight="bold")
    else:
        fig.suptitle(title, fontweight="bold")
    return fig, axes


def show(fig) -> None:
    """Display ``fig`` once in the notebook (or do nothing outside one), then close it.

    The one setting lmcore changes in IPython, and only here, when a figure is shown: the
    inline backend stops re-measuring figures with ``bbox_inches="tight"`` (our figures use
    the constrained layout already), so each figure is drawn once instead of twice. Importing
    lmcore changes nothing.
    """
    _draw_once_inline()
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(fig)
    finally:
        plt.close(fig)


def close(fig) -> None:
    """Close ``fig`` without showing it (used by tests)."""
    plt.close(fig)


def format_table(rows, headers, floatfmt: str = ".3f") -> str:
    """Return ``rows`` as an aligned plain-text table (numbers right-aligned).

    >>> print(format_table([["a", 1.5], ["bb", 10.25]], ["word", "bits"], floatfmt=".2f"))
    word   bits
    ----  -----
    a      1.50
    bb    10.25
    """
    headers = [str(h) for h in headers]
    cells = []
    for r, row in enumerate(rows):
        row = list(row)
        if len(row) != len(headers):
            raise ValueError(f"rows[{r}] has {len(row)} cells but there are {len(headers)} headers")
        cells.append([format(v, floatfmt) if isinstance(v, float) else str(v) for v in row])
    numeric = [
        all(isinstance(list(row)[j], (int, float)) and not isinstance(list(row)[j], bool)
            for row in rows) and len(rows) > 0
        for j in range(len(headers))
    ]
    widths = [max([len(h)] + [len(c[j]) for c in cells]) for j, h in enumerate(headers)]

    def line(values):
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)]
        return "  ".join(parts).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(c) for c in cells]
    return "\n".join(out)
