"""The transformer block: attention to mix tokens, an MLP to think about each token.

A transformer is a stack of identical blocks. Each block takes the sequence as an array
``x`` of shape ``(B, T, d_model)`` and returns an array of the same shape, in two steps, each
wrapped in a *residual connection* (the step's result is added to its input, so a block
that learned nothing passes its input through unchanged)::

    h = x + MultiHeadAttention(LayerNorm_1(x))      tokens exchange information
    y = h + MLP(LayerNorm_2(h))                      each token is transformed on its own

    MLP(z) = GELU(z W_1 + b_1) W_2 + b_2             d_model -> d_ff -> d_model

This is the *pre-norm* arrangement (GPT-2 and most models since): the layer norm sits at
the start of each branch, so the residual path from input to output is a plain sum.
:func:`layer_norm` rescales every token's vector to mean 0 and variance 1 across its
``d_model`` features, then applies a learned gain ``gamma`` and shift ``beta``.

The parameters of one block (attention without biases, as in :func:`lmcore.attention.
multi_head_attention`)::

    W_Q, W_K, W_V, W_O     4 * d_model**2
    W_1, b_1, W_2, b_2     2 * d_model * d_ff + d_ff + d_model
    two layer norms        4 * d_model
    total                  4 d^2 + 2 d d_ff + d_ff + 5 d

>>> import numpy as np
>>> params = init_block(8, 32, np.random.default_rng(0))
>>> count_parameters(params) == 4 * 8**2 + 2 * 8 * 32 + 32 + 5 * 8
True
>>> transformer_block(np.zeros((1, 3, 8)), params, num_heads=2).shape
(1, 3, 8)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lmcore import layers
from lmcore._checks import check_array, check_int, check_memory, check_rng
from lmcore.attention import causal_mask, multi_head_attention, sinusoidal_positions
from lmcore.layers import gelu, layer_norm  # noqa: F401  (re-exported: used by the block)

#: The learned position table starts as notebook 06's sinusoids, scaled so that each entry's
#: spread (about 0.02) matches the token embeddings'. Unlike random starting positions, the
#: sinusoids already make "one token back" a fixed linear map of the vectors, so a head that
#: looks at the previous token (the first half of an induction head) is quick to learn.
POSITION_INIT_STD = 0.02 * np.sqrt(2.0)

#: The arrays of one block and their shapes, in terms of d = d_model and f = d_ff.
BLOCK_SHAPES = {
    "ln1_gamma": ("d",), "ln1_beta": ("d",),
    "w_q": ("d", "d"), "w_k": ("d", "d"), "w_v": ("d", "d"), "w_o": ("d", "d"),
    "ln2_gamma": ("d",), "ln2_beta": ("d",),
    "w_1": ("d", "f"), "b_1": ("f",), "w_2": ("f", "d"), "b_2": ("d",),
}


def init_block(d_model: int, d_ff: int, rng) -> dict:
    """Randomly initialise the parameters of one transformer block; returns a dict of arrays.

    Keys and shapes (``d = d_model``, ``f = d_ff``): ``ln1_gamma, ln1_beta, ln2_gamma,
    ln2_beta`` (d,); ``w_q, w_k, w_v, w_o`` (d, d); ``w_1`` (d, f), ``b_1`` (f,), ``w_2`` (f, d),
    ``b_2`` (d,). Matrices are normal with standard deviation ``1 / sqrt(fan_in)`` (drawn in
    the order of :data:`BLOCK_SHAPES` from ``rng``), gains are 1 and biases and shifts are 0.

    >>> p = init_block(4, 16, np.random.default_rng(0))
    >>> p["w_1"].shape, p["b_2"].shape
    ((4, 16), (4,))
    """
    d_model = check_int("d_model", d_model, minimum=1)
    d_ff = check_int("d_ff", d_ff, minimum=1)
    check_memory("d_model or d_ff", 4 * d_model**2 + 2 * d_model * d_ff)  # refuse before allocating
    rng = check_rng("rng", rng)
    sizes = {"d": d_model, "f": d_ff}
    params = {}
    for name, dims in BLOCK_SHAPES.items():
        shape = tuple(sizes[s] for s in dims)
        if name.endswith("gamma"):
            params[name] = np.ones(shape)
        elif name.endswith("beta") or name.startswith("b_"):
            params[name] = np.zeros(shape)
        else:
            params[name] = rng.normal(0.0, 1.0 / np.sqrt(shape[0]), size=shape)
    return params


def _check_params(params, x_shape: tuple) -> int:
    """Check every array of ``params`` against :data:`BLOCK_SHAPES` for ``x``; return d_ff."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays (from init_block), got "
                        f"{type(params).__name__}")
    missing = sorted(set(BLOCK_SHAPES) - set(params))
    if missing:
        raise ValueError(f"params is missing {missing}")
    d_model = x_shape[-1]
    d_ff = np.shape(params["b_1"])[0] if np.ndim(params["b_1"]) == 1 else -1
    sizes = {"d": d_model, "f": d_ff}
    for name, dims in BLOCK_SHAPES.items():
        expected = tuple(sizes[s] for s in dims)
        if np.shape(params[name]) != expected:
            raise ValueError(f"params[{name!r}] must have shape {expected} for x of shape "
                             f"{x_shape} (d_model = {d_model}) and d_ff = {d_ff}; got shape "
                             f"{np.shape(params[name])}")
        if not np.isfinite(params[name]).all():
            raise ValueError(f"params[{name!r}] contains NaN or infinity")
    return d_ff


