"""lmcore.vocabulary_stats (Zipf's law, the out-of-vocabulary curve) and the numbers notebook 08
prints from them, against numpy, scipy and a Vocabulary built per threshold."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.stats

from lmcore import corpus
from lmcore.tokenizers import Vocabulary
from lmcore.vocabulary_stats import oov_curve, rank_frequency, zipf_fit


@pytest.fixture(scope="module")
def words_split():
    """The notebook's split: 10% of the stories' sentences held out, seed 0, as words."""
    train, test = corpus.train_test_split(corpus.sentences(corpus.load_stories()), 0.1, seed=0)
    return ([w for s in train for w in corpus.words(s)], [w for s in test for w in corpus.words(s)])


def test_oov_curve_matches_a_vocabulary_per_threshold(words_split):
    train, test = words_split
    min_freqs = list(range(1, 21))
    sizes, rates = oov_curve(train, test, min_freqs)
    counts = Counter(train)
    for m in [1, 2, 3, 4, 5, 10, 20]:
        j = min_freqs.index(m)
        assert sizes[j] == len(Vocabulary(train, m)) == 4 + sum(c >= m for c in counts.values())
        brute = sum(counts[w] < m for w in test) / len(test)
        assert rates[j] == pytest.approx(brute, abs=1e-12)
        assert rates[j] == pytest.approx(Vocabulary(train, m).oov_rate(test), abs=1e-12)
    assert np.all(np.diff(sizes) <= 0) and np.all(np.diff(rates) >= 0)
    with pytest.raises(ValueError, match="test_tokens"):
        oov_curve(train, [], [1])
    with pytest.raises(ValueError, match="min_freqs"):
        oov_curve(train, test, [0])



def test_rank_frequency_against_numpy():
    words = corpus.words(corpus.load_stories())
    ranks, freqs = rank_frequency(words)
    _, counts = np.unique(np.array(words), return_counts=True)
    assert freqs.tolist() == sorted(counts.tolist(), reverse=True)
    assert ranks.tolist() == list(range(1, len(counts) + 1))
    assert (freqs.sum(), len(freqs), int((freqs == 1).sum())) == (55227, 3725, 1289)
    assert round(100 * 1289 / 3725) == 35
    assert round(100 * freqs[:3].sum() / freqs.sum(), 1) == 17.0


def test_zipf_fit_matches_scipy_linregress_on_the_stories():
    _, freqs = rank_frequency(corpus.words(corpus.load_stories()))
    slope, intercept = zipf_fit(freqs, max_rank=1000)
    ref = scipy.stats.linregress(np.log10(np.arange(1, 1001)), np.log10(freqs[:1000]))
    assert slope == pytest.approx(ref.slope, rel=1e-10)
    assert intercept == pytest.approx(ref.intercept, rel=1e-10)
    assert np.polyfit(np.log10(np.arange(1, 1001)), np.log10(freqs[:1000]), 1) == pytest.approx(
        [slope, intercept], rel=1e-9)
    assert f"{ref.slope:.3f}" == "-0.990" and f"{10 ** ref.intercept:,.0f}" == "7,316"
    full = scipy.stats.linregress(np.log10(np.arange(1, len(freqs) + 1)), np.log10(freqs))
    assert zipf_fit(freqs)[0] == pytest.approx(full.slope, rel=1e-10)


def test_zipf_fit_bad_input():
    with pytest.raises(ValueError, match="freqs"):
        zipf_fit([5, 0])
    with pytest.raises(ValueError, match="freqs"):
        zipf_fit([1, 5])
    with pytest.raises(ValueError, match="freqs"):
        zipf_fit([5])
    with pytest.raises(ValueError, match="max_rank"):
        zipf_fit([5, 3, 1], max_rank=1)
    with pytest.raises(ValueError, match="tokens"):
        rank_frequency([])


