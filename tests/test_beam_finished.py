"""lmcore.beam_finished: beam search with finished sentences set aside, and the GNMT penalty.

References: a brute-force enumeration of every sequence (itertools.product), a plain
set-aside beam search written here without early stopping, and the GNMT formula by hand.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from lmcore import beam_fast, corpus, ngram_fast
from lmcore.beam import beam_search
from lmcore.beam_finished import (
    beam_search_set_aside,
    beam_search_with,
    gnmt_length_penalty,
    length_normalised,
)

EOS = "</s>"


def random_table(rng, size):
    """A random bigram table over ``size`` words and </s>, as log-probabilities (nats)."""
    words = [chr(ord("a") + i) for i in range(size)] + [EOS]
    table = {}
    for context in ["<s>"] + words:
        p = rng.dirichlet(np.ones(len(words)) * 0.7)
        table[context] = {w: math.log(q) for w, q in zip(words, p)}
    return table


def fn_of(table):
    return lambda tokens: table[tokens[-1]]


def brute_force(table, steps, alpha, penalty):
    """Every sequence cut at </s> or at ``steps`` tokens: (score, tokens, log P), best first."""
    words = sorted(table["<s>"])
    seen = {}
    for seq in itertools.product(words, repeat=steps):
        tokens, total = ("<s>",), 0.0
        for w in seq:
            tokens, total = tokens + (w,), total + table[tokens[-1]][w]
            if w == EOS:
                break
        n = len(tokens) - 1
        lp = (5 + n) ** alpha / 6**alpha if penalty == "gnmt" else n**alpha
        seen[tokens] = (total / lp, total)
    return sorted(((s, t, lp) for t, (s, lp) in seen.items()), key=lambda r: (-r[0], r[1]))


def plain_set_aside(table, width, steps):
    """Set-aside beam search with no early stop: run all ``steps``, keep every finished one."""
    beam, done = [(("<s>",), 0.0)], []
    for _ in range(steps):
        cands = sorted(((t + (w,), lp + q) for t, lp in beam for w, q in table[t[-1]].items()),
                       key=lambda c: (-c[1], c[0]))
        done += [c for c in cands if c[0][-1] == EOS]
        beam = [c for c in cands if c[0][-1] != EOS][:width]
    return sorted(done + beam, key=lambda c: (-c[1], c[0]))[:width]


def test_gnmt_penalty_closed_form():
    assert gnmt_length_penalty(1, 0.6) == pytest.approx(1.0)
    assert gnmt_length_penalty(7, 1.0) == pytest.approx(2.0)
    assert gnmt_length_penalty(np.array([3, 11]), 0.5) == pytest.approx([8**0.5 / 6**0.5, 16**0.5 / 6**0.5])
    assert gnmt_length_penalty(20, 0.0) == 1.0
    assert length_normalised(-6.0, 4, 1.0, "power") == pytest.approx(-1.5)
    assert length_normalised(-6.0, 7, 1.0, "gnmt") == pytest.approx(-3.0)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("alpha,penalty", [(0.0, "power"), (1.0, "power"), (0.6, "gnmt")])
def test_unlimited_width_finds_the_brute_force_ranking(seed, alpha, penalty):
    rng = np.random.default_rng(seed)
    table = random_table(rng, int(rng.integers(1, 4)))
    steps = int(rng.integers(1, 4))
    want = brute_force(table, steps, alpha, penalty)
    width = len(table["<s>"]) ** steps
    got = beam_search_set_aside(fn_of(table), ["<s>"], width, steps, EOS, alpha, penalty)
    assert [h.tokens for h in got] == [t for _, t, _ in want][:width]
    assert [h.score for h in got] == pytest.approx([s for s, _, _ in want][:width])
    assert all(h.finished == (h.tokens[-1] == EOS) for h in got)


@pytest.mark.parametrize("seed", range(30))
def test_early_stop_changes_nothing_and_never_beats_the_optimum(seed):
    rng = np.random.default_rng(100 + seed)
    table = random_table(rng, int(rng.integers(2, 5)))
    steps, width = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    got = beam_search_set_aside(fn_of(table), ["<s>"], width, steps, EOS)
    want = plain_set_aside(table, width, steps)
    assert [h.tokens for h in got] == [t for t, _ in want]
    assert [h.log_prob for h in got] == pytest.approx([lp for _, lp in want])
    best = brute_force(table, steps, 0.0, "power")[0]
    assert got[0].log_prob <= best[2] + 1e-12


def test_set_aside_keeps_a_full_beam_where_competing_stops():
    # "</s>" is likeliest first, but "a a </s>" is the best sentence of all
    table = {"<s>": {EOS: math.log(0.5), "a": math.log(0.5)},
             "a": {EOS: math.log(0.05), "a": math.log(0.95)}}
    compete = beam_search(fn_of(table), ["<s>"], 1, 3, eos=EOS)
    aside = beam_search_set_aside(fn_of(table), ["<s>"], 1, 3, EOS)
    assert compete[0].tokens == ("<s>", EOS)  # the finished sentence held the only place
    assert aside[0].tokens == ("<s>", EOS)  # best of all: log 0.5 > log(0.5 * 0.95 * 0.05)
    wide = beam_search_set_aside(fn_of(table), ["<s>"], 2, 3, EOS)
    assert [h.tokens for h in wide] == [("<s>", EOS), ("<s>", "a", "a", "a")]
    assert beam_search_with("compete", fn_of(table), ["<s>"], 1, 3, EOS) == compete
    assert beam_search_with("set aside", fn_of(table), ["<s>"], 1, 3, EOS) == aside


def test_notebook_every_width_returns_my_father_end():
    """The issue's claim: with finished sentences set aside, every width gives 'my father </s>'."""
    sents = corpus.tokenized_sentences(corpus.load_stories())
    train, _ = corpus.train_test_split(sents, 0.1, seed=0)
    model = ngram_fast.NGramModel(3, smoothing="kneser-ney").fit(train)  # as notebook 10
    fn = beam_fast.ngram_log_prob_fn(model)
    start = ["<s>", "my", "father"]
    want = math.log(model.prob(EOS, ["my", "father"]))
    for width in (1, 2, 3, 5, 10):
        h = beam_search_set_aside(fn, start, width, 20, EOS)[0]
        assert h.tokens == ("<s>", "my", "father", EOS)
        assert h.log_prob == pytest.approx(want)
    assert round(want, 3) == -3.568


def test_bad_input():
    fn = fn_of({"<s>": {EOS: 0.0}})
    with pytest.raises(ValueError, match="penalty"):
        beam_search_set_aside(fn, ["<s>"], 1, 2, EOS, penalty="cubic")
    with pytest.raises(TypeError, match="eos"):
        beam_search_set_aside(fn, ["<s>"], 1, 2, None)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search_set_aside(fn, ["<s>"], 0, 2, EOS)
    with pytest.raises(ValueError, match="length"):
        gnmt_length_penalty(0, 1.0)
    with pytest.raises(ValueError, match="alpha"):
        gnmt_length_penalty(3, -1.0)
    with pytest.raises(ValueError, match="convention"):
        beam_search_with("greedy", fn, ["<s>"], 1, 2, EOS)
