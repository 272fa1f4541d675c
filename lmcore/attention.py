"""Attention: every token looks at every other token and takes a weighted average.

A sequence of ``T`` tokens arrives as ``T`` vectors. Each token asks a *query* (a vector
``q``); every token offers a *key* ``k`` (what it is about) and a *value* ``v`` (what it
passes on). The query of token ``i`` is compared with the key of every token ``j`` by a dot
product, the comparisons become weights by a softmax, and token ``i``'s output is the
weighted average of the values::

    scores  = Q K^T / sqrt(d)          (T, T)   d = length of a query or key vector
    weights = softmax(scores, rows)    (T, T)   each row sums to 1
    output  = weights V                (T, d_v)

Why divide by ``sqrt(d)``: if the components of ``q`` and ``k`` are independent with mean 0
and variance 1, then ``q . k`` is a sum of ``d`` such products and has variance ``d``. Large
scores push the softmax towards a one-hot vector (one weight near 1, the rest near 0), so
the scale keeps the scores' variance near 1 whatever the dimension.

A *mask* says which keys a query may look at (``True`` = allowed). A **causal** mask lets
token ``i`` see tokens ``0..i`` only (a language model must not read the future); a
**padding** mask hides the filler tokens that make sentences of different lengths fit in one
array. Masked scores become ``-inf`` before the softmax, so their weights are exactly 0.

**Multi-head attention** projects the input with learned matrices ``W_Q, W_K, W_V`` of shape
``(d_model, d_model)``, cuts each projected vector into ``h`` heads of ``d_head = d_model / h``
numbers by a reshape, runs attention in every head in parallel, glues the heads back together
and mixes them with ``W_O``. Attention by itself ignores order (shuffle the tokens and the
outputs shuffle the same way), so transformers add *positions*, for example the sinusoidal
encodings of :func:`sinusoidal_positions`.

The softmax here never overflows: it subtracts the largest score first, which changes
nothing mathematically (softmax is shift-invariant) and keeps ``exp`` at most 1.

>>> import numpy as np
>>> q = np.array([[1.0, 0.0]])
>>> k = np.array([[1.0, 0.0], [0.0, 1.0]])
>>> v = np.array([[10.0], [20.0]])
>>> out, w = scaled_dot_product_attention(q, k, v, scale=False)
>>> np.round(w, 4).tolist(), np.round(out, 3).tolist()
([[0.7311, 0.2689]], [[12.689]])
"""

from __future__ import annotations

import numpy as np

from lmcore._checks import check_array, check_float, check_int, check_list, check_memory, check_rng


def _as_float_array(name: str, x, min_ndim: int = 1, finite: bool = False) -> np.ndarray:
    """Return ``x`` as a float array with at least ``min_ndim`` dimensions and no NaN
    (and no infinity either when ``finite``)."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a string")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN (shape {arr.shape})")
    if finite and np.isinf(arr).any():
        raise ValueError(f"{name} contains an infinite value (shape {arr.shape})")
    return arr


def softmax(x, axis: int = -1) -> np.ndarray:
    """Turn scores into probabilities along ``axis``: ``exp(x) / sum(exp(x))``, computed stably.

    ``x`` is any array of real scores (shape ``(..., n)`` for the default axis); ``-inf``
    means "weight exactly 0". The largest score along ``axis`` is subtracted first, so no
    ``exp`` ever exceeds 1: scores of ``1e4`` or ``-1e4`` give finite probabilities. Returns an
    array of the same shape whose slices along ``axis`` sum to 1.

    Raises ``ValueError`` for NaN or ``+inf`` scores, or for a slice that is all ``-inf``
    (nothing to give the probability to).

    >>> softmax([1.0, 2.0, 3.0]).round(4).tolist()
    [0.09, 0.2447, 0.6652]
    >>> softmax([1001.0, 1002.0, 1003.0]).round(4).tolist()  # shift-invariant, no overflow
    [0.09, 0.2447, 0.6652]
    >>> softmax([0.0, -np.inf]).tolist()
    [1.0, 0.0]
    """
    x = _as_float_array("x", x)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis must be in [{-x.ndim}, {x.ndim - 1}] for x of shape {x.shape}, "
                         f"got {axis}")
    if x.shape[axis] == 0:
        raise ValueError(f"x has no entries along axis {axis} (shape {x.shape})")
    if np.isposinf(x).any():
        raise ValueError("x contains +inf: a score must be finite (or -inf for 'never')")
    top = np.max(x, axis=axis, keepdims=True)
    if np.isneginf(top).any():
        raise ValueError(f"x has a slice along axis {axis} that is all -inf (shape {x.shape}): "
                         "every entry is masked, so no probability can be assigned")
    with np.errstate(over="ignore"):  # a gap beyond 1.8e308 is -inf: exp gives 0, the right limit
        e = np.exp(x - top)  # every exponent <= 0, so every e <= 1: no overflow
    return e / np.sum(e, axis=axis, keepdims=True)


def causal_mask(T: int) -> np.ndarray:
    """Return the ``(T, T)`` boolean causal mask: entry ``[i, j]`` is True when ``j <= i``.

    Row ``i`` is query position ``i``; it may look at key positions ``0..i``, never ahead.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    T = check_int("T", T, minimum=1)
    check_memory("T", 2 * T * T, bytes_per_item=1)
    return np.tril(np.ones((T, T), dtype=bool))


