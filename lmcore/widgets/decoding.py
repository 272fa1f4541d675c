"""Panels of notebooks 09 and 10: the sampling sliders and the beam-width slider.

Each panel computes with lmcore (:func:`lmcore.sampling.sampling_distribution`,
:func:`lmcore.beam_fast.beam_search`) and then draws with :mod:`lmcore.plotting.decoding`.
"""

from __future__ import annotations

from ipywidgets import fixed

from lmcore.beam_fast import beam_search
from lmcore.plotting.decoding import beam_table, sampling_figure
from lmcore.sampling import sampling_distribution
from lmcore.widgets import bind, float_slider, int_slider


def _settings(temperature: float, top_k: int, top_p: float) -> str:
    """The legend title for the sliders' values (top-k 0 and top-p 1 mean off)."""
    return ", ".join([f"t = {temperature:g}",
                      f"top-k = {top_k}" if top_k else "no top-k",
                      f"top-p = {top_p:g}" if top_p < 1 else "no top-p"])


def _sampled(probs, temperature: float, top_k: int, top_p: float):
    return sampling_distribution(probs, temperature, top_k or None, None if top_p == 1 else top_p)


def _sampling_render(probs, labels, temperature=1.0, top_k=0, top_p=1.0, context="", shown=12):
    q = _sampled(probs, temperature, top_k, top_p)
    return sampling_figure(probs, q, labels, _settings(temperature, top_k, top_p), context, shown)


def _sampling_update(fig, probs, labels, temperature=1.0, top_k=0, top_p=1.0, context="",
                     shown=12) -> None:
    q = _sampled(probs, temperature, top_k, top_p)
    sampling_figure.update(fig, probs, q, labels, _settings(temperature, top_k, top_p),
                           context, shown)


_sampling_render.update = _sampling_update


def sampling_panel(probs, labels, context: str = "", temperature: float = 1.0, top_k: int = 0,
                   top_p: float = 1.0, shown: int = 12):
    """Temperature (0 to 3), top-k (0 = off) and top-p (1 = off) sliders over one distribution.

    Its first image is ``sampling_figure(probs, sampling_distribution(probs, temperature),
    labels, "t = 1, no top-k, no top-p", context)`` at the default settings.
    """
    return bind(
        _sampling_render,
        probs=fixed(probs),
        labels=fixed(labels),
        temperature=float_slider("temperature t", temperature, 0.0, 3.0, 0.05),
        top_k=int_slider("top-k (0 = off)", top_k, 0, 30),
        top_p=float_slider("top-p (1 = off)", top_p, 0.05, 1.0, 0.05),
        context=fixed(context),
        shown=fixed(shown),
    )


def _beam_render(log_prob_fn, start, beam_width, length_penalty, max_steps, eos, top) -> str:
    found = beam_search(log_prob_fn, start, beam_width, max_steps, eos=eos,
                        length_penalty=length_penalty)
    return beam_table(found, start, beam_width, length_penalty, top)


def beam_panel(log_prob_fn, start, beam_width: int = 1, length_penalty: float = 0.0,
               max_steps: int = 20, eos: str | None = "</s>", top: int = 5):
    """A beam-width slider (1 = greedy, up to 10) and a length-penalty slider; shows the beam.

    Runs :func:`lmcore.beam_fast.beam_search` (the same beams as :func:`lmcore.beam.beam_search`)
    and prints :func:`lmcore.plotting.decoding.beam_table` of the result.
    """
    return bind(
        _beam_render,
        log_prob_fn=fixed(log_prob_fn),
        start=fixed(list(start)),
        beam_width=int_slider("beam width (1 = greedy)", beam_width, 1, 10),
        length_penalty=float_slider("length penalty α", length_penalty, 0.0, 1.5, 0.1),
        max_steps=fixed(max_steps),
        eos=fixed(eos),
        top=fixed(top),
    )
