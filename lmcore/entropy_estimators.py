"""Correcting the plug-in entropy's downward bias: the Miller-Madow estimator (notebook 02).

The plug-in estimate (observed frequencies put into the entropy formula) is too low on
average: symbols that happened not to turn up contribute nothing, and chance imbalances look
like structure. Miller (1955) showed that to first order the bias is ``-(K - 1) / (2 N)``
nats, for ``K`` symbols seen in a sample of ``N``. Adding it back is the Miller-Madow
estimate:

    H_MM = H_plugin + (K - 1) / (2 N ln 2)      bits

For the conditional entropy ``H(X | context) = H(context, X) - H(context)`` the two
corrections subtract, leaving ``(K_pairs - K_contexts) / (2 N ln 2)`` bits, where
``K_pairs`` counts the distinct (context, symbol) pairs seen and ``K_contexts`` the distinct
contexts. The correction is a first-order one: where most contexts are seen only once or
twice it undercorrects, and only more data helps.

>>> round(miller_madow_entropy({"a": 1, "b": 1}), 4)    # 1 + 1 / (2 * 2 * ln 2)
1.3607
>>> round(miller_madow_conditional_entropy("abab", 1), 4)   # plug-in 0, pairs 2, contexts 2
0.0
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable

import numpy as np

from lmcore._checks import check_int


def miller_madow_entropy(counts) -> float:
    """Miller-Madow entropy, in bits, of a dict ``{symbol: count}`` (or a list of counts).

    >>> round(miller_madow_entropy([3, 1]), 4)   # plug-in 0.8113 + 1 / (8 ln 2)
    0.9916
    """
    values = list(counts.values()) if isinstance(counts, dict) else counts
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"counts must be a dict {{symbol: count}} or a list of counts, "
                        f"got {type(counts).__name__}")
    values = [check_int("counts", c, minimum=0) for c in values]
    n = sum(values)
    if n == 0:
        raise ValueError("counts must hold at least one positive count")
    seen = [c for c in values if c > 0]
    plug_in = -sum(c / n * math.log2(c / n) for c in seen)
    return plug_in + (len(seen) - 1) / (2 * n * math.log(2))


def miller_madow_conditional_entropy(text, k: int) -> float:
    """Miller-Madow estimate of ``H(X | previous k symbols)`` in bits per symbol.

    ``text`` is a str or a sequence of hashable symbols, longer than ``k``. Every position
    ``i >= k`` is one observation, as in :func:`lmcore.information.conditional_entropy`.
    """
    k = check_int("k", k, minimum=0)
    if isinstance(text, np.ndarray) and text.ndim == 1:
        text = text.tolist()  # e.g. a MarkovSource sample
    if not isinstance(text, (str, list, tuple)):
        raise TypeError(f"text must be a str, a list or tuple of symbols or a 1-D array, "
                        f"got {type(text).__name__}")
    if not isinstance(text, str) and not all(isinstance(x, Hashable) for x in text):
        raise TypeError("text must hold hashable symbols (str, int, ...)")
    if len(text) <= k:
        raise ValueError(f"text must hold more than k = {k} symbols, got {len(text)}")
    if not isinstance(text, str):
        text = tuple(text)  # slices of a tuple are hashable, like slices of a str
    pairs = Counter(text[i - k:i + 1] for i in range(k, len(text)))  # context + next symbol
    contexts = Counter()
    for pair, c in pairs.items():
        contexts[pair[:-1]] += c
    n = len(text) - k
    plug_in = -sum(c / n * math.log2(c / contexts[pair[:-1]]) for pair, c in pairs.items())
    return plug_in + (len(pairs) - len(contexts)) / (2 * n * math.log(2))
