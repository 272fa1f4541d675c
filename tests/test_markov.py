"""lmcore.markov.MarkovSource: a synthetic language whose entropy rate is known exactly.

References: the stationary distribution from numpy's eigen-decomposition and from power
iteration, scipy.stats.entropy for each state's distribution, and Monte-Carlo estimates from
long samples.
"""

import math
from collections import Counter

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore.markov import MarkovSource


def transition_matrix(source):
    """State-to-state matrix built with plain loops over states and symbols."""
    V, S = source.vocab_size, source.n_states
    T = np.zeros((S, S))
    for s in range(S):
        for y in range(V):
            T[s, (s * V + y) % S] += source.transitions[s, y]
    return T


def stationary_by_eigenvector(source):
    values, vectors = np.linalg.eig(transition_matrix(source).T)
    v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    return v / v.sum()


def reference_rate(source):
    pi = stationary_by_eigenvector(source)
    rows = [scipy.stats.entropy(row, base=2) for row in source.transitions]
    return float(pi @ rows)


def monte_carlo_rate(source, symbols):
    """Mean -log2 P(x_t | previous order symbols) along a sample, and its standard error."""
    V, o = source.vocab_size, source.order
    states = np.zeros(len(symbols) - o, dtype=np.int64)
    for i in range(o):
        states = states * V + symbols[i:len(symbols) - o + i]
    surprise = -np.log2(source.transitions[states, symbols[o:]])
    return surprise.mean(), surprise.std() / math.sqrt(len(surprise))


class TestEntropyRate:
    @pytest.mark.parametrize("order, V, c", [(0, 5, 1.0), (1, 8, 0.5), (2, 4, 0.3), (3, 3, 1.0),
                                             (2, 8, 0.5), (1, 27, 0.2)])
    def test_agrees_with_a_monte_carlo_estimate_from_a_long_sample(self, order, V, c):
        source = MarkovSource(order=order, vocab_size=V, seed=0, concentration=c)
        symbols = source.sample(200_000, np.random.default_rng(1))
        estimate, stderr = monte_carlo_rate(source, symbols)
        assert abs(estimate - source.entropy_rate()) < 4 * stderr + 1e-3

    @settings(max_examples=25, deadline=None)
    @given(st.integers(0, 3), st.integers(2, 6), st.integers(0, 1000),
           st.sampled_from([0.05, 0.3, 1.0, 5.0]))
    def test_equals_the_eigenvector_reference(self, order, V, seed, c):
        if V**order > 1024:
            return
        source = MarkovSource(order=order, vocab_size=V, seed=seed, concentration=c)
        # near-deterministic chains (concentration 0.05) make the eigenproblem ill-conditioned:
        # there the two methods agree to about 1e-6 of a rate of 1e-4 bits, not to 1e-8
        assert source.entropy_rate() == pytest.approx(reference_rate(source), rel=1e-5, abs=1e-10)
        assert 0 <= source.entropy_rate() <= math.log2(V) + 1e-12

    def test_order_zero_is_the_entropy_of_its_one_distribution(self):
        source = MarkovSource(order=0, vocab_size=6, seed=4, concentration=2.0)
        assert source.n_states == 1
        assert source.entropy_rate() == pytest.approx(
            scipy.stats.entropy(source.transitions[0], base=2), rel=1e-12)

    def test_concentration_moves_the_rate_between_0_and_log_v(self):
        rates = [MarkovSource(1, 8, seed=0, concentration=c).entropy_rate()
                 for c in (0.01, 0.1, 1.0, 10.0, 100.0)]
        assert rates == sorted(rates)
        assert rates[0] < 0.5 and rates[-1] > math.log2(8) - 0.01


