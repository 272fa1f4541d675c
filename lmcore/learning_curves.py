"""Learning curves: held-out loss of fresh models trained on growing amounts of data.

:func:`learning_curve` trains a new model on each of a list of training sizes (prefixes of
one shuffled training set, :func:`training_prefixes`) and scores it on held-out text; the
curve is then fitted with :func:`lmcore.scaling.fit_power_law`. :func:`characters` turns
word sentences into letters (a small, closed alphabet), and :class:`MLPModel` puts notebook
07's neural model behind the n-gram interface so both give curves the same way.
"""

from __future__ import annotations

import math

import numpy as np

from lmcore._checks import check_int, check_list
from lmcore.validation import Custom, Float, Function, Int, List, Rng, Sentences, validate

__all__ = ["learning_curve", "training_prefixes", "characters", "MLPModel"]


def _sizes(name, value) -> list[int]:
    """A rule: a non-empty increasing list of token counts >= 1."""
    sizes = [check_int(f"{name}[]", s, minimum=1) for s in check_list(name, value, "a list of token counts")]
    if not sizes or sizes != sorted(sizes):
        raise ValueError(f"{name} must be a non-empty increasing list of token counts, got {sizes}")
    return sizes


def _train_test(name, value):
    """A rule: a pair (train_sentences, test_sentences), both non-empty."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{name} must be a pair (train_sentences, test_sentences)")
    train, test = list(value[0]), list(value[1])
    if not train or not test:
        raise ValueError(f"{name} must hold non-empty train and test sentence lists")
    return train, test


@validate(model_factory=Function("a function returning a new model"),
          corpus=Custom(_train_test), sizes=Custom(_sizes), rng=Rng())
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
    train, test = corpus
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


@validate(train=Sentences(), sizes=Custom(_sizes), rng=Rng())
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
    total = sum(len(s) for s in train)
    if sizes[-1] > total:
        raise ValueError(f"sizes must be a non-empty increasing list of at most {total} tokens, got {sizes}")
    return _prefixes(train, sizes, rng)


@validate(sentences=Sentences())
def characters(sentences) -> list[list[str]]:
    """Turn word-tokenized sentences into character tokens (words joined by one space).

    A character-level model has a small, closed alphabet that even a few hundred
    characters of text cover, so its learning curve is not distorted by unseen words.

    >>> characters([["the", "cat"]])
    [['t', 'h', 'e', ' ', 'c', 'a', 't']]
    """
    return [list(" ".join(s)) for s in sentences]


# ---------------------------------------------------------------------------- a neural learner
def _examples(sentences, index: dict[str, int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """``lm_data.make_examples`` without the Python loop: contexts (N, n), targets (N,)."""
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

    >>> from lmcore.lm_data import build_vocab
    >>> train = [["a", "b", "a", "b"]] * 20
    >>> m = MLPModel(build_vocab(train), context_size=1, steps=50).fit(train)
    >>> m.cross_entropy([["a", "b"]]) < 1.0   # after 'a' comes 'b': nearly certain
    True
    """

    @validate(vocab=List("a tuple of words (from build_vocab)"), context_size=Int(min=1),
              embed_dim=Int(min=1), hidden=Int(min=1), weight_decay=Float(min=0), steps=Int(min=1),
              batch_size=Int(min=1), lr=Float(min=0, open_min=True), seed=Int(min=0))
    def __init__(self, vocab, context_size: int = 3, embed_dim: int = 16, hidden: int = 32,
                 weight_decay: float = 3e-4, steps: int = 200, batch_size: int = 256,
                 lr: float = 0.03, seed: int = 0):
        from lmcore.lm_data import vocab_index

        self.vocab = tuple(vocab)
        self._index = vocab_index(self.vocab)
        self.context_size, self.embed_dim, self.hidden = context_size, embed_dim, hidden
        self.weight_decay, self.steps, self.batch_size, self.lr = weight_decay, steps, batch_size, lr
        self.seed = seed
        self.model = None

    def __repr__(self) -> str:
        return (f"MLPModel(V={len(self.vocab)}, context_size={self.context_size}, "
                f"embed_dim={self.embed_dim}, hidden={self.hidden}, steps={self.steps})")

    @validate(sentences=Sentences())
    def fit(self, sentences) -> MLPModel:
        """Train a fresh MLP on ``sentences`` (list of token lists); return self."""
        from lmcore.neural_lm import MLPLM
        from lmcore.training import train

        data = _examples(sentences, self._index, self.context_size)
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

    @validate(sentences=Sentences())
    def cross_entropy(self, sentences) -> float:
        """Held-out loss in bits per token (the network's nats divided by ln 2)."""
        if self.model is None:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")
        data = _examples(sentences, self._index, self.context_size)
        return self.model.loss(*data) / math.log(2)
