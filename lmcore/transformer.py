"""A GPT-style language model: embeddings, a stack of transformer blocks, an unembedding.

Each block is notebook 06's :func:`lmcore.block.transformer_block`; here it is written with
the layer pairs of :mod:`lmcore.layers` (a forward pass that keeps a cache, a hand-written
backward pass), so that :meth:`TransformerLM.loss_and_grads` can train the model without an
autograd library. Those pairs take arrays this class has already checked: the training step
pays for no argument check per layer.

>>> import numpy as np
>>> model = TransformerLM(vocab_size=5, context=8, d_model=8, num_heads=2, num_layers=1)
>>> model.n_params == 5 * 8 + 8 * 8 + 4 * 64 + 2 * 8 * 32 + 32 + 5 * 8 + 2 * 8 + 8 * 5
True
"""

from __future__ import annotations

import numpy as np

from lmcore import layers
from lmcore._checks import check_array, check_int, check_memory
from lmcore.block import BLOCK_SHAPES, init_block
from lmcore.positions import sinusoidal_positions
from lmcore.validation import Bool, Choice, Int, validate

#: The learned position table starts as notebook 06's sinusoids, scaled so that each entry's
#: spread (about 0.02) matches the token embeddings'. Unlike random starting positions, the
#: sinusoids already make "one token back" a fixed linear map of the vectors, so a head that
#: looks at the previous token (the first half of an induction head) is quick to learn.
POSITION_INIT_STD = 0.02 * np.sqrt(2.0)


