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

A *mask* (:mod:`lmcore.positions`) says which keys a query may look at (``True`` = allowed):
masked scores become ``-inf`` before the softmax, so their weights are exactly 0.

**Multi-head attention** projects the input with learned matrices ``W_Q, W_K, W_V`` of shape
``(d_model, d_model)``, cuts each projected vector into ``h`` heads of ``d_head = d_model / h``
numbers by a reshape, runs attention in every head in parallel, glues the heads back together
and mixes them with ``W_O``.

The softmax here never overflows: it subtracts the largest score first, which changes
nothing mathematically (softmax is shift-invariant) and keeps ``exp`` at most 1. The checks
that matter but would hide the idea are named functions: :func:`check_not_all_masked`,
:func:`check_attention_shapes`, :func:`check_scores_fit`.

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

from lmcore._attention_rules import Heads, Mask, Projection, Shape
from lmcore._checks import check_int, check_memory
from lmcore.validation import Array, Bool, Float, Int, List, Rng, validate

#: The largest finite float: a dot product beyond it overflows to infinity.
FLOAT_MAX = float(np.finfo(float).max)


# ------------------------------------------------------------------ the checks, named
def check_not_all_masked(x, axis: int = -1, name: str = "x") -> None:
    """Raise ``ValueError`` if some slice of ``x`` along ``axis`` is all ``-inf``.

    Such a slice has every entry masked: a softmax has nothing to give its probability to
    (``0 / 0``). ``x`` is an array already checked (no NaN, no ``+inf``).

    >>> check_not_all_masked(np.array([[0.0, -np.inf], [-np.inf, -np.inf]]))
    Traceback (most recent call last):
    ...
    ValueError: x has a slice along axis -1 that is all -inf (shape (2, 2)): every entry is ...
    """
    if np.isneginf(np.max(x, axis=axis)).any():
        raise ValueError(f"{name} has a slice along axis {axis} that is all -inf (shape "
                         f"{x.shape}): every entry is masked, so no probability can be assigned")


def check_attention_shapes(q, k, v=None, mask=None) -> None:
    """Raise ``ValueError`` unless queries, keys, values and mask fit together.

    ``q`` is ``(..., T_q, d)`` and ``k`` is ``(..., T_k, d)``: the same ``d``. ``v`` (if given)
    is ``(..., T_k, d_v)``: the same ``T_k`` as ``k``. Their batch dimensions ``...`` broadcast.
    ``mask`` (if given) broadcasts to the scores' shape ``(..., T_q, T_k)`` and lets every
    query see at least one key. The arrays are already checked numbers (and a boolean mask).
    """
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last dimension d: q has shape {q.shape}, "
                         f"k has shape {k.shape}")
    if v is not None and v.shape[-2] != k.shape[-2]:
        raise ValueError(f"k and v must have the same number of positions T_k: k has shape "
                         f"{k.shape}, v has shape {v.shape}")
    shapes = [s.shape[:-2] for s in (q, k, v) if s is not None]
    try:
        scores_shape = (*np.broadcast_shapes(*shapes), q.shape[-2], k.shape[-2])
    except ValueError:
        raise ValueError("the batch dimensions of q, k and v do not broadcast: shapes "
                         f"{[s.shape for s in (q, k, v) if s is not None]}") from None
    if mask is None:
        return
    try:
        full = np.broadcast_shapes(mask.shape, scores_shape)
    except ValueError:
        full = None
    if full != scores_shape:
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to the scores' shape "
                         f"{scores_shape} (q {q.shape}, k {k.shape})")
    if not np.broadcast_to(mask, scores_shape).any(axis=-1).all():
        raise ValueError(f"mask (shape {mask.shape}) hides every key from some query: "
                         "each row must allow at least one key")


def check_scores_fit(q, k, names: str = "q and k") -> None:
    """Raise ``ValueError`` (naming ``names``) if a dot product of ``q`` and ``k`` could overflow.

    ``|q . k| <= d * max|q| * max|k|``; when that bound passes the largest float (about
    1.8e308), the scores could be infinite and the softmax meaningless. Refused before the
    product is computed.
    """
    bound = q.shape[-1] * float(np.abs(q).max(initial=0.0)) * float(np.abs(k).max(initial=0.0))
    if not bound < FLOAT_MAX:
        raise ValueError(f"{names} are too large: their dot products could overflow to infinity "
                         f"(largest entries {np.abs(q).max():.3g} and {np.abs(k).max():.3g}, "
                         f"d = {q.shape[-1]}); scale them down")


# ------------------------------------------------------------------ attention
@validate(x=Array(min_ndim=1, neg_inf=True),
          axis=Int(min=lambda a: -a["x"].ndim, max=lambda a: a["x"].ndim - 1))
