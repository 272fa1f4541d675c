"""Figures and text panels for notebooks 09 (sampling) and 10 (beam search).

Pure functions: they take distributions, draws, search results or computed numbers and
return a Figure or text, so pytest can check them without a display. They compute no model
result: the notebook or :mod:`lmcore.widgets.decoding` runs lmcore's samplers and searches.
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_int, check_probabilities, check_tokens
from lmcore.information import entropy
from lmcore.plotting import PALETTE, format_table, new_figure
from lmcore.plotting.live import keep, kept


def _labels(labels, size: int) -> list[str]:
    labels = check_tokens("labels", labels)
    if len(labels) != size:
        raise ValueError(f"labels must name every word of probs: {size} probabilities, "
                         f"got {len(labels)} labels")
    return labels


def _top_and_rest(values: np.ndarray, order: np.ndarray, shown: int) -> np.ndarray:
    """The values of the ``shown`` first words of ``order``, then the sum of all the others."""
    return np.append(values[order[:shown]], values[order[shown:]].sum())  # (shown + 1,)


def _sampling_view(probs, sampled, labels, settings: str = "", context: str = "",
                   shown: int = 12) -> dict:
    """What :func:`sampling_figure` draws, as numbers and strings (no matplotlib).

    Keys: ``names`` (bar labels), ``sampled`` and ``model`` (bar heights), ``sampled_label``,
    ``model_label``, ``settings`` (the legend title) and ``title``.
    """
    p = check_probabilities("probs", probs)
    q = check_probabilities("sampled", sampled)
    if q.shape != p.shape:
        raise ValueError(f"sampled must hold one probability per word of probs ({len(p)}), "
                         f"got {len(q)}")
    labels = _labels(labels, len(p))
    shown = check_int("shown", shown, minimum=1, maximum=len(p))
    order = np.argsort(-p, kind="stable")  # (V,) the model's ranking, ties by index
    names = [labels[i] for i in order[:shown]]
    if len(p) > shown:
        names.append(f"other {len(p) - shown:,} words")
    return {
        "names": names,
        "sampled": _top_and_rest(q, order, shown)[: len(names)],
        "model": _top_and_rest(p, order, shown)[: len(names)],
        "sampled_label": f"sampled from: entropy {entropy(q):.2f} bits, {np.count_nonzero(q):,} words",
        "model_label": f"model (t = 1, no filter): entropy {entropy(p):.2f} bits",
        "settings": settings,
        "title": "Next word after " + (f"'{context}'" if context else "the start"),
    }


def sampling_figure(probs, sampled, labels, settings: str = "", context: str = "",
                    shown: int = 12):
    """Bar chart of the distribution a sampler draws from, with its entropy in bits.

    The bars are ``sampled`` for the ``shown`` words the model finds most likely (in the
    model's order), then one bar for all the other words together; black outlines mark the
    model's own probabilities ``probs`` for comparison.

    Args:
        probs: the model's next-word probabilities, shape (V,), summing to 1.
        sampled: the distribution drawn from (e.g. :func:`lmcore.sampling.sampling_distribution`
            of ``probs``), shape (V,), summing to 1.
        labels: the V words, in the order of ``probs``.
        settings: the legend's title: the knobs used, e.g. ``"t = 0.5, no top-k, top-p = 0.9"``.
        context: the words before (shown in the title).
        shown: how many single words get a bar, >= 1.
    """
    view = _sampling_view(probs, sampled, labels, settings, context, shown)
    x = np.arange(len(view["names"]))
    fig, ax = new_figure(view["title"], "next word", "probability", figsize=(8.0, 4.2))
    bars = ax.bar(x, view["sampled"], color=PALETTE["blue"], label=view["sampled_label"])
    ax.bar(x, view["model"], fill=False, edgecolor=PALETTE["black"], linewidth=1.2,
           label=view["model_label"])
    ax.set_xticks(x, view["names"], rotation=40, ha="right")
    ax.set_ylim(0, 1.3)  # room for the legend above the bars
    ax.set_yticks(np.linspace(0, 1, 6))
    legend = ax.legend(title=view["settings"], loc="upper center", ncols=1)
    keep(fig, bars=bars, legend=legend)
    return fig


def _update_sampling_figure(fig, probs, sampled, labels, settings: str = "", context: str = "",
                            shown: int = 12) -> None:
    """Redraw a :func:`sampling_figure` in place for a new ``sampled`` (same ``probs``, labels)."""
    view = _sampling_view(probs, sampled, labels, settings, context, shown)
    parts = kept(fig)
    for bar, height in zip(parts["bars"], view["sampled"]):
        bar.set_height(height)
    parts["legend"].get_texts()[0].set_text(view["sampled_label"])
    parts["legend"].get_title().set_text(view["settings"])


def frequency_figure(probs, labels, draws, shown: int = 12):
    """Grouped bars: the model's probability and the observed frequency in ``draws``.

    Args:
        probs: the distribution sampled from, shape (V,), summing to 1.
        labels: the V words.
        draws: the sampled word indices, shape (N,), each in [0, V).
        shown: how many single words get a pair of bars (the rest are pooled).
    """
    p = check_probabilities("probs", probs)
    labels = _labels(labels, len(p))
    draws = np.asarray(draws)
    if draws.ndim != 1 or draws.size == 0 or not np.issubdtype(draws.dtype, np.integer):
        raise ValueError("draws must be a non-empty 1-D array of word indices")
    if draws.min() < 0 or draws.max() >= len(p):
        raise ValueError(f"draws must hold indices in [0, {len(p)})")
    shown = check_int("shown", shown, minimum=1, maximum=len(p))
    freq = np.bincount(draws, minlength=len(p)) / draws.size  # (V,)
    order = np.argsort(-p, kind="stable")
    names = [labels[i] for i in order[:shown]]
    if len(p) > shown:
        names.append(f"other {len(p) - shown:,} words")
    x = np.arange(len(names))
    fig, ax = new_figure(f"{draws.size:,} seeded draws against the model's distribution",
                         "next word", "probability / observed frequency", figsize=(8.0, 4.2))
    ax.bar(x - 0.2, _top_and_rest(p, order, shown)[: len(names)], width=0.4,
           color=PALETTE["blue"], label="model probability")
    ax.bar(x + 0.2, _top_and_rest(freq, order, shown)[: len(names)], width=0.4,
           color=PALETTE["orange"], label=f"frequency in {draws.size:,} draws")
    ax.set_xticks(x, names, rotation=40, ha="right")
    ax.legend()
    return fig


def entropy_figure(temperatures, curves: dict):
    """Entropy (bits) of the tempered distribution against the temperature, one line per context.

    Args:
        temperatures: shape (T,), each >= 0.
        curves: ``{label: entropies in bits, shape (T,)}``.
    """
    t = np.asarray(temperatures, dtype=float)
    if t.ndim != 1 or t.size < 2 or np.any(t < 0):
        raise ValueError("temperatures must be a 1-D array of at least 2 values >= 0")
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict {label: entropies in bits}")
    lines = {label: np.asarray(h, dtype=float) for label, h in curves.items()}
    for label, h in lines.items():
        if h.shape != t.shape:
            raise ValueError(f"curves[{label!r}] must hold one entropy per temperature "
                             f"({t.size}), got shape {h.shape}")
    fig, ax = new_figure("Temperature controls the entropy of the next word",
                         "temperature t", "entropy of the next word (bits)")
    for label, h in lines.items():
        ax.plot(t, h, label=label)
    ax.axvline(1.0, color=PALETTE["black"], linestyle=":", linewidth=1)
    ax.annotate("t = 1: the model itself", (1.0, 0), textcoords="offset points", xytext=(4, 4))
    ax.legend(title="context")
    return fig


def beam_table(beam, start, beam_width: int, length_penalty: float = 0.0, top: int = 5) -> str:
    """The best ``top`` hypotheses of a finished search as a text table.

    Args:
        beam: the search's result, a list of :class:`lmcore.beam.Hypothesis`, best first.
        start: the tokens the search continued (left out of the continuation column).
        beam_width, length_penalty: the search's settings, for the heading.
        top: how many hypotheses to list, >= 1.

    Columns: the added words, how many, total log-probability (nats), per word (nats) and
    the ranking score ``log P / length ** length_penalty``.
    """
    start = check_tokens("start", start)
    top = check_int("top", top, minimum=1)
    beam_width = check_int("beam_width", beam_width, minimum=1)
    rows = [[rank, " ".join(h.tokens[len(start):]), h.length, h.log_prob, h.log_prob / h.length,
             h.score] for rank, h in enumerate(list(beam)[:top], start=1)]
    kind = "greedy" if beam_width == 1 else f"beam width {beam_width}"
    head = (f"{kind}, length penalty {length_penalty:g}, after {' '.join(start)!r} "
            f"(log P in nats; higher is more probable)")
    table = format_table(rows, ["rank", "continuation", "words", "log P", "per word", "score"],
                         floatfmt=".3f")
    return head + "\n" + table


def width_figure(widths, mean_log_prob, mean_length):
    """Two panels against the beam width: mean log P of the best sentence, and its mean length.

    Args:
        widths: beam widths, shape (W,).
        mean_log_prob: mean total log-probability (nats) of the best hypothesis, shape (W,).
        mean_length: mean number of added tokens of the best hypothesis, shape (W,).
    """
    widths = [check_int("widths[]", w, minimum=1) for w in widths]
    lp = np.asarray(mean_log_prob, dtype=float)
    length = np.asarray(mean_length, dtype=float)
    if lp.shape != (len(widths),) or length.shape != (len(widths),):
        raise ValueError(f"mean_log_prob and mean_length must hold one value per width "
                         f"({len(widths)}), got shapes {lp.shape} and {length.shape}")
    fig, (left, right) = new_figure("A wider beam finds more probable, shorter sentences",
                                    "beam width", "value", figsize=(9.0, 3.8), ncols=2)
    left.plot(widths, lp, marker="o", color=PALETTE["blue"])
    left.set_ylabel("mean log P of the best sentence (nats)")
    right.plot(widths, length, marker="o", color=PALETTE["vermillion"])
    right.set_ylabel("mean length of the best sentence (tokens)")
    for ax in (left, right):
        ax.set_xticks(widths)
    return fig


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
sampling_figure.update = _update_sampling_figure
