"""Figures and text panels for notebook 01 (n-gram models).

Pure functions: they take fitted models or computed numbers and return a Figure or text.
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_int
from lmcore.plotting import PALETTE, new_figure


def coverage_figure(ns, coverage):
    """Line plot of the held-out n-gram coverage (in %) against the order n.

    Args:
        ns: the orders, e.g. ``[1, 2, 3, 4, 5]``.
        coverage: for each order, the share in [0, 1] of held-out n-grams seen in training.
    """
    ns = [check_int("ns[]", n, minimum=1) for n in ns]
    coverage = np.asarray(coverage, dtype=float)
    if coverage.shape != (len(ns),):
        raise ValueError(f"coverage must hold one value per order: {len(ns)} orders, "
                         f"got shape {coverage.shape}")
    if np.any((coverage < 0) | (coverage > 1)):
        raise ValueError("coverage must lie in [0, 1]")
    fig, ax = new_figure("Held-out n-grams seen in training", "order n (words of context + 1)",
                         "held-out n-grams seen in training (%)")
    ax.plot(ns, 100 * coverage, marker="o", color=PALETTE["blue"])
    for n, c in zip(ns, coverage):
        ax.annotate(f"{100 * c:.1f}%", (n, 100 * c), textcoords="offset points", xytext=(0, 8),
                    ha="center")
    ax.set_xticks(ns)
    ax.set_ylim(0, 105)
    return fig


def generated_text(models, n: int, seed: int, count: int = 3, max_words: int = 25) -> str:
    """Return ``count`` sentences sampled from ``models[n]``, one per line, seeded by ``seed``.

    Args:
        models: a dict ``{order: fitted NGramModel}``.
        n: which model to sample from.
        seed: seed of ``np.random.default_rng``; the same seed gives the same sentences.
    """
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    count = check_int("count", count, minimum=1)
    if n not in models:
        raise ValueError(f"n must be one of the fitted orders {sorted(models)}, got {n}")
    rng = np.random.default_rng(seed)
    lines = [f"{n}-gram model, seed {seed}:"]
    for i in range(count):
        lines.append(f"  {i + 1}. {models[n].generate(rng, max_words=max_words)}")
    return "\n".join(lines)
