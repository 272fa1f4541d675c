"""Figures for notebook 13 (scaling laws and the challenges, measured).

Pure functions: they take measured learning curves, fitted power laws and a few numbers,
and return a matplotlib Figure; they fit nothing. :func:`order_fit_figure` (with an in-place
``update``) draws one curve and the law fitted to part of it; the notebook's panel
(:mod:`lmcore.widgets.scaling`) fits and then calls it.

Every loss is drawn in **bits** per token; the published laws, stated in nats, are divided
by ``ln 2`` here, and say so in their labels.
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_float, check_int
from lmcore.plotting import COLORS, PALETTE, new_figure
from lmcore.plotting.live import keep, kept
from lmcore.scaling import PowerLaw
from lmcore.scaling_laws import (
    HOFFMANN_2022,
    HOFFMANN_2022_RANGE,
    KAPLAN_2020_RANGE,
    chinchilla_loss,
    kaplan_loss_vs_data,
)

LOSS_LABEL = "held-out cross-entropy (bits per token)"
TOKENS_LABEL = "training tokens (log scale)"


def _curve(name: str, sizes, losses) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.asarray(sizes, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if sizes.ndim != 1 or sizes.shape != losses.shape or sizes.size == 0:
        raise ValueError(f"{name}: sizes and losses must be 1-D of the same non-zero length")
    if np.any(sizes <= 0) or not np.all(np.isfinite(losses)):
        raise ValueError(f"{name}: sizes must be > 0 and losses finite")
    return sizes, losses


def learning_curves_figure(curves: dict, fits: dict | None = None, limits: dict | None = None,
                           title: str = "Held-out loss against training data"):
    """Measured learning curves (points), their fitted power laws (lines) and known floors.

    Args:
        curves: ``{label: (sizes, losses)}``, sizes in tokens and losses in bits per token.
        fits: optional ``{label: PowerLaw}`` for some of the labels, drawn over the sizes.
        limits: optional ``{text: bits}``: horizontal dashed lines (e.g. an entropy rate).
        title: the figure's title.
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict {label: (sizes, losses)}")
    fits, limits = fits or {}, limits or {}
    fig, ax = new_figure(title, TOKENS_LABEL, LOSS_LABEL, figsize=(9.0, 4.2))
    for i, (label, (sizes, losses)) in enumerate(curves.items()):
        sizes, losses = _curve(f"curves[{label!r}]", sizes, losses)
        color = COLORS[i % len(COLORS)]
        fit = fits.get(label)
        if fit is None:
            ax.plot(sizes, losses, "o", color=color, ms=5, label=label)
            continue
        ax.plot(sizes, losses, "o", color=color, ms=5)
        grid = np.geomspace(sizes.min(), sizes.max(), 100)
        ax.plot(grid, fit(grid), "-", marker="o", markevery=[0], color=color, lw=1.5,
                label=f"{label}: E = {fit.E:.3f}, alpha = {fit.alpha:.2f}")
    for j, (text, value) in enumerate(limits.items()):
        ax.axhline(value, ls="--", lw=1, color=PALETTE["black"] if j == 0 else "0.45")
        ax.annotate(f"{text} = {value:.3f}", (0.01, value), xycoords=("axes fraction", "data"),
                    ha="left", va="bottom", fontsize=8)
    ax.set_xscale("log")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              title="measured (points), fitted E + A D^-alpha (lines)", title_fontsize=8)
    return fig


