"""scaled_dot_product_attention against a plain Python loop (and torch's, when torch is installed).

Identical random inputs (B, T, d) with a causal mask; the outputs are shown to agree, and the time
ratio reference / lmcore is printed (the larger, the faster lmcore's vectorised numpy is).
"""

from __future__ import annotations

import math
import time

import numpy as np

from lmcore.attention import scaled_dot_product_attention
from lmcore.positions import causal_mask


def loop_attention(q, k, v, mask):
    """The reference: every batch, query and key one at a time, in pure Python floats."""
    B, T, d = q.shape
    out = np.zeros((B, T, v.shape[-1]))
    for b in range(B):
        for i in range(T):
            scores = [sum(q[b, i, c] * k[b, j, c] for c in range(d)) / math.sqrt(d) if mask[i, j]
                      else -math.inf for j in range(T)]
            top = max(scores)
            weights = [math.exp(s - top) for s in scores]
            total = sum(weights)
            for j in range(T):
                out[b, i] += weights[j] / total * v[b, j]
    return out


def _best_of(fn, repeats):
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(quick: bool = False) -> str:
    rng = np.random.default_rng(0)
    B, T, d = (1, 8, 8) if quick else (4, 64, 32)
    q, k, v = (rng.standard_normal((B, T, d)) for _ in range(3))
    mask = causal_mask(T)
    t_ours, (ours, _) = _best_of(lambda: scaled_dot_product_attention(q, k, v, mask=mask), 5)
    t_loop, ref = _best_of(lambda: loop_attention(q, k, v, mask), 1 if not quick else 2)
    err = float(np.max(np.abs(ours - ref)))
    rows = [f"| Python loop | {t_loop * 1e3:.2f} | {t_loop / t_ours:.0f}x | {err:.1e} |"]
    try:
        import torch

        tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
        tmask = torch.from_numpy(mask)
        sdpa = torch.nn.functional.scaled_dot_product_attention
        t_torch, res = _best_of(lambda: sdpa(tq, tk, tv, attn_mask=tmask), 5)
        err_t = float(np.max(np.abs(res.numpy() - ours)))
        rows.append(f"| torch {torch.__version__} SDPA | {t_torch * 1e3:.2f} | "
                    f"{t_torch / t_ours:.2f}x | {err_t:.1e} |")
    except ImportError:
        rows.append("| torch SDPA | skipped: torch is not installed | | |")
    return "\n".join([
        "## Attention: `scaled_dot_product_attention` against references",
        "",
        f"Inputs (B, T, d) = ({B}, {T}, {d}), causal mask, float64; best of several runs. "
        f"lmcore: {t_ours * 1e3:.3f} ms.",
        "",
        "| reference | reference time (ms) | reference / lmcore | max abs difference |",
        "|---|---:|---:|---:|",
        *rows,
    ])
