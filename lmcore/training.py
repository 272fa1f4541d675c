"""The training loop: gradient descent on a neural language model, and how it can fail.

:func:`train` trains a model of :mod:`lmcore.neural_lm` with plain SGD or Adam
(:mod:`lmcore.optimizers`) on full batches or random minibatches, and records train and
held-out losses (nats per token) in a :class:`History`. A run whose loss becomes infinite,
NaN or three times its starting value stops with :class:`DivergenceError`, which names the
step and suggests a smaller learning rate: a learning rate that is too large makes every step
overshoot further than the last. :func:`lmcore.line_fit.fit_line_gd` and
:func:`lmcore.lm_training.train_lm` raise the same error.

Small matrices multiply faster on one core, and results must not depend on the core count:
the loops run inside :func:`one_blas_thread`.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from lmcore.optimizers import SGD, Adam
from lmcore.validation import Choice, Custom, Float, Int, Rng, Rule, validate

OPTIMIZERS = ("sgd", "adam")
SCHEDULES = ("constant", "linear")


class DivergenceError(FloatingPointError):
    """Training blew up: the loss became inf, NaN or far larger than where it started.

    Attributes: ``step`` (the step at which it was detected), ``lr`` and ``losses`` (the loss
    of every step up to and including the bad one).
    """

    def __init__(self, step: int, lr: float, loss: float, losses):
        self.step, self.lr, self.loss, self.losses = step, lr, loss, list(losses)
        super().__init__(
            f"training diverged at step {step}: the loss became {loss:.4g} with lr={lr:g}; "
            f"try a smaller learning rate, e.g. lr={lr / 10:g}"
        )


@dataclass
class History:
    """Losses recorded by :func:`train`, in nats per token, at ``steps`` (0 = before training).

    ``train_loss[i]`` is the mean loss of the batches since the previous record (at step 0,
    the first batch's loss before any update); ``held_out_loss[i]`` is the loss on the
    held-out data at that step (empty if none was given).
    """

    optimizer: str
    lr: float
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    held_out_loss: list[float] = field(default_factory=list)


@contextmanager
def one_blas_thread():
    """Within this block numpy's BLAS uses one thread (if ``threadpoolctl``, a scikit-learn
    dependency, is installed; otherwise it changes nothing).

    >>> with one_blas_thread():
    ...     float(np.ones((2, 2)) @ np.ones(2) @ np.ones(2))
    4.0
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _neural_model(name, model):
    if not all(hasattr(model, a) for a in ("params", "loss_and_grads", "loss", "check_data")):
        raise TypeError(f"{name} must be a lmcore.neural_lm model (e.g. BigramLM(V)), "
                        f"got {type(model).__name__}")
    return model


class _Examples(Rule):
    """A ``(contexts, targets)`` pair of arrays that the argument ``model`` accepts."""

    def check(self, name, data, checked):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise TypeError(f"{name} must be a (contexts, targets) pair of arrays (from make_examples)")
        contexts, targets = np.asarray(data[0]), np.asarray(data[1])
        if contexts.size == 0 or targets.size == 0:
            raise ValueError(f"{name} is empty: give at least one (context, target) example")
        try:
            return checked["model"].check_data(contexts, targets)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: {exc}") from None


@validate(model=Custom(_neural_model), data=_Examples(), optimizer=Choice(*OPTIMIZERS),
          lr=Float(min=0, open_min=True), steps=Int(min=1), rng=Rng(optional=True),
          eval_every=Int(min=1), batch_size=Int(min=1, optional=True),
          held_out=_Examples(optional=True), schedule=Choice(*SCHEDULES))
def train(model, data, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100,
          rng: np.random.Generator | None = None, eval_every: int = 10,
          batch_size: int | None = None, held_out=None, schedule: str = "constant",
          progress: bool = True) -> History:
    """Train ``model`` (its ``params`` are updated in place) and return its :class:`History`.

    Args:
        model: a :mod:`lmcore.neural_lm` model (``params``, ``loss_and_grads``, ``loss``).
        data: ``(contexts, targets)`` arrays from ``make_examples``, shapes (N, n) and (N,).
        optimizer: ``"sgd"`` or ``"adam"``. lr: learning rate, finite and > 0.
        steps: number of updates (>= 1). eval_every: record the losses every so many steps.
        batch_size: examples drawn (with replacement, from ``rng``) per step; ``None`` uses
            all of ``data`` every step (full-batch gradient descent, no randomness).
        rng: ``np.random.default_rng(seed)``; required when ``batch_size`` is set.
        held_out: optional ``(contexts, targets)`` evaluated at every record.
        schedule: ``"constant"`` lr, or ``"linear"`` decay from ``lr`` to 0 at the last step
            (big early steps, small careful ones at the end).
        progress: show a ``tqdm`` progress bar (a widget in a notebook).

    Raises :class:`DivergenceError` (naming the step and a smaller lr) if the loss becomes
    inf or NaN or rises above 3 times the first step's loss; the model's parameters are then
    those of the failed step and should not be used.

    >>> from lmcore.neural_lm import BigramLM
    >>> data = (np.array([[2], [0], [1]]), np.array([0, 1, 0]))   # <s> -> 0, 0 -> 1, 1 -> 0
    >>> h = train(BigramLM(2), data, "adam", lr=0.5, steps=200, eval_every=100, progress=False)
    >>> h.steps, round(h.train_loss[0], 3), h.train_loss[-1] < 0.01   # ln 2 = 0.693 at the start
    ([0, 100, 200], 0.693, True)
    """
    from tqdm.auto import tqdm

    if batch_size is not None and rng is None:
        raise ValueError("rng must be a numpy Generator when batch_size is set "
                         "(it draws the minibatches), e.g. np.random.default_rng(0)")
    contexts, targets = data
    opt = SGD(lr) if optimizer == "sgd" else Adam(lr)
    history = History(optimizer, lr)
    losses: list[float] = []
    window: list[float] = []

    def record(step):
        history.steps.append(step)
        history.train_loss.append(float(np.mean(window)))
        if held_out is not None:
            history.held_out_loss.append(model.loss(*held_out))
        window.clear()

    bar = tqdm(range(1, steps + 1), desc=f"{optimizer} lr={lr:g}", disable=not progress)
    # Small matrices run faster on one core, and the results cannot depend on the core count.
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        for step in bar:
            if batch_size is None:
                batch = contexts, targets
            else:
                pick = rng.integers(0, len(targets), size=batch_size)  # (batch_size,)
                batch = contexts[pick], targets[pick]
            loss, grads = model.loss_and_grads(*batch)
            losses.append(loss)
            finite = math.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
            if not finite or loss > 3 * losses[0]:
                bar.close()
                raise DivergenceError(step, lr, loss, losses)
            window.append(loss)
            if step == 1:
                record(0)
                window.append(loss)
            if schedule == "linear":
                opt.lr = lr * (1 - (step - 1) / steps)
            opt.update(model.params, grads)
            if step % eval_every == 0 or step == steps:
                record(step)
                bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}")
    bar.close()
    if not all(np.all(np.isfinite(p)) for p in model.params.values()):
        raise DivergenceError(steps, lr, math.inf, losses)
    return history
