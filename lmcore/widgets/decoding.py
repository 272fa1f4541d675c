"""Panels of notebooks 09 and 10: the sampling sliders and the beam-width slider."""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.plotting.decoding import beam_table, sampling_figure
from lmcore.widgets import bind, float_slider, int_slider


def sampling_panel(probs, labels, context: str = "", temperature: float = 1.0, top_k: int = 0,
                   top_p: float = 1.0, shown: int = 12):
    """Temperature (0 to 3), top-k (0 = off) and top-p (1 = off) sliders over one distribution."""
    return bind(
        sampling_figure,
        probs=fixed(probs),
        labels=fixed(labels),
        temperature=float_slider("temperature t", temperature, 0.0, 3.0, 0.05),
        top_k=int_slider("top-k (0 = off)", top_k, 0, 30),
        top_p=float_slider("top-p (1 = off)", top_p, 0.05, 1.0, 0.05),
        context=fixed(context),
        shown=fixed(shown),
    )


def beam_panel(log_prob_fn, start, beam_width: int = 1, length_penalty: float = 0.0,
               max_steps: int = 20, eos: str | None = "</s>", top: int = 5):
    """A beam-width slider (1 = greedy, up to 10) and a length-penalty slider; shows the beam."""
    return bind(
        beam_table,
        log_prob_fn=fixed(log_prob_fn),
        start=fixed(list(start)),
        beam_width=int_slider("beam width (1 = greedy)", beam_width, 1, 10),
        length_penalty=float_slider("length penalty α", length_penalty, 0.0, 1.5, 0.1),
        max_steps=fixed(max_steps),
        eos=fixed(eos),
        top=fixed(top),
    )
