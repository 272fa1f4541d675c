"""Sentiment analysis with a bag of words, and how to measure it honestly.

A *bag of words* forgets word order: a review becomes a vector of counts, one entry per
word of the vocabulary. *Logistic regression* then learns one weight ``w_j`` per word and
a bias ``b``, and reads a review ``x`` as positive with probability

    P(positive | x) = sigmoid(b + sum_j w_j x_j),   sigmoid(z) = 1 / (1 + exp(-z))

so each word pushes the verdict up (``great``) or down (``terrible``) by its weight, in
nats of log-odds. Word pairs (bigrams) let the model see ``not good`` as one feature
instead of ``not`` plus ``good``. The regularisation strength ``C`` (scikit-learn's name;
*smaller C = stronger* L2 penalty on the weights) trades fitting the training reviews
against generalising to new ones.

The number that matters is accuracy on reviews the model has never seen. One small test
split is a noisy estimate (on five examples, one test review gives 0 % or 100 %), so we use
*stratified k-fold cross-validation*: shuffle, cut the data into ``k`` folds with the same
share of positives in each, train on ``k - 1`` folds, score on the one left out, and report
the mean and standard deviation of the ``k`` accuracies (:func:`evaluate`).

Data: :mod:`lmcore.reviews` reads the course's 850 labelled reviews (:func:`load_reviews`,
re-exported here) and the public UCI sentences.

The models are scikit-learn pipelines, the library the slide uses; this module adds the
evaluation and the read-outs (weights, per-word contributions, confusion matrix).

>>> texts, labels, domains = load_reviews()
>>> len(texts), int(labels.sum()), sorted(set(domains))[:2]
(850, 425, ['books', 'films'])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from lmcore._checks import check_array, check_list
from lmcore.reviews import LABELS, NEGATIONS, Reviews, has_negation, load_reviews, read_labelled_sentences
from lmcore.validation import Bool, Choice, Custom, Float, Int, Rule, Str, validate

__all__ = [
    "SOLVER", "bag_of_words_pipeline", "fold_accuracies", "evaluate",
    "cross_validated_probabilities", "confusion_matrix", "RegularisationCurve",
    "regularisation_curve", "top_words", "word_contributions",
    # re-exported from lmcore.reviews
    "LABELS", "NEGATIONS", "Reviews", "load_reviews", "read_labelled_sentences", "has_negation",
]

#: Solver settings used everywhere, so no fit stops early with a ConvergenceWarning.
SOLVER = {"solver": "newton-cg", "max_iter": 1000, "tol": 1e-6}


# ------------------------------------------------------------------------ argument rules
def _ngram_range(name, value):
    if (not isinstance(value, tuple) or len(value) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
            or not 1 <= value[0] <= value[1]):
        raise ValueError(f"{name} must be a tuple (low, high) of ints with 1 <= low <= high, "
                         f"got {value!r}")
    return value


def _estimator(name, value):
    if not all(callable(getattr(value, m, None)) for m in ("fit", "predict")):
        raise TypeError(f"{name} must be a scikit-learn estimator with fit and predict, "
                        f"got {type(value).__name__}")
    return value


def _fitted_pipeline(name, value):
    try:
        value.named_steps["vectorizer"].get_feature_names_out()
        value.named_steps["classifier"].coef_[0]
    except (AttributeError, KeyError, TypeError, ValueError):
        raise TypeError(f"{name} must be a fitted bag_of_words_pipeline(...)") from None
    return value


#: Rules: a scikit-learn estimator (fit and predict); a fitted bag_of_words_pipeline.
ESTIMATOR, FITTED_PIPELINE = Custom(_estimator), Custom(_fitted_pipeline)


def _texts(name, value) -> list[str]:
    texts = check_list(name, value, "a list of strings (one review each)")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError(f"{name} must be a list of strings (one review each)")
    return texts


class Labels(Rule):
    """0/1 labels, one per text of the argument ``texts`` (checked before), as an int array;
    ``folds=True``: at least 2 of each class, so a stratified split is possible."""

    def __init__(self, folds=False):
        super().__init__()
        self.folds = folds

    def check(self, name, value, checked):
        labels, n = np.asarray(value), len(checked["texts"])
        if labels.shape != (n,):
            raise ValueError(f"{name} must hold one label per text: {n} texts, "
                             f"{name} of shape {labels.shape}")
        if labels.size == 0 or not np.isin(labels, (0, 1)).all():
            raise ValueError(f"{name} must be 0 (negative) or 1 (positive), and not empty")
        if self.folds and min(np.sum(labels == 0), np.sum(labels == 1)) < 2:
            raise ValueError(f"{name} must hold at least 2 examples of each class")
        return labels.astype(np.int64)


def _smallest_class(arguments) -> int:
    """The upper bound of ``folds``: every fold needs an example of each class."""
    labels = arguments["labels"]
    return int(min(np.sum(labels == 0), np.sum(labels == 1)))


#: The rules of the cross-validating functions: a model, its data, the folds and the seed.
CV_RULES = dict(texts=Custom(_texts), labels=Labels(folds=True), folds=Int(min=2, max=_smallest_class),
                seed=Int(min=0, max=2**32 - 1))


# ------------------------------------------------------------------------------- modelling
@validate(ngram_range=Custom(_ngram_range), tfidf=Bool(), C=Float(min=0, open_min=True),
          stop_words=Choice(None, "english"))
def bag_of_words_pipeline(ngram_range=(1, 1), tfidf: bool = False, C: float = 1.0,
                          stop_words=None) -> Pipeline:
    """A scikit-learn pipeline: word counts (or TF-IDF) -> logistic regression.

    Args:
        ngram_range: ``(1, 1)`` unigrams, ``(1, 2)`` unigrams and bigrams.
        tfidf: weight counts by inverse document frequency (and normalise each review).
        C: inverse regularisation strength (> 0; smaller = stronger L2 penalty).
        stop_words: ``None`` or ``"english"`` (scikit-learn's list, which removes "not").

    >>> p = bag_of_words_pipeline((1, 2)).fit(["good", "not good", "bad"], [1, 0, 0])
    >>> list(p.named_steps["vectorizer"].get_feature_names_out())
    ['bad', 'good', 'not', 'not good']
    """
    vectorizer = (TfidfVectorizer if tfidf else CountVectorizer)(ngram_range=ngram_range,
                                                                 stop_words=stop_words)
    return Pipeline([("vectorizer", vectorizer),
                     ("classifier", LogisticRegression(C=C, **SOLVER))])


@validate(pipeline=ESTIMATOR, **CV_RULES)
def fold_accuracies(pipeline, texts, labels, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Accuracy (share in [0, 1]) on each held-out fold of stratified k-fold CV; shape ``(folds,)``.

    A fresh copy of ``pipeline`` (``sklearn.base.clone``) is fitted on the other folds each
    time, vocabulary included, so nothing about the held-out reviews leaks into training.

    >>> texts = ["good", "great fun", "bad", "awful day", "good day", "bad fun"]
    >>> fold_accuracies(bag_of_words_pipeline(), texts, [1, 1, 0, 0, 1, 0], folds=2).shape
    (2,)
    """
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = []
    for train, test in splitter.split(texts, labels):  # each fold's share of positives alike
        model = clone(pipeline).fit([texts[i] for i in train], labels[train])
        predicted = model.predict([texts[i] for i in test])
        scores.append(float(np.mean(predicted == labels[test])))
    return np.array(scores)


def _splits(labels: np.ndarray, folds: int, seed: int):
    """The folds of :func:`fold_accuracies` (checked arguments)."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def evaluate(pipeline, texts, labels, folds: int = 5, seed: int = 0) -> tuple[float, float]:
    """Stratified ``folds``-fold cross-validated accuracy: ``(mean, standard deviation)``.

    The folds come from ``StratifiedKFold(folds, shuffle=True, random_state=seed)``; the
    standard deviation is over the ``folds`` accuracies (``ddof=0``, like ``numpy.std``).

    >>> r = load_reviews()
    >>> mean, std = evaluate(bag_of_words_pipeline(), r.texts, r.labels, folds=5)
    >>> 0.7 < mean < 0.9
    True
    """
    scores = fold_accuracies(pipeline, texts, labels, folds, seed)
    return float(scores.mean()), float(scores.std())


@validate(pipeline=ESTIMATOR, **CV_RULES)
def cross_validated_probabilities(pipeline, texts, labels, folds: int = 5,
                                  seed: int = 0) -> np.ndarray:
    """P(positive) of every review from the model that did *not* see it; shape ``(len(texts),)``.

    Same folds as :func:`evaluate`. The predicted label is ``probability > 0.5``.
    """
    out = np.empty(len(texts))
    for train, test in _splits(labels, folds, seed):
        model = clone(pipeline).fit([texts[i] for i in train], labels[train])
        out[test] = model.predict_proba([texts[i] for i in test])[:, 1]
    return out


def confusion_matrix(labels, predicted) -> np.ndarray:
    """2 x 2 counts: rows are the true label (0, 1), columns the predicted one (0, 1).

    >>> confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]).tolist()
    [[1, 1], [1, 2]]
    """
    labels = np.asarray(labels)
    predicted = np.asarray(predicted)
    for name, arr in (("labels", labels), ("predicted", predicted)):
        if arr.ndim != 1 or arr.size == 0 or not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name} must be a non-empty 1-D sequence of 0/1 labels")
    if labels.shape != predicted.shape:
        raise ValueError(f"predicted must have the shape of labels {labels.shape}, "
                         f"got {predicted.shape}")
    matrix = np.zeros((2, 2), dtype=np.int64)
    np.add.at(matrix, (labels.astype(int), predicted.astype(int)), 1)
    return matrix


def _positive_values(name, value) -> np.ndarray:
    values = check_array(name, value)
    if values.ndim != 1 or values.size == 0 or np.any(values <= 0):
        raise ValueError(f"{name} must be a non-empty 1-D sequence of positive numbers")
    return values


class RegularisationCurve(NamedTuple):
    """Accuracy against C: arrays of shape ``(len(Cs),)``, accuracies as shares in [0, 1]."""

    Cs: np.ndarray
    cv_mean: np.ndarray
    cv_std: np.ndarray
    train_mean: np.ndarray


@validate(texts=Custom(_texts), labels=Labels(folds=True), Cs=Custom(_positive_values),
          folds=Int(min=2, max=_smallest_class), seed=Int(min=0, max=2**32 - 1),
          ngram_range=Custom(_ngram_range))
def regularisation_curve(texts, labels, Cs, folds: int = 5, seed: int = 0,
                         ngram_range=(1, 1)) -> RegularisationCurve:
    """Cross-validated (and training) accuracy of :func:`bag_of_words_pipeline` for each C.

    Equivalent to calling :func:`evaluate` once per C, but each fold's vocabulary is built
    once and shared by all values of C (it does not depend on C), so it is ~2x faster.
    """
    test_acc = np.zeros((Cs.size, folds))  # (C, fold)
    train_acc = np.zeros((Cs.size, folds))  # (C, fold)
    template = bag_of_words_pipeline(ngram_range)
    for f, (train, test) in enumerate(_splits(labels, folds, seed)):
        vectorizer = clone(template.named_steps["vectorizer"])
        x_train = vectorizer.fit_transform([texts[i] for i in train])
        x_test = vectorizer.transform([texts[i] for i in test])
        for c, C in enumerate(Cs):
            model = LogisticRegression(C=float(C), **SOLVER).fit(x_train, labels[train])
            test_acc[c, f] = np.mean(model.predict(x_test) == labels[test])
            train_acc[c, f] = np.mean(model.predict(x_train) == labels[train])
    return RegularisationCurve(Cs, test_acc.mean(axis=1), test_acc.std(axis=1),
                               train_acc.mean(axis=1))


# ------------------------------------------------------------------------------- read-outs
@validate(pipeline=FITTED_PIPELINE, k=Int(min=1))
def top_words(pipeline, k: int = 10) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The ``k`` most positive and ``k`` most negative features of a fitted pipeline.

    Returns ``(positive, negative)``, lists of ``(feature, weight)``; a weight is the change
    in log-odds (nats) of "positive" per occurrence. Ties are broken alphabetically.

    >>> p = bag_of_words_pipeline().fit(["good fun", "bad day", "good day"], [1, 0, 1])
    >>> [w for w, _ in top_words(p, 1)[0]], [w for w, _ in top_words(p, 1)[1]]
    (['good'], ['bad'])
    """
    names = pipeline.named_steps["vectorizer"].get_feature_names_out()
    weights = pipeline.named_steps["classifier"].coef_[0]  # (vocabulary size,)
    positive = sorted(range(len(names)), key=lambda j: (-weights[j], names[j]))[:k]
    negative = sorted(range(len(names)), key=lambda j: (weights[j], names[j]))[:k]
    return ([(str(names[j]), float(weights[j])) for j in positive],
            [(str(names[j]), float(weights[j])) for j in negative])


@validate(pipeline=FITTED_PIPELINE, text=Str())
def word_contributions(pipeline, text: str) -> list[tuple[str, float]]:
    """How much each feature of ``text`` pushes a fitted pipeline towards "positive".

    Returns ``(feature, value * weight)`` pairs in nats of log-odds, largest magnitude first
    (ties alphabetically); features the model never saw contribute nothing and are left
    out. Their sum plus the intercept is the model's log-odds ``decision_function(text)``.

    >>> p = bag_of_words_pipeline().fit(["good fun", "bad day", "good day"], [1, 0, 1])
    >>> [w for w, _ in word_contributions(p, "a good day, not bad")]
    ['bad', 'good', 'day']
    """
    vectorizer = pipeline.named_steps["vectorizer"]
    weights = pipeline.named_steps["classifier"].coef_[0]  # (vocabulary size,) nats per count
    names = vectorizer.get_feature_names_out()
    row = vectorizer.transform([text]).tocsr()  # (1, vocabulary size), sparse: the text's counts
    pairs = [(str(names[j]), float(value * weights[j])) for j, value in zip(row.indices, row.data)]
    return sorted(pairs, key=lambda pair: (-abs(pair[1]), pair[0]))