def padding_mask(lengths, T: int) -> np.ndarray:
    """Return a ``(B, 1, T)`` boolean mask hiding the padding of ``B`` sentences.

    ``lengths[b]`` is the number of real tokens of sentence ``b`` (its first ``lengths[b]``
    positions); positions after that are padding. Entry ``[b, 0, j]`` is True when key ``j``
    of sentence ``b`` is real. The middle axis of size 1 broadcasts over the query positions,
    so the mask fits scores of shape ``(B, T, T)``; combine it with a causal mask by ``&``.

    >>> padding_mask([3, 1], 3).astype(int).tolist()
    [[[1, 1, 1]], [[1, 0, 0]]]
    """
    T = check_int("T", T, minimum=1)
    lengths = check_list("lengths", lengths, "a sequence of integers")
    check_memory("T", (len(lengths) + 1) * T)
    lengths = [check_int(f"lengths[{b}]", n, minimum=1, maximum=T) for b, n in enumerate(lengths)]
    if not lengths:
        raise ValueError("lengths must hold at least one sentence length")
    positions = np.arange(T)
    return (positions[None, :] < np.asarray(lengths)[:, None])[:, None, :]  # (B, 1, T)


def attention_scores(q, k, scale: bool = True) -> np.ndarray:
    """Return the scores ``q k^T`` (divided by ``sqrt(d)`` when ``scale``), shape ``(..., T_q, T_k)``.

    ``q`` is ``(..., T_q, d)`` and ``k`` is ``(..., T_k, d)``; leading (batch) dimensions
    broadcast. The scores are what the softmax turns into weights.

    >>> attention_scores([[1.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]], scale=False).tolist()
    [[1.0, 4.0]]
    """
    q = _as_float_array("q", q, min_ndim=2, finite=True)
    k = _as_float_array("k", k, min_ndim=2, finite=True)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last dimension d: q has shape {q.shape}, "
                         f"k has shape {k.shape}")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    except ValueError:
        raise ValueError(f"the batch dimensions of q and k do not broadcast: q has shape "
                         f"{q.shape}, k has shape {k.shape}") from None
    if not isinstance(scale, (bool, np.bool_)):
        raise TypeError(f"scale must be True or False, got {type(scale).__name__}")
    scores = q @ np.swapaxes(k, -1, -2)  # (..., T_q, d) @ (..., d, T_k) -> (..., T_q, T_k)
    if scale:
        scores = scores / np.sqrt(q.shape[-1])
    if not np.isfinite(scores).all():
        raise ValueError("q and k are too large: their dot products overflow to infinity "
                         f"(largest entries {np.abs(q).max():.3g} and {np.abs(k).max():.3g}); "
                         "scale them down")
    return scores


def _apply_mask(scores: np.ndarray, mask, shapes: str) -> np.ndarray:
    """Set the scores where ``mask`` is False to ``-inf`` (checking the mask first)."""
    if mask is None:
        return scores
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be a boolean array (True = may attend), got dtype {mask.dtype}")
    try:
        full = np.broadcast_shapes(mask.shape, scores.shape)
    except ValueError:
        full = None
    if full != scores.shape:
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to the scores' shape "
                         f"{scores.shape} ({shapes})")
    if not np.broadcast_to(mask, scores.shape).any(axis=-1).all():
        raise ValueError(f"mask (shape {mask.shape}) hides every key from some query: "
                         "each row must allow at least one key")
    return np.where(mask, scores, -np.inf)


