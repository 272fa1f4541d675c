"""Where each token sits: masks that say which positions a query may see, and position encodings.

A *mask* is a boolean array over (query position, key position), True where the query may
look at the key. A **causal** mask lets token ``i`` see tokens ``0..i`` only (a language model
must not read the future); a **padding** mask hides the filler tokens that make sentences of
different lengths fit in one array. :func:`lmcore.attention.scaled_dot_product_attention`
turns the hidden scores into ``-inf``, so their weights are exactly 0.

Attention by itself ignores order (shuffle the tokens and the outputs shuffle the same way),
so a transformer adds a *position encoding* to every token's vector, for example the
sinusoids of :func:`sinusoidal_positions`.

>>> causal_mask(3).astype(int).tolist()
[[1, 0, 0], [1, 1, 0], [1, 1, 1]]
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_int, check_memory
from lmcore.validation import Int, List, validate


@validate(T=Int(min=1))
def causal_mask(T: int) -> np.ndarray:
    """Return the ``(T, T)`` boolean causal mask: entry ``[i, j]`` is True when ``j <= i``.

    Row ``i`` is query position ``i``; it may look at key positions ``0..i``, never ahead.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    check_memory("T", 2 * T * T, bytes_per_item=1)
    return np.tril(np.ones((T, T), dtype=bool))


@validate(lengths=List("a sequence of integers"), T=Int(min=1))
def padding_mask(lengths, T: int) -> np.ndarray:
    """Return a ``(B, 1, T)`` boolean mask hiding the padding of ``B`` sentences.

    ``lengths[b]`` is the number of real tokens of sentence ``b`` (its first ``lengths[b]``
    positions); positions after that are padding. Entry ``[b, 0, j]`` is True when key ``j``
    of sentence ``b`` is real. The middle axis of size 1 broadcasts over the query positions,
    so the mask fits scores of shape ``(B, T, T)``; combine it with a causal mask by ``&``.

    >>> padding_mask([3, 1], 3).astype(int).tolist()
    [[[1, 1, 1]], [[1, 0, 0]]]
    """
    check_memory("T", (len(lengths) + 1) * T)
    lengths = [check_int(f"lengths[{b}]", n, minimum=1, maximum=T) for b, n in enumerate(lengths)]
    if not lengths:
        raise ValueError("lengths must hold at least one sentence length")
    positions = np.arange(T)
    return (positions[None, :] < np.asarray(lengths)[:, None])[:, None, :]  # (B, 1, T)


@validate(T=Int(min=1), d=Int(min=1))
def sinusoidal_positions(T: int, d: int) -> np.ndarray:
    """Return the ``(T, d)`` sinusoidal position encodings of Vaswani et al. (2017).

    ``PE[t, 2i] = sin(t / 10000**(2i/d))`` and ``PE[t, 2i+1] = cos(t / 10000**(2i/d))``:
    each pair of columns is a clock turning at its own speed, from one radian per position
    (columns 0, 1) to very slow. Every entry lies in [-1, 1]; an odd ``d`` ends with a sine.

    >>> sinusoidal_positions(2, 4).round(4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 1.0]]
    """
    check_memory("T and d", 3 * T * (d + 1))
    pairs = (d + 1) // 2
    frequencies = 10000.0 ** (-2.0 * np.arange(pairs) / d)  # (pairs,)
    angles = np.arange(T)[:, None] * frequencies[None, :]  # (T, pairs)
    pe = np.empty((T, 2 * pairs))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe[:, :d]