# ============================================================================ the whole model
class TransformerLM:
    """A GPT-style language model: token and position embeddings, ``num_layers`` pre-norm
    causal blocks, a final layer norm and an unembedding to one logit per vocabulary word.

    ``d_ff`` defaults to ``4 * d_model``; ``tie_embeddings`` reuses the token embedding
    (transposed) as the unembedding. ``dtype="float32"`` halves the time of a training step
    (the same initial values, rounded); gradient checks need the default float64. Parameters
    are arrays in ``params``, named
    ``tok_emb`` (V, d), ``pos_emb`` (context, d), ``blocks.{i}.{name}`` (the arrays of
    :func:`init_block`), ``lnf_gamma``, ``lnf_beta`` (d,) and ``w_unembed`` (d, V). Embeddings
    and the unembedding start normal with standard deviation 0.02 (as GPT-2), so the
    untrained model predicts almost uniformly: its loss is close to ``ln V``.

    >>> model = TransformerLM(vocab_size=5, context=8, d_model=8, num_heads=2, num_layers=1)
    >>> model.logits(np.array([[0, 1, 2]])).shape
    (1, 3, 5)
    >>> loss, grads = model.loss_and_grads(np.array([[0, 1, 2, 3]]))
    >>> bool(abs(loss - np.log(5)) < 0.1), grads["tok_emb"].shape
    (True, (5, 8))
    """

    @validate(vocab_size=Int(min=2, max=10**6), context=Int(min=1, max=10**5),
              d_model=Int(min=1, max=10**4), num_heads=Int(min=1, max=lambda a: a["d_model"]),
              num_layers=Int(min=1, max=1000), d_ff=Int(min=1, max=10**5, optional=True),
              tie_embeddings=Bool(), seed=Int(min=0), dtype=Choice("float64", "float32"))
    def __init__(self, vocab_size: int, context: int, d_model: int, num_heads: int,
                 num_layers: int, d_ff: int | None = None, tie_embeddings: bool = False,
                 seed: int = 0, dtype: str = "float64"):
        if d_model % num_heads:
            raise ValueError(f"num_heads must divide d_model, got {num_heads} and {d_model}")
        self.vocab_size, self.context, self.d_model = vocab_size, context, d_model
        self.num_heads, self.num_layers, self.tie_embeddings = num_heads, num_layers, tie_embeddings
        self.d_ff = 4 * d_model if d_ff is None else d_ff
        size = (self.vocab_size * (1 if tie_embeddings else 2) + self.context) * self.d_model + \
            self.num_layers * (4 * self.d_model**2 + 2 * self.d_model * self.d_ff)
        if size > 2 * 10**8:
            raise ValueError(f"these sizes need {size:,} parameters ({size * 8 / 1e9:.1f} GB): "
                             f"too many for a numpy course model; use smaller d_model or layers")
        rng = np.random.default_rng(seed)
        V, d = self.vocab_size, self.d_model
        self.params = {"tok_emb": rng.normal(0.0, 0.02, (V, d)),
                       "pos_emb": POSITION_INIT_STD * sinusoidal_positions(self.context, d)}
        for i in range(self.num_layers):
            for name, p in init_block(d, self.d_ff, rng).items():
                self.params[f"blocks.{i}.{name}"] = p
        self.params["lnf_gamma"], self.params["lnf_beta"] = np.ones(d), np.zeros(d)
        if not tie_embeddings:
            self.params["w_unembed"] = rng.normal(0.0, 0.02, (d, V))
        self.params = {k: p.astype(dtype) for k, p in self.params.items()}

    @property
    def n_params(self) -> int:
        """Every trained number, embeddings included."""
        return sum(p.size for p in self.params.values())

    @property
    def n_params_non_embedding(self) -> int:
        """Parameters outside the embeddings and the unembedding: the ``N`` of scaling laws
        (Kaplan et al. 2020), about ``12 num_layers d_model**2`` with ``d_ff = 4 d_model``."""
        embedding = ("tok_emb", "pos_emb", "w_unembed")
        return sum(p.size for k, p in self.params.items() if k not in embedding)

    def check_tokens(self, tokens) -> np.ndarray:
        """``tokens`` as an integer array (B, T) of ids below ``vocab_size``, T <= ``context``,
        whose forward pass fits in memory; otherwise a ValueError or TypeError naming tokens."""
        tokens = np.asarray(tokens)
        if tokens.dtype.kind not in "iu":
            raise TypeError(f"tokens must be an integer array of shape (B, T), got dtype {tokens.dtype}")
        if tokens.ndim != 2 or tokens.shape[0] < 1 or not 1 <= tokens.shape[1] <= self.context:
            raise ValueError(f"tokens must have shape (B, T) with B >= 1 and 1 <= T <= context = "
                             f"{self.context}, got shape {tokens.shape}")
        per_token = self.num_layers * (12 * self.d_model + 4 * self.d_ff + 2 * self.num_heads *
                                       tokens.shape[1]) + 3 * self.vocab_size  # cached floats
        check_memory("tokens", tokens.size * per_token)  # refused before the forward pass
        if tokens.min() < 0 or tokens.max() >= self.vocab_size:
            raise ValueError(f"tokens must be ids in 0..{self.vocab_size - 1}, got values from "
                             f"{tokens.min()} to {tokens.max()}")
        return tokens

    def forward(self, tokens):
        """Logits (B, T, V) of int ``tokens`` (B, T), and the caches of every layer, in order
        (what the backward pass of :meth:`loss_and_grads` reads)."""
        tokens = self.check_tokens(tokens)
        p, T = self.params, tokens.shape[1]
        x, emb = layers.embedding_forward(tokens, p["tok_emb"])  # (B, T, d)
        x = x + p["pos_emb"][:T]  # (B, T, d) + (T, d)
        caches = []
        for i in range(self.num_layers):
            b = {name: p[f"blocks.{i}.{name}"] for name in BLOCK_SHAPES}
            a_in, ln1 = layers.layer_norm_forward(x, b["ln1_gamma"], b["ln1_beta"])
            a_out, att = layers.causal_attention_forward(a_in, b["w_q"], b["w_k"], b["w_v"],
                                                         b["w_o"], self.num_heads)
            x = x + a_out  # residual around attention
            m_in, ln2 = layers.layer_norm_forward(x, b["ln2_gamma"], b["ln2_beta"])
            hidden, lin1 = layers.linear_forward(m_in, b["w_1"], b["b_1"])  # (B, T, f)
            act, gel = layers.gelu_forward(hidden)
            m_out, lin2 = layers.linear_forward(act, b["w_2"], b["b_2"])  # (B, T, d)
            x = x + m_out  # residual around the MLP
            caches.append((ln1, att, ln2, lin1, gel, lin2))
        z, lnf = layers.layer_norm_forward(x, p["lnf_gamma"], p["lnf_beta"])
        w_u = p["tok_emb"].T if self.tie_embeddings else p["w_unembed"]  # (d, V)
        logits, unembed = layers.linear_forward(z, w_u)  # (B, T, V)
        return logits, (emb, caches, lnf, unembed)

    def logits(self, tokens) -> np.ndarray:
        """Next-token logits for int ``tokens`` (B, T), T <= context: shape (B, T, V)."""
        return self.forward(tokens)[0]

    def loss(self, tokens) -> float:
        """Mean cross-entropy (nats) of predicting ``tokens[:, 1:]`` from what precedes them."""
        return self.loss_and_grads(tokens, grads=False)[0]

    def loss_and_grads(self, tokens, grads: bool = True):
        """``(loss, grads)``: the mean cross-entropy in nats over all ``B * (T - 1)`` next-token
        predictions of ``tokens`` (B, T), and a dict of gradients keyed like ``params``."""
        tokens = self.check_tokens(tokens)
        if tokens.shape[1] < 2:
            raise ValueError("tokens must have T >= 2: the first token is only context")
        logits, (emb, caches, lnf, unembed) = self.forward(tokens[:, :-1])
        B, T, V = logits.shape
        loss, ce = layers.cross_entropy_forward(logits.reshape(B * T, V),  # (B*T, V)
                                                tokens[:, 1:].reshape(B * T))
        if not grads:
            return loss, None
        g = {}
        d_logits = layers.cross_entropy_backward(ce).reshape(B, T, V)
        dz, gu = layers.linear_backward(d_logits, unembed)
        dx, gf = layers.layer_norm_backward(dz, lnf)
        g["lnf_gamma"], g["lnf_beta"] = gf["gamma"], gf["beta"]
        for i in reversed(range(self.num_layers)):
            ln1, att, ln2, lin1, gel, lin2 = caches[i]
            d_act, g2 = layers.linear_backward(dx, lin2)  # the residual passes dx through
            d_hidden = layers.gelu_backward(d_act, gel)
            d_m_in, g1 = layers.linear_backward(d_hidden, lin1)
            d_x, gn2 = layers.layer_norm_backward(d_m_in, ln2)
            dx = dx + d_x
            d_a_in, ga = layers.causal_attention_backward(dx, att)
            d_x, gn1 = layers.layer_norm_backward(d_a_in, ln1)
            dx = dx + d_x
            for name, value in (("w_1", g1["w"]), ("b_1", g1["b"]), ("w_2", g2["w"]),
                                ("b_2", g2["b"]), ("ln1_gamma", gn1["gamma"]),
                                ("ln1_beta", gn1["beta"]), ("ln2_gamma", gn2["gamma"]),
                                ("ln2_beta", gn2["beta"]), *ga.items()):
                g[f"blocks.{i}.{name}"] = value
        g["pos_emb"] = np.zeros_like(self.params["pos_emb"])
        g["pos_emb"][:T] = dx.sum(axis=0)  # (B, T, d) -> (T, d)
        g["tok_emb"] = layers.embedding_backward(dx, emb)["table"]
        if self.tie_embeddings:
            g["tok_emb"] += gu["w"].T  # the unembedding is tok_emb.T: (d, V) -> (V, d)
        else:
            g["w_unembed"] = gu["w"]
        return loss, {k: g[k] for k in self.params}

    def attention_weights(self, tokens) -> list[np.ndarray]:
        """The attention of every layer for ``tokens`` (B, T): a list of (B, h, T, T) arrays."""
        caches = self.forward(tokens)[1][1]
        return [att[8] for _, att, *_ in caches]  # the cache's weights

    def generate(self, prompt, rng, max_tokens: int = 20, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, stop=None) -> list[int]:
        """Continue ``prompt`` (a list of ids, at least one) with up to ``max_tokens`` sampled ids.

        Each step feeds the last ``context`` ids and samples from the last position's
        softmax with :func:`lmcore.sampling.sample` (same temperature / top-k / top-p rules;
        ``temperature=0`` is greedy). Stops early after the id ``stop`` (included) if given.
        Returns the new ids only.
        """
        from lmcore.sampling import sample

        prompt = check_array("prompt", prompt, ndim=1, integer=True)
        if prompt.min() < 0 or prompt.max() >= self.vocab_size:
            raise ValueError(f"prompt must hold ids in 0..{self.vocab_size - 1}, got values from "
                             f"{prompt.min()} to {prompt.max()}")
        ids = prompt.tolist()  # may be longer than the context: each step feeds the last ones
        stop = None if stop is None else check_int("stop", stop, minimum=0)
        max_tokens = check_int("max_tokens", max_tokens, minimum=1, maximum=10**5)
        out: list[int] = []
        for _ in range(max_tokens):
            logits = self.logits(np.array([ids[-self.context:]]))[0, -1]  # (V,)
            p = np.exp(logits - logits.max())
            nxt = sample(p / p.sum(), rng, temperature, top_k, top_p)
            out.append(nxt)
            ids.append(nxt)
            if stop is not None and nxt == stop:
                break
        return out

    def forward_flops(self, batch: int, T: int) -> dict[str, int]:
        """Floating-point operations of one forward pass on (batch, T) tokens, by matrix product.

        A product of (m, k) by (k, n) costs ``2 m k n`` (a multiply and an add per term).
        Layer norms, GELU and softmax add a few operations per number and are left out, as in
        Kaplan et al. (2020). A training step (forward and backward) costs about three times
        this: the backward pass computes two products for every product of the forward pass.
        """
        batch = check_int("batch", batch, minimum=1)
        T = check_int("T", T, minimum=1, maximum=self.context)
        n, d, L = batch * T, self.d_model, self.num_layers
        return {"attention projections": L * 4 * 2 * n * d * d,  # W_Q, W_K, W_V, W_O
                "attention scores and mixing": L * 2 * 2 * batch * T * T * d,  # QK^T, weights V
                "MLP": L * 2 * 2 * n * d * self.d_ff,
                "unembedding": 2 * n * d * self.vocab_size}
