"""Figures and text panels for notebook 01 (n-gram models).

Pure functions: they take computed numbers or sampled text and return a Figure or text.
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_int, check_list
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


def generated_text(sentences, n: int, seed: int) -> str:
    """Format sampled ``sentences`` one per line, under the model's order and the seed.

    The sampling happens before (:func:`lmcore.ngram.sample_sentences`); this only lays it out.

    >>> print(generated_text(["the cat sat", "a dog ran"], n=2, seed=5))
    2-gram model, seed 5:
      1. the cat sat
      2. a dog ran
    """
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    sentences = check_list("sentences", sentences, "a list of sampled sentences (str)")
    if not all(isinstance(s, str) for s in sentences):
        raise TypeError("sentences must be strings, as NGramModel.generate returns them")
    return "\n".join([f"{n}-gram model, seed {seed}:"]
                     + [f"  {i + 1}. {sentence}" for i, sentence in enumerate(sentences)])