def softmax(x, axis: int = -1) -> np.ndarray:
    """Turn scores into probabilities along ``axis``: ``exp(x) / sum(exp(x))``, computed stably.

    ``x`` is any array of real scores (shape ``(..., n)`` for the default axis); ``-inf``
    means "weight exactly 0". The largest score along ``axis`` is subtracted first, so no
    ``exp`` ever exceeds 1: scores of ``1e4`` or ``-1e4`` give finite probabilities. Returns an
    array of the same shape whose slices along ``axis`` sum to 1. NaN, ``+inf`` and a slice
    that is all ``-inf`` (nothing to give the probability to) are refused.

    >>> softmax([1.0, 2.0, 3.0]).round(4).tolist()
    [0.09, 0.2447, 0.6652]
    >>> softmax([1001.0, 1002.0, 1003.0]).round(4).tolist()  # shift-invariant, no overflow
    [0.09, 0.2447, 0.6652]
    >>> softmax([0.0, -np.inf]).tolist()
    [1.0, 0.0]
    """
    check_not_all_masked(x, axis)
    top = np.max(x, axis=axis, keepdims=True)  # the largest score of each slice
    with np.errstate(over="ignore"):  # a gap beyond 1.8e308 is -inf, and exp(-inf) = 0 is right
        e = np.exp(x - top)  # every exponent <= 0, so every e <= 1: no overflow
    return e / np.sum(e, axis=axis, keepdims=True)


@validate(q=Array(min_ndim=2), k=Array(min_ndim=2), scale=Bool())
def attention_scores(q, k, scale: bool = True) -> np.ndarray:
    """Return the scores ``q k^T`` (divided by ``sqrt(d)`` when ``scale``), shape ``(..., T_q, T_k)``.

    ``q`` is ``(..., T_q, d)`` and ``k`` is ``(..., T_k, d)``; leading (batch) dimensions
    broadcast. The scores are what the softmax turns into weights.

    >>> attention_scores([[1.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]], scale=False).tolist()
    [[1.0, 4.0]]
    """
    check_attention_shapes(q, k)  # the same d; batch dimensions that broadcast
    check_scores_fit(q, k)  # no dot product can overflow to infinity
    scores = q @ np.swapaxes(k, -1, -2)  # (..., T_q, d) @ (..., d, T_k) -> (..., T_q, T_k)
    return scores / np.sqrt(q.shape[-1]) if scale else scores


@validate(q=Array(min_ndim=2), k=Array(min_ndim=2), v=Array(min_ndim=2), mask=Mask(optional=True),
          scale=Bool())
def scaled_dot_product_attention(q, k, v, mask=None, scale: bool = True):
    """Attention of queries ``q`` over keys ``k`` and values ``v``: returns ``(output, weights)``.

    Shapes: ``q`` is ``(..., T_q, d)``, ``k`` is ``(..., T_k, d)``, ``v`` is ``(..., T_k, d_v)``,
    with any leading batch dimensions that broadcast (for example ``(B, h)``). ``mask`` is an
    optional boolean array broadcastable to ``(..., T_q, T_k)``, True where a query may look at
    a key (see :mod:`lmcore.positions`). ``scale`` divides the scores by ``sqrt(d)``.

    Returns ``output`` of shape ``(..., T_q, d_v)`` and ``weights`` of shape
    ``(..., T_q, T_k)``, each row of ``weights`` a probability distribution over the keys
    (masked keys get weight exactly 0). A query whose keys are all masked raises
    ``ValueError`` instead of returning NaN.

    >>> from lmcore.positions import causal_mask
    >>> x = np.eye(2)                               # two tokens, d = 2
    >>> out, w = scaled_dot_product_attention(x, x, x, mask=causal_mask(2), scale=False)
    >>> np.round(w, 4).tolist()
    [[1.0, 0.0], [0.2689, 0.7311]]
    """
    check_attention_shapes(q, k, v, mask)  # the same d and T_k; batches and mask broadcast
    scores = attention_scores(q, k, scale)  # (..., T_q, T_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # a hidden key gets weight exactly 0
    weights = softmax(scores, axis=-1)  # (..., T_q, T_k), each row sums to 1
    return weights @ v, weights  # (..., T_q, T_k) @ (..., T_k, d_v) -> (..., T_q, d_v)


@validate(x=Array(min_ndim=2), temperature=Float(min=0.0, open_min=True),
          mask=Mask(optional=True), scale=Bool())
def self_attention_weights(x, temperature: float = 1.0, mask=None, scale: bool = True):
    """Weights of a sequence attending to itself, with the scores divided by ``temperature``.

    ``x`` is ``(..., T, d)`` and serves as queries and keys (no learned projections):
    ``softmax(attention_scores(x, x, scale) / temperature)``, masked by the optional boolean
    ``mask`` (broadcastable to ``(..., T, T)``, True = may attend). Returns ``(..., T, T)``.
    Temperature 1 is ordinary attention; below 1 sharpens each row, above 1 flattens it.

    >>> self_attention_weights(np.eye(2), temperature=0.5, scale=False).round(4).tolist()
    [[0.8808, 0.1192], [0.1192, 0.8808]]
    """
    check_attention_shapes(x, x, mask=mask)
    check_scores_fit(x, x, "x (as queries and keys)")
    scores = attention_scores(x, x, scale) / temperature  # (..., T, T)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return softmax(scores, axis=-1)