def published_laws_figure(ours: dict, n_params: float = 70e9):
    """The published scaling laws (in bits) beside our fitted curves, over 10^3 to 10^13 tokens.

    Draws Kaplan et al. (2020) ``L(D)``, Hoffmann et al. (2022) ``L(N, D)`` at ``N =
    n_params`` parameters, and Hoffmann's irreducible ``E``, all divided by ``ln 2``; and for
    each of ``ours`` (``{label: (sizes, losses, PowerLaw)}``) the measured points with the
    fitted law: solid where measured, dotted where extrapolated. The published laws, too, are
    solid only over the data they were fitted on (:data:`KAPLAN_2020_RANGE`,
    :data:`HOFFMANN_2022_RANGE`). Their tokens are sub-word pieces; ours are whatever the
    curves count (symbols, letters), so only shapes compare. The y axis stops at 16 bits:
    at 1,000 tokens Hoffmann's data term alone is above 80.
    """
    if not isinstance(ours, dict) or not ours:
        raise ValueError("ours must be a non-empty dict {label: (sizes, losses, PowerLaw)}")
    fig, ax = new_figure("Learning curves beside the published laws (tokens differ: see legend)",
                         "training tokens D (log scale; ours: symbols or letters; published: "
                         "sub-word pieces)", "held-out loss (bits per token; nats / ln 2)",
                         figsize=(8.5, 4.8))
    D = np.geomspace(1e3, 1e13, 200)
    ln2 = math.log(2)
    laws = [(kaplan_loss_vs_data, PALETTE["black"], KAPLAN_2020_RANGE,
             "Kaplan et al. 2020: L(D) = (5.4e13 / D)^0.095 nats, sub-word tokens"),
            (lambda d: chinchilla_loss(n_params, d), PALETTE["purple"], HOFFMANN_2022_RANGE,
             f"Hoffmann et al. 2022: L(N, D), N = {n_params / 1e9:g} billion, sub-word tokens")]
    for law, color, (low, high), label in laws:
        inside = np.geomspace(low, high, 50)  # solid only where the law was fitted
        ax.plot(inside, law(inside) / ln2, color=color, lw=2, label=label)
        for part in (D[D < low], D[D > high]):
            if part.size:
                ax.plot(part, law(part) / ln2, ":", color=color, lw=1.2)
    ax.axhline(HOFFMANN_2022["E"] / ln2, color=PALETTE["purple"], ls="--", lw=1,
               label=f"Hoffmann's E = {HOFFMANN_2022['E']} nats = {HOFFMANN_2022['E'] / ln2:.2f} bits")
    for i, (label, (sizes, losses, fit)) in enumerate(ours.items()):
        sizes, losses = _curve(f"ours[{label!r}]", sizes, losses)
        if not isinstance(fit, PowerLaw):
            raise TypeError(f"ours[{label!r}] must end with a PowerLaw, got {type(fit).__name__}")
        color = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["orange"]][i % 4]
        ax.plot(sizes, losses, "o", ms=4, color=color)
        inside = np.geomspace(sizes.min(), sizes.max(), 50)
        ax.plot(inside, fit(inside), "-", color=color, lw=2, label=f"{label} (alpha = {fit.alpha:.2f})")
        beyond = np.geomspace(sizes.max(), D[-1], 100)
        ax.plot(beyond, fit(beyond), ":", color=color, lw=1.5)
    ax.set_xscale("log")
    ax.set_ylim(0, 16)
    ax.legend(fontsize=7.5, loc="upper right")
    return fig


def _order_fit_view(sizes, losses, fit, limit, n: int, up_to) -> dict:
    """What :func:`order_fit_figure` draws: the ``sizes`` and ``losses``, the mask ``used`` of
    the sizes in the fit, the ``fit``, the ``limit`` (floor), the ``grid`` of sizes the law is
    drawn over, and the ``title``."""
    n = check_int("n", n, minimum=1)
    sizes, losses = _curve("sizes and losses", sizes, losses)
    if not isinstance(fit, PowerLaw):
        raise TypeError(f"fit must be a PowerLaw (from fit_power_law), got {type(fit).__name__}")
    limit = check_float("limit", limit)
    up_to = check_float("up_to", up_to, minimum=0, min_inclusive=False)
    return {"sizes": sizes, "losses": losses, "used": sizes <= up_to, "fit": fit, "limit": limit,
            "grid": np.geomspace(sizes.min(), sizes.max() * 10, 200),
            "title": f"{n}-gram: E = {fit.E:.3f} bits vs exact floor {limit:.3f} "
                     f"({fit.E - limit:+.3f})"}


def _order_fit_labels(view) -> dict:
    fit, limit = view["fit"], view["limit"]
    return {"law": f"fit: {fit.E:.3f} + {fit.A:.3g} D^-{fit.alpha:.2f}",
            "used": "measured, in the fit", "held": "measured, held back",
            "floor": f"exact floor {limit:.3f} bits", "E": f"fitted E {fit.E:.3f} bits"}