def scaled_dot_product_attention(q, k, v, mask=None, scale: bool = True):
    """Attention of queries ``q`` over keys ``k`` and values ``v``: returns ``(output, weights)``.

    Shapes: ``q`` is ``(..., T_q, d)``, ``k`` is ``(..., T_k, d)``, ``v`` is ``(..., T_k, d_v)``,
    with any leading batch dimensions that broadcast (for example ``(B, h)``). ``mask`` is an
    optional boolean array broadcastable to ``(..., T_q, T_k)``, True where a query may look at
    a key (see :func:`causal_mask`, :func:`padding_mask`). ``scale`` divides the scores by
    ``sqrt(d)``.

    Returns ``output`` of shape ``(..., T_q, d_v)`` and ``weights`` of shape
    ``(..., T_q, T_k)``, each row of ``weights`` a probability distribution over the keys
    (masked keys get weight exactly 0). A query whose keys are all masked raises
    ``ValueError`` instead of returning NaN.

    >>> import numpy as np
    >>> x = np.eye(2)                               # two tokens, d = 2
    >>> out, w = scaled_dot_product_attention(x, x, x, mask=causal_mask(2), scale=False)
    >>> np.round(w, 4).tolist()
    [[1.0, 0.0], [0.2689, 0.7311]]
    """
    scores = attention_scores(q, k, scale=scale)  # (..., T_q, T_k)
    q = np.asarray(q, dtype=float)
    k = np.asarray(k, dtype=float)
    v = _as_float_array("v", v, min_ndim=2, finite=True)
    if v.shape[-2] != k.shape[-2]:
        raise ValueError(f"k and v must have the same number of positions T_k: k has shape "
                         f"{k.shape}, v has shape {v.shape}")
    try:
        np.broadcast_shapes(scores.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"the batch dimensions of q, k and v do not broadcast: q has shape "
                         f"{q.shape}, k has shape {k.shape}, v has shape {v.shape}") from None
    scores = _apply_mask(scores, mask, f"q {q.shape}, k {k.shape}")
    weights = softmax(scores, axis=-1)  # (..., T_q, T_k)
    return weights @ v, weights  # (..., T_q, T_k) @ (..., T_k, d_v) -> (..., T_q, d_v)


def self_attention_weights(x, temperature: float = 1.0, mask=None, scale: bool = True):
    """Weights of a sequence attending to itself, with the scores divided by ``temperature``.

    ``x`` is ``(..., T, d)`` and serves as queries and keys (no learned projections):
    ``softmax(attention_scores(x, x, scale) / temperature)``, masked by the optional boolean
    ``mask`` (broadcastable to ``(..., T, T)``, True = may attend). Returns ``(..., T, T)``.
    Temperature 1 is ordinary attention; below 1 sharpens each row, above 1 flattens it.

    >>> self_attention_weights(np.eye(2), temperature=0.5, scale=False).round(4).tolist()
    [[0.8808, 0.1192], [0.1192, 0.8808]]
    """
    x = _as_float_array("x", x, min_ndim=2, finite=True)
    temperature = check_float("temperature", temperature, minimum=0.0, min_inclusive=False)
    try:
        scores = attention_scores(x, x, scale=scale) / temperature  # (..., T, T)
    except ValueError as exc:
        if not str(exc).startswith("q and k are too large"):
            raise
        raise ValueError(f"x (as queries and keys): {exc}") from None
    return softmax(_apply_mask(scores, mask, f"x {x.shape}"), axis=-1)


