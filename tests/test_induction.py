"""The repeated-segment language: its exact entropy against brute-force enumeration."""

import itertools
import math
from collections import defaultdict

import numpy as np
import pytest

from lmcore.induction import InductionTask, head_scores, previous_occurrence_targets


def enumerate_language(task):
    """Every sequence of the language with its probability, by listing them all."""
    probs = defaultdict(float)
    ms = range(task.min_segment, task.max_segment + 1)
    for m in ms:
        for segment in itertools.permutations(range(task.alphabet), m):
            period = [*segment, task.separator]
            seq = tuple(period[i % len(period)] for i in range(task.length))
            probs[seq] += 1 / len(ms) / math.perm(task.alphabet, m)
    return probs


@pytest.mark.parametrize("task", [InductionTask(4, 1, 3, 6), InductionTask(5, 2, 4, 9),
                                  InductionTask(3, 3, 3, 5)])
def test_position_entropy_equals_brute_force(task):
    probs = enumerate_language(task)
    assert sum(probs.values()) == pytest.approx(1.0)
    prefix = defaultdict(float)  # P(first k tokens), for every k
    for seq, p in probs.items():
        for k in range(task.length + 1):
            prefix[seq[:k]] += p
    want = [sum(-p * math.log(prefix[seq[:k + 1]] / prefix[seq[:k]]) for seq, p in probs.items())
            for k in range(1, task.length)]
    assert np.allclose(task.position_entropy(), want, atol=1e-12)
    assert task.entropy_floor() == pytest.approx(np.mean(want), abs=1e-12)


def test_sequences_follow_the_rules():
    task = InductionTask(alphabet=10, min_segment=3, max_segment=6, length=20)
    seqs = task.sequences(200, np.random.default_rng(0))
    assert seqs.shape == (200, 20)
    lengths = set()
    for row in seqs:
        m = int(np.flatnonzero(row == task.separator)[0])
        lengths.add(m)
        assert len(set(row[:m])) == m  # distinct symbols in the segment
        assert all(row[i] == row[i - m - 1] for i in range(m + 1, 20))  # periodic
    assert lengths == {3, 4, 5, 6}
    assert np.array_equal(seqs, task.sequences(200, np.random.default_rng(0)))


def test_true_source_scores_near_its_floor_and_exactly_on_a_known_row():
    task = InductionTask(alphabet=4, min_segment=1, max_segment=3, length=6)
    probs = enumerate_language(task)
    # the exact expected score of the source over the enumerated language is the floor
    seqs = np.array(list(probs))
    weights = np.array(list(probs.values()))
    per_row = [task.true_log_loss(row[None]) for row in seqs]
    assert np.dot(weights, per_row) == pytest.approx(task.entropy_floor(), abs=1e-12)
    # one row by hand: m = 1, segment (2,): 2 | 2 | 2 |; target 1 is the separator with
    # probability P(m = 1 | m >= 1) = 1/3, then everything is certain
    assert task.true_log_loss(np.array([[2, 4, 2, 4, 2, 4]])) == pytest.approx(math.log(3) / 5)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="max_segment"):
        InductionTask(alphabet=4, min_segment=2, max_segment=5)
    with pytest.raises(TypeError, match="alphabet"):
        InductionTask(alphabet=4.0)
    with pytest.raises(ValueError, match="n must"):
        InductionTask().sequences(10**9, np.random.default_rng(0))


def test_head_scores_recognise_ideal_heads():
    tokens = np.array([[5, 1, 2, 9, 5, 1, 2, 9]])
    T = tokens.shape[1]
    targets = previous_occurrence_targets(tokens)[0]
    assert targets.tolist() == [-1, -1, -1, -1, 1, 2, 3, 4]
    previous = np.zeros((1, 1, T, T))
    induction = np.zeros((1, 1, T, T))
    previous[0, 0, 0, 0] = induction[0, 0, 0, 0] = 1.0
    for t in range(1, T):
        previous[0, 0, t, t - 1] = 1.0
        induction[0, 0, t, targets[t] if targets[t] >= 0 else t] = 1.0  # else itself
    both = np.concatenate([previous, induction], axis=1)  # (1, 2, T, T)
    scores = head_scores(both, tokens)
    assert scores["previous"].tolist() == [1.0, 0.0]
    assert scores["induction"].tolist() == [0.0, 1.0]
