"""The published scaling laws for large transformer language models, in nats per token.

- Kaplan et al. (2020), *Scaling Laws for Neural Language Models*, arXiv:2001.08361:
  ``L(N) = (N_c / N) ** alpha_N`` with ``N_c = 8.8e13`` non-embedding parameters and
  ``alpha_N = 0.076``; ``L(D) = (D_c / D) ** alpha_D`` with ``D_c = 5.4e13`` tokens and
  ``alpha_D = 0.095``.
- Hoffmann et al. (2022), *Training Compute-Optimal Large Language Models* (Chinchilla),
  arXiv:2203.15556: ``L(N, D) = E + A / N ** alpha + B / D ** beta`` with ``E = 1.69``,
  ``A = 406.4``, ``B = 410.7``, ``alpha = 0.34``, ``beta = 0.28``.

Our own curves are fitted with :func:`lmcore.scaling.fit_power_law`.

>>> round(float(chinchilla_loss(70e9, 1.4e12)), 3)   # Chinchilla itself
1.937
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_array
from lmcore.validation import Custom, validate

#: Kaplan et al. (2020), arXiv:2001.08361, eqs. 1.1 and 1.2 (loss in nats per token).
KAPLAN_2020 = {"N_c": 8.8e13, "alpha_N": 0.076, "D_c": 5.4e13, "alpha_D": 0.095}
#: Hoffmann et al. (2022), arXiv:2203.15556, the parametric fit of their approach 3 (nats per token).
HOFFMANN_2022 = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
#: The training-set sizes (tokens) each law was fitted on: Kaplan et al. varied the data
#: from 22 million to 23 billion tokens; Hoffmann et al. trained on 5 to 500 billion tokens.
#: Outside these ranges the laws are extrapolations.
KAPLAN_2020_RANGE = (2.2e7, 2.3e10)
HOFFMANN_2022_RANGE = (5e9, 5e11)



def _positive(what):
    """A rule: an array (or number) of values > 0, e.g. amounts of tokens."""
    def check(name, value):
        value = check_array(name, value)
        if np.any(value <= 0):
            raise ValueError(f"{name} must be > 0 {what}")
        return value
    return Custom(check)


@validate(D=_positive("tokens"))
def kaplan_loss_vs_data(D):
    """Kaplan et al. (2020) ``L(D) = (D_c / D) ** alpha_D`` in nats per token (D in tokens).

    >>> round(float(kaplan_loss_vs_data(5.4e13)), 3)
    1.0
    """
    return (KAPLAN_2020["D_c"] / D) ** KAPLAN_2020["alpha_D"]


@validate(N=_positive("parameters"))
def kaplan_loss_vs_params(N):
    """Kaplan et al. (2020) ``L(N) = (N_c / N) ** alpha_N`` in nats per token (N parameters).

    >>> round(float(kaplan_loss_vs_params(8.8e13)), 3)
    1.0
    """
    return (KAPLAN_2020["N_c"] / N) ** KAPLAN_2020["alpha_N"]


@validate(N=_positive("parameters"), D=_positive("tokens"))
def chinchilla_loss(N, D):
    """Hoffmann et al. (2022) ``L(N, D) = E + A / N ** alpha + B / D ** beta`` in nats per token.

    >>> round(float(chinchilla_loss(70e9, 1.4e12)), 3)   # Chinchilla itself
    1.937
    """
    h = HOFFMANN_2022
    return h["E"] + h["A"] / N ** h["alpha"] + h["B"] / D ** h["beta"]
