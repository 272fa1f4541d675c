"""Scaling laws: how held-out loss falls as a model gets more data (or more parameters).

Measured learning curves of language models are well described by a power law with a floor,

    L(x) = E + A * x ** (-alpha),

where ``x`` is the amount of training data (tokens) or the number of parameters, ``E`` is the
irreducible loss, ``A`` a scale and ``alpha`` > 0 the rate. ``E`` is where no amount of data
helps any more: for a source whose true entropy rate is known, ``E`` is (at best) that entropy
rate, the floor no model can go below.

:func:`fit_power_law` fits the three numbers by least squares: for a fixed ``alpha`` the model
is linear in ``E`` and ``A`` (solved exactly), so only ``alpha`` is searched, on a fine grid and
then by golden-section refinement. No starting guess, no failure to converge.

The published laws for large transformer language models, in nats per token:

- Kaplan et al. (2020), *Scaling Laws for Neural Language Models*, arXiv:2001.08361:
  ``L(N) = (N_c / N) ** alpha_N`` with ``N_c = 8.8e13`` non-embedding parameters and
  ``alpha_N = 0.076``; ``L(D) = (D_c / D) ** alpha_D`` with ``D_c = 5.4e13`` tokens and
  ``alpha_D = 0.095``.
- Hoffmann et al. (2022), *Training Compute-Optimal Large Language Models* (Chinchilla),
  arXiv:2203.15556: ``L(N, D) = E + A / N ** alpha + B / D ** beta`` with ``E = 1.69``,
  ``A = 406.4``, ``B = 410.7``, ``alpha = 0.34``, ``beta = 0.28``.

>>> x = np.array([1e2, 1e3, 1e4, 1e5])
>>> fit = fit_power_law(x, 2.0 + 5.0 * x ** -0.5)
>>> round(fit.E, 4), round(fit.A, 4), round(fit.alpha, 4)
(2.0, 5.0, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lmcore._checks import (
    check_array,
    check_callable,
    check_float,
    check_int,
    check_list,
    check_memory,
    check_rng,
    check_sentences,
)

#: Kaplan et al. (2020), arXiv:2001.08361, eqs. 1.1 and 1.2 (loss in nats per token).
KAPLAN_2020 = {"N_c": 8.8e13, "alpha_N": 0.076, "D_c": 5.4e13, "alpha_D": 0.095}
#: Hoffmann et al. (2022), arXiv:2203.15556, the parametric fit of their approach 3 (nats per token).
HOFFMANN_2022 = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
#: The training-set sizes (tokens) each law was fitted on: Kaplan et al. varied the data
#: from 22 million to 23 billion tokens; Hoffmann et al. trained on 5 to 500 billion tokens.
#: Outside these ranges the laws are extrapolations.
KAPLAN_2020_RANGE = (2.2e7, 2.3e10)
HOFFMANN_2022_RANGE = (5e9, 5e11)


@dataclass(frozen=True)
class PowerLaw:
    """``L(x) = E + A * x ** (-alpha)``, with the root-mean-square error of the fit."""

    E: float
    A: float
    alpha: float
    rmse: float

    def __call__(self, x):
        """Evaluate the law at ``x`` (scalar or array, > 0)."""
        x = np.asarray(x, dtype=float)
        return self.E + self.A * x ** (-self.alpha)


def _validate_xy(x, y):
    x, y = check_array("x", x), check_array("y", y)
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {x.shape} and {y.shape}")
    if x.size < 3:
        raise ValueError(f"x must hold at least 3 points to fit 3 parameters, got {x.size}")
    if not (np.all(np.isfinite(x)) and np.all(x > 0)):
        raise ValueError("x must be finite and > 0 (amounts of data or parameters)")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (an infinite loss cannot be fitted: smooth the model)")
    if np.unique(x).size < 3:
        raise ValueError("x must hold at least 3 distinct values")
    return x, y


def _solve_linear(x, y, alpha):
    """Best (E, A) for a fixed alpha, and the sum of squared residuals."""
    design = np.column_stack([np.ones_like(x), x ** (-alpha)])  # (n, 2)
    if not np.isfinite(design).all():  # x spans so many decades that x ** -alpha overflows
        return math.nan, math.nan, math.inf
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    return coef[0], coef[1], float(residual @ residual)


def fit_power_law(x, y, alpha_range=(1e-3, 3.0)) -> PowerLaw:
    """Fit ``y = E + A * x ** (-alpha)`` by least squares; return a :class:`PowerLaw`.

    Args:
        x: amounts (training tokens, parameters), shape (n,), all > 0, n >= 3.
        y: losses at those amounts (e.g. bits or nats per token), shape (n,).
        alpha_range: the interval searched for ``alpha``.

    >>> fit_power_law([10, 100, 1000], [3.0, 2.0, 1.5]).alpha > 0
    True
    """
    x, y = _validate_xy(x, y)
    lo, hi = _alpha_range(alpha_range)
    if not (0 < lo < hi):
        raise ValueError(f"alpha_range must be (low, high) with 0 < low < high, got {alpha_range}")
    # x is rescaled to its geometric mean so x ** -alpha stays well conditioned
    scale = math.exp(float(np.mean(np.log(x))))
    xs = x / scale
    y_scale = float(np.abs(y).max())  # and an extreme y to its largest value: squares of 1e200 overflow
    y_scale = y_scale if not 1e-100 < y_scale < 1e100 and y_scale > 0 else 1.0
    y = y / y_scale
    grid = np.geomspace(lo, hi, 400)
    sse = [_solve_linear(xs, y, a)[2] for a in grid]
    i = int(np.argmin(sse))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(100):  # golden-section search inside the bracketing grid cells
        c, d = b - golden * (b - a), a + golden * (b - a)
        if _solve_linear(xs, y, c)[2] <= _solve_linear(xs, y, d)[2]:
            b = d
        else:
            a = c
    alpha = (a + b) / 2
    E, A_scaled, sse_best = _solve_linear(xs, y, alpha)
    if not math.isfinite(sse_best):
        raise ValueError(f"x spans too many orders of magnitude ({x.min():.3g} to {x.max():.3g}) "
                         "for x ** -alpha to stay finite")

    # undo the rescaling: A_scaled * (x / scale) ** -alpha == (A_scaled * scale ** alpha) * x ** -alpha
    return PowerLaw(E=float(E * y_scale), A=float(A_scaled * y_scale * scale**alpha), alpha=float(alpha),
                    rmse=y_scale * math.sqrt(sse_best / x.size))


def _alpha_range(alpha_range) -> tuple[float, float]:
    pair = check_array("alpha_range", check_list("alpha_range", alpha_range, "a pair (low, high)"))
    if pair.shape != (2,):
        raise ValueError(f"alpha_range must be a pair (low, high), got {alpha_range!r}")
    return float(pair[0]), float(pair[1])


def kaplan_loss_vs_data(D):
    """Kaplan et al. (2020) ``L(D) = (D_c / D) ** alpha_D`` in nats per token (D in tokens).

    >>> round(float(kaplan_loss_vs_data(5.4e13)), 3)
    1.0
    """
    D = check_array("D", D)
    if np.any(D <= 0):
        raise ValueError("D must be > 0 tokens")
    return (KAPLAN_2020["D_c"] / D) ** KAPLAN_2020["alpha_D"]


def kaplan_loss_vs_params(N):
    """Kaplan et al. (2020) ``L(N) = (N_c / N) ** alpha_N`` in nats per token (N parameters).

    >>> round(float(kaplan_loss_vs_params(8.8e13)), 3)
    1.0
    """
    N = check_array("N", N)
    if np.any(N <= 0):
        raise ValueError("N must be > 0 parameters")
    return (KAPLAN_2020["N_c"] / N) ** KAPLAN_2020["alpha_N"]


def chinchilla_loss(N, D):
    """Hoffmann et al. (2022) ``L(N, D) = E + A / N ** alpha + B / D ** beta`` in nats per token.

    >>> round(float(chinchilla_loss(70e9, 1.4e12)), 3)   # Chinchilla itself
    1.937
    """
    N, D = check_array("N", N), check_array("D", D)
    if np.any(N <= 0) or np.any(D <= 0):
        raise ValueError("N (parameters) and D (tokens) must be > 0")
    h = HOFFMANN_2022
    return h["E"] + h["A"] / N ** h["alpha"] + h["B"] / D ** h["beta"]


def learning_curve(model_factory, corpus, sizes, rng: np.random.Generator) -> np.ndarray:
    """Held-out cross-entropy (bits per token) of a fresh model trained on growing prefixes.

    Args:
        model_factory: a callable returning a new, unfitted model with ``.fit(sentences)``
            and ``.cross_entropy(sentences)`` (bits per token), e.g.
            ``lambda: NGramModel(3, smoothing="kneser-ney")``.
        corpus: a pair ``(train_sentences, test_sentences)`` of token lists.
        sizes: training sizes in tokens, increasing; each model sees the first ``size``
            tokens of the training sentences in an order shuffled once by ``rng``.
        rng: ``np.random.default_rng(seed)``.

    Returns:
        float array of shape (len(sizes),): held-out cross-entropy in bits per token.

    >>> from lmcore.ngram import NGramModel
    >>> train = [["a", "b"]] * 50 + [["b", "a"]] * 50
    >>> curve = learning_curve(lambda: NGramModel(2, smoothing="add-k"), (train, [["a", "b"]]),
    ...                        [10, 100], np.random.default_rng(0))
    >>> bool(curve[1] < curve[0])
    True
    """
    rng = check_rng("rng", rng)
    check_callable("model_factory", model_factory, "a function returning a new model")
    if not (isinstance(corpus, (tuple, list)) and len(corpus) == 2):
        raise TypeError("corpus must be a pair (train_sentences, test_sentences)")
    train, test = list(corpus[0]), list(corpus[1])
    if not train or not test:
        raise ValueError("corpus must hold non-empty train and test sentence lists")
    sizes = [check_int("sizes[]", s, minimum=1) for s in check_list("sizes", sizes, "a list of token counts")]
    if not sizes or sizes != sorted(sizes):
        raise ValueError(f"sizes must be a non-empty increasing list of token counts, got {sizes}")
    total = sum(len(s) for s in train)
    if sizes[-1] > total:
        raise ValueError(f"sizes must not exceed the {total} training tokens, got {sizes[-1]}")
    out = []
    for prefix in _prefixes(train, sizes, rng):
        model = model_factory().fit(prefix)
        out.append(model.cross_entropy(test))
    return np.array(out, dtype=float)


def _prefixes(train, sizes, rng):
    """The training sets of :func:`learning_curve` (already validated arguments)."""
    order = [train[i] for i in rng.permutation(len(train))]
    lengths = np.cumsum([len(s) for s in order])
    # for each size, the shortest prefix of whole sentences holding at least `size` tokens
    return [order[: int(np.searchsorted(lengths, size)) + 1] for size in sizes]


def training_prefixes(train, sizes, rng: np.random.Generator) -> list[list[list[str]]]:
    """The training sets :func:`learning_curve` fits on, for the same ``train``, ``sizes`` and seed.

    The sentences are shuffled once by ``rng``; for each size the shortest prefix of whole
    sentences holding at least ``size`` tokens is taken. Use it to inspect what each model
    of a learning curve saw (its vocabulary, say). Returns a list of ``len(sizes)`` lists of
    sentences, each containing the previous one.

    >>> p = training_prefixes([["a", "b"], ["c"], ["d", "e"]], [1, 5], np.random.default_rng(0))
    >>> [sum(map(len, x)) for x in p]
    [2, 5]
    """
    rng = check_rng("rng", rng)
    train = check_sentences("train", train)
    sizes = [check_int("sizes[]", s, minimum=1) for s in check_list("sizes", sizes, "a list of token counts")]
    total = sum(len(s) for s in train)
    if not sizes or sizes != sorted(sizes) or sizes[-1] > total:
        raise ValueError(f"sizes must be a non-empty increasing list of at most {total} tokens, got {sizes}")
    return _prefixes(train, sizes, rng)


# ---------------------------------------------------------------------------- the floor
# What "irreducible loss" means when the language is known: for a MarkovSource the best any
# model can do is its entropy rate, and a model that reads only k previous symbols can do no
# better than the conditional entropy H(X_t | X_{t-k} .. X_{t-1}).


def _check_source(source):
    from lmcore.corpus import MarkovSource

    if not isinstance(source, MarkovSource):
        raise TypeError(f"source must be a lmcore.corpus.MarkovSource, got {type(source).__name__}")
    return source


def _entropy_bits(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def conditional_entropy(source, context_length: int) -> float:
    """Exact ``H(X_t | X_{t-k}, ..., X_{t-1})`` of a stationary MarkovSource, in bits per symbol.

    The best cross-entropy a model that sees only the last ``k = context_length`` symbols can
    reach, with unlimited data: an n-gram model has ``k = n - 1``. It falls as ``k`` grows and
    equals the entropy rate from ``k = source.order`` on (the source forgets everything older).

    Computed from the stationary distribution ``pi`` over states: the joint probability of
    (last k symbols, next symbol) is ``sum pi(s) P(next | s)`` over the states ``s`` that end
    in those k symbols, and ``H(next | context) = H(context, next) - H(context)``.

    >>> from lmcore.corpus import MarkovSource
    >>> src = MarkovSource(order=2, vocab_size=3, seed=0)
    >>> h = [conditional_entropy(src, k) for k in range(4)]
    >>> h[0] >= h[1] >= h[2] == h[3], bool(np.isclose(h[2], src.entropy_rate()))
    (True, True)
    """
    source = _check_source(source)
    k = min(check_int("context_length", context_length, minimum=0), source.order)
    V, S = source.vocab_size, source.n_states
    joint_states = source.stationary()[:, None] * source.transitions  # (S, V): P(state, next)
    last_k = np.arange(S) % V**k  # (S,) the last k symbols of each state, as a number
    joint = np.zeros((V**k, V))
    np.add.at(joint, last_k, joint_states)  # (V**k, V): P(last k symbols, next)
    return _entropy_bits(joint.ravel()) - _entropy_bits(joint.sum(axis=1))


def source_cross_entropy(source, symbols) -> float:
    """What the true source scores on a sample: mean ``-log2 P(x_t | previous order symbols)``.

    Averaged over the symbols from position ``source.order`` on (the first ones have no full
    context). On a long sample it is close to the entropy rate; on a finite test sample it is
    the exact score a perfect model would get there, the fair target for a fitted ``E``.

    Args:
        source: a ``MarkovSource``.
        symbols: int array of shape (T,) with values in ``[0, vocab_size)``, or a list of
            symbol names (``source.symbols``), with T > order.

    Returns: bits per symbol.

    >>> from lmcore.corpus import MarkovSource
    >>> src = MarkovSource(order=0, vocab_size=2, seed=0)
    >>> p = src.transitions[0]
    >>> bool(np.isclose(source_cross_entropy(src, [0, 1]), -np.log2(p).mean()))
    True
    """
    source = _check_source(source)
    symbols = check_list("symbols", symbols, "a sequence of symbol ids or names")
    if len(symbols) and isinstance(symbols[0], str):  # symbol names, e.g. a sentence of markov_sentences
        names = {name: i for i, name in enumerate(source.symbols)}
        unknown = sorted(set(symbols) - set(names))
        if unknown:
            raise ValueError(f"symbols holds names that are not symbols of the source: {unknown[:5]}")
        symbols = [names[s] for s in symbols]
    x = np.asarray(symbols)
    if x.ndim != 1 or x.size <= source.order or not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"symbols must be a 1-D int array longer than order = {source.order}")
    V, order = source.vocab_size, source.order
    if x.min() < 0 or x.max() >= V:
        raise ValueError(f"symbols must hold ints in [0, {V}), got {x.min()}..{x.max()}")
    state = np.zeros(x.size - order, dtype=np.int64)  # (T - order,) state before each symbol
    for j in range(order):  # digits oldest first: state = sum x[t - order + j] * V ** (order - 1 - j)
        state = state * V + x[j : x.size - order + j]
    p = source.transitions[state, x[order:]]  # (T - order,)
    with np.errstate(divide="ignore"):
        return float(-np.log2(p).mean())


def markov_sentences(source, n_tokens: int, length: int, rng: np.random.Generator) -> list[list[str]]:
    """Sample ``n_tokens`` consecutive symbols and cut them into "sentences" of ``length``.

    Returns a list of token lists (symbol names like ``"a"``, ``"b"``), the format the
    n-gram models and :func:`learning_curve` take. Long sentences keep the boundary symbols
    ``<s>``/``</s>`` the models add rare: each costs about ``1 / length`` of a token.

    >>> from lmcore.corpus import MarkovSource
    >>> s = markov_sentences(MarkovSource(1, 3, seed=0), 10, 4, np.random.default_rng(0))
    >>> [len(x) for x in s], set(s[0]) <= {"a", "b", "c"}
    ([4, 4, 2], True)
    """
    source = _check_source(source)
    n_tokens = check_int("n_tokens", n_tokens, minimum=1)
    length = check_int("length", length, minimum=1)
    check_memory("n_tokens", 8 * n_tokens)
    names = np.array(source.symbols)
    x = names[source.sample(n_tokens, check_rng("rng", rng))]  # (n_tokens,) symbol names
    return [x[i : i + length].tolist() for i in range(0, n_tokens, length)]


def characters(sentences) -> list[list[str]]:
    """Turn word-tokenized sentences into character tokens (words joined by one space).

    A character-level model has a small, closed alphabet that even a few hundred
    characters of text cover, so its learning curve is not distorted by unseen words.

    >>> characters([["the", "cat"]])
    [['t', 'h', 'e', ' ', 'c', 'a', 't']]
    """
    return [list(" ".join(s)) for s in check_sentences("sentences", sentences)]


# ---------------------------------------------------------------------------- a neural learner
def _examples(sentences, index: dict[str, int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """``neural_lm.make_examples`` without the Python loop: contexts (N, n), targets (N,)."""
    from lmcore.ngram import EOS, UNK

    V = len(index)
    bos, unk = V, index[UNK]
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))  # (S,)
    ids = np.fromiter((index.get(w, unk) for s in sentences for w in s), dtype=np.int64,
                      count=int(lengths.sum()))  # (W,) every word, in order
    block = lengths + n + 1  # (S,) n start symbols, the words, one end symbol
    first = np.cumsum(block) - block + n  # (S,) position of each sentence's first word
    within = np.arange(ids.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # (W,)
    flat = np.full(int(block.sum()), bos, dtype=np.int64)
    flat[np.repeat(first, lengths) + within] = ids
    flat[first + lengths] = index[EOS]
    targets = np.flatnonzero(flat != bos)  # (N,) positions of every word and </s>
    contexts = flat[targets[:, None] + np.arange(-n, 0)]  # (N, n) the n ids before each
    return contexts, flat[targets]


class MLPModel:
    """The MLP language model of notebook 07 behind the n-gram interface, for learning curves.

    ``fit(sentences)`` trains a fresh :class:`lmcore.neural_lm.MLPLM` (Adam, minibatches of
    ``batch_size``, learning rate decaying linearly to 0 over ``steps`` steps, output bias
    started at the unigram frequencies) and ``cross_entropy(sentences)`` returns its held-out
    loss in **bits** per token, on the same predictions as ``NGramModel.cross_entropy``
    (every token and every ``</s>``).

    The vocabulary is fixed when the model is made (build it from the *whole* training set),
    so models trained on more or less data predict over the same words. ``steps`` is fixed
    too: a small model with a fixed budget of steps sees every example many times on a small
    training set, and not even once on a large one, where its curve is limited by compute.

    >>> from lmcore.neural_lm import build_vocab
    >>> train = [["a", "b", "a", "b"]] * 20
    >>> m = MLPModel(build_vocab(train), context_size=1, steps=50).fit(train)
    >>> m.cross_entropy([["a", "b"]]) < 1.0   # after 'a' comes 'b': nearly certain
    True
    """

    def __init__(self, vocab, context_size: int = 3, embed_dim: int = 16, hidden: int = 32,
                 weight_decay: float = 3e-4, steps: int = 200, batch_size: int = 256,
                 lr: float = 0.03, seed: int = 0):
        from lmcore.neural_lm import _check_vocab

        self.vocab = tuple(check_list("vocab", vocab, "a tuple of words (from build_vocab)"))
        self._index = _check_vocab(self.vocab)
        self.context_size = check_int("context_size", context_size, minimum=1)
        self.embed_dim = check_int("embed_dim", embed_dim, minimum=1)
        self.hidden = check_int("hidden", hidden, minimum=1)
        self.weight_decay = check_float("weight_decay", weight_decay, minimum=0)
        self.steps = check_int("steps", steps, minimum=1)
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        self.lr = check_float("lr", lr, minimum=0, min_inclusive=False)
        self.seed = check_int("seed", seed, minimum=0)
        self.model = None

    def __repr__(self) -> str:
        return (f"MLPModel(V={len(self.vocab)}, context_size={self.context_size}, "
                f"embed_dim={self.embed_dim}, hidden={self.hidden}, steps={self.steps})")

    def fit(self, sentences) -> MLPModel:
        """Train a fresh MLP on ``sentences`` (list of token lists); return self."""
        from lmcore.neural_lm import MLPLM
        from lmcore.training import train

        data = _examples(check_sentences("sentences", sentences), self._index, self.context_size)
        self.model = MLPLM(len(self.vocab), context_size=self.context_size, embed_dim=self.embed_dim,
                           hidden=self.hidden, weight_decay=self.weight_decay,
                           rng=np.random.default_rng(self.seed))
        self.model.start_from_unigram(data[1])
        train(self.model, data, optimizer="adam", lr=self.lr, steps=self.steps,
              batch_size=self.batch_size, rng=np.random.default_rng(self.seed + 1),
              eval_every=self.steps, schedule="linear", progress=False)
        return self

    @property
    def n_params(self) -> int:
        """Number of trainable weights (after :meth:`fit`)."""
        if self.model is None:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")
        return self.model.n_params

    def cross_entropy(self, sentences) -> float:
        """Held-out loss in bits per token (the network's nats divided by ln 2)."""
        if self.model is None:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")
        data = _examples(check_sentences("sentences", sentences), self._index, self.context_size)
        return self.model.loss(*data) / math.log(2)
