"""The numpy TransformerLM's training step against the same model in PyTorch (CPU, one thread).

The PyTorch model is built here from the same float64 parameters (same pre-norm blocks, tanh
GELU, causal attention, no attention biases), so the loss and every gradient can be compared
entry by entry. Times are the median of several forward + backward passes at the sizes that
notebooks 07 and 13 train; PyTorch is installed only for benchmarks (skipped when absent).
"""

from __future__ import annotations

import time
from functools import partial

import numpy as np

from lmcore.block import BLOCK_SHAPES
from lmcore.transformer import TransformerLM

#: (label, vocab, context, d_model, heads, layers, batch, tied): the notebooks' sizes
SIZES = [
    ("07 induction language", 17, 24, 32, 4, 2, 64, False),
    ("07 stories", 346, 32, 32, 4, 2, 16, True),
    ("13 model size, largest", 32, 12, 32, 1, 1, 32, False),
]


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def torch_loss_and_grads(torch, model: TransformerLM, tokens: np.ndarray):
    """The same forward pass written with torch operations; autograd gives the gradients."""
    F = torch.nn.functional
    p = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}  # same dtype
    ids = torch.from_numpy(tokens[:, :-1])
    B, T = ids.shape
    d, h = model.d_model, model.num_heads
    x = p["tok_emb"][ids] + p["pos_emb"][:T]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for i in range(model.num_layers):
        b = {name: p[f"blocks.{i}.{name}"] for name in BLOCK_SHAPES}
        z = F.layer_norm(x, (d,), b["ln1_gamma"], b["ln1_beta"], eps=1e-5)
        q, k, v = ((z @ b[w]).view(B, T, h, d // h).transpose(1, 2) for w in ("w_q", "w_k", "w_v"))
        att = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + att.transpose(1, 2).reshape(B, T, d) @ b["w_o"]
        z = F.layer_norm(x, (d,), b["ln2_gamma"], b["ln2_beta"], eps=1e-5)
        x = x + F.gelu(z @ b["w_1"] + b["b_1"], approximate="tanh") @ b["w_2"] + b["b_2"]
    z = F.layer_norm(x, (d,), p["lnf_gamma"], p["lnf_beta"], eps=1e-5)
    w_u = p["tok_emb"].T if model.tie_embeddings else p["w_unembed"]
    logits = z @ w_u
    loss = F.cross_entropy(logits.reshape(B * T, -1), torch.from_numpy(tokens[:, 1:]).reshape(-1))
    loss.backward()
    return float(loss.detach()), {k: t.grad.numpy() for k, t in p.items()}


def main(quick: bool = False) -> str:
    rows = []
    try:
        import torch

        torch.set_num_threads(1)
        version = f"torch {torch.__version__}"
    except ImportError:
        torch, version = None, None
    for label, V, C, d, h, L, B, tied in SIZES:
        if quick:
            B = 2
        model = TransformerLM(V, C, d, h, L, tie_embeddings=tied, seed=0, dtype="float32")
        tokens = np.random.default_rng(0).integers(0, V, size=(B, C))
        ours = _median_time(partial(model.loss_and_grads, tokens), 3 if quick else 30)
        per_token = B * (C - 1) / ours
        if torch is None:
            rows.append(f"| {label} | {ours * 1e3:.2f} | {per_token:,.0f} | skipped: torch is not "
                        f"installed (`pip install torch==2.13.0`) | | |")
            continue
        theirs = _median_time(partial(torch_loss_and_grads, torch, model, tokens),
                              3 if quick else 30)
        exact = TransformerLM(V, C, d, h, L, tie_embeddings=tied, seed=0)  # float64 to compare
        loss, grads = exact.loss_and_grads(tokens)
        t_loss, t_grads = torch_loss_and_grads(torch, exact, tokens)
        diff = max(abs(loss - t_loss), *(float(np.max(np.abs(grads[k] - t_grads[k])))
                                         for k in grads))
        rows.append(f"| {label} | {ours * 1e3:.2f} | {per_token:,.0f} | {theirs * 1e3:.2f} | "
                    f"{ours / theirs:.2f}x | {diff:.1e} |")
    return "\n".join([
        "## Transformer training step: numpy (hand-written backward) against PyTorch",
        "",
        f"One forward + backward pass of `TransformerLM.loss_and_grads` (float32, as the "
        f"notebooks train, one BLAS thread), median of 30, at the sizes the notebooks train; "
        f"the same model in {version or 'PyTorch'} on the CPU at one thread, float32, autograd. "
        f"The last column is the largest difference between the two losses and all their "
        f"gradients, both computed in float64. Target: numpy within 3x of PyTorch.",
        "",
        "| model | numpy step (ms) | tokens per second | PyTorch step (ms) | numpy / PyTorch | "
        "max difference |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
    ])
