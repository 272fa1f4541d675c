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

Data: :func:`load_reviews` reads ``lmcore/data/reviews.tsv``, 850 short reviews written for
this course (see ``lmcore/data/REVIEWS.md``). A larger public labelled set, the UCI
Sentiment Labelled Sentences, comes from :func:`lmcore.datasets.uci_sentiment` (downloaded
only when called, verified, cached), parsed by :func:`read_labelled_sentences`.

The models are scikit-learn pipelines, the library the slide uses; this module adds the
evaluation and the read-outs (weights, per-word contributions, confusion matrix).

>>> texts, labels, domains = load_reviews()
>>> len(texts), int(labels.sum()), sorted(set(domains))[:2]
(850, 425, ['books', 'films'])
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from lmcore._checks import check_array, check_float, check_int, check_list, read_text_file
from lmcore.corpus import words
from lmcore.datasets import default_cache_dir  # noqa: F401 (moved there; kept importable here)

#: Class names, indexed by label: 0 = negative, 1 = positive.
LABELS = ("negative", "positive")

#: Words that flip or cancel what follows them (used to pick out the "negation" reviews).
NEGATIONS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "nor", "neither",
                       "cannot", "without", "hardly", "don't", "doesn't", "didn't", "isn't",
                       "wasn't", "won't", "can't", "couldn't", "wouldn't"})

#: Solver settings used everywhere, so no fit stops early with a ConvergenceWarning.
SOLVER = {"solver": "newton-cg", "max_iter": 1000, "tol": 1e-6}


class Reviews(NamedTuple):
    """Labelled reviews: ``texts`` (list of str), ``labels`` (int array, 1 = positive),
    ``domains`` (list of str, e.g. ``"films"``)."""

    texts: list[str]
    labels: np.ndarray
    domains: list[str]


# --------------------------------------------------------------------------- the bundled set


def load_reviews(path=None) -> Reviews:
    """Read the course's labelled reviews (``label<TAB>domain<TAB>text`` with a header line).

    Args:
        path: a TSV file in that format; ``None`` reads the bundled ``data/reviews.tsv``.

    Returns:
        ``Reviews(texts, labels, domains)``, in file order; ``labels`` is an int array of 0/1.

    >>> r = load_reviews()
    >>> r.labels[0], r.domains[0], r.texts[0][:24]
    (np.int64(1), 'films', 'A warm, funny film that ')
    """
    if path is None:
        raw = resources.files("lmcore").joinpath("data", "reviews.tsv").read_text("utf-8")
    else:
        raw = read_text_file(path)  # clear errors that name the file; a UTF-8 BOM is fine
    lines = raw.splitlines()
    if not lines or lines[0] != "label\tdomain\ttext":
        where = "path" if path is None else f"path {str(path)!r}"
        raise ValueError(f"{where} must point to a TSV file whose first line is 'label<TAB>domain<TAB>text'")
    texts, labels, domains = [], [], []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ("0", "1") or not parts[1] or not parts[2].strip():
            raise ValueError(f"path: line {number} is not 'label<TAB>domain<TAB>text' with "
                             f"label 0 or 1: {line[:60]!r}")
        labels.append(int(parts[0]))
        domains.append(parts[1])
        texts.append(parts[2])
    if not texts:
        raise ValueError("path holds a header but no reviews")
    return Reviews(texts, np.array(labels, dtype=np.int64), domains)


# --------------------------------------------------------------------- a larger public set


