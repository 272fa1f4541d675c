"""Figures for notebooks 02 (entropy) and 03 (perplexity).

Pure functions: they take computed numbers (or fitted models and their parameters) and
return a matplotlib Figure, so pytest checks them without a display. The two *render*
functions behind the sliders, :func:`source_figure` and :func:`add_k_figure`, compute what
they draw in well under 100 ms.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from lmcore._checks import check_float, check_int
from lmcore.corpus import MarkovSource
from lmcore.plotting import CMAP, COLORS, PALETTE, new_figure
from lmcore.plotting.live import FigureParts, keep, kept

#: Shannon's (1951) range for English from human next-letter guessing, bits per character.
SHANNON_1951 = (0.6, 1.3)


def _series(name: str, series, length: int) -> dict[str, np.ndarray]:
    """Check a ``{label: values}`` mapping whose every value has ``length`` finite numbers."""
    if not isinstance(series, dict) or not series:
        raise TypeError(f"{name} must be a non-empty dict {{label: list of values}}")
    out = {}
    for label, values in series.items():
        values = np.asarray(values, dtype=float)
        if values.shape != (length,):
            raise ValueError(f"{name}[{label!r}] must hold {length} values, got shape "
                             f"{values.shape}")
        if np.any(np.isnan(values)):
            raise ValueError(f"{name}[{label!r}] holds NaN")
        out[str(label)] = values
    return out


def _positions(name: str, values, minimum: float) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0 or np.any(values < minimum):
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers >= {minimum}")
    return values


def _plain_log_y(ax) -> None:
    """Log-scale y axis labelled 1, 2, 5, 10, 20, 50... in plain numbers (not 2 x 10^1)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def conditional_entropy_figure(ks, estimates, bounds=None, shannon=SHANNON_1951):
    """Plug-in ``H(X | previous k characters)`` against ``k``, with upper bounds beside it.

    Args:
        ks: context lengths, shape (K,).
        estimates: ``{label: bits per character for each k}``, e.g. the full text and a slice.
        bounds: ``{compressor: bits per character}`` drawn as dotted horizontal lines.
        shannon: ``(low, high)`` band of Shannon's 1951 estimate, or None.
    """
    ks = _positions("ks", ks, 0)
    estimates = _series("estimates", estimates, len(ks))
    fig, ax = new_figure("Conditional entropy of the stories falls with context",
                         "context length k (previous characters)", "bits per character")
    for (label, h), color in zip(estimates.items(), COLORS):
        ax.plot(ks, h, marker="o", color=color, label=label)
    for (name, bpc), color in zip((bounds or {}).items(), COLORS[3:]):
        ax.axhline(bpc, linestyle=":", color=color, label=f"{name}: {bpc:.2f} (upper bound)")
    if shannon is not None:
        ax.axhspan(*shannon, color=PALETTE["yellow"], alpha=0.35,
                   label=f"Shannon 1951, English: {shannon[0]}-{shannon[1]}")
    ax.set_xticks(ks)
    ax.set_ylim(0, None)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def convergence_figure(sizes, estimates, true_rate: float):
    """Estimates against sample size (log scale), with the exact entropy rate dashed.

    Args:
        sizes: sample sizes in symbols, shape (S,).
        estimates: ``{label: bits per symbol for each size}``.
        true_rate: the source's exact entropy rate, bits per symbol.
    """
    sizes = _positions("sizes", sizes, 1)
    estimates = _series("estimates", estimates, len(sizes))
    true_rate = check_float("true_rate", true_rate, minimum=0)
    fig, ax = new_figure("Plug-in estimates converge to the true entropy rate",
                         "sample size (symbols, log scale)", "bits per symbol")
    for (label, h), color in zip(estimates.items(), COLORS):
        ax.plot(sizes, h, marker="o", color=color, label=label)
    ax.axhline(true_rate, linestyle="--", color=PALETTE["black"],
               label=f"true entropy rate {true_rate:.3f}")
    ax.set_xscale("log")
    ax.set_ylim(0, None)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def _source_view(concentration: float, order: int = 1, vocab_size: int = 8, seed: int = 0) -> dict:
    """What :func:`source_figure` draws: the source, its transition table ``P`` (S, V), each
    state's entropy ``row_entropy`` (S,) in bits, the entropy ``rate`` and the ``title``."""
    source = MarkovSource(order=order, vocab_size=vocab_size, seed=seed,
                          concentration=concentration)
    rate = source.entropy_rate()
    P = source.transitions  # (S, V)
    with np.errstate(divide="ignore"):
        logs = np.where(P > 0, np.log2(np.where(P > 0, P, 1.0)), 0.0)  # (S, V)
    title = (f"concentration {source.concentration:.3g}: entropy rate {rate:.2f} bits per symbol "
             f"(max {math.log2(vocab_size):.2f})")
    return {"source": source, "P": P, "row_entropy": -np.sum(P * logs, axis=1), "rate": rate,
            "title": title}


