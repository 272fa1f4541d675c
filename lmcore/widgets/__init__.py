"""Thin ipywidgets bindings: every panel is a tested pure function plus a few lines here.

A *render* function (in ``lmcore.plotting.<topic>``) takes plain parameters and returns a
matplotlib Figure or a text table. :func:`bind` wires it to controls: each time a control
moves, the render function runs again and its figure is shown (and closed) or its text
printed. A figure function with an ``update`` sibling (``source_figure.update``) makes a
panel that builds its figure once (the same image as the notebook's twin cell), and each move only
updates that figure's artists and shows it again as a PNG (see
:class:`lmcore.plotting.live.LiveFigure`). Topic modules (``lmcore.widgets.ngram``, ...)
build one panel per notebook widget.

Controls come from :func:`int_slider`, :func:`float_slider`, :func:`dropdown` and
:func:`text_box`, which give every control a readable, untruncated label.
"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.figure import Figure

from lmcore.plotting import show
from lmcore.plotting.live import LiveFigure

#: Labels are never cut ("temperat..."): the label takes the width it needs.
LABEL_STYLE = {"description_width": "initial"}
LAYOUT = widgets.Layout(width="420px")


def int_slider(description: str, value: int, min: int, max: int, step: int = 1,
               continuous_update: bool = False) -> widgets.IntSlider:
    """An integer slider with a readable label (updates on release by default)."""
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=continuous_update, style=LABEL_STYLE,
                             layout=LAYOUT)


def float_slider(description: str, value: float, min: float, max: float, step: float,
                 continuous_update: bool = False, readout_format: str = ".2f"):
    """A float slider with a readable label (updates on release by default)."""
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                               continuous_update=continuous_update, style=LABEL_STYLE,
                               readout_format=readout_format, layout=LAYOUT)


def log_slider(description: str, value: float, min_exp: float, max_exp: float, step: float = 0.25,
               continuous_update: bool = False, readout_format: str = ".3g"):
    """A slider over ``10 ** min_exp .. 10 ** max_exp`` on a log scale."""
    return widgets.FloatLogSlider(value=value, base=10, min=min_exp, max=max_exp, step=step,
                                  description=description, continuous_update=continuous_update,
                                  style=LABEL_STYLE, readout_format=readout_format, layout=LAYOUT)


def select_slider(description: str, options, value, continuous_update: bool = False):
    """A slider over a fixed list of values (for example the divisors of d_model)."""
    return widgets.SelectionSlider(options=list(options), value=value, description=description,
                                   continuous_update=continuous_update, style=LABEL_STYLE,
                                   layout=LAYOUT)


def dropdown(description: str, options, value):
    """A drop-down list with a readable label."""
    return widgets.Dropdown(options=list(options), value=value, description=description,
                            style=LABEL_STYLE, layout=LAYOUT)


def text_box(description: str, value: str = "", continuous_update: bool = True):
    """A one-line text box; by default the panel updates as the learner types."""
    return widgets.Text(value=value, description=description, style=LABEL_STYLE,
                        continuous_update=continuous_update, layout=LAYOUT)


class Panel(widgets.interactive):
    """An ``interactive`` whose kept figures are let go when it is closed."""

    live: LiveFigure | None = None

    def image(self) -> bytes:
        """The PNG the panel shows now (raises ValueError for a text panel)."""
        if self.live is None or self.live.last_png is None:
            raise ValueError("this panel shows no kept figure")
        return self.live.last_png

    def close(self):
        if self.live is not None:
            self.live.close()
        super().close()


def _display_png(data: bytes) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:  # pragma: no cover - ipywidgets needs IPython
        return
    if get_ipython() is not None:
        display(Image(data=data, format="png"))


def bind(render, key=None, **controls) -> Panel:
    """Return an ``interactive`` panel that re-runs ``render(**values)`` when a control moves.

    ``render`` returns a matplotlib Figure (shown once, then closed) or text (printed).
    A figure function that has an in-place sibling ``render.update(fig, **values)`` (the
    course's panel figures do) gets a kept figure instead: the panel builds it once and only
    updates it on later moves; ``key(**values)`` names values that change the figure's layout
    (one kept figure per key).
    Every other keyword is a control (or a fixed value wrapped in ``ipywidgets.fixed``).
    """
    update = getattr(render, "update", None)
    live = None if update is None else LiveFigure(render, update, key)

    def refresh(**values):
        if live is not None:
            _display_png(live(**values))
            return
        result = render(**values)
        if isinstance(result, Figure):
            show(result)
        elif result is not None:
            print(result)

    refresh.__name__ = getattr(render, "__name__", "panel")
    panel = Panel(refresh, **controls)
    panel.live = live
    return panel