def read_labelled_sentences(path) -> Reviews:
    """Parse the UCI "Sentiment Labelled Sentences" zip archive (Kotzias et al., 2015).

    Every member named ``*_labelled.txt`` holds lines ``sentence<TAB>label`` (label 0 or 1);
    its domain is the first word of the file name (``amazon``, ``imdb``, ``yelp``). Members
    are read in sorted order; macOS metadata (``__MACOSX/``) is skipped.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"path {path.name!r} is not a readable zip archive: {exc}") from None
    texts, labels, domains = [], [], []
    with archive:
        members = sorted(n for n in archive.namelist() if n.endswith("_labelled.txt")
                         and not n.startswith("__MACOSX") and not Path(n).name.startswith("._"))
        if not members:
            raise ValueError(f"path {path.name!r} holds no '*_labelled.txt' file")
        for member in members:
            domain = Path(member).name.removesuffix("_labelled.txt").split("_")[0]
            data = archive.read(member)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                sentence, tab, label = line.rstrip().rpartition("\t")
                if not tab or label.strip() not in ("0", "1") or not sentence.strip():
                    raise ValueError(f"path: {member} line {number} is not "
                                     f"'sentence<TAB>0|1': {line[:60]!r}")
                texts.append(sentence.strip())
                labels.append(int(label))
                domains.append(domain)
    return Reviews(texts, np.array(labels, dtype=np.int64), domains)


# ------------------------------------------------------------------------------- modelling


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
    if (not isinstance(ngram_range, tuple) or len(ngram_range) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in ngram_range)
            or not 1 <= ngram_range[0] <= ngram_range[1]):
        raise ValueError(f"ngram_range must be a tuple (low, high) of ints with 1 <= low <= "
                         f"high, got {ngram_range!r}")
    if not isinstance(tfidf, bool):
        raise TypeError(f"tfidf must be True or False, got {type(tfidf).__name__}")
    C = check_float("C", C, minimum=0, min_inclusive=False)
    if stop_words not in (None, "english"):
        raise ValueError(f"stop_words must be None or 'english', got {stop_words!r}")
    vectorizer = (TfidfVectorizer if tfidf else CountVectorizer)(ngram_range=ngram_range,
                                                                 stop_words=stop_words)
    return Pipeline([("vectorizer", vectorizer),
                     ("classifier", LogisticRegression(C=C, **SOLVER))])


def _check_data(texts, labels, folds: int | None = None):
    texts = check_list("texts", texts, "a list of strings (one review each)")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings (one review each)")
    texts = list(texts)
    labels = np.asarray(labels)
    if labels.shape != (len(texts),):
        raise ValueError(f"labels must hold one label per text: {len(texts)} texts, "
                         f"labels of shape {labels.shape}")
    if labels.size == 0 or not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 (negative) or 1 (positive), and not empty")
    labels = labels.astype(np.int64)
    if folds is not None:
        smallest = int(min(np.sum(labels == 0), np.sum(labels == 1)))
        if smallest < 2:
            raise ValueError("labels must hold at least 2 examples of each class")
        folds = check_int("folds", folds, minimum=2, maximum=smallest)
    return texts, labels, folds


def _check_pipeline(pipeline) -> None:
    if not all(callable(getattr(pipeline, m, None)) for m in ("fit", "predict")):
        raise TypeError(f"pipeline must be a scikit-learn estimator with fit and predict, "
                        f"got {type(pipeline).__name__}")


def _splits(labels: np.ndarray, folds: int, seed: int):
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def fold_accuracies(pipeline, texts, labels, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Accuracy (share in [0, 1]) on each held-out fold of stratified k-fold CV; shape ``(folds,)``.

    A fresh copy of ``pipeline`` (``sklearn.base.clone``) is fitted on the other folds each
    time, vocabulary included, so nothing about the held-out reviews leaks into training.
    """
    _check_pipeline(pipeline)
    texts, labels, folds = _check_data(texts, labels, folds)
    scores = []
    for train, test in _splits(labels, folds, seed):
        model = clone(pipeline).fit([texts[i] for i in train], labels[train])
        predicted = model.predict([texts[i] for i in test])
        scores.append(float(np.mean(predicted == labels[test])))
    return np.array(scores)


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


def cross_validated_probabilities(pipeline, texts, labels, folds: int = 5,
                                  seed: int = 0) -> np.ndarray:
    """P(positive) of every review from the model that did *not* see it; shape ``(len(texts),)``.

    Same folds as :func:`evaluate`. The predicted label is ``probability > 0.5``.
    """
    _check_pipeline(pipeline)
    texts, labels, folds = _check_data(texts, labels, folds)
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