def split_heads(x, num_heads: int) -> np.ndarray:
    """Cut the last axis of ``x`` (B, T, d_model) into heads: returns (B, h, T, d_head).

    Head ``i`` holds the features ``i*d_head : (i+1)*d_head`` of every token, where
    ``d_head = d_model / num_heads``. It is a reshape and a transpose: no number is copied
    into a new place by hand.

    >>> import numpy as np
    >>> split_heads(np.arange(8).reshape(1, 2, 4), 2)[0].tolist()  # 2 tokens, 2 heads
    [[[0, 1], [4, 5]], [[2, 3], [6, 7]]]
    """
    check_array("x", x, nonempty=False)  # numbers, finite (kept in their own dtype)
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (B, T, d_model), got shape {x.shape}")
    num_heads = check_int("num_heads", num_heads, minimum=1)
    B, T, d_model = x.shape
    if d_model % num_heads != 0:
        raise ValueError(f"num_heads must divide d_model: d_model = {d_model} (x has shape "
                         f"{x.shape}), num_heads = {num_heads}")
    d_head = d_model // num_heads
    x = x.reshape(B, T, num_heads, d_head)  # (B, T, h, d_head)
    return x.transpose(0, 2, 1, 3)  # (B, h, T, d_head)


def merge_heads(x) -> np.ndarray:
    """Glue the heads back together: (B, h, T, d_head) -> (B, T, h * d_head). Undoes split_heads.

    >>> import numpy as np
    >>> x = np.arange(24).reshape(2, 3, 4)
    >>> bool((merge_heads(split_heads(x, 2)) == x).all())
    True
    """
    check_array("x", x, nonempty=False)
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must have shape (B, h, T, d_head), got shape {x.shape}")
    B, h, T, d_head = x.shape
    x = x.transpose(0, 2, 1, 3)  # (B, T, h, d_head)
    return x.reshape(B, T, h * d_head)  # (B, T, d_model)


def multi_head_attention(x, w_q, w_k, w_v, w_o, num_heads: int, mask=None):
    """Multi-head self-attention of a batch ``x`` (B, T, d_model): returns ``(output, weights)``.

    ``w_q, w_k, w_v, w_o`` are ``(d_model, d_model)`` projection matrices (no biases);
    ``num_heads`` must divide ``d_model``. ``mask`` is optional and boolean, broadcastable
    to ``(B, T, T)`` (for example :func:`causal_mask` or :func:`padding_mask`) or to
    ``(B, h, T, T)``; it is applied in every head.

    Returns ``output`` (B, T, d_model) and ``weights`` (B, h, T, T).

    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((2, 5, 6))
    >>> w = np.eye(6)
    >>> out, weights = multi_head_attention(x, w, w, w, w, num_heads=3, mask=causal_mask(5))
    >>> out.shape, weights.shape
    ((2, 5, 6), (2, 3, 5, 5))
    """
    x = _as_float_array("x", x, finite=True)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (B, T, d_model), got shape {x.shape} "
                         "(for a single sequence of shape (T, d_model) pass x[None])")
    B, T, d_model = x.shape
    mats = {}
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        w = _as_float_array(name, w, finite=True)
        if w.shape != (d_model, d_model):
            raise ValueError(f"{name} must have shape (d_model, d_model) = {(d_model, d_model)} "
                             f"for x of shape {x.shape}, got shape {w.shape}")
        mats[name] = w
    num_heads = check_int("num_heads", num_heads, minimum=1)
    if d_model % num_heads != 0:
        raise ValueError(f"num_heads must divide d_model: x has shape {x.shape} (d_model = "
                         f"{d_model}), num_heads = {num_heads}")
    if mask is not None:
        mask = np.asarray(mask)
        if mask.ndim == 3:
            mask = mask[:, None, :, :]  # (B, 1, T, T): the same mask in every head
    q = split_heads(x @ mats["w_q"], num_heads)  # (B, h, T, d_head)
    k = split_heads(x @ mats["w_k"], num_heads)  # (B, h, T, d_head)
    v = split_heads(x @ mats["w_v"], num_heads)  # (B, h, T, d_head)
    try:
        heads, weights = scaled_dot_product_attention(q, k, v, mask=mask)  # (B, h, T, d_head)
    except ValueError as exc:
        if not str(exc).startswith("q and k are too large"):
            raise
        raise ValueError(f"x, w_q and w_k: {exc}") from None
    return merge_heads(heads) @ mats["w_o"], weights  # (B, T, d_model), (B, h, T, T)