class TestStationaryAndSampling:
    def test_stationary_solves_pi_t_equals_pi(self):
        source = MarkovSource(order=2, vocab_size=5, seed=3, concentration=0.5)
        pi = source.stationary()
        T = transition_matrix(source)
        np.testing.assert_allclose(pi @ T, pi, atol=1e-12)
        np.testing.assert_allclose(pi, stationary_by_eigenvector(source), atol=1e-10)
        power = np.full(source.n_states, 1 / source.n_states)
        for _ in range(5000):
            power = power @ T
        np.testing.assert_allclose(pi, power, atol=1e-9)
        assert pi.sum() == pytest.approx(1.0) and pi.min() >= 0

    def test_sample_visits_states_with_the_stationary_frequencies(self):
        source = MarkovSource(order=1, vocab_size=4, seed=2, concentration=1.0)
        symbols = source.sample(100_000, np.random.default_rng(5))
        freq = np.bincount(symbols, minlength=4) / len(symbols)
        np.testing.assert_allclose(freq, source.stationary(), atol=0.01)

    def test_transitions_rows_are_distributions(self):
        source = MarkovSource(order=2, vocab_size=6, seed=1, concentration=0.1)
        assert source.transitions.shape == (36, 6)
        np.testing.assert_allclose(source.transitions.sum(axis=1), 1.0, atol=1e-12)

    def test_seeded_and_deterministic(self):
        a = MarkovSource(order=2, vocab_size=4, seed=7, concentration=0.5)
        b = MarkovSource(order=2, vocab_size=4, seed=7, concentration=0.5)
        np.testing.assert_array_equal(a.transitions, b.transitions)
        x = a.sample(500, np.random.default_rng(3))
        np.testing.assert_array_equal(x, b.sample(500, np.random.default_rng(3)))
        assert x.dtype == np.int64 and x.min() >= 0 and x.max() < 4
        assert not np.array_equal(
            a.transitions, MarkovSource(order=2, vocab_size=4, seed=8, concentration=0.5).transitions)

    def test_only_allowed_transitions_occur(self):
        # a nearly deterministic source: every observed next symbol has non-negligible mass
        source = MarkovSource(order=1, vocab_size=5, seed=0, concentration=0.05)
        x = source.sample(20_000, np.random.default_rng(0))
        pairs = Counter(zip(x[:-1].tolist(), x[1:].tolist()))
        for (a, b), c in pairs.items():
            assert source.transitions[a, b] > 0
            assert c / 20_000 < source.stationary()[a] * source.transitions[a, b] * 3 + 0.005

    @pytest.mark.parametrize("n", [1, 2, 3])
    def test_short_samples(self, n):
        source = MarkovSource(order=3, vocab_size=3, seed=0)
        assert len(source.sample(n, np.random.default_rng(0))) == n

    def test_symbols_and_repr(self):
        assert MarkovSource(1, 3).symbols == ("a", "b", "c")
        assert MarkovSource(1, 30).symbols[:2] == ("s0", "s1")
        assert repr(MarkovSource(2, 8, 0, 0.5)) == (
            "MarkovSource(order=2, vocab_size=8, seed=0, concentration=0.5)")


class TestNotebookNumbers:
    def test_nb02_nb03_source(self):
        source = MarkovSource(order=2, vocab_size=8, seed=0, concentration=0.5)
        rate = reference_rate(source)
        assert source.entropy_rate() == pytest.approx(rate, rel=1e-10)
        assert round(rate, 4) == 2.2450 and round(2**rate, 3) == 4.740

    def test_nb02_concentration_table(self):
        expected = {0.01: 0.388, 0.1: 1.027, 1.0: 2.483, 10.0: 2.948, 100.0: 2.995}
        for c, value in expected.items():
            assert round(reference_rate(MarkovSource(1, 8, seed=0, concentration=c)), 3) == value


@pytest.mark.parametrize("kwargs, exc, name", [
    ({"order": -1}, ValueError, "order"), ({"order": 1.0}, TypeError, "order"),
    ({"vocab_size": 1}, ValueError, "vocab_size"), ({"order": 4, "vocab_size": 8}, ValueError,
                                                   "vocab_size"),
    ({"seed": -1}, ValueError, "seed"), ({"concentration": 0}, ValueError, "concentration"),
    ({"concentration": 1e4}, ValueError, "concentration"),
    ({"concentration": "1"}, TypeError, "concentration"),
])
def test_bad_construction(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        MarkovSource(**kwargs)


def test_bad_sample_arguments():
    source = MarkovSource(1, 4)
    with pytest.raises(ValueError, match="n_tokens"):
        source.sample(0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        source.sample(10, 0)
