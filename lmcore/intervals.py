"""How sure is a share measured on a small sample? The Wilson score interval.

A share of ``k`` successes in ``n`` trials (say, generated sentences that turn out to be
copies of training sentences) is itself a random quantity: draw another ``n`` and it moves.
The Wilson score interval (Wilson, 1927) is the range of true shares ``p`` that the
observed share would not reject at the chosen confidence. Unlike the textbook
``share +- 1.96 * sqrt(share * (1 - share) / n)`` it never leaves [0, 1] and keeps a sensible
width when the share is 0 or 1:

    center = (k + z^2 / 2) / (n + z^2)
    half   = z / (n + z^2) * sqrt(k * (n - k) / n + z^2 / 4)

where ``z`` is the standard normal quantile of ``1 - (1 - confidence) / 2`` (1.96 at 95%).

>>> low, high = wilson_interval(43, 100)
>>> round(low, 3), round(high, 3)
(0.337, 0.528)
>>> wilson_interval(0, 10)[0]
0.0
"""

from __future__ import annotations

import math
from statistics import NormalDist

from lmcore._checks import check_float, check_int


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval ``(low, high)`` for ``successes`` out of ``trials``.

    Args:
        successes: an integer in ``[0, trials]``.
        trials: an integer >= 1.
        confidence: the coverage, in (0, 1); 0.95 gives the usual 95% interval.
    """
    trials = check_int("trials", trials, minimum=1)
    successes = check_int("successes", successes, minimum=0, maximum=trials)
    confidence = check_float("confidence", confidence, minimum=0, maximum=1,
                             min_inclusive=False, max_inclusive=False)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)  # 1.96 for 95%
    k, n = successes, trials
    center = (k + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(k * (n - k) / n + z * z / 4)
    low = 0.0 if k == 0 else max(0.0, center - half)  # exact ends: no rounding residue
    high = 1.0 if k == n else min(1.0, center + half)
    return low, high
