"""Two neural language models in plain numpy, with backpropagation written by hand.

A neural language model turns a context (the previous word ids) into a score, a *logit*,
for every word of the vocabulary, and the softmax turns the scores into probabilities:

    P(w | context) = exp(z_w) / sum_v exp(z_v).

It is trained by lowering the average cross-entropy loss ``-log P(next word | context)``
over the training tokens (in nats per token here; divide by ln 2 for bits). For one token
with target ``t`` the gradient of the loss with respect to the logits is simply

    d loss / d z = softmax(z) - onehot(t),

"the predicted distribution minus the observed one". Everything else is the chain rule.

- :class:`BigramLM`: one weight matrix ``W``; the logits for the previous word ``i`` are
  its row ``W[i]`` (a one-hot vector times ``W``). Its loss depends on the data only through
  the bigram count table ``C[i, j]``; setting the gradient ``(n_i * softmax(W[i]) - C[i]) / N``
  to zero gives ``softmax(W[i])[j] = C[i, j] / n_i``: the optimum of the softmax model is the
  maximum-likelihood (count) bigram model. With ``add_k = k`` the loss also counts ``k``
  imaginary sightings of every word after every context, and the optimum becomes add-k
  smoothing exactly.
- :class:`MLPLM`: the neural probabilistic language model of Bengio et al. (2003): the
  embeddings of the last few words, concatenated, go through one ``tanh`` hidden layer and
  a softmax. Similar words get similar embeddings, so what is learned about one context is
  shared with similar ones, which counting cannot do.

The data (a vocabulary, ``<unk>`` for rare words, (context ids, target id) pairs) comes
from :mod:`lmcore.lm_data`; the start symbol ``<s>`` is the extra input id ``V``, so models
have ``V + 1`` inputs and ``V`` outputs.

>>> from lmcore.lm_data import build_vocab, make_examples
>>> vocab = build_vocab([["the", "cat"], ["the", "dog"]])
>>> m = BigramLM(len(vocab))
>>> round(m.perplexity(*make_examples([["the", "cat"]], vocab, 1)), 6)   # uniform over 5 words
5.0
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_array, check_memory
from lmcore.lm_data import vocab_index
from lmcore.ngram import EOS
from lmcore.validation import Array, Float, Int, Rng, validate


@validate(logits=Array(min_ndim=1, neg_inf=True))
def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Log-probabilities (nats) of the softmax along the last axis; never overflows.

    Subtracting the row maximum first keeps every ``exp`` at most 1 (log-sum-exp trick).

    >>> np.round(np.exp(log_softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))), 3).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    if np.isneginf(logits).all(axis=-1).any():
        raise ValueError("logits has a row whose scores are all -inf: no token is possible")
    with np.errstate(over="ignore"):  # a gap beyond 1.8e308 is -inf: log P is below any float
        shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# ---------------------------------------------------------------------------- models
class NeuralLM:
    """What both models share: evaluation and sampling on top of ``log_probs``.

    A subclass sets ``vocab_size`` (V outputs; inputs are ``0 .. V``, ``V`` being ``<s>``),
    ``context_size``, ``params`` (a dict of float64 arrays, updated in place by training)
    and defines ``log_probs(contexts)`` and ``loss_and_grads(contexts, targets)``.
    """

    vocab_size: int
    context_size: int
    params: dict[str, np.ndarray]

    def check_data(self, contexts, targets) -> tuple[np.ndarray, np.ndarray]:
        """Validate a batch: contexts (B, context_size) ids in 0..V, targets (B,) in 0..V-1."""
        contexts = self._check_contexts(contexts)
        targets = check_array("targets", targets, integer=True, nonempty=False)
        if targets.shape != (len(contexts),):
            raise ValueError(f"targets must have shape ({len(contexts)},), got {targets.shape}")
        for name, arr, top in (("targets", targets, self.vocab_size - 1),):
            if arr.min() < 0 or arr.max() > top:
                raise ValueError(f"{name} must hold ids in 0..{top}, got {arr.min()}..{arr.max()}")
        return contexts, targets

    def _check_contexts(self, contexts) -> np.ndarray:
        """contexts (B, context_size), integer ids in 0..V (V is <s>), B >= 1."""
        contexts = check_array("contexts", contexts, integer=True, nonempty=False)
        if contexts.ndim != 2 or contexts.shape[1] != self.context_size or len(contexts) == 0:
            raise ValueError(f"contexts must have shape (B, {self.context_size}) with B >= 1, "
                             f"got {contexts.shape}")
        if contexts.min() < 0 or contexts.max() > self.vocab_size:
            raise ValueError(f"contexts must hold ids in 0..{self.vocab_size}, "
                             f"got {contexts.min()}..{contexts.max()}")
        return contexts

    @property
    def n_params(self) -> int:
        """Number of trainable numbers."""
        return sum(p.size for p in self.params.values())

    def loss(self, contexts, targets) -> float:
        """Mean cross-entropy ``-ln P(target | context)``, in nats per token (no penalty terms).

        Evaluated in chunks of 4096 tokens, so a large data set never needs a (N, V) array.
        """
        contexts, targets = self.check_data(contexts, targets)
        total = 0.0
        for start in range(0, len(targets), 4096):
            chunk = slice(start, start + 4096)
            logp = self.log_probs(contexts[chunk])  # (chunk, V)
            total += logp[np.arange(len(logp)), targets[chunk]].sum()
        return float(-total / len(targets))

    def perplexity(self, contexts, targets) -> float:
        """``exp(loss)``: the same number as ``2 ** (bits per token)``."""
        return math.exp(self.loss(contexts, targets))

    @validate(rng=Rng(), max_words=Int(min=1))
    def generate(self, vocab, rng: np.random.Generator, max_words: int = 20) -> str:
        """Sample one sentence, word by word, until ``</s>`` or ``max_words`` words."""
        index = vocab_index(vocab)
        if len(vocab) != self.vocab_size:
            raise ValueError(f"vocab must hold {self.vocab_size} words, got {len(vocab)}")
        history, out = [self.vocab_size] * self.context_size, []
        while len(out) < max_words:
            p = np.exp(self.log_probs(np.array([history[-self.context_size:]]))[0])  # (V,)
            word = int(rng.choice(self.vocab_size, p=p / p.sum()))
            if word == index[EOS]:
                break
            out.append(vocab[word])
            history.append(word)
        return " ".join(out)


class BigramLM(NeuralLM):
    """The neural bigram: ``P(next | prev) = softmax(W[prev])``, one matrix W of shape (V + 1, V).

    Args:
        vocab_size: V, the number of words it predicts (``len(vocab)``).
        add_k: pseudo-count k >= 0. The training loss of a batch of B tokens adds k imaginary
            sightings of every word after every context (all V + 1 rows):
            ``-(sum_t ln P(w_t | w_t-1) + k * sum_ij ln P(j | i)) / B``. Trained on the full
            data, its optimum is exactly add-k smoothing; k = 0 gives maximum likelihood.

    W starts at zero: every row is the uniform distribution.

    >>> m = BigramLM(3)
    >>> round(m.perplexity(np.array([[3], [0]]), np.array([1, 2])), 9)  # uniform over 3 words
    3.0
    >>> m.params["W"].shape                                 # 3 words and <s> in, 3 words out
    (4, 3)
    """

    context_size = 1

    @validate(vocab_size=Int(min=2), add_k=Float(min=0))
    def __init__(self, vocab_size: int, add_k: float = 0.0):
        check_memory("vocab_size", (vocab_size + 1) * vocab_size * 4)  # W, its gradient, ...
        self.vocab_size, self.add_k = vocab_size, add_k
        self.params = {"W": np.zeros((self.vocab_size + 1, self.vocab_size))}

    def log_probs(self, contexts) -> np.ndarray:
        """Forward pass: log P(w | previous id) for each row of ``contexts`` (B, 1): (B, V) nats."""
        return log_softmax(self.params["W"][self._check_contexts(contexts)[:, -1]])  # (B, V)

    def bigram_counts(self, contexts, targets) -> np.ndarray:
        """The batch's bigram count table ``C[prev, next]``, floats of shape (V + 1, V).

        >>> BigramLM(2).bigram_counts(np.array([[2], [0], [2]]), np.array([0, 1, 0])).tolist()
        [[0.0, 1.0], [0.0, 0.0], [2.0, 0.0]]
        """
        contexts, targets = self.check_data(contexts, targets)
        V = self.vocab_size
        pairs = contexts[:, -1] * V + targets  # (B,): the flat index of (prev, next)
        counts = np.bincount(pairs, minlength=(V + 1) * V)  # ((V + 1) * V,)
        return counts.reshape(V + 1, V).astype(float)  # ((V + 1) * V,) -> (V + 1, V)

    def loss(self, contexts, targets) -> float:
        """Mean cross-entropy (nats per token, without the add-k term), from the count table."""
        counts = self.bigram_counts(contexts, targets)  # (V + 1, V)
        logp = log_softmax(self.params["W"])  # (V + 1, V)
        return float(-(counts * logp).sum() / counts.sum())

    def loss_and_grads(self, contexts, targets) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy of the batch (nats/token) and its gradient ``{"W": (V + 1, V)}``.

        Every token with previous word i contributes ``softmax(W[i]) - onehot(target)`` to
        row i, so the whole batch reduces to its count table C (V + 1, V): the gradient is
        ``(n_i * softmax(W[i]) - C[i]) / B`` with ``n_i`` the tokens after word i.
        """
        counts = self.bigram_counts(contexts, targets)  # (V + 1, V): C[prev, next]
        B = counts.sum()  # tokens in the batch
        counts += self.add_k  # k imaginary sightings of every pair (add-k)
        logp = log_softmax(self.params["W"])  # (V + 1, V): every row's distribution
        loss = -(counts * logp).sum() / B
        row_totals = counts.sum(axis=1, keepdims=True)  # (V + 1, 1): n_i (+ k V)
        grad = (row_totals * np.exp(logp) - counts) / B  # (V + 1, V)
        return float(loss), {"W": grad}


