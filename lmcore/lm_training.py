"""Training a sequence model (the transformer) with Adam, keeping checkpoints to look at later.

:func:`train_lm` draws random minibatches of rows from an int array of training sequences,
takes one Adam step per minibatch on ``model.loss_and_grads`` (mean cross-entropy in nats
per predicted token), and every ``eval_every`` steps records the training loss, the
held-out loss and, for a *probe* sequence, every layer's attention weights. The history
holds the whole run, so a slider over training steps only looks things up: moving it
costs no training.

:func:`windows` cuts a long stream of token ids into rows of equal length for training,
and :func:`stream_loss` scores every token of a held-out stream exactly once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from lmcore._checks import check_array, check_float, check_int, check_memory, check_rng
from lmcore.optimizers import Adam
from lmcore.training import DivergenceError, one_blas_thread


@dataclass
class LMHistory:
    """What :func:`train_lm` recorded at ``steps`` (0 = before training), losses in nats/token.

    ``attention[i]`` is the list of per-layer attention weights (h, T, T) on the probe at
    ``steps[i]`` (empty if no probe was given).
    """

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    held_out_loss: list[float] = field(default_factory=list)
    attention: list[list[np.ndarray]] = field(default_factory=list)


def token_losses(model, tokens, batch_size: int = 256) -> np.ndarray:
    """``-ln P(token | all before it)`` in nats for tokens ``1..T-1`` of each row: (n, T - 1).

    ``tokens`` is an int array (n, T); the model predicts each token from the ones before it
    in its row. Computed ``batch_size`` rows at a time.
    """
    if not callable(getattr(model, "logits", None)):
        raise TypeError(f"model must have a logits(tokens) method, got {type(model).__name__}")
    tokens = np.asarray(tokens)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if tokens.ndim != 2 or tokens.shape[1] < 2 or len(tokens) == 0:
        raise ValueError(f"tokens must be an int array (n, T) with n >= 1, T >= 2, got shape "
                         f"{tokens.shape}")
    out = []
    for start in range(0, len(tokens), batch_size):
        rows = tokens[start:start + batch_size]
        logits = model.logits(rows[:, :-1]).astype(float)  # (b, T-1, V)
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # log-softmax
        out.append(-np.take_along_axis(log_p, rows[:, 1:, None], axis=-1)[..., 0])  # (b, T-1)
    return np.concatenate(out)


def sequence_losses(model, tokens, batch_size: int = 256) -> np.ndarray:
    """Mean loss (nats) of each row of ``tokens`` (n, T), computed in batches: shape (n,).

    Per-row losses let a caller resample rows (a bootstrap) without running the model again.
    """
    return token_losses(model, tokens, batch_size).mean(axis=1)


def batched_loss(model, tokens, batch_size: int = 256) -> float:
    """Mean loss of ``model`` over every row of ``tokens`` (n, T), computed in batches."""
    return float(sequence_losses(model, tokens, batch_size).mean())


def train_lm(model, sequences, steps: int, lr: float, batch_size: int, rng,
             eval_every: int = 50, held_out=None, probe=None, warmup: int = 0,
             decay: bool = True, beta2: float = 0.999, progress: bool = True) -> LMHistory:
    """Train ``model`` in place with Adam on random rows of ``sequences``; return the history.

    Args:
        model: has ``params``, ``loss_and_grads(tokens)`` and ``loss(tokens)`` (a
            :class:`lmcore.transformer.TransformerLM`).
        sequences: int array (n, T) of training rows. held_out: optional int array (m, T).
        steps, batch_size, eval_every: integers >= 1. lr: Adam's learning rate, > 0; it rises
            linearly over the first ``warmup`` steps, then decays linearly to 0 at the last
            step (``decay=True``) or stays at ``lr``.
        rng: ``np.random.default_rng(seed)``: draws the minibatches.
        beta2: Adam's decay rate for its running mean of squared gradients (0.999 in Kingma
            and Ba; transformers are often trained with 0.98 or 0.95, which adapt faster).
        probe: optional int array (1, T): its attention weights are kept at every record.
        progress: show a ``tqdm`` bar.

    Raises :class:`lmcore.training.DivergenceError` if the loss becomes inf or NaN.
    """
    from tqdm.auto import tqdm

    if not callable(getattr(model, "loss_and_grads", None)) or not hasattr(model, "params"):
        raise TypeError(f"model must have params and loss_and_grads(tokens), got {type(model).__name__}")
    held_out = None if held_out is None else check_array("held_out", held_out, ndim=2, integer=True)
    probe = None if probe is None else check_array("probe", probe, ndim=2, integer=True)
    sequences = np.asarray(sequences)
    if sequences.ndim != 2 or sequences.dtype.kind not in "iu" or len(sequences) == 0:
        raise ValueError(f"sequences must be a non-empty int array (n, T), got "
                         f"{sequences.dtype} of shape {sequences.shape}")
    steps = check_int("steps", steps, minimum=1, maximum=10**7)
    lr = check_float("lr", lr, minimum=0, min_inclusive=False)
    batch_size = check_int("batch_size", batch_size, minimum=1, maximum=10**6)
    eval_every = check_int("eval_every", eval_every, minimum=1)
    warmup = check_int("warmup", warmup, minimum=0, maximum=steps - 1)
    rng = check_rng("rng", rng)
    beta2 = check_float("beta2", beta2, minimum=0, maximum=1, max_inclusive=False)
    opt = Adam(lr, beta2=beta2)
    history = LMHistory()
    window: list[float] = []

    def record(step: int) -> None:
        history.steps.append(step)
        history.train_loss.append(float(np.mean(window)))
        window.clear()
        if held_out is not None:
            history.held_out_loss.append(batched_loss(model, held_out))
        if probe is not None:
            history.attention.append([w[0] for w in model.attention_weights(probe)])

    bar = tqdm(range(1, steps + 1), desc=f"adam lr={lr:g}", disable=not progress)
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        for step in bar:
            batch = sequences[rng.integers(0, len(sequences), size=batch_size)]  # (batch, T)
            loss, grads = model.loss_and_grads(batch)
            if not math.isfinite(loss):
                bar.close()
                raise DivergenceError(step, lr, loss, history.train_loss + [loss])
            window.append(loss)
            if step == 1:
                record(0)
                window.append(loss)
            if step <= warmup:
                ramp = step / warmup
            else:
                ramp = (steps - step + 1) / (steps - warmup) if decay else 1.0
            opt.lr = lr * ramp
            opt.update(model.params, grads)
            if step % eval_every == 0 or step == steps:
                record(step)
                bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}")
    bar.close()
    return history


def windows(stream, length: int, stride: int | None = None) -> np.ndarray:
    """Rows of ``length`` consecutive ids of ``stream``, starting every ``stride`` ids.

    The default stride ``length - 1`` makes consecutive rows share one token, so that every
    token after the first is a prediction target exactly once.

    >>> windows(np.arange(7), 3).tolist()
    [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    """
    stream = check_array("stream", stream, ndim=1, integer=True)
    length = check_int("length", length, minimum=2)
    stride = length - 1 if stride is None else check_int("stride", stride, minimum=1)
    check_memory("windows(stream, length, stride)", (max(len(stream) - length, 0) // stride + 1) * length)
    if stream.ndim != 1 or len(stream) < length:
        raise ValueError(f"stream must be a 1-D array of at least length = {length} ids, "
                         f"got shape {stream.shape}")
    starts = np.arange(0, len(stream) - length + 1, stride)
    return stream[starts[:, None] + np.arange(length)]  # (rows, length)


def stream_loss(model, stream, length: int) -> tuple[float, int]:
    """Mean loss (nats) of ``model`` over every token of ``stream`` after the first, each
    predicted once from up to ``length - 1`` tokens before it; also returns the count.

    The stream is cut into rows that overlap by one token; a final short row covers the
    tail, so no token is skipped.
    """
    stream = np.asarray(stream)
    length = check_int("length", length, minimum=2)
    if hasattr(model, "context") and length - 1 > model.context:
        raise ValueError(f"length must be at most model.context + 1 = {model.context + 1}, got {length}")
    rows = windows(stream, length)
    covered = (len(rows) - 1) * (length - 1) + length  # tokens covered by the full rows
    total = batched_loss(model, rows) * len(rows) * (length - 1)
    count = len(rows) * (length - 1)
    if covered < len(stream):
        tail = stream[covered - 1:][None]  # (1, rest + 1)
        total += model.loss(tail) * (tail.shape[1] - 1)
        count += tail.shape[1] - 1
    return total / count, count
