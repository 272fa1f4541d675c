"""The slide's challenges, as small measurements: fluent nonsense, bias, common sense, cost.

A slide can say "language models hallucinate, are biased, lack common sense and are
expensive". A measurement says how much, on what, and how sure we are. Each function here
turns one of those words into a number that can be computed on the course's stories:

- **Fluent nonsense** (hallucination): :func:`novel_ngram_share` is the share of the
  n-grams of generated text that never occur in the training text. A trigram model only ever
  emits trigrams it has seen, yet a large share of its 4-grams are new: every local step is
  fluent, the whole is invented. The opposite failure, reciting the training text word for
  word, is measured by ``lmcore.ngram.verbatim_share``.
- **Bias**: :func:`association` is how much closer (in cosine similarity) a word's embedding
  is to one group of words than to another; :func:`association_test` is the WEAT test of
  Caliskan, Bryson and Narayanan (2017), "Semantics derived automatically from language
  corpora contain human-like biases", *Science* 356: an effect size, and an exact
  permutation p-value that says how often shuffling the target words gives an association
  at least as strong. On a few words from a small corpus, that p-value is the honest part.
  :func:`sentences_with_both` counts the sentences an association could have come from.
- **Common sense**: :func:`pair_preferences` compares the log-probability of a sensible
  sentence and of the same words in an absurd order ("the mat sat on the cat"): a model
  prefers the sensible one only when the word sequences it counted say so.
- **Cost**: :func:`ngram_table_entries` counts what an interpolated n-gram model must store
  (every distinct n-gram of every order up to n), which grows with n; a neural model's cost
  is its number of weights instead, fixed in advance.

>>> novel_ngram_share([["the", "cat", "ran"]], [["the", "cat", "sat"]], 2)
0.5
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from lmcore._checks import check_int, check_list, check_memory, check_sentences, check_tokens
from lmcore.embeddings import Embeddings
from lmcore.ngram import BOS, EOS


def _as_sentences(name: str, sentences) -> list[list[str]]:
    """A list of token lists; a sentence given as a string is split on spaces."""
    if isinstance(sentences, str):
        raise TypeError(f"{name} must be a list of sentences (token lists or strings), not one string")
    sentences = check_list(name, sentences, "a list of sentences (token lists or strings)")
    return check_sentences(name, [s.split() if isinstance(s, str) else s for s in sentences])


def _ngrams(sentence: list[str], n: int):
    return (tuple(sentence[i : i + n]) for i in range(len(sentence) - n + 1))


def novel_ngram_share(generated, training, n: int) -> float:
    """Share of the n-grams of ``generated`` never seen in ``training``, in [0, 1].

    N-grams are read inside each sentence, without boundary symbols; a sentence shorter
    than ``n`` words has none. Every occurrence counts (a novel 4-gram used twice counts
    twice).

    Args:
        generated: list of sentences (token lists, or strings split on spaces).
        training: list of sentences, the text the model was fitted on.
        n: the n-gram length, >= 1.

    >>> novel_ngram_share(["a b c d"], ["a b c", "b c x"], 3)   # 'a b c' seen, 'b c d' new
    0.5
    """
    n = check_int("n", n, minimum=1)
    generated = _as_sentences("generated", generated)
    training = _as_sentences("training", training)
    seen = {g for s in training for g in _ngrams(s, n)}
    grams = [g for s in generated for g in _ngrams(s, n)]
    if not grams:
        raise ValueError(f"generated holds no {n}-gram: every sentence is shorter than n = {n}")
    return sum(g not in seen for g in grams) / len(grams)


# ---------------------------------------------------------------------------- bias
def _unit_rows(embeddings: Embeddings, name: str, words) -> np.ndarray:
    words = check_tokens(name, words)
    if not words:
        raise ValueError(f"{name} must hold at least one word")
    missing = [w for w in words if w not in embeddings]
    if missing:
        raise ValueError(f"{name} holds words without a vector: {missing}")
    rows = embeddings.lookup(words)  # (k, d)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def association(embeddings: Embeddings, word: str, group_a, group_b) -> float:
    """Mean cosine of ``word`` with ``group_a`` minus its mean cosine with ``group_b``.

    Positive: ``word`` sits closer to group A. In [-2, 2]; unitless.

    >>> emb = Embeddings(["x", "a", "b"], [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> association(emb, "x", ["a"], ["b"])
    1.0
    """
    if not isinstance(embeddings, Embeddings):
        raise TypeError("embeddings must be an lmcore.embeddings.Embeddings, "
                        f"got {type(embeddings).__name__}")
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    w = _unit_rows(embeddings, "word", [word])[0]  # (d,)
    a = _unit_rows(embeddings, "group_a", group_a)  # (|A|, d)
    b = _unit_rows(embeddings, "group_b", group_b)  # (|B|, d)
    return float(np.mean(a @ w) - np.mean(b @ w))


@dataclass(frozen=True)
class AssociationTest:
    """Result of :func:`association_test` (WEAT, Caliskan et al. 2017).

    ``statistic``: sum of the X words' associations minus that of the Y words;
    ``effect_size``: difference of their means over the sample standard deviation of all
    X and Y associations (a Cohen's d; |d| of 0.8 or more is "large");
    ``p_value``: share of the equal-size splits of X + Y whose statistic is at least the
    observed one (one-sided, exact, the observed split included); ``n_splits``: how many.
    """

    statistic: float
    effect_size: float
    p_value: float
    n_splits: int
    scores: dict[str, float]


def association_test(embeddings: Embeddings, targets_x, targets_y, group_a, group_b,
                     max_splits: int = 200_000) -> AssociationTest:
    """The WEAT test: are the X words closer to group A (and the Y words to group B)?

    Each target word ``w`` gets ``s(w) = association(embeddings, w, group_a, group_b)``.
    The statistic ``sum_x s(x) - sum_y s(y)`` is compared with its value for every way of
    splitting the ``|X| + |Y|`` target words into two sets of the same sizes: the p-value
    is the share of splits scoring at least as high. With 5 + 5 words there are only 252
    splits, so no p-value can be below 1/252; a small corpus gives noisy vectors, and a large
    effect size on a handful of words can still be chance.

    Args:
        embeddings: an ``Embeddings`` holding every word.
        targets_x, targets_y: the two target lists (distinct words, each non-empty).
        group_a, group_b: the two attribute lists.
        max_splits: refuse (``ValueError``) more splits than this (exact enumeration only).

    >>> emb = Embeddings(["x1", "x2", "y1", "y2", "a", "b"],
    ...                  [[1, 0.1], [1, 0.2], [0.1, 1], [0.2, 1], [1, 0], [0, 1]])
    >>> t = association_test(emb, ["x1", "x2"], ["y1", "y2"], ["a"], ["b"])
    >>> t.n_splits, round(t.p_value, 3), t.effect_size > 1
    (6, 0.167, True)
    """
    if not isinstance(embeddings, Embeddings):
        raise TypeError("embeddings must be an lmcore.embeddings.Embeddings, "
                        f"got {type(embeddings).__name__}")
    x, y = check_tokens("targets_x", targets_x), check_tokens("targets_y", targets_y)
    if not x or not y:
        raise ValueError("targets_x and targets_y must each hold at least one word")
    if len(set(x + y)) != len(x) + len(y):
        raise ValueError("targets_x and targets_y must hold distinct words, none in both")
    max_splits = check_int("max_splits", max_splits, minimum=1)
    words = x + y
    n_splits = math.comb(len(words), len(x))
    if n_splits > max_splits:
        raise ValueError(f"max_splits: {n_splits} splits of the targets exceed {max_splits}")
    a = _unit_rows(embeddings, "group_a", group_a)  # (|A|, d)
    b = _unit_rows(embeddings, "group_b", group_b)  # (|B|, d)
    t = np.vstack([_unit_rows(embeddings, "targets_x", x),
                   _unit_rows(embeddings, "targets_y", y)])  # (|X| + |Y|, d)
    s = (t @ a.T).mean(axis=1) - (t @ b.T).mean(axis=1)  # (|X| + |Y|,) one score per target
    total = s.sum()
    observed = 2 * s[: len(x)].sum() - total  # sum_x s - sum_y s
    stats = np.array([2 * s[list(c)].sum() - total
                      for c in combinations(range(len(words)), len(x))])  # (n_splits,)
    spread = s.std(ddof=1) if len(words) > 1 else 0.0
    effect = (s[: len(x)].mean() - s[len(x):].mean()) / spread if spread > 0 else 0.0
    p = float(np.mean(stats >= observed - 1e-12))  # the tolerance keeps ties on rounding
    return AssociationTest(float(observed), float(effect), p, n_splits,
                           {w: float(v) for w, v in zip(words, s)})


def sentences_with_both(sentences, word: str, group) -> int:
    """How many sentences hold ``word`` and at least one word of ``group``.

    The raw evidence behind an association: if this is a handful, so is the evidence.

    >>> sentences_with_both([["she", "baked"], ["he", "baked", "bread"], ["he"]], "baked", ["he"])
    1
    """
    sentences = _as_sentences("sentences", sentences)
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    group = set(check_tokens("group", group))
    return sum(1 for s in sentences if word in s and not group.isdisjoint(s))


# ---------------------------------------------------------------------------- common sense
def sentence_log_prob(model, sentence) -> float:
    """``log2 P(sentence)`` under an n-gram model: every word and the final ``</s>``, in bits.

    >>> from lmcore.ngram import NGramModel
    >>> m = NGramModel(1).fit([["a", "b"]])      # P(a) = P(b) = P(</s>) = 1/3
    >>> bool(np.isclose(sentence_log_prob(m, "a"), 2 * np.log2(1 / 3)))
    True
    """
    tokens = sentence.split() if isinstance(sentence, str) else check_tokens("sentence", sentence)
    if not hasattr(model, "token_probabilities"):
        raise TypeError(f"model must be a fitted NGramModel, got {type(model).__name__}")
    p = model.token_probabilities([tokens])  # (len + 1,)
    with np.errstate(divide="ignore"):
        return float(np.log2(p).sum())


def pair_preferences(model, pairs) -> np.ndarray:
    """For each ``(sensible, absurd)`` sentence pair: ``log2 P(sensible) - log2 P(absurd)``.

    Positive: the model prefers the sensible sentence, by that many bits (a factor of
    ``2 ** bits`` in probability). Returns a float array of shape (len(pairs),).

    >>> from lmcore.ngram import NGramModel
    >>> m = NGramModel(2, smoothing="add-k").fit([["cats", "chase", "mice"]])
    >>> bool(pair_preferences(m, [("cats chase mice", "mice chase cats")])[0] > 0)
    True
    """
    pairs = check_list("pairs", pairs, "a list of (sensible, absurd) sentence pairs")
    if not pairs or any(not isinstance(p, (tuple, list)) or len(p) != 2 for p in pairs):
        raise ValueError("pairs must be a non-empty list of (sensible, absurd) sentence pairs")
    return np.array([sentence_log_prob(model, a) - sentence_log_prob(model, b) for a, b in pairs])


# ---------------------------------------------------------------------------- interpretability
def next_word_counts(sentences, context) -> Counter:
    """How often each token follows ``context`` in the sentences (padded as for n-grams).

    The whole "reasoning" of a maximum-likelihood n-gram model with ``n = len(context) + 1``:
    ``P(w | context) = counts[w] / sum(counts.values())``. Sentences are padded with
    ``len(context)`` ``<s>`` and one ``</s>``, exactly like ``NGramModel``.

    >>> next_word_counts([["on", "the", "mat"], ["on", "the", "hill"], ["the", "end"]], ["the"])
    Counter({'mat': 1, 'hill': 1, 'end': 1})
    """
    sentences = _as_sentences("sentences", sentences)
    context = tuple(context.split() if isinstance(context, str) else check_tokens("context", context))
    k = len(context)
    out: Counter = Counter()
    for s in sentences:
        padded = [BOS] * k + s + [EOS]
        for i in range(k, len(padded)):
            if tuple(padded[i - k : i]) == context:
                out[padded[i]] += 1
    return out


# ---------------------------------------------------------------------------- cost
def ngram_table_entries(sentences, n: int) -> list[int]:
    """Distinct n-grams an interpolated n-gram model stores, per order: a list of n ints.

    Entry ``m - 1`` counts the distinct m-grams (context of ``m - 1`` words, next word) of
    the sentences padded for an n-gram model (``n - 1`` ``<s>`` and one ``</s>``), which
    is what the count tables of every order up to n hold. Their sum is the size of the
    model; it grows with n until almost every n-gram of the text is its own entry.

    >>> ngram_table_entries([["a", "b", "a", "b"]], 2)   # unigrams a, b, </s>; bigrams
    [3, 4]
    """
    sentences = _as_sentences("sentences", sentences)
    n = check_int("n", n, minimum=1)
    check_memory("n", 8 * n * n * sum(len(s) + n for s in sentences))  # n orders of windows of up to n words
    grams: list[set] = [set() for _ in range(n)]
    for s in sentences:
        padded = (BOS,) * (n - 1) + tuple(s) + (EOS,)
        for m in range(1, n + 1):
            # every predicted position (not a start symbol) with its m - 1 previous tokens
            grams[m - 1].update(zip(*(padded[n - m + j : len(padded) - m + 1 + j] for j in range(m))))
    return [len(g) for g in grams]
