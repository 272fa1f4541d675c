"""Wilson intervals against scipy; Miller-Madow against closed forms and brute force."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from lmcore import information
from lmcore.entropy_estimators import miller_madow_conditional_entropy, miller_madow_entropy
from lmcore.intervals import wilson_interval


@pytest.mark.parametrize("k, n, confidence", [(0, 10, 0.95), (3, 10, 0.95), (43, 100, 0.95),
                                              (100, 100, 0.9), (69, 300, 0.99), (1, 1, 0.5)])
def test_wilson_matches_scipy(k, n, confidence):
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    low, high = wilson_interval(k, n, confidence)
    assert low == pytest.approx(ci.low, abs=1e-12)
    assert high == pytest.approx(ci.high, abs=1e-12)


def test_wilson_covers_about_95_percent():
    rng = np.random.default_rng(0)
    p, n = 0.3, 200
    hits = [wilson_interval(int(k), n)[0] <= p <= wilson_interval(int(k), n)[1]
            for k in rng.binomial(n, p, size=2000)]
    assert 0.93 < np.mean(hits) < 0.97


@pytest.mark.parametrize("args, error, name", [((5, 0), ValueError, "trials"),
                                               ((11, 10), ValueError, "successes"),
                                               ((1.5, 10), TypeError, "successes"),
                                               ((1, 10, 1.0), ValueError, "confidence")])
def test_wilson_bad_input(args, error, name):
    with pytest.raises(error, match=name):
        wilson_interval(*args)


def test_miller_madow_closed_form_against_scipy():
    counts = {"a": 5, "b": 3, "c": 1, "d": 0}
    expected = stats.entropy([5, 3, 1], base=2) + (3 - 1) / (2 * 9 * math.log(2))
    assert miller_madow_entropy(counts) == pytest.approx(expected, rel=1e-12)


def test_miller_madow_removes_most_of_the_exact_bias():
    """Exact expectation of the plug-in entropy over every sample of N draws (multinomial)."""
    p = np.array([0.5, 0.3, 0.2])
    true_h = stats.entropy(p, base=2)
    n = 12
    expected_plug, expected_mm = 0.0, 0.0
    for a in range(n + 1):  # every possible count vector (a, b, n - a - b)
        for b in range(n + 1 - a):
            counts = [a, b, n - a - b]
            weight = stats.multinomial.pmf(counts, n, p)
            expected_plug += weight * stats.entropy(counts, base=2)
            expected_mm += weight * miller_madow_entropy(counts)
    assert expected_plug < true_h - 0.05  # the plug-in is clearly biased low
    assert abs(expected_mm - true_h) < 0.3 * abs(expected_plug - true_h)


def brute_force_conditional(text, k):
    pairs = Counter(tuple(text[i - k:i + 1]) for i in range(k, len(text)))
    contexts = Counter(tuple(text[i - k:i]) for i in range(k, len(text)))
    m = len(text) - k
    h = -sum(c / m * math.log2(c / contexts[p[:-1]]) for p, c in pairs.items())
    return h + (len(pairs) - len(contexts)) / (2 * m * math.log(2))


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_miller_madow_conditional_equals_plug_in_plus_correction(k):
    rng = np.random.default_rng(k)
    text = "".join(rng.choice(list("abcd"), size=300))
    mm = miller_madow_conditional_entropy(text, k)
    assert mm == pytest.approx(brute_force_conditional(text, k), rel=1e-12)
    # the plug-in part is lmcore.information's estimate
    joint = len({text[i - k:i + 1] for i in range(k, len(text))})
    ctx = len({text[i - k:i] for i in range(k, len(text))})
    correction = (joint - ctx) / (2 * (len(text) - k) * math.log(2))
    assert mm - correction == pytest.approx(information.conditional_entropy(text, k), rel=1e-9)


def test_miller_madow_bad_input():
    with pytest.raises(ValueError, match="counts"):
        miller_madow_entropy([0, 0])
    with pytest.raises(ValueError, match="counts"):
        miller_madow_entropy([1, -1])
    with pytest.raises(TypeError, match="counts"):
        miller_madow_entropy("abc")
    with pytest.raises(ValueError, match="text"):
        miller_madow_conditional_entropy("ab", 2)
    with pytest.raises(TypeError, match="text"):
        miller_madow_conditional_entropy(5, 1)


def test_miller_madow_conditional_takes_arrays_and_refuses_unhashable_symbols():
    x = np.random.default_rng(0).integers(0, 3, size=200)
    assert miller_madow_conditional_entropy(x, 1) == pytest.approx(
        miller_madow_conditional_entropy(x.tolist(), 1))
    with pytest.raises(TypeError, match="text"):
        miller_madow_conditional_entropy([[1], [2], [3]], 1)
