"""Measuring a binary classifier honestly: precision, recall, F1, McNemar's test, a lexicon
baseline, nested choice of a hyperparameter, and leave-one-domain-out transfer.

Labels are 0 (negative) and 1 (positive); "positive" is the class precision and recall
are about. Everything here is plain numpy and loops; ``tests/test_classifier_stats.py``
checks it against scikit-learn and scipy.

>>> precision_recall_f1([1, 1, 0, 0], [1, 0, 1, 0])
(0.5, 0.5, 0.5)
>>> mcnemar_exact([True, True, False], [False, True, True])
(1, 1, 1.0)
"""

from __future__ import annotations

from math import comb

import numpy as np
from scipy.stats import binom
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from lmcore._checks import check_callable, check_int, check_list, check_tokens
from lmcore.corpus import words


def _binary(name: str, values) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {array.shape}")
    if not np.isin(array, [0, 1]).all():
        raise ValueError(f"{name} must hold only 0 and 1 (or False and True)")
    return array.astype(int)


def precision_recall_f1(labels, predicted) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class (1), each a share in [0, 1].

    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = their harmonic mean; a
    share whose denominator is 0 is reported as 0.0 (as scikit-learn's ``zero_division=0``).
    """
    labels, predicted = _binary("labels", labels), _binary("predicted", predicted)
    if len(labels) != len(predicted):
        raise ValueError(f"labels and predicted differ in length: {len(labels)} != {len(predicted)}")
    tp = int(np.sum((labels == 1) & (predicted == 1)))
    fp = int(np.sum((labels == 0) & (predicted == 1)))
    fn = int(np.sum((labels == 1) & (predicted == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def mcnemar_exact(a_correct, b_correct) -> tuple[int, int, float]:
    """McNemar's exact test: do classifiers A and B differ on the same items?

    Only the discordant items count: ``b`` items A gets right and B wrong, ``c`` the other
    way round. Under "no difference" each discordant item goes either way with probability
    1/2, so the two-sided p-value is ``min(1, 2 * P(X <= min(b, c)))`` for X ~ Binomial(b + c, 1/2).

    Returns:
        ``(b, c, p_value)``.
    """
    a_ok = _binary("a_correct", a_correct).astype(bool)
    b_ok = _binary("b_correct", b_correct).astype(bool)
    if len(a_ok) != len(b_ok):
        raise ValueError(f"a_correct and b_correct differ in length: {len(a_ok)} != {len(b_ok)}")
    b, c = int(np.sum(a_ok & ~b_ok)), int(np.sum(~a_ok & b_ok))
    n, k = b + c, min(b, c)
    if n == 0:
        return b, c, 1.0
    # P(X <= k): the exact sum of comb(n, i) / 2**n while it is quick, scipy's beyond that
    tail = sum(comb(n, i) for i in range(k + 1)) / 2**n if n <= 2000 else float(binom.cdf(k, n, 0.5))
    return b, c, min(1.0, 2 * tail)


def lexicon_predict(texts, positive_words, negative_words) -> np.ndarray:
    """A fixed word list as a classifier: 1 if a text has more positive than negative words.

    Words come from :func:`lmcore.corpus.words` (lowercase, punctuation dropped); a tie
    (including no listed word at all) is predicted positive. Returns an int array ``(n,)``.
    """
    texts = check_tokens("texts", texts)  # a list of strings, not one string
    positive = set(check_tokens("positive_words", positive_words))
    negative = set(check_tokens("negative_words", negative_words))
    if positive & negative:
        raise ValueError(f"positive_words and negative_words overlap: {sorted(positive & negative)}")
    out = []
    for text in texts:
        tokens = words(text)
        score = sum(t in positive for t in tokens) - sum(t in negative for t in tokens)
        out.append(1 if score >= 0 else 0)
    return np.array(out, dtype=int)


def short_ending(text: str, max_words: int = 3) -> bool:
    """True if ``text`` has two or more sentences and its last one has at most ``max_words`` words.

    >>> short_ending("Slow service and cold soup. Disappointing."), short_ending("Awful.")
    (True, False)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    max_words = check_int("max_words", max_words, minimum=1)
    pieces = [p for p in text.replace("!", ".").replace("?", ".").split(".") if words(p)]
    return len(pieces) >= 2 and len(words(pieces[-1])) <= max_words


def nested_choice(make_pipeline, grid, texts, labels, folds: int = 5, inner_folds: int = 4,
                  seed: int = 0) -> tuple[np.ndarray, list]:
    """Score a model whose hyperparameter is chosen on dev folds only (nested cross-validation).

    For each of ``folds`` outer folds, every value of ``grid`` is scored by ``inner_folds``-fold
    cross-validation on the outer training part alone (those inner held-out folds are the dev
    sets); the best value (ties: the first in ``grid``) is refitted on the whole training
    part and scored once on the outer test fold. ``make_pipeline(value)`` builds a fresh model.

    Returns:
        ``(accuracies (folds,), chosen values)``: test accuracy per outer fold, in [0, 1].
    """
    check_callable("make_pipeline", make_pipeline, "a function value -> a fresh model")
    grid = check_list("grid", grid)
    if not grid:
        raise ValueError("grid must hold at least one value")
    labels = _binary("labels", labels)
    texts = np.asarray(check_list("texts", texts), dtype=object)
    if len(texts) != len(labels):
        raise ValueError(f"texts and labels differ in length: {len(texts)} != {len(labels)}")
    smallest = int(np.bincount(labels, minlength=2).min())  # every fold needs both classes
    folds = check_int("folds", folds, minimum=2, maximum=max(smallest, 2))
    if smallest < folds:
        raise ValueError(f"labels must hold at least folds = {folds} examples of each class")
    inner_folds = check_int("inner_folds", inner_folds, minimum=2,
                            maximum=max(smallest - -(-smallest // folds), 2))  # least in a train part
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    outer = StratifiedKFold(folds, shuffle=True, random_state=seed)
    accuracies, chosen = [], []
    for train, test in outer.split(texts, labels):
        inner = list(StratifiedKFold(inner_folds, shuffle=True, random_state=seed)
                     .split(texts[train], labels[train]))
        dev_scores = []
        for value in grid:
            scores = [clone(make_pipeline(value)).fit(list(texts[train][a]), labels[train][a])
                      .score(list(texts[train][b]), labels[train][b]) for a, b in inner]
            dev_scores.append(np.mean(scores))
        best = grid[int(np.argmax(dev_scores))]
        model = clone(make_pipeline(best)).fit(list(texts[train]), labels[train])
        accuracies.append(model.score(list(texts[test]), labels[test]))
        chosen.append(best)
    return np.array(accuracies), chosen


def leave_one_domain_out(pipeline, texts, labels, domains) -> dict[str, float]:
    """Accuracy on each domain of a copy of ``pipeline`` trained on all the other domains."""
    if not callable(getattr(pipeline, "get_params", None)):
        raise TypeError(f"pipeline must be a scikit-learn estimator, got {type(pipeline).__name__}")
    labels = _binary("labels", labels)
    texts = np.asarray(check_list("texts", texts), dtype=object)
    domains = np.asarray(check_list("domains", domains))
    if not len(texts) == len(labels) == len(domains):
        raise ValueError("texts, labels and domains must have the same length")
    if len(set(domains.tolist())) < 2:
        raise ValueError("domains must hold at least two domains: one to test, others to train on")
    result = {}
    for domain in sorted(set(domains.tolist())):
        test = domains == domain
        if len(set(labels[~test].tolist())) < 2:
            raise ValueError(f"labels outside domain {domain!r} hold one class only: nothing to learn")
        model = clone(pipeline).fit(list(texts[~test]), labels[~test])
        result[domain] = float(model.score(list(texts[test]), labels[test]))
    return result
