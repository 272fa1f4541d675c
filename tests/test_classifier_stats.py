"""lmcore.classifier_stats against scikit-learn and scipy, and notebook 12's measured weaknesses."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from lmcore.classifier_stats import (
    leave_one_domain_out,
    lexicon_predict,
    mcnemar_exact,
    nested_choice,
    precision_recall_f1,
    short_ending,
)
from lmcore.sentiment import bag_of_words_pipeline, load_reviews


@pytest.mark.parametrize("seed", range(20))
def test_precision_recall_f1_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    labels, predicted = rng.integers(0, 2, n), rng.integers(0, 2, n)
    want = precision_recall_fscore_support(labels, predicted, average="binary", pos_label=1,
                                           zero_division=0)[:3]
    assert precision_recall_f1(labels, predicted) == pytest.approx(want)


@pytest.mark.parametrize("seed", range(20))
def test_mcnemar_matches_scipy_binomtest(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 200))
    a, b = rng.random(n) < 0.7, rng.random(n) < rng.uniform(0.5, 0.9)
    got_b, got_c, p = mcnemar_exact(a, b)
    assert got_b == int(np.sum(a & ~b)) and got_c == int(np.sum(~a & b))
    want = binomtest(got_b, got_b + got_c, 0.5).pvalue if got_b + got_c else 1.0
    assert p == pytest.approx(want, rel=1e-9)


def test_mcnemar_known_values():
    # 10 discordant items all one way: p = 2 / 2**10
    assert mcnemar_exact([1] * 10 + [0] * 5, [0] * 10 + [0] * 5) == (10, 0, pytest.approx(2 / 1024))
    assert mcnemar_exact([1, 0], [1, 0]) == (0, 0, 1.0)


def test_lexicon_and_short_ending():
    got = lexicon_predict(["Great food!", "Terrible, terrible, good.", "The sushi was warm."],
                          ["great", "good"], ["terrible"])
    assert got.tolist() == [1, 0, 1]
    assert short_ending("The room was small. Loved it!")
    assert not short_ending("The room was small but we loved every minute of it.")
    assert not short_ending("Loved it.")
    assert short_ending("It broke. Never again, ever, ever.", max_words=4)


def test_nested_choice_equals_grid_search_per_outer_fold():
    texts, labels, _ = load_reviews()
    idx = np.random.default_rng(0).permutation(len(texts))[:300]
    texts, labels = [texts[i] for i in idx], labels[idx]
    grid = [0.1, 1.0, 10.0]
    acc, chosen = nested_choice(lambda c: bag_of_words_pipeline(C=c), grid, texts, labels,
                                folds=3, inner_folds=3, seed=0)
    t = np.array(texts, dtype=object)
    for k, (tr, te) in enumerate(StratifiedKFold(3, shuffle=True, random_state=0).split(t, labels)):
        search = GridSearchCV(bag_of_words_pipeline(), {"classifier__C": grid},
                              cv=StratifiedKFold(3, shuffle=True, random_state=0))
        search.fit(list(t[tr]), labels[tr])
        assert chosen[k] == search.best_params_["classifier__C"]
        assert acc[k] == pytest.approx(search.score(list(t[te]), labels[te]))


def test_notebook_12_weaknesses_of_the_reviews():
    texts, labels, domains = load_reviews()
    assert sum(short_ending(t) for t in texts) == 285
    cross = leave_one_domain_out(bag_of_words_pipeline(), texts, labels, domains)
    assert sorted(cross) == ["books", "films", "gadgets", "hotels", "restaurants"]
    for domain, acc in cross.items():  # recomputed by hand for one domain
        if domain == "films":
            test = np.array(domains) == "films"
            model = bag_of_words_pipeline().fit([t for t, m in zip(texts, test) if not m], labels[~test])
            assert acc == pytest.approx(model.score([t for t, m in zip(texts, test) if m], labels[test]))
    assert np.mean(list(cross.values())) > 0.80  # higher than the 78.2% in-domain estimate


def test_bad_input():
    with pytest.raises(ValueError, match="labels"):
        precision_recall_f1([0, 2], [0, 1])
    with pytest.raises(ValueError, match="differ in length"):
        mcnemar_exact([0, 1], [1])
    with pytest.raises(TypeError, match="texts"):
        lexicon_predict("great", ["great"], ["bad"])
    with pytest.raises(ValueError, match="overlap"):
        lexicon_predict(["x"], ["good"], ["good"])
    with pytest.raises(ValueError, match="max_words"):
        short_ending("A. B.", max_words=0)
    with pytest.raises(ValueError, match="grid"):
        nested_choice(lambda c: bag_of_words_pipeline(C=c), [], ["a", "b"], [0, 1])


def test_notebook_12_bigrams_on_negation_are_not_significant():
    from lmcore.sentiment import cross_validated_probabilities, has_negation

    texts, labels, _ = load_reviews()
    negated = np.array([has_negation(t) for t in texts])
    uni = cross_validated_probabilities(bag_of_words_pipeline(), texts, labels, folds=5, seed=0) > 0.5
    bi = cross_validated_probabilities(bag_of_words_pipeline(ngram_range=(1, 2)), texts, labels,
                                       folds=5, seed=0) > 0.5
    uni_ok, bi_ok = (uni == labels)[negated], (bi == labels)[negated]
    b, c, p = mcnemar_exact(uni_ok, bi_ok)
    assert (negated.sum(), b, c) == (141, 4, 10)
    assert p == pytest.approx(binomtest(4, 14, 0.5).pvalue) and round(p, 2) == 0.18
    pr = precision_recall_f1(labels, uni.astype(int))
    assert [round(100 * x, 1) for x in pr] == [78.7, 77.4, 78.1]