def source_figure(concentration: float, order: int = 1, vocab_size: int = 8, seed: int = 0):
    """Render of notebook 02's slider: a :class:`MarkovSource` and its entropy.

    Left: the transition table ``P(next | state)`` as a heat map. Right: the entropy of each
    state's next-symbol distribution, with the entropy rate (their stationary average) and
    the maximum ``log2 vocab_size``.
    """
    view = _source_view(concentration, order, vocab_size, seed)
    source, rate = view["source"], view["rate"]
    fig, (left, right) = new_figure(view["title"], "next symbol", "state (previous symbols)",
                                    figsize=(9.0, 4.0), ncols=2)
    image = left.imshow(view["P"], cmap=CMAP, vmin=0, vmax=1, aspect="auto")
    left.set_title("P(next | state)", fontsize=10)
    left.set_xticks(range(vocab_size), source.symbols)
    if source.n_states <= 16:
        names = ["".join(source.symbols[(s // vocab_size**(order - 1 - i)) % vocab_size]
                         for i in range(order)) or "(none)" for s in range(source.n_states)]
        left.set_yticks(range(source.n_states), names)
        right.set_yticks(range(source.n_states), names)
    left.grid(False)
    fig.colorbar(image, ax=left, label="probability")
    bars = right.barh(range(source.n_states), view["row_entropy"], color=PALETTE["blue"])
    line = right.axvline(rate, linestyle="--", color=PALETTE["black"],
                         label=f"entropy rate {rate:.2f}")
    right.axvline(math.log2(vocab_size), linestyle=":", color=PALETTE["vermillion"],
                  label=f"log2 {vocab_size} = {math.log2(vocab_size):.2f}")
    right.set_xlim(0, math.log2(vocab_size) * 1.05)
    right.invert_yaxis()
    right.set_xlabel("entropy of the next symbol (bits)")
    right.set_title("uncertainty in each state", fontsize=10)
    # beside the panel, not on it: the bars can reach the maximum in any row
    legend = right.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    title = FigureParts.suptitle(fig)
    # an update repaints the title, the transition table and its frame, and the bar panel whole
    redraw = [title, image, *left.spines.values(), right]
    keep(fig, title=title, image=image, bars=bars, rate=line, legend=legend, redraw=redraw)
    return fig


def _update_source_figure(fig, concentration: float, order: int = 1, vocab_size: int = 8,
                         seed: int = 0) -> None:
    """Redraw a :func:`source_figure` in place at a new ``concentration`` (same other values)."""
    view = _source_view(concentration, order, vocab_size, seed)
    parts = kept(fig)
    parts["title"].set_text(view["title"])
    parts["image"].set_data(view["P"])
    for bar, width in zip(parts["bars"], view["row_entropy"]):
        bar.set_width(width)
    parts["rate"].set_xdata([view["rate"], view["rate"]])
    parts["legend"].get_texts()[0].set_text(f"entropy rate {view['rate']:.2f}")


def perplexity_by_order_figure(ns, train, held_out):
    """Training and held-out perplexity against the order n (log scale).

    Args:
        ns: the orders, shape (K,).
        train: ``{smoothing label: perplexity on the training text for each order}``.
        held_out: ``{smoothing label: perplexity on held-out text for each order}``.
    """
    ns = [check_int("ns[]", n, minimum=1) for n in ns]
    train = _series("train", train, len(ns))
    held_out = _series("held_out", held_out, len(ns))
    fig, ax = new_figure("Perplexity on training and held-out text, by order",
                         "order n (words of context + 1)", "perplexity (log scale)")
    for (label, values), color in zip(held_out.items(), COLORS):
        ax.plot(ns, values, marker="o", color=color, label=f"{label}, held out")
        best = int(np.argmin(values))
        ax.annotate(f"best n = {ns[best]}", (ns[best], values[best]), textcoords="offset points",
                    xytext=(0, -14), ha="center", fontsize=8, color=color)
        if label in train:
            ax.plot(ns, train[label], marker="o", linestyle="--", color=color,
                    label=f"{label}, training")
    _plain_log_y(ax)
    ax.set_xticks(ns)
    ax.legend(fontsize=8)
    return fig


def markov_perplexity_figure(sizes, perplexities, floor: float):
    """Held-out perplexity of models trained on growing samples of a source, and its floor.

    Args:
        sizes: training sizes in symbols, shape (S,).
        perplexities: ``{model label: held-out perplexity for each size}``.
        floor: ``2 ** entropy_rate``, the perplexity no model can beat on average.
    """
    sizes = _positions("sizes", sizes, 1)
    perplexities = _series("perplexities", perplexities, len(sizes))
    floor = check_float("floor", floor, minimum=1)
    fig, ax = new_figure("More data brings the right model down to the floor",
                         "training sample (symbols, log scale)", "held-out perplexity")
    for (label, values), color in zip(perplexities.items(), COLORS):
        ax.plot(sizes, values, marker="o", color=color, label=label)
    ax.axhline(floor, linestyle="--", color=PALETTE["black"],
               label=f"floor 2 ** entropy rate = {floor:.3f}")
    ax.set_xscale("log")
    ax.set_ylim(floor * 0.9, None)
    ax.legend(fontsize=8)
    return fig


def _add_k_values(models, sentences, k: float, ks=None):
    """Checked ``k``, the sorted models, the grid ``ks`` and each model's perplexities over
    ``ks`` followed by the one at ``k`` (shape (K + 1,) per model)."""
    k = check_float("k", k, minimum=0, min_inclusive=False)
    if not isinstance(models, dict) or not models:
        raise TypeError("models must be a non-empty dict {n: fitted NGramModel}")
    ks = np.logspace(-4, 1, 41) if ks is None else _positions("ks", ks, 0)
    grid = np.append(ks, k)  # the curve and the chosen k in one pass
    return k, ks, [(n, model.add_k_perplexities(sentences, grid))
                   for n, model in sorted(models.items())]


def add_k_figure(models, sentences, k: float, ks=None):
    """Render of notebook 03's slider: held-out perplexity against the add-k pseudo-count.

    One curve per model (``{n: fitted NGramModel}``) over ``ks`` (log scale), and a marker at
    the chosen ``k`` with its value. Uses :meth:`NGramModel.add_k_perplexities`, so every
    curve costs one lookup of the held-out n-grams.
    """
    k, ks, curves = _add_k_values(models, sentences, k, ks)
    fig, ax = new_figure(f"Held-out perplexity with add-k smoothing, k = {k:.3g}",
                         "k (pseudo-count, log scale)", "held-out perplexity (log scale)")
    points, notes = [], []
    for (n, values), color in zip(curves, COLORS):
        ax.plot(ks, values[:-1], color=color, label=f"{n}-gram")
        points.append(ax.plot([k], [values[-1]], marker="o", color=color)[0])
        notes.append(ax.annotate(f"{values[-1]:.0f}", (k, values[-1]), textcoords="offset points",
                                 xytext=(6, 4), fontsize=8, color=color))
    line = ax.axvline(k, color=PALETTE["black"], linewidth=0.8)
    ax.set_xscale("log")
    _plain_log_y(ax)
    ax.legend(fontsize=8)
    keep(fig, title=ax.title, points=points, notes=notes, line=line)
    return fig


def _update_add_k_figure(fig, models, sentences, k: float, ks=None) -> None:
    """Move the marked ``k`` of an :func:`add_k_figure` (same models, sentences and grid).

    The curves stay; only the values at ``k`` are recomputed (one held-out lookup per model).
    """
    k, _, curves = _add_k_values(models, sentences, k, np.array([1.0]))
    parts = kept(fig)
    parts["title"].set_text(f"Held-out perplexity with add-k smoothing, k = {k:.3g}")
    parts["line"].set_xdata([k, k])
    for (_, values), point, note in zip(curves, parts["points"], parts["notes"]):
        point.set_data([k], [values[-1]])
        note.xy = (k, values[-1])
        note.set_text(f"{values[-1]:.0f}")


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
source_figure.update = _update_source_figure
add_k_figure.update = _update_add_k_figure
