"""Figures that stay alive between slider moves: the artists a panel updates, and a fast PNG.

A panel's figure function (``source_figure``, ...) builds a figure and records the artists that
change with the slider with ``keep`` (:meth:`FigureParts.keep`); its ``update`` (an attribute:
``source_figure.update(fig, ...)``) finds them again with ``kept`` (:meth:`FigureParts.of`) and
changes their data, text and limits in place. :class:`LiveFigure` owns such a
figure for a panel: the first call builds it (its layout is computed once, then frozen), later
calls update it, and every call returns the PNG the learner sees.

>>> from lmcore.plotting import new_figure
>>> def build(y):
...     fig, ax = new_figure(f"y = {y}", "x (units)", "y (units)")
...     keep(fig, line=ax.plot([0, 1], [y, y])[0], title=ax.title)
...     return fig
>>> def update(fig, y):
...     parts = kept(fig)
...     parts["line"].set_ydata([y, y])
...     parts["title"].set_text(f"y = {y}")
>>> live = LiveFigure(build, update)
>>> first = live(y=1)
>>> live(y=2) != first, live(y=1) == first
(True, True)
>>> live.close()
"""

from __future__ import annotations

import io
import weakref

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from PIL import Image

#: zlib level of the panels' PNGs: 1 encodes about three times faster than the default 6 for
#: files about 5% larger (the pixels are the same).
PNG_COMPRESS_LEVEL = 1


class FigureParts:
    """Where a figure function records the artists its update changes (one record per figure,
    forgotten with the figure)."""

    _records: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @classmethod
    def keep(cls, fig, **artists) -> None:
        """Record the artists of ``fig`` that an update changes (merged with earlier records)."""
        cls._records.setdefault(fig, {}).update(artists)

    @classmethod
    def of(cls, fig) -> dict:
        """The artists recorded for ``fig`` (raises ValueError if there are none)."""
        if fig not in cls._records:
            raise ValueError("fig must be a figure built by a panel's figure function "
                             "(none was kept)")
        return cls._records[fig]

    @classmethod
    def forget(cls, fig) -> None:
        cls._records.pop(fig, None)

    @staticmethod
    def suptitle(fig):
        """The Text artist of ``fig``'s suptitle (``fig.get_suptitle()`` only gives its string)."""
        title = fig.get_suptitle()
        for child in fig.get_children():
            if isinstance(child, Text) and title and child.get_text() == title:
                return child
        raise ValueError("fig must have a suptitle")

    @staticmethod
    def png(fig) -> bytes:
        """Draw ``fig`` with Agg at its own dpi and return it as PNG bytes (same pixels as
        ``fig.savefig(format="png")``, one draw instead of two, faster compression)."""
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.draw()
        return _encode(canvas)


def _encode(canvas) -> bytes:
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.save(out, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()


keep, kept = FigureParts.keep, FigureParts.of


class LiveFigure:
    """One figure per panel (or one per ``key`` of the values, when a value changes the layout).

    ``build(**values)`` returns a new Figure (it must :func:`keep` what ``update`` needs);
    ``update(fig, **values)`` changes it in place. Calling the LiveFigure returns PNG bytes.

    A figure whose function keeps ``redraw`` (artists, in the order a full draw paints them)
    is updated by *blitting*: everything else is painted once into a background, and each
    update paints only those artists over a copy of it (the pixels are the same as a full
    draw's when nothing else overlaps them; tests hold the panels to that).
    The figures are closed in pyplot as soon as they are built (so pyplot never shows them a
    second time and its figure count stays flat); :meth:`close` lets them go.
    """

    def __init__(self, build, update, key=None):
        if not callable(build) or not callable(update):
            raise TypeError("build and update must be callables")
        if key is not None and not callable(key):
            raise TypeError("key must be None or a callable of the values")
        self.build, self.update, self.key = build, update, key
        self.figures: dict = {}
        self.current = None  # the figure of the latest call
        self.last_png: bytes | None = None  # the image of the latest call

    def figure(self, **values):
        """The figure for ``values``, built or updated (not encoded)."""
        key = None if self.key is None else self.key(**values)
        fig = self.figures.get(key)
        if fig is None:
            fig = self.build(**values)
            plt.close(fig)  # pyplot forgets it; the panel keeps it
            FigureCanvasAgg(fig)
            fig.canvas.draw()  # the layout engine runs once here ...
            fig.set_layout_engine("none")  # ... and the positions stay where it put them
            self.figures[key] = fig
            self._paint_background(fig)
        else:
            self.update(fig, **values)
        self.current = fig
        return fig

    @staticmethod
    def _paint_background(fig) -> None:
        parts = FigureParts.of(fig) if fig in FigureParts._records else {}
        if not parts.get("redraw"):
            return
        shown = [a.get_visible() for a in parts["redraw"]]
        for artist in parts["redraw"]:
            artist.set_visible(False)
        fig.canvas.draw()
        FigureParts.keep(fig, background=fig.canvas.copy_from_bbox(fig.bbox))
        for artist, visible in zip(parts["redraw"], shown):
            artist.set_visible(visible)

    def __call__(self, **values) -> bytes:
        fresh = (None if self.key is None else self.key(**values)) not in self.figures
        fig = self.figure(**values)
        parts = FigureParts._records.get(fig, {})
        if fresh or "background" not in parts:
            self.last_png = FigureParts.png(fig)  # the first image: a full draw, as the twin's
            return self.last_png
        canvas = fig.canvas
        canvas.restore_region(parts["background"])
        renderer = canvas.get_renderer()
        for artist in parts["redraw"]:
            artist.draw(renderer)
        self.last_png = _encode(canvas)
        return self.last_png

    def close(self) -> None:
        """Forget every figure (they were never left open in pyplot)."""
        for fig in self.figures.values():
            FigureParts.forget(fig)
        self.figures.clear()
        self.current = self.last_png = None
