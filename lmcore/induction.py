"""A language that n-grams cannot learn and whose entropy we know exactly: repeat a segment.

Each sequence is a *segment* of ``m`` distinct random symbols, a separator, the same
segment again, the separator, and so on, cut at ``length`` tokens::

    7 2 9 4 | 7 2 9 4 | 7 2 9 4 | 7 2       (m = 4, "|" is the separator)

The segment length ``m`` is drawn uniformly from ``min_segment..max_segment`` and its
symbols from an alphabet of ``alphabet`` symbols without replacement (so every symbol
occurs once per segment). Before the first separator each next token is new: either the
separator or one of the ``alphabet - k`` symbols not seen yet, all equally likely. After
it, every token is certain: it is the one that followed the same symbol one period ago.

A model that has learned the language finds the previous occurrence of the current symbol
and copies the token after it: an **induction head** (Olsson et al. 2022). An n-gram model
cannot: which symbol comes next depends on *this* sequence, not on statistics of the
training set. Because the segment length varies, no fixed offset ("look 5 back") works
either, so the copying must be done by content.

:func:`position_entropy` gives the exact conditional entropy at every position and
:func:`entropy_floor` their mean: the lowest expected loss any model can reach.

>>> rng = np.random.default_rng(0)
>>> task = InductionTask(alphabet=6, min_segment=2, max_segment=3, length=8)
>>> task.sequences(2, rng).tolist()
[[2, 1, 0, 6, 2, 1, 0, 6], [4, 1, 0, 6, 4, 1, 0, 6]]
>>> round(task.entropy_floor(), 4)
0.428
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lmcore._checks import check_array, check_int, check_rng


@dataclass(frozen=True)
class InductionTask:
    """The repeated-segment language; the separator's id is ``alphabet`` (vocabulary ``alphabet + 1``)."""

    alphabet: int = 16
    min_segment: int = 4
    max_segment: int = 10
    length: int = 24

    def __post_init__(self):
        check_int("alphabet", self.alphabet, minimum=2, maximum=10**5)
        check_int("min_segment", self.min_segment, minimum=1, maximum=self.alphabet)
        check_int("max_segment", self.max_segment, minimum=self.min_segment,
                  maximum=self.alphabet)
        check_int("length", self.length, minimum=2, maximum=10**5)

    @property
    def separator(self) -> int:
        return self.alphabet

    @property
    def vocab_size(self) -> int:
        return self.alphabet + 1

    def sequences(self, n: int, rng) -> np.ndarray:
        """``n`` sequences as an int array (n, length), drawn from ``rng``.

        Each row draws its segment length ``m``, then a random order of the alphabet whose
        first ``m`` symbols are the segment; position ``t`` holds segment symbol ``t mod
        (m + 1)``, or the separator where that is ``m``.
        """
        n = check_int("n", n, minimum=1, maximum=10**7 // self.length)
        rng = check_rng("rng", rng)
        m = rng.integers(self.min_segment, self.max_segment + 1, size=n)  # (n,) segment lengths
        order = rng.random((n, self.alphabet)).argsort(axis=1)  # (n, alphabet): random orders
        phase = np.arange(self.length)[None, :] % (m[:, None] + 1)  # (n, length): place in period
        symbols = np.take_along_axis(order, np.minimum(phase, self.alphabet - 1), axis=1)
        return np.where(phase == m[:, None], self.separator, symbols).astype(np.int64)  # (n, length)

    def position_entropy(self) -> np.ndarray:
        """Exact entropy (nats) of the token at positions ``1..length-1`` given all before it.

        If no separator has been seen by position ``k``, the segment has ``m >= k`` symbols;
        the next token is the separator with probability ``h = P(m = k | m >= k)`` and
        otherwise one of the ``alphabet - k`` unseen symbols, so the entropy there is
        ``-h ln h - (1 - h) ln (1 - h) + (1 - h) ln(alphabet - k)``. Once the separator has
        been seen, the entropy is 0. Each position's value is averaged over ``m``.
        """
        ms = np.arange(self.min_segment, self.max_segment + 1)
        p_m = np.full(len(ms), 1.0 / len(ms))  # m is uniform
        out = np.zeros(self.length - 1)
        for k in range(1, self.length):
            still_open = p_m[ms >= k].sum()  # P(no separator among tokens 0..k-1)
            if still_open == 0:
                continue
            h = p_m[ms == k].sum() / still_open  # the segment ends here
            new = (1 - h) * np.log(self.alphabet - k) if h < 1 else 0.0
            binary = -sum(q * np.log(q) for q in (h, 1 - h) if q > 0)
            out[k - 1] = still_open * (binary + new)
        return out

    def entropy_floor(self) -> float:
        """The mean of :meth:`position_entropy`: the expected loss (nats/token) of a perfect model."""
        return float(self.position_entropy().mean())

    def true_log_loss(self, tokens) -> float:
        """Mean loss (nats) of the true source itself on ``tokens`` (n, length): its sample score.

        On a finite sample this scatters around :meth:`entropy_floor`, which only holds in
        expectation.
        """
        return float(self.true_token_losses(tokens).mean())

    def true_token_losses(self, tokens) -> np.ndarray:
        """``-ln P(token | all before it)`` under the true source, for positions 1..length-1.

        ``tokens`` (n, length) -> (n, length - 1), in nats. Zero once the separator was seen.
        """
        tokens = np.asarray(tokens)
        if tokens.ndim != 2 or tokens.shape[1] != self.length or tokens.dtype.kind not in "iu":
            raise ValueError(f"tokens must be an int array of shape (n, {self.length}), got "
                             f"{tokens.dtype} of shape {tokens.shape}")
        if tokens.size and (tokens.min() < 0 or tokens.max() > self.separator):
            raise ValueError(f"tokens must be ids in 0..{self.separator}, got values from "
                             f"{tokens.min()} to {tokens.max()}")
        ms = np.arange(self.min_segment, self.max_segment + 1)
        out = np.zeros((tokens.shape[0], self.length - 1))
        for r, row in enumerate(tokens):
            for k in range(1, self.length):
                if self.separator in row[:k]:
                    continue  # the copy is certain: -ln 1 = 0
                h = np.sum(ms == k) / np.sum(ms >= k)
                p = h if row[k] == self.separator else (1 - h) / (self.alphabet - k)
                out[r, k - 1] = -np.log(p)
        return out


def previous_occurrence_targets(tokens) -> np.ndarray:
    """For each position ``t``, the position right after the previous occurrence of
    ``tokens[b, t]`` (where an induction head should look), or -1 if there is none.

    >>> previous_occurrence_targets(np.array([[3, 1, 3, 1]])).tolist()
    [[-1, -1, 1, 2]]
    """
    tokens = check_array("tokens", tokens, ndim=2, integer=True)
    out = np.full(tokens.shape, -1, dtype=np.int64)
    for b, row in enumerate(tokens):
        last: dict[int, int] = {}
        for t, tok in enumerate(row):
            if tok in last:
                out[b, t] = last[tok] + 1
            last[int(tok)] = t
    return out


def head_scores(weights, tokens) -> dict[str, np.ndarray]:
    """How much each head behaves as a previous-token head and as an induction head.

    ``weights`` (B, h, T, T) from ``TransformerLM.attention_weights``; ``tokens`` (B, T).
    Returns ``{"previous": (h,), "induction": (h,)}``: the mean attention from position ``t``
    to ``t - 1``, and to the token after the previous occurrence of ``tokens[t]`` (over the
    positions that have one). 1.0 means the head always looks exactly there.
    """
    weights = check_array("weights", weights, ndim=4)
    tokens = check_array("tokens", tokens, ndim=2, integer=True)
    B, H, T, _ = weights.shape
    if tokens.shape != (B, T):
        raise ValueError(f"tokens must have shape {(B, T)} to match weights, got {tokens.shape}")
    t = np.arange(1, T)
    previous = weights[:, :, t, t - 1].mean(axis=(0, 2))  # (h,)
    target = previous_occurrence_targets(tokens)  # (B, T)
    b_idx, t_idx = np.nonzero(target >= 0)
    if len(b_idx) == 0:
        return {"previous": previous, "induction": np.full(H, np.nan)}
    induction = weights[b_idx, :, t_idx, target[b_idx, t_idx]].mean(axis=0)  # (n, h) -> (h,)
    return {"previous": previous, "induction": induction}