def sinusoidal_positions(T: int, d: int) -> np.ndarray:
    """Return the ``(T, d)`` sinusoidal position encodings of Vaswani et al. (2017).

    ``PE[t, 2i] = sin(t / 10000**(2i/d))`` and ``PE[t, 2i+1] = cos(t / 10000**(2i/d))``:
    each pair of columns is a clock turning at its own speed, from one radian per position
    (columns 0, 1) to very slow. Every entry lies in [-1, 1]; an odd ``d`` ends with a sine.

    >>> sinusoidal_positions(2, 4).round(4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 1.0]]
    """
    T = check_int("T", T, minimum=1)
    d = check_int("d", d, minimum=1)
    check_memory("T and d", 3 * T * (d + 1))
    pairs = (d + 1) // 2
    frequencies = 10000.0 ** (-2.0 * np.arange(pairs) / d)  # (pairs,)
    angles = np.arange(T)[:, None] * frequencies[None, :]  # (T, pairs)
    pe = np.empty((T, 2 * pairs))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe[:, :d]


def scaling_experiment(dims, num_keys: int = 8, n_samples: int = 2000, seed: int = 0) -> dict:
    """Measure why attention divides by ``sqrt(d)``, on random unit-variance vectors.

    For each ``d`` in ``dims``: draw ``n_samples`` queries ``(n, d)`` and, for each, ``num_keys``
    keys ``(n, num_keys, d)`` with independent standard-normal components (in that order, from
    ``np.random.default_rng(seed)``). Returns a dict of arrays, one entry per ``d``:

    - ``"var_unscaled"``: the variance of all the scores ``q . k`` (about ``d``);
    - ``"var_scaled"``: the variance of ``q . k / sqrt(d)`` (about 1);
    - ``"max_weight_unscaled"``, ``"max_weight_scaled"``: the average largest softmax weight
      over the ``num_keys`` keys (1 means the softmax has become one-hot).

    >>> r = scaling_experiment([4, 64], n_samples=500)
    >>> (r["var_scaled"] < 1.3).all() and (r["var_unscaled"][1] > 40)
    np.True_
    """
    dims = [check_int("dims[]", d, minimum=1) for d in check_list("dims", dims, "a list of dimensions")]
    if not dims:
        raise ValueError("dims must hold at least one dimension")
    num_keys = check_int("num_keys", num_keys, minimum=2)
    n_samples = check_int("n_samples", n_samples, minimum=2)
    check_memory("dims, num_keys and n_samples", 3 * n_samples * (num_keys + 1) * max(dims, default=1))
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    out = {key: np.empty(len(dims)) for key in
           ("var_unscaled", "var_scaled", "max_weight_unscaled", "max_weight_scaled")}
    for i, d in enumerate(dims):
        q = rng.standard_normal((n_samples, d))
        k = rng.standard_normal((n_samples, num_keys, d))
        scores = np.einsum("nd,nkd->nk", q, k)  # (n, num_keys)
        out["var_unscaled"][i] = scores.var()
        out["var_scaled"][i] = (scores / np.sqrt(d)).var()
        out["max_weight_unscaled"][i] = softmax(scores).max(axis=-1).mean()
        out["max_weight_scaled"][i] = softmax(scores / np.sqrt(d)).max(axis=-1).mean()
    return out


def random_projections(d_model: int, rng, std: float | None = None) -> dict:
    """Draw the four ``(d_model, d_model)`` matrices ``w_q, w_k, w_v, w_o`` of multi-head attention.

    Entries are normal with standard deviation ``std`` (default ``1 / sqrt(d_model)``, which
    keeps the projected vectors about as large as the input). Drawn in the order q, k, v, o.

    >>> p = random_projections(4, np.random.default_rng(0))
    >>> sorted(p), p["w_q"].shape
    (['w_k', 'w_o', 'w_q', 'w_v'], (4, 4))
    """
    d_model = check_int("d_model", d_model, minimum=1)
    check_memory("d_model", 4 * d_model * d_model)
    rng = check_rng("rng", rng)
    if std is None:
        std = 1.0 / np.sqrt(d_model)
    elif not (isinstance(std, (int, float)) and std > 0):
        raise ValueError(f"std must be a positive number, got {std!r}")
    return {name: rng.normal(0.0, std, size=(d_model, d_model))
            for name in ("w_q", "w_k", "w_v", "w_o")}