class MLPLM(NeuralLM):
    """Bengio et al. (2003): embeddings of the last ``context_size`` words, a tanh layer, a softmax.

    Shapes (B tokens, n = context_size, d = embed_dim, H = hidden, V = vocab_size)::

        x = E[contexts].reshape(B, n * d)      embeddings, concatenated
        h = tanh(x @ W1 + b1)                  (B, H)
        z = h @ W2 + b2                        (B, V) logits
        P(next | context) = softmax(z)

    Args:
        vocab_size: V; inputs are the ids 0..V (V is ``<s>``).
        context_size: n, how many previous words it reads (>= 1).
        embed_dim, hidden: d and H.
        weight_decay: lambda >= 0; the loss adds ``lambda / 2`` times the sum of the squared
            weights of E, W1 and W2 (L2 regularisation: it keeps a small model on a small
            corpus from memorising its training text).
        rng: ``np.random.default_rng(seed)`` for the random initial weights (keyword):
            E ~ N(0, 0.1^2), W1 and W2 ~ N(0, 1 / fan-in), biases 0.

    >>> m = MLPLM(5, context_size=2, embed_dim=3, hidden=4, rng=np.random.default_rng(0))
    >>> {k: v.shape for k, v in m.params.items()}
    {'E': (6, 3), 'W1': (6, 4), 'b1': (4,), 'W2': (4, 5), 'b2': (5,)}
    """

    @validate(vocab_size=Int(min=2), context_size=Int(min=1), embed_dim=Int(min=1),
              hidden=Int(min=1), weight_decay=Float(min=0), rng=Rng())
    def __init__(self, vocab_size: int, context_size: int = 3, embed_dim: int = 16,
                 hidden: int = 32, weight_decay: float = 0.0, *, rng: np.random.Generator):
        self.vocab_size, self.context_size, self.weight_decay = vocab_size, context_size, weight_decay
        n, V, d, h = context_size, vocab_size, embed_dim, hidden
        check_memory("vocab_size, context_size, embed_dim and hidden", 4 * ((V + 1) * d + n * d * h + h * V))
        self.params = {
            "E": rng.normal(0.0, 0.1, (V + 1, d)),
            "W1": rng.normal(0.0, 1.0 / math.sqrt(n * d), (n * d, h)),
            "b1": np.zeros(h),
            "W2": rng.normal(0.0, 1.0 / math.sqrt(h), (h, V)),
            "b2": np.zeros(V),
        }

    @validate(targets=Array(ndim=1, integer=True))
    def start_from_unigram(self, targets) -> MLPLM:
        """Set the output bias ``b2`` to the log unigram frequencies of ``targets`` (add-one).

        Training then starts near the unigram model instead of the uniform one and needs
        fewer steps. Returns the model.
        """
        self.check_data(np.full((len(targets), self.context_size), self.vocab_size), targets)
        counts = np.bincount(targets, minlength=self.vocab_size) + 1.0  # (V,)
        self.params["b2"][:] = np.log(counts / counts.sum())
        return self

    def forward(self, contexts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The forward pass on ``contexts`` (B, n): the activations ``(x, h, z)``.

        ``x`` (B, n * d) the concatenated embeddings, ``h`` (B, H) the hidden layer and ``z``
        (B, V) the logits; backpropagation needs all three.
        """
        contexts = self._check_contexts(contexts)
        p, B = self.params, len(contexts)
        x = p["E"][contexts].reshape(B, -1)  # (B, n, d) -> (B, n * d)
        h = np.tanh(x @ p["W1"] + p["b1"])  # (B, n * d) @ (n * d, H) -> (B, H)
        z = h @ p["W2"] + p["b2"]  # (B, H) @ (H, V) -> (B, V)
        return x, h, z

    def log_probs(self, contexts) -> np.ndarray:
        """Forward pass: log P(w | context) for each row of ``contexts`` (B, n): (B, V) nats."""
        return log_softmax(self.forward(contexts)[2])

    def loss_and_grads(self, contexts, targets) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy of the batch (nats/token, plus the L2 penalty) and every gradient."""
        contexts, targets = self.check_data(contexts, targets)
        p, B = self.params, len(targets)
        x, h, z = self.forward(contexts)  # (B, n * d), (B, H), (B, V)
        logp = log_softmax(z)  # (B, V)
        rows = np.arange(B)
        loss = -logp[rows, targets].mean()
        dz = np.exp(logp)  # softmax - onehot, averaged over the batch
        dz[rows, targets] -= 1.0
        dz /= B  # (B, V)
        da = (dz @ p["W2"].T) * (1.0 - h**2)  # (B, V) @ (V, H) -> (B, H), back through tanh
        dx = da @ p["W1"].T  # (B, H) @ (H, n * d) -> (B, n * d)
        dE = np.zeros_like(p["E"])
        np.add.at(dE, contexts, dx.reshape(B, self.context_size, -1))  # (B, n * d) -> (B, n, d)
        grads = {"E": dE,
                 "W1": x.T @ da,  # (n * d, B) @ (B, H) -> (n * d, H)
                 "b1": da.sum(axis=0),
                 "W2": h.T @ dz,  # (H, B) @ (B, V) -> (H, V)
                 "b2": dz.sum(axis=0)}
        if self.weight_decay:
            for name in ("E", "W1", "W2"):
                loss += 0.5 * self.weight_decay * np.sum(p[name] ** 2)
                grads[name] += self.weight_decay * p[name]
        return float(loss), grads
