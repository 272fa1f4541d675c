"""Scaling laws: how held-out loss falls as a model gets more data (or more parameters).

Measured learning curves of language models are well described by a power law with a floor,

    L(x) = E + A * x ** (-alpha),

where ``x`` is the amount of training data (tokens) or the number of parameters, ``E`` is the
irreducible loss, ``A`` a scale and ``alpha`` > 0 the rate. ``E`` is where no amount of data
helps any more: for a source whose true entropy rate is known, ``E`` is (at best) that entropy
rate, the floor no model can go below.

:func:`fit_power_law` fits the three numbers by least squares: for a fixed ``alpha`` the model
is linear in ``E`` and ``A`` (solved exactly), so only ``alpha`` is searched, on a fine grid and
then by golden-section refinement. No starting guess, no failure to converge.

The published laws for large transformer language models, in nats per token:

- Kaplan et al. (2020), *Scaling Laws for Neural Language Models*, arXiv:2001.08361:
  ``L(N) = (N_c / N) ** alpha_N`` with ``N_c = 8.8e13`` non-embedding parameters and
  ``alpha_N = 0.076``; ``L(D) = (D_c / D) ** alpha_D`` with ``D_c = 5.4e13`` tokens and
  ``alpha_D = 0.095``.
- Hoffmann et al. (2022), *Training Compute-Optimal Large Language Models* (Chinchilla),
  arXiv:2203.15556: ``L(N, D) = E + A / N ** alpha + B / D ** beta`` with ``E = 1.69``,
  ``A = 406.4``, ``B = 410.7``, ``alpha = 0.34``, ``beta = 0.28``.

>>> x = np.array([1e2, 1e3, 1e4, 1e5])
>>> fit = fit_power_law(x, 2.0 + 5.0 * x ** -0.5)
>>> round(fit.E, 4), round(fit.A, 4), round(fit.alpha, 4)
(2.0, 5.0, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lmcore._checks import check_int, check_rng

#: Kaplan et al. (2020), arXiv:2001.08361, eqs. 1.1 and 1.2 (loss in nats per token).
KAPLAN_2020 = {"N_c": 8.8e13, "alpha_N": 0.076, "D_c": 5.4e13, "alpha_D": 0.095}
#: Hoffmann et al. (2022), arXiv:2203.15556, the parametric fit of their approach 3 (nats per token).
HOFFMANN_2022 = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


@dataclass(frozen=True)
class PowerLaw:
    """``L(x) = E + A * x ** (-alpha)``, with the root-mean-square error of the fit."""

    E: float
    A: float
    alpha: float
    rmse: float

    def __call__(self, x):
        """Evaluate the law at ``x`` (scalar or array, > 0)."""
        x = np.asarray(x, dtype=float)
        return self.E + self.A * x ** (-self.alpha)


def _validate_xy(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {x.shape} and {y.shape}")
    if x.size < 3:
        raise ValueError(f"x must hold at least 3 points to fit 3 parameters, got {x.size}")
    if not (np.all(np.isfinite(x)) and np.all(x > 0)):
        raise ValueError("x must be finite and > 0 (amounts of data or parameters)")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (an infinite loss cannot be fitted: smooth the model)")
    if np.unique(x).size < 3:
        raise ValueError("x must hold at least 3 distinct values")
    return x, y


def _solve_linear(x, y, alpha):
    """Best (E, A) for a fixed alpha, and the sum of squared residuals."""
    design = np.column_stack([np.ones_like(x), x ** (-alpha)])  # (n, 2)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    return coef[0], coef[1], float(residual @ residual)


def fit_power_law(x, y, alpha_range=(1e-3, 3.0)) -> PowerLaw:
    """Fit ``y = E + A * x ** (-alpha)`` by least squares; return a :class:`PowerLaw`.

    Args:
        x: amounts (training tokens, parameters), shape (n,), all > 0, n >= 3.
        y: losses at those amounts (e.g. bits or nats per token), shape (n,).
        alpha_range: the interval searched for ``alpha``.

    >>> fit_power_law([10, 100, 1000], [3.0, 2.0, 1.5]).alpha > 0
    True
    """
    x, y = _validate_xy(x, y)
    lo, hi = alpha_range
    if not (0 < lo < hi):
        raise ValueError(f"alpha_range must be (low, high) with 0 < low < high, got {alpha_range}")
    # x is rescaled to its geometric mean so x ** -alpha stays well conditioned
    scale = math.exp(float(np.mean(np.log(x))))
    xs = x / scale
    grid = np.geomspace(lo, hi, 400)
    sse = [_solve_linear(xs, y, a)[2] for a in grid]
    i = int(np.argmin(sse))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(100):  # golden-section search inside the bracketing grid cells
        c, d = b - golden * (b - a), a + golden * (b - a)
        if _solve_linear(xs, y, c)[2] <= _solve_linear(xs, y, d)[2]:
            b = d
        else:
            a = c
    alpha = (a + b) / 2
    E, A_scaled, sse_best = _solve_linear(xs, y, alpha)
    # undo the rescaling: A_scaled * (x / scale) ** -alpha == (A_scaled * scale ** alpha) * x ** -alpha
    return PowerLaw(E=float(E), A=float(A_scaled * scale**alpha), alpha=float(alpha),
                    rmse=math.sqrt(sse_best / x.size))


def kaplan_loss_vs_data(D):
    """Kaplan et al. (2020) ``L(D) = (D_c / D) ** alpha_D`` in nats per token (D in tokens).

    >>> round(float(kaplan_loss_vs_data(5.4e13)), 3)
    1.0
    """
    D = np.asarray(D, dtype=float)
    if np.any(D <= 0):
        raise ValueError("D must be > 0 tokens")
    return (KAPLAN_2020["D_c"] / D) ** KAPLAN_2020["alpha_D"]


def kaplan_loss_vs_params(N):
    """Kaplan et al. (2020) ``L(N) = (N_c / N) ** alpha_N`` in nats per token (N parameters).

    >>> round(float(kaplan_loss_vs_params(8.8e13)), 3)
    1.0
    """
    N = np.asarray(N, dtype=float)
    if np.any(N <= 0):
        raise ValueError("N must be > 0 parameters")
    return (KAPLAN_2020["N_c"] / N) ** KAPLAN_2020["alpha_N"]


def chinchilla_loss(N, D):
    """Hoffmann et al. (2022) ``L(N, D) = E + A / N ** alpha + B / D ** beta`` in nats per token.

    >>> round(float(chinchilla_loss(70e9, 1.4e12)), 3)   # Chinchilla itself
    1.937
    """
    N = np.asarray(N, dtype=float)
    D = np.asarray(D, dtype=float)
    if np.any(N <= 0) or np.any(D <= 0):
        raise ValueError("N (parameters) and D (tokens) must be > 0")
    h = HOFFMANN_2022
    return h["E"] + h["A"] / N ** h["alpha"] + h["B"] / D ** h["beta"]


def learning_curve(model_factory, corpus, sizes, rng: np.random.Generator) -> np.ndarray:
    """Held-out cross-entropy (bits per token) of a fresh model trained on growing prefixes.

    Args:
        model_factory: a callable returning a new, unfitted model with ``.fit(sentences)``
            and ``.cross_entropy(sentences)`` (bits per token), e.g.
            ``lambda: NGramModel(3, smoothing="kneser-ney")``.
        corpus: a pair ``(train_sentences, test_sentences)`` of token lists.
        sizes: training sizes in tokens, increasing; each model sees the first ``size``
            tokens of the training sentences in an order shuffled once by ``rng``.
        rng: ``np.random.default_rng(seed)``.

    Returns:
        float array of shape (len(sizes),): held-out cross-entropy in bits per token.

    >>> from lmcore.ngram import NGramModel
    >>> train = [["a", "b"]] * 50 + [["b", "a"]] * 50
    >>> curve = learning_curve(lambda: NGramModel(2, smoothing="add-k"), (train, [["a", "b"]]),
    ...                        [10, 100], np.random.default_rng(0))
    >>> bool(curve[1] < curve[0])
    True
    """
    rng = check_rng("rng", rng)
    if not callable(model_factory):
        raise TypeError(f"model_factory must be callable, got {type(model_factory).__name__}")
    if not (isinstance(corpus, (tuple, list)) and len(corpus) == 2):
        raise TypeError("corpus must be a pair (train_sentences, test_sentences)")
    train, test = list(corpus[0]), list(corpus[1])
    if not train or not test:
        raise ValueError("corpus must hold non-empty train and test sentence lists")
    sizes = [check_int("sizes[]", s, minimum=1) for s in sizes]
    if not sizes or sizes != sorted(sizes):
        raise ValueError(f"sizes must be a non-empty increasing list of token counts, got {sizes}")
    total = sum(len(s) for s in train)
    if sizes[-1] > total:
        raise ValueError(f"sizes must not exceed the {total} training tokens, got {sizes[-1]}")
    order = [train[i] for i in rng.permutation(len(train))]
    lengths = np.cumsum([len(s) for s in order])
    out = []
    for size in sizes:
        # the shortest prefix of whole sentences holding at least `size` tokens
        k = int(np.searchsorted(lengths, size)) + 1
        model = model_factory().fit(order[:k])
        out.append(model.cross_entropy(test))
    return np.array(out, dtype=float)
