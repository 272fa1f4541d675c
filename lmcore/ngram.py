"""N-gram language models: predict the next word from the previous ``n - 1`` words.

An n-gram model estimates ``P(word | context)`` from counts. With maximum likelihood (MLE)

    P(w | c) = count(c, w) / count(c)

which gives probability 0 to anything not seen in training. Smoothing moves a little
probability to the unseen: *add-k* (Laplace at k = 1) pretends every word was seen k more
times; *interpolated Kneser-Ney* subtracts a discount ``d`` from every seen count and hands
the freed mass to a lower-order model built from how many different contexts a word
follows (Kneser and Ney, 1995; Chen and Goodman, 1998; see :mod:`lmcore.kneser_ney`).

Sentences are padded with ``n - 1`` start symbols ``<s>`` and one end symbol ``</s>``, so
the model also learns how sentences begin and end. A word never seen in training is read
as ``<unk>``. Probabilities are plain floats; cross-entropy is in bits per token.

This module is the one to read: dicts, Counters and loops, each smoothing formula written
once, in :meth:`NGramModel.prob`. :class:`lmcore.ngram_fast.NGramModel` computes the same
numbers on sorted integer codes, fast enough to sweep orders and smoothings; a property test
holds the two equal.

>>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "dog", "sat"]])
>>> m.prob("cat", ["the"])
0.5
>>> m.distribution("the")
{'cat': 0.5, 'dog': 0.5}
"""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np

from lmcore import information
from lmcore._checks import check_array, check_list, check_memory, check_tokens
from lmcore.kneser_ney import BOS, DISCOUNT, EOS, UNK, kneser_ney_counts, kneser_ney_probability
from lmcore.validation import Choice, Custom, Float, Int, Mapping, Rng, Sentences, Tokens, Words, validate

__all__ = ["BOS", "EOS", "UNK", "SMOOTHING", "ngram_counts", "conditional_probabilities", "pad",
           "NGramModel", "sample_sentences", "verbatim_share"]

SMOOTHING = ("mle", "add-k", "kneser-ney")


def _positive_ks(name, ks):
    """The pseudo-counts of an add-k sweep: a non-empty 1-D array of numbers > 0."""
    ks = np.atleast_1d(check_array(name, ks))
    if ks.ndim != 1 or ks.size == 0 or not np.all(np.isfinite(ks)) or np.any(ks <= 0):
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers > 0, got {ks!r}")
    return ks


KS = Custom(_positive_ks)  # the rule of add_k_perplexities' ks (shared with lmcore.ngram_fast)


@validate(tokens=Words(reserved=True, spaces=False), n=Int(min=1))
def ngram_counts(tokens, n: int) -> dict[str, dict[str, int]]:
    """Count which word follows each context of ``n - 1`` words.

    Returns a dict of dicts: ``counts[context][word]``, where ``context`` is the ``n - 1``
    previous words joined by single spaces (``""`` for ``n = 1``; a token may hold no space).
    Contexts and words appear in the order they are first met. No sentence padding: this is
    the raw count table.

    >>> ngram_counts("the cat sat on the mat".split(), 2)
    {'the': {'cat': 1, 'mat': 1}, 'cat': {'sat': 1}, 'sat': {'on': 1}, 'on': {'the': 1}}
    """
    counts: dict[str, dict[str, int]] = {}
    for i in range(len(tokens) - n + 1):
        context = " ".join(tokens[i : i + n - 1])
        word = tokens[i + n - 1]
        following = counts.setdefault(context, {})
        following[word] = following.get(word, 0) + 1
    return counts


def _count_rows(name, counts):
    """A count table {context: {word: count >= 0}} whose every row has a positive total."""
    for context, following in Mapping()(name, counts, {}).items():
        if not isinstance(following, dict) or not following:
            raise ValueError(f"{name}[{context!r}] must be a non-empty dict of word counts")
        if any(not isinstance(c, numbers.Integral) or isinstance(c, bool) or c < 0
               for c in following.values()):
            raise ValueError(f"{name}[{context!r}] must hold non-negative integer counts")
        if sum(following.values()) == 0:
            raise ValueError(f"{name}[{context!r}] has a total count of 0")
    return counts