class RegularisationCurve(NamedTuple):
    """Accuracy against C: arrays of shape ``(len(Cs),)``, accuracies as shares in [0, 1]."""

    Cs: np.ndarray
    cv_mean: np.ndarray
    cv_std: np.ndarray
    train_mean: np.ndarray


def regularisation_curve(texts, labels, Cs, folds: int = 5, seed: int = 0,
                         ngram_range=(1, 1)) -> RegularisationCurve:
    """Cross-validated (and training) accuracy of :func:`bag_of_words_pipeline` for each C.

    Equivalent to calling :func:`evaluate` once per C, but each fold's vocabulary is built
    once and shared by all values of C (it does not depend on C), so it is ~2x faster.
    """
    texts, labels, folds = _check_data(texts, labels, check_int("folds", folds, minimum=2))
    Cs = check_array("Cs", Cs)
    if Cs.ndim != 1 or Cs.size == 0 or not np.all(np.isfinite(Cs)) or np.any(Cs <= 0):
        raise ValueError("Cs must be a non-empty 1-D sequence of positive numbers")
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


def _fitted_parts(pipeline):
    try:
        vectorizer, model = pipeline.named_steps["vectorizer"], pipeline.named_steps["classifier"]
        names = vectorizer.get_feature_names_out()
        weights = model.coef_[0]
    except (AttributeError, KeyError, TypeError, ValueError):
        raise TypeError("pipeline must be a fitted bag_of_words_pipeline(...)") from None
    return vectorizer, model, names, weights


def top_words(pipeline, k: int = 10) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The ``k`` most positive and ``k`` most negative features of a fitted pipeline.

    Returns ``(positive, negative)``, lists of ``(feature, weight)``; a weight is the change
    in log-odds (nats) of "positive" per occurrence. Ties are broken alphabetically.

    >>> p = bag_of_words_pipeline().fit(["good fun", "bad day", "good day"], [1, 0, 1])
    >>> [w for w, _ in top_words(p, 1)[0]], [w for w, _ in top_words(p, 1)[1]]
    (['good'], ['bad'])
    """
    k = check_int("k", k, minimum=1)
    _, _, names, weights = _fitted_parts(pipeline)
    positive = sorted(range(len(names)), key=lambda j: (-weights[j], names[j]))[:k]
    negative = sorted(range(len(names)), key=lambda j: (weights[j], names[j]))[:k]
    return ([(str(names[j]), float(weights[j])) for j in positive],
            [(str(names[j]), float(weights[j])) for j in negative])


def word_contributions(pipeline, text: str) -> list[tuple[str, float]]:
    """How much each feature of ``text`` pushes a fitted pipeline towards "positive".

    Returns ``(feature, value * weight)`` pairs in nats of log-odds, largest magnitude first
    (ties alphabetically); features the model never saw contribute nothing and are left
    out. Their sum plus the intercept is the model's log-odds ``decision_function(text)``.

    >>> p = bag_of_words_pipeline().fit(["good fun", "bad day", "good day"], [1, 0, 1])
    >>> [w for w, _ in word_contributions(p, "a good day, not bad")]
    ['bad', 'good', 'day']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    vectorizer, _, names, weights = _fitted_parts(pipeline)
    row = vectorizer.transform([text]).tocsr()  # (1, vocabulary size), sparse
    pairs = [(str(names[j]), float(v * weights[j])) for j, v in zip(row.indices, row.data)]
    return sorted(pairs, key=lambda p: (-abs(p[1]), p[0]))


def has_negation(text: str) -> bool:
    """True if ``text`` holds a negation word (:data:`NEGATIONS`): not, no, never, ...

    >>> has_negation("Not bad at all"), has_negation("Nothing works"), has_negation("Great")
    (True, True, False)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return any(w in NEGATIONS for w in words(text))