# ------------------------------------------------------------------ heads
@validate(x=Shape("B, T, d_model", keep_dtype=True, nonempty=False), num_heads=Heads(of="x"))
def split_heads(x, num_heads: int) -> np.ndarray:
    """Cut the last axis of ``x`` (B, T, d_model) into heads: returns (B, h, T, d_head).

    Head ``i`` holds the features ``i*d_head : (i+1)*d_head`` of every token, where
    ``d_head = d_model / num_heads``. It is a reshape and a transpose: no number is copied
    into a new place by hand.

    >>> split_heads(np.arange(8).reshape(1, 2, 4), 2)[0].tolist()  # 2 tokens, 2 heads
    [[[0, 1], [4, 5]], [[2, 3], [6, 7]]]
    """
    B, T, d_model = x.shape
    x = x.reshape(B, T, num_heads, d_model // num_heads)  # (B, T, h, d_head)
    return x.transpose(0, 2, 1, 3)  # (B, h, T, d_head)


@validate(x=Shape("B, h, T, d_head", keep_dtype=True, nonempty=False))
def merge_heads(x) -> np.ndarray:
    """Glue the heads back together: (B, h, T, d_head) -> (B, T, h * d_head). Undoes split_heads.

    >>> x = np.arange(24).reshape(2, 3, 4)
    >>> bool((merge_heads(split_heads(x, 2)) == x).all())
    True
    """
    B, h, T, d_head = x.shape
    x = x.transpose(0, 2, 1, 3)  # (B, T, h, d_head)
    return x.reshape(B, T, h * d_head)  # (B, T, d_model)


@validate(x=Shape("B, T, d_model", nonempty=False), w_q=Projection(of="x"), w_k=Projection(of="x"),
          w_v=Projection(of="x"), w_o=Projection(of="x"), num_heads=Heads(of="x"),
          mask=Mask(optional=True))
def multi_head_attention(x, w_q, w_k, w_v, w_o, num_heads: int, mask=None):
    """Multi-head self-attention of a batch ``x`` (B, T, d_model): returns ``(output, weights)``.

    ``w_q, w_k, w_v, w_o`` are ``(d_model, d_model)`` projection matrices (no biases);
    ``num_heads`` must divide ``d_model`` (for a single sequence (T, d_model) pass ``x[None]``).
    ``mask`` is optional and boolean, broadcastable to ``(B, T, T)`` (for example a causal or
    padding mask of :mod:`lmcore.positions`) or to ``(B, h, T, T)``; it applies in every head.

    Returns ``output`` (B, T, d_model) and ``weights`` (B, h, T, T).

    >>> x = np.random.default_rng(0).standard_normal((2, 5, 6))
    >>> w = np.eye(6)
    >>> out, weights = multi_head_attention(x, w, w, w, w, num_heads=3)
    >>> out.shape, weights.shape
    ((2, 5, 6), (2, 3, 5, 5))
    """
    q = split_heads(x @ w_q, num_heads)  # (B, T, d_model) -> (B, h, T, d_head)
    k = split_heads(x @ w_k, num_heads)  # (B, h, T, d_head)
    v = split_heads(x @ w_v, num_heads)  # (B, h, T, d_head)
    check_scores_fit(q, k, "x, w_q and w_k")  # no q . k can overflow to infinity
    if mask is not None and mask.ndim == 3:
        mask = mask[:, None]  # (B, T, T) -> (B, 1, T, T): the same mask in every head
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, h, T, d_head), (B, h, T, T)
    return merge_heads(heads) @ w_o, weights  # (B, T, d_model) @ (d_model, d_model)


# ------------------------------------------------------------------ experiments and set-up
@validate(dims=List("a list of dimensions"), num_keys=Int(min=2), n_samples=Int(min=2),
          seed=Int(min=0))
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
    dims = [check_int("dims[]", d, minimum=1) for d in dims]
    if not dims:
        raise ValueError("dims must hold at least one dimension")
    check_memory("dims, num_keys and n_samples", 3 * n_samples * (num_keys + 1) * max(dims))
    rng = np.random.default_rng(seed)
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


@validate(d_model=Int(min=1), rng=Rng(), std=Float(min=0.0, open_min=True, optional=True))
def random_projections(d_model: int, rng, std: float | None = None) -> dict:
    """Draw the four ``(d_model, d_model)`` matrices ``w_q, w_k, w_v, w_o`` of multi-head attention.

    Entries are normal with standard deviation ``std`` (default ``1 / sqrt(d_model)``, which
    keeps the projected vectors about as large as the input). Drawn in the order q, k, v, o.

    >>> p = random_projections(4, np.random.default_rng(0))
    >>> sorted(p), p["w_q"].shape
    (['w_k', 'w_o', 'w_q', 'w_v'], (4, 4))
    """
    check_memory("d_model", 4 * d_model * d_model)
    std = 1.0 / np.sqrt(d_model) if std is None else std
    return {name: rng.normal(0.0, std, size=(d_model, d_model))
            for name in ("w_q", "w_k", "w_v", "w_o")}