def order_fit_figure(sizes, losses, fit: PowerLaw, limit: float, n: int, up_to):
    """A learning curve, the law ``fit`` fitted to its sizes ``<= up_to``, and the exact floor.

    Points used in the fit are filled, the others hollow; the fitted law is extended ten
    times past the data; the dashed line is the exact floor ``limit`` for that order, and
    the title compares it with ``E``.

    Args:
        sizes, losses: the measured curve of the order-``n`` model (bits per token), (K,).
        fit: the :class:`lmcore.scaling.PowerLaw` fitted to the sizes ``<= up_to``.
        limit: the exact floor of that order (bits per token).
        n: the model's order (for the title).
        up_to: the largest training size that was used in the fit.
    """
    view = _order_fit_view(sizes, losses, fit, limit, n, up_to)
    sizes, losses, used = view["sizes"], view["losses"], view["used"]
    labels = _order_fit_labels(view)
    fig, ax = new_figure(view["title"], TOKENS_LABEL, LOSS_LABEL)
    lines = {"law": ax.plot(view["grid"], fit(view["grid"]), "-", color=PALETTE["blue"], lw=2,
                            label=labels["law"])[0],
             "used": ax.plot(sizes[used], losses[used], "o", color=PALETTE["blue"], ms=6,
                             label=labels["used"])[0], "held": None}
    if (~used).any():
        lines["held"] = _held_back(ax, sizes[~used], losses[~used])
    lines["floor"] = ax.axhline(view["limit"], ls="--", color=PALETTE["black"], lw=1,
                                label=labels["floor"])
    lines["E"] = ax.axhline(fit.E, ls=":", color=PALETTE["blue"], lw=1, label=labels["E"])
    ax.set_xscale("log")
    low = min(view["limit"], fit.E, losses.min())
    ax.set_ylim(low - 0.1, losses.max() + 0.1)
    ax.legend(fontsize=8, loc="upper right")
    keep(fig, title=ax.title, lines=lines)
    return fig


def _held_back(ax, sizes, losses):
    return ax.plot(sizes, losses, "o", mfc="none", color=PALETTE["vermillion"], ms=7,
                   label="measured, held back")[0]


def _update_order_fit_figure(fig, sizes, losses, fit: PowerLaw, limit: float, n: int,
                             up_to) -> None:
    """Redraw an :func:`order_fit_figure` in place for another curve, fit or floor."""
    view = _order_fit_view(sizes, losses, fit, limit, n, up_to)
    sizes, losses, used, fit = view["sizes"], view["losses"], view["used"], view["fit"]
    labels = _order_fit_labels(view)
    parts = kept(fig)
    ax, lines = parts["title"].axes, parts["lines"]
    parts["title"].set_text(view["title"])
    if lines["held"] is None and (~used).any():
        lines["held"] = _held_back(ax, sizes[~used], losses[~used])
    lines["law"].set_data(view["grid"], fit(view["grid"]))
    lines["used"].set_data(sizes[used], losses[used])
    if lines["held"] is not None:
        lines["held"].set_data(sizes[~used], losses[~used])
        lines["held"].set_visible(bool((~used).any()))
    lines["floor"].set_ydata([view["limit"]] * 2)
    lines["E"].set_ydata([fit.E] * 2)
    for name, line in lines.items():
        if line is not None:
            line.set_label(labels[name])
    ax.relim(visible_only=True)
    ax.autoscale_view(scaley=False)
    low = min(view["limit"], fit.E, losses.min())
    ax.set_ylim(low - 0.1, losses.max() + 0.1)
    order = ["law", "used", "held", "floor", "E"]
    ax.legend(handles=[lines[k] for k in order if lines[k] is not None and lines[k].get_visible()],
              fontsize=8, loc="upper right")


def novelty_figure(ns, novel_share, verbatim_share, held_out_novel: float, n_gram: int = 4):
    """Share of generated n-grams never seen in training, and of sentences copied whole, against n.

    Args:
        ns: model orders, shape (K,).
        novel_share: share of the generated ``n_gram``-grams never seen in training, (K,).
        verbatim_share: share of generated sentences that are training sentences, (K,).
        held_out_novel: the same novelty share for real held-out text (a dashed reference).
    """
    ns = np.asarray(ns)
    novel = np.asarray(novel_share, dtype=float)
    verbatim = np.asarray(verbatim_share, dtype=float)
    if not (ns.shape == novel.shape == verbatim.shape) or ns.ndim != 1 or ns.size == 0:
        raise ValueError("ns, novel_share and verbatim_share must be 1-D of the same length")
    for name, v in (("novel_share", novel), ("verbatim_share", verbatim),
                    ("held_out_novel", np.array([held_out_novel]))):
        if np.any((v < 0) | (v > 1)):
            raise ValueError(f"{name} must hold shares in [0, 1]")
    fig, ax = new_figure("Inventing or reciting? Text generated by n-gram models",
                         "model order n", "share of generated text (%)")
    ax.plot(ns, 100 * novel, "o-", color=PALETTE["vermillion"],
            label=f"{n_gram}-grams never seen in training")
    ax.plot(ns, 100 * verbatim, "s-", color=PALETTE["blue"], label="sentences copied whole from training")
    ax.axhline(100 * held_out_novel, ls="--", color=PALETTE["black"], lw=1,
               label=f"held-out human text: new {n_gram}-grams")
    ax.set_xticks(ns)
    ax.set_ylim(-3, 103)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    return fig


#: The in-place update each panel figure function offers (``fig``, then the same arguments).
order_fit_figure.update = _update_order_fit_figure