def transformer_block(x, params, num_heads: int, causal: bool = True,
                      return_weights: bool = False):
    """One pre-norm transformer block applied to ``x`` (B, T, d_model); returns (B, T, d_model).

    ``params`` comes from :func:`init_block`; ``num_heads`` must divide ``d_model``;
    ``causal`` masks the future (token ``t`` sees tokens ``0..t`` only). With
    ``return_weights=True`` returns ``(output, weights)``, ``weights`` of shape (B, h, T, T).

    >>> p = init_block(6, 12, np.random.default_rng(1))
    >>> y, w = transformer_block(np.ones((2, 4, 6)), p, num_heads=3, return_weights=True)
    >>> y.shape, w.shape
    ((2, 4, 6), (2, 3, 4, 4))
    """
    x = check_array("x", x)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (B, T, d_model), got shape {x.shape}")
    B, T, d_model = x.shape
    _check_params(params, x.shape)
    p = params
    mask = causal_mask(T) if causal else None
    attended, weights = multi_head_attention(
        layer_norm(x, p["ln1_gamma"], p["ln1_beta"]),
        p["w_q"], p["w_k"], p["w_v"], p["w_o"], num_heads, mask=mask)  # (B, T, d_model)
    h = x + attended  # residual connection around attention
    z = layer_norm(h, p["ln2_gamma"], p["ln2_beta"])  # (B, T, d_model)
    mlp = gelu(z @ p["w_1"] + p["b_1"]) @ p["w_2"] + p["b_2"]  # (B, T, d_ff) -> (B, T, d_model)
    y = h + mlp  # residual connection around the MLP
    return (y, weights) if return_weights else y


def count_parameters(params) -> int:
    """Total number of numbers in ``params``: a dict (possibly nested) or list of arrays.

    >>> count_parameters({"w": np.zeros((3, 4)), "b": np.zeros(4)})
    16
    """
    if isinstance(params, Mapping):
        return sum(count_parameters(v) for v in params.values())
    if isinstance(params, (list, tuple)) and not all(isinstance(v, (int, float)) for v in params):
        return sum(count_parameters(v) for v in params)
    if isinstance(params, (str, bytes)) or params is None:
        raise TypeError(f"params must hold arrays, got {type(params).__name__}")
    array = np.asarray(params)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"params must hold arrays of numbers, got {type(params).__name__}")
    return int(array.size)


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

    def __init__(self, vocab_size: int, context: int, d_model: int, num_heads: int,
                 num_layers: int, d_ff: int | None = None, tie_embeddings: bool = False,
                 seed: int = 0, dtype: str = "float64"):
        self.vocab_size = check_int("vocab_size", vocab_size, minimum=2, maximum=10**6)
        self.context = check_int("context", context, minimum=1, maximum=10**5)
        self.d_model = check_int("d_model", d_model, minimum=1, maximum=10**4)
        self.num_heads = check_int("num_heads", num_heads, minimum=1, maximum=self.d_model)
        if self.d_model % self.num_heads:
            raise ValueError(f"num_heads must divide d_model, got {num_heads} and {d_model}")
        self.num_layers = check_int("num_layers", num_layers, minimum=1, maximum=1000)
        self.d_ff = 4 * self.d_model if d_ff is None else check_int("d_ff", d_ff, minimum=1,
                                                                      maximum=10**5)
        if not isinstance(tie_embeddings, bool):
            raise TypeError(f"tie_embeddings must be True or False, got {tie_embeddings!r}")
        self.tie_embeddings = tie_embeddings
        size = (self.vocab_size * (1 if tie_embeddings else 2) + self.context) * self.d_model + \
            self.num_layers * (4 * self.d_model**2 + 2 * self.d_model * self.d_ff)
        if size > 2 * 10**8:
            raise ValueError(f"these sizes need {size:,} parameters ({size * 8 / 1e9:.1f} GB): "
                             f"too many for a numpy course model; use smaller d_model or layers")
        rng = np.random.default_rng(check_int("seed", seed, minimum=0))
        V, d = self.vocab_size, self.d_model
        self.params = {"tok_emb": rng.normal(0.0, 0.02, (V, d)),
                       "pos_emb": POSITION_INIT_STD * sinusoidal_positions(self.context, d)}
        for i in range(self.num_layers):
            for name, p in init_block(d, self.d_ff, rng).items():
                self.params[f"blocks.{i}.{name}"] = p
        self.params["lnf_gamma"], self.params["lnf_beta"] = np.ones(d), np.zeros(d)
        if not tie_embeddings:
            self.params["w_unembed"] = rng.normal(0.0, 0.02, (d, V))
        if dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
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

    def _check_tokens(self, tokens) -> np.ndarray:
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

    def _forward(self, tokens):
        """Logits (B, T, V) and the caches of every layer, in order."""
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
        return self._forward(self._check_tokens(tokens))[0]

    def loss(self, tokens) -> float:
        """Mean cross-entropy (nats) of predicting ``tokens[:, 1:]`` from what precedes them."""
        return self.loss_and_grads(tokens, grads=False)[0]

    def loss_and_grads(self, tokens, grads: bool = True):
        """``(loss, grads)``: the mean cross-entropy in nats over all ``B * (T - 1)`` next-token
        predictions of ``tokens`` (B, T), and a dict of gradients keyed like ``params``."""
        tokens = self._check_tokens(tokens)
        if tokens.shape[1] < 2:
            raise ValueError("tokens must have T >= 2: the first token is only context")
        logits, (emb, caches, lnf, unembed) = self._forward(tokens[:, :-1])
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
        caches = self._forward(self._check_tokens(tokens))[1][1]
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