#: The rule of a count table: ``{context: {word: count >= 0}}``, every row with a positive total.
COUNT_TABLE = Custom(_count_rows)


@validate(counts=COUNT_TABLE)
def conditional_probabilities(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    """Turn a count table from :func:`ngram_counts` into ``P(word | context)`` by division.

    >>> conditional_probabilities({"the": {"cat": 1, "mat": 3}})
    {'the': {'cat': 0.25, 'mat': 0.75}}
    """
    probs = {}
    for context, following in counts.items():
        total = sum(following.values())
        probs[context] = {word: int(c) / int(total) for word, c in following.items()}
    return probs


@validate(sentence=Tokens(), n=Int(min=1))
def pad(sentence, n: int) -> list[str]:
    """Add ``n - 1`` start symbols and one end symbol to a sentence.

    >>> pad(["hi"], 3)
    ['<s>', '<s>', 'hi', '</s>']
    """
    check_memory("n", n + len(sentence))
    return [BOS] * (n - 1) + sentence + [EOS]


class NGramModel:
    """An n-gram language model fitted on tokenized sentences, built from Counters.

    Args:
        n: order (1 = unigram, 2 = bigram, ...), an integer >= 1.
        smoothing: ``"mle"`` (no smoothing), ``"add-k"`` or ``"kneser-ney"``.
        k: the pseudo-count of add-k smoothing, > 0 (k = 1 is Laplace smoothing).
        discount: the absolute discount of Kneser-Ney, in (0, 1).

    After :meth:`fit`: ``vocab`` is the sorted tuple of words the model can predict (every
    training word, plus ``</s>`` and ``<unk>``), ``index[word]`` a word's position in it, and
    ``counts[m][context]`` the Counters of :func:`lmcore.kneser_ney.kneser_ney_counts` (raw
    counts at order n). Every distribution is over ``vocab``.

    >>> m = NGramModel(2, smoothing="add-k", k=1).fit([["a", "b"]])
    >>> m.vocab
    ('</s>', '<unk>', 'a', 'b')
    >>> round(m.prob("b", "a"), 3)   # (1 + 1) / (1 + 1 * 4)
    0.4
    >>> round(m.with_smoothing("add-k", k=0.5).prob("b", "a"), 3)   # (1 + 0.5) / (1 + 0.5 * 4)
    0.5
    """

    @validate(n=Int(min=1), smoothing=Choice(*SMOOTHING), k=Float(min=0, open_min=True),
              discount=DISCOUNT)
    def __init__(self, n: int, smoothing: str = "mle", k: float = 1.0, discount: float = 0.75):
        self.n, self.smoothing, self.k, self.discount = n, smoothing, k, discount
        self.vocab: tuple[str, ...] = ()  # filled by fit
        self.index: dict[str, int] = {}

    def __repr__(self) -> str:
        extra = {"mle": "", "add-k": f", k={self.k:g}", "kneser-ney": f", discount={self.discount:g}"}
        fitted = f", vocab={len(self.vocab)}" if self.vocab else ", unfitted"
        return f"NGramModel(n={self.n}, smoothing={self.smoothing!r}{extra[self.smoothing]}{fitted})"

    @validate(sentences=Sentences(words=True))
    def fit(self, sentences) -> NGramModel:
        """Count every n-gram of the padded ``sentences`` (a list of token lists); return self."""
        self.counts = kneser_ney_counts(sentences, self.n)
        self.vocab = tuple(sorted({w for s in sentences for w in s} | {EOS, UNK}))
        self.index = {w: i for i, w in enumerate(self.vocab)}
        return self

    def with_smoothing(self, smoothing: str, k: float = 1.0, discount: float = 0.75) -> NGramModel:
        """Return a model with other smoothing that reads this model's counts (shared, no refit).

        Cheap: use it to sweep ``k`` or ``discount`` without counting the text again. Nothing
        ever changes fitted counts (``fit`` builds new ones), so sharing them is safe.
        """
        self._require_fitted()
        other = type(self)(self.n, smoothing=smoothing, k=k, discount=discount)
        other.vocab, other.index, other.counts = self.vocab, self.index, self.counts
        return other

    def _require_fitted(self):
        if not self.vocab:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")

    def _context(self, context) -> tuple[str, ...]:
        """Accept a context as a list of tokens or a space-separated string."""
        self._require_fitted()
        context = tuple(check_tokens("context", context.split() if isinstance(context, str) else context))
        if len(context) != self.n - 1:
            raise ValueError(f"context must hold exactly n - 1 = {self.n - 1} tokens for this "
                             f"{self.n}-gram model, got {len(context)}: {list(context)}")
        return context

    def query(self, word, context=()) -> tuple[str, tuple[str, ...]]:
        """The checked ``(word, context)`` that :meth:`prob` reads: an unknown word is ``<unk>``.

        >>> NGramModel(2).fit([["a", "b"]]).query("zebra", "a")
        ('<unk>', ('a',))
        """
        context = self._context(context)
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        return (word if word in self.index else UNK), context

    def _windows(self, sentences):
        """Every ``(context, word)`` the padded ``sentences`` predict, words and ``</s>``."""
        for sentence in sentences:
            padded = [BOS] * (self.n - 1) + sentence + [EOS]
            for i in range(self.n - 1, len(padded)):
                yield tuple(padded[i - self.n + 1 : i]), padded[i]

    # ------------------------------------------------------------------ probabilities
    def prob(self, word: str, context=()) -> float:
        """Return ``P(word | context)``; ``context`` is the ``n - 1`` previous tokens (list or str).

        >>> m = NGramModel(2, smoothing="kneser-ney", discount=0.5).fit([["a", "b"], ["a", "c"]])
        >>> round(m.prob("b", ["a"]), 4)   # (1 - 0.5) / 2 + 0.5 * 2 / 2 * P1(b), P1(b) = 0.18
        0.34
        """
        word, context = self.query(word, context)  # an unknown word is read as <unk>
        following = self.counts[self.n].get(context, Counter())  # words seen after context
        total = sum(following.values())
        if self.smoothing == "mle":
            return following[word] / total if total else 0.0
        if self.smoothing == "add-k":
            return (following[word] + self.k) / (total + self.k * len(self.vocab))
        return kneser_ney_probability(word, context, self.counts, self.discount, len(self.vocab))

    def probabilities(self, context=()) -> np.ndarray:
        """Return ``P(w | context)`` for every ``w`` in ``vocab``, as a float array of shape (V,)."""
        context = self._context(context)
        if self.smoothing == "mle" and context not in self.counts[self.n]:
            raise ValueError(f"context {list(context)} was never seen in training, so an MLE model "
                             "has no distribution there (0/0); use smoothing='add-k' or 'kneser-ney'")
        return np.array([self.prob(w, context) for w in self.vocab])

    def distribution(self, context=()) -> dict[str, float]:
        """Return ``{word: P(word | context)}``, most probable first (ties alphabetical).

        Sums to 1. MLE models list only the words seen after ``context``; smoothed models
        list the whole vocabulary. An MLE model raises ``ValueError`` for a context it
        never saw.
        """
        p = self.probabilities(context)
        order = sorted((i for i in range(len(p)) if p[i] > 0), key=lambda i: (-p[i], self.vocab[i]))
        return {self.vocab[i]: float(p[i]) for i in order}

    # ------------------------------------------------------------------ using the model
    @validate(rng=Rng(), max_words=Int(min=1))
    def generate(self, rng: np.random.Generator, max_words: int = 30) -> str:
        """Sample one sentence word by word until ``</s>`` or ``max_words`` words.

        ``rng`` is a ``np.random.default_rng(seed)``: the same seed gives the same text.
        """
        history = [BOS] * (self.n - 1)
        out: list[str] = []
        while len(out) < max_words:
            p = self.probabilities(history[len(history) - (self.n - 1) :] if self.n > 1 else ())
            word = self.vocab[int(rng.choice(len(p), p=p))]
            if word == EOS:
                break
            out.append(word)
            history.append(word)
        return " ".join(out)

    @validate(sentences=Sentences())
    def token_probabilities(self, sentences) -> np.ndarray:
        """Return ``P(word | context)`` for every word and ``</s>`` of ``sentences``, shape (N,)."""
        return np.array([self.prob(word, context) for context, word in self._windows(sentences)])

    @validate(sentences=Sentences(), ks=KS)
    def add_k_perplexities(self, sentences, ks) -> np.ndarray:
        """Perplexity on ``sentences`` of this model's counts under add-k smoothing, per ``k``.

        Works whatever this model's own ``smoothing`` is; returns shape (K,) for ``ks`` of
        shape (K,), each ``k > 0``.

        >>> m = NGramModel(1).fit([["a", "b"]])    # counts a: 1, b: 1, </s>: 1; V = 4
        >>> m.add_k_perplexities([["a"]], [1.0]).round(6).tolist()  # P(a) = P(</s>) = 2/7
        [3.5]
        """
        return np.array([self.with_smoothing("add-k", k=float(k)).perplexity(sentences) for k in ks])

    def cross_entropy(self, sentences) -> float:
        """Average ``-log2 P(word | context)`` over every predicted token, in bits per token.

        ``inf`` when the model gives some token probability 0 (MLE on unseen text).
        Computed by :func:`lmcore.information.cross_entropy`.
        """
        self._require_fitted()
        return information.cross_entropy(self.token_probabilities(sentences), base=2)

    def perplexity(self, sentences) -> float:
        """Return ``2 ** cross_entropy``: the model is as unsure as a fair die with this many sides.

        Returns ``inf`` (never NaN) when some token gets probability 0.
        Computed by :func:`lmcore.information.perplexity`.
        """
        self._require_fitted()
        return information.perplexity(self.token_probabilities(sentences))

    @validate(sentences=Sentences())
    def coverage(self, sentences) -> float:
        """Share of the n-grams of ``sentences`` (padded) that were seen in training, in [0, 1]."""
        self._require_fitted()
        grams = [(ctx, word if word in self.index else UNK) for ctx, word in self._windows(sentences)]
        return sum(w in self.counts[self.n].get(ctx, ()) for ctx, w in grams) / len(grams)


def _fitted_model(name, model):
    if not isinstance(model, NGramModel):
        raise TypeError(f"{name} must be a fitted NGramModel, got {type(model).__name__}")
    if not model.vocab:
        raise ValueError(f"{name} is not fitted yet: call {name}.fit(sentences) first")
    return model


#: The rule of a model argument: an NGramModel (plain or fast) that has been fitted.
FITTED_MODEL = Custom(_fitted_model)


@validate(model=FITTED_MODEL, seed=Int(min=0), count=Int(min=1, max=10_000), max_words=Int(min=1))
def sample_sentences(model: NGramModel, seed: int, count: int = 3, max_words: int = 25) -> list[str]:
    """``count`` sentences from ``model.generate``, all drawn from ``np.random.default_rng(seed)``.

    >>> sample_sentences(NGramModel(2).fit([["a", "b"]]), seed=0, count=2)   # always 'a b'
    ['a b', 'a b']
    """
    rng = np.random.default_rng(seed)
    return [model.generate(rng, max_words=max_words) for _ in range(count)]


def verbatim_share(generated, sentences) -> float:
    """Share of ``generated`` sentences that occur word for word among ``sentences``, in [0, 1].

    Both are lists of token lists (or of strings, compared after splitting on spaces). A
    high share means the model is reciting its training text rather than composing.

    >>> verbatim_share([["the", "cat"], ["a", "dog"]], [["the", "cat"], ["the", "dog"]])
    0.5
    """
    def as_tuple(name, s):
        return tuple(s.split()) if isinstance(s, str) else tuple(check_tokens(name, s))

    if isinstance(generated, str) or isinstance(sentences, str):
        raise TypeError("generated and sentences must be lists of sentences, not a single string")
    generated = [as_tuple("generated", g) for g in check_list("generated", generated, "a list of sentences")]
    if not generated:
        raise ValueError("generated is empty: give at least one sentence")
    known = {as_tuple("sentences", s) for s in check_list("sentences", sentences, "a list of sentences")}
    return sum(g in known for g in generated) / len(generated)
