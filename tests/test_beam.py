"""lmcore.beam (beam search, greedy, exhaustive search) and notebook 10's numbers and panel.

References: a brute-force enumeration of every sequence (itertools.product) written here,
log-probabilities recomputed with NGramModel.prob, and the slide's own code run as printed.
"""

from __future__ import annotations

import heapq
import itertools
import math

import ipywidgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmcore import beam_fast, corpus, ngram_fast, plotting
from lmcore.beam import (
    Hypothesis,
    beam_search,
    exhaustive_search,
    greedy,
    ngram_log_prob_fn,
    top_choices,
)
from lmcore.exercises import passes
from lmcore.exercises.nb10 import SLIDE as SLIDE_TOY
from lmcore.plotting.decoding import beam_table, width_figure
from lmcore.widgets.decoding import beam_panel

SLIDE_VOCAB = ["the", "cat", "sat", "on", "mat"]


def table_model(table):
    """A bigram-table model: next-token log-probabilities depend on the last token only."""
    return lambda tokens: table[tokens[-1]]


@st.composite
def toy_models(draw, max_vocab=3, with_eos=True):
    """A random bigram table over a few tokens (plus an end token), as log-probabilities."""
    size = draw(st.integers(1, max_vocab))
    words = [chr(ord("a") + i) for i in range(size)] + (["</s>"] if with_eos else [])
    table = {}
    for context in ["<s>"] + words:
        weights = draw(st.lists(st.integers(0, 4), min_size=len(words), max_size=len(words)))
        if sum(weights) == 0:
            weights[0] = 1
        total = sum(weights)
        table[context] = {w: (math.log(c / total) if c else -math.inf)
                          for w, c in zip(words, weights)}
    return table, words


def brute_force(table, start, steps, eos, alpha):
    """Every sequence (cut at eos or at ``steps`` tokens) with its log-probability and score."""
    vocab = sorted({w for row in table.values() for w in row})
    seen = {}
    for seq in itertools.product(vocab, repeat=steps):
        tokens, total, possible = tuple(start), 0.0, True
        for w in seq:
            lp = table[tokens[-1]].get(w, -math.inf)
            if lp == -math.inf:
                possible = False
                break
            tokens, total = tokens + (w,), total + lp
            if w == eos:
                break
        if possible:
            n = len(tokens) - len(start)
            seen[tokens] = (total, total / n**alpha)
    return sorted(seen.items(), key=lambda kv: (-kv[1][1], kv[0]))


@pytest.fixture(scope="module")
def train():
    return corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, seed=0)


@pytest.fixture(scope="module")
def trigram(train):
    return ngram_fast.NGramModel(3, smoothing="kneser-ney").fit(train[0])  # as notebook 10


# ----------------------------------------------------------------------------- exactness
@settings(max_examples=40, deadline=None)
@given(toy_models(), st.integers(1, 3), st.sampled_from([0.0, 0.5, 1.0]))
def test_exhaustive_search_equals_brute_force(model, steps, alpha):
    table, _ = model
    got = exhaustive_search(table_model(table), ["<s>"], steps, eos="</s>", length_penalty=alpha)
    want = brute_force(table, ("<s>",), steps, "</s>", alpha)
    assert [h.tokens for h in got] == [tokens for tokens, _ in want]
    for h, (_, (total, score)) in zip(got, want):
        assert h.log_prob == pytest.approx(total, abs=1e-12)
        assert h.score == pytest.approx(score, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(toy_models(), st.integers(1, 3), st.sampled_from([0.0, 0.7]), st.booleans())
def test_beam_at_least_vocab_to_the_steps_equals_exhaustive(model, steps, alpha, use_eos):
    table, words = model
    eos = "</s>" if use_eos else None  # without eos, "</s>" is an ordinary token
    width = len(words) ** steps
    beam = beam_search(table_model(table), ["<s>"], width, steps, eos=eos, length_penalty=alpha)
    full = exhaustive_search(table_model(table), ["<s>"], steps, eos=eos, length_penalty=alpha)
    assert beam == full


@settings(max_examples=40, deadline=None)
@given(toy_models(max_vocab=4), st.integers(1, 5), st.sampled_from([0.0, 1.0]))
def test_width_one_equals_greedy(model, steps, alpha):
    table, _ = model
    fn = table_model(table)
    (best,) = beam_search(fn, ["<s>"], 1, steps, eos="</s>", length_penalty=alpha)
    g = greedy(fn, ["<s>"], steps, eos="</s>")
    assert best.tokens == g.tokens and best.log_prob == g.log_prob
    assert best.finished == g.finished and best.length == g.length


@settings(max_examples=30, deadline=None)
@given(toy_models(), st.integers(1, 4), st.integers(1, 6))
def test_beam_is_ranked_and_never_beats_the_optimum(model, steps, width):
    table, _ = model
    fn = table_model(table)
    beam = beam_search(fn, ["<s>"], width, steps, eos="</s>")
    full = {h.tokens: h for h in exhaustive_search(fn, ["<s>"], steps, eos="</s>")}
    assert 1 <= len(beam) <= width
    assert [h.score for h in beam] == sorted((h.score for h in beam), reverse=True)
    assert all(full[h.tokens] == h for h in beam)  # every hypothesis is a real, scored sequence
    assert beam[0].score <= max(h.score for h in full.values())


def test_docstring_example_greedy_fails_beam_recovers():
    table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    fn = table_model(table)
    assert greedy(fn, ["x"], 2).tokens == ("x", "bad", "end")
    assert beam_search(fn, ["x"], 2, 2)[0] == Hypothesis(("x", "good", "end"), -1.1, 2, -1.1,
                                                         False)


def test_ties_break_alphabetically():
    table = {"x": {"b": math.log(0.5), "a": math.log(0.5)}, "a": {"x": 0.0}, "b": {"x": 0.0}}
    assert greedy(table_model(table), ["x"], 1).tokens == ("x", "a")
    assert [h.tokens for h in beam_search(table_model(table), ["x"], 2, 1)] == [("x", "a"),
                                                                               ("x", "b")]


def test_length_penalty_prefers_longer_sentences():
    # ending at once has probability 0.4; four w's have 0.6 * 0.7 ** 3 = 0.206 but 0.67 per token
    table = {"<s>": {"</s>": math.log(0.4), "w": math.log(0.6)},
             "w": {"w": math.log(0.7), "</s>": math.log(0.3)}}
    fn = table_model(table)
    plain = beam_search(fn, ["<s>"], 5, 4, eos="</s>")
    normed = beam_search(fn, ["<s>"], 5, 4, eos="</s>", length_penalty=1.0)
    assert plain[0].tokens == ("<s>", "</s>")
    assert normed[0].tokens == ("<s>", "w", "w", "w", "w")
    assert normed[0].score == pytest.approx(math.log(0.6 * 0.7**3) / 4)


# ----------------------------------------------------------------------------- bad input
def test_bad_input():
    fn = table_model({"x": {"x": -0.1, "</s>": math.log(1 - math.exp(-0.1))}})
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(fn, ["x"], 0, 3)
    with pytest.raises(ValueError, match="max_steps"):
        beam_search(fn, ["x"], 2, 0)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(fn, ["x"], 2, 3, length_penalty=-1)
    with pytest.raises(TypeError, match="start"):
        beam_search(fn, "x", 2, 3)
    with pytest.raises(TypeError, match="log_prob_fn"):
        beam_search("not a function", ["x"], 2, 3)
    with pytest.raises(TypeError, match="eos"):
        greedy(fn, ["x"], 3, eos=0)
    with pytest.raises(ValueError, match="log_prob_fn"):  # probabilities, not log-probabilities
        beam_search(table_model({"x": {"x": 0.7, "y": 0.3}}), ["x"], 2, 2)
    with pytest.raises(ValueError, match="log_prob_fn"):  # log base 10: sums to more than 1
        greedy(table_model({"x": {"x": math.log10(0.5), "y": math.log10(0.5)}}), ["x"], 2)
    with pytest.raises(ValueError, match="log_prob_fn"):
        greedy(table_model({"x": {"x": math.nan}}), ["x"], 2)
    with pytest.raises(ValueError, match="max_steps"):
        exhaustive_search(table_model({"x": {"x": math.log(0.5), "y": math.log(0.5)},
                                       "y": {"x": math.log(0.5), "y": math.log(0.5)}}),
                          ["x"], 20, max_hypotheses=1000)
    with pytest.raises(ValueError, match="m "):
        top_choices(fn, 0)
    with pytest.raises(TypeError, match="model"):
        ngram_log_prob_fn("a model")


# ----------------------------------------------------------------------------- n-gram models
def test_ngram_log_prob_fn_is_the_models_log_probability(trigram):
    fn = ngram_log_prob_fn(trigram)
    dist = fn(("<s>", "<s>", "once", "upon"))  # only the last n - 1 = 2 tokens count
    assert math.fsum(math.exp(v) for v in dist.values()) == pytest.approx(1.0)
    for word in ["a", "the", "</s>", "king"]:
        assert dist[word] == pytest.approx(math.log(trigram.prob(word, ["once", "upon"])))
    assert fn(("x", "once", "upon")) == dist  # only the context counts
    with pytest.raises(ValueError, match="tokens"):
        fn(("upon",))


def test_top_choices_keeps_m_words_renormalised(trigram):
    fn = top_choices(ngram_log_prob_fn(trigram), 4)
    dist = fn(("<s>", "the"))
    p = trigram.probabilities(["<s>", "the"])
    best = np.argsort(-p, kind="stable")[:4]
    assert set(dist) == {trigram.vocab[i] for i in best}
    for i in best:
        assert math.exp(dist[trigram.vocab[i]]) == pytest.approx(p[i] / p[best].sum())


# ----------------------------------------------------------------------------- notebook 10's numbers
def slide_beam_search(initial_state, beam_width, max_steps, next_states_fn, score_fn):
    """The slide's code, as printed."""
    beam = [(0, initial_state)]
    for _ in range(max_steps):
        candidates = []
        for score, state in beam:
            for next_state in next_states_fn(state):
                new_score = score + score_fn(next_state)
                candidates.append((new_score, next_state))
        beam = heapq.nlargest(beam_width, candidates)
    return beam[0][1]


def test_the_slides_scorer_returns_the_alphabetically_last_words():
    result = slide_beam_search("the", 2, 3, lambda s: [s + " " + w for w in SLIDE_VOCAB],
                               lambda s: len(s.split()))
    # every candidate of a step scores the same, so heapq compares the strings themselves
    assert result == " ".join(["the"] + [max(SLIDE_VOCAB)] * 3) == "the the the the"
    assert result != "the cat sat on"  # the slide's printed output


def test_slide_vocabulary_under_the_bigram_model(train):
    bigram = ngram_fast.NGramModel(2, smoothing="kneser-ney").fit(train[0])
    full = ngram_log_prob_fn(bigram)

    def fn(tokens):
        dist = full(tokens)
        return {w: dist[w] for w in SLIDE_VOCAB}

    def log_p(seq):  # independent: the model's own prob, word by word
        return math.fsum(math.log(bigram.prob(b, [a])) for a, b in zip(seq, seq[1:]))

    every = sorted(itertools.product(SLIDE_VOCAB, repeat=3),
                   key=lambda s: (-log_p(("the",) + s), s))
    best = ("the",) + every[0]
    assert exhaustive_search(fn, ["the"], 3)[0].tokens == best
    beam = beam_search(fn, ["the"], 2, 3)
    assert beam[0].tokens == best
    assert beam[0].log_prob == pytest.approx(log_p(best))
    assert " ".join(best) == "the cat on the" and round(log_p(best), 3) == -8.938
    assert round(log_p(("the", "cat", "sat", "on")), 3) == -9.534
    # greedy: the single most likely word each time
    tokens = ("the",)
    for _ in range(3):
        tokens += (max(SLIDE_VOCAB, key=lambda w: bigram.prob(w, [tokens[-1]])),)
    g = greedy(fn, ["the"], 3)
    assert g.tokens == tokens == ("the", "mat", "the", "mat")
    assert g.log_prob == pytest.approx(log_p(tokens))


def test_notebook_small_problem_reaches_the_optimum(trigram):
    """'lily was', the 4 most likely words per step, at most 5 words: checked by brute force."""
    start = ("<s>", "lily", "was")

    def choices(tokens):  # independent of top_choices: sort the model's probabilities here
        p = trigram.probabilities(list(tokens[-2:]))
        order = sorted(range(len(p)), key=lambda i: (-p[i], trigram.vocab[i]))[:4]
        total = sum(p[i] for i in order)
        return {trigram.vocab[i]: p[i] / total for i in order}

    done, stack = [], [(start, 0.0)]
    while stack:
        tokens, lp = stack.pop()
        for w, q in choices(tokens).items():
            new, new_lp = tokens + (w,), lp + math.log(q)
            if w == "</s>" or len(new) - len(start) == 5:
                done.append((new_lp, new))
            else:
                stack.append((new, new_lp))
    best_lp, best = min(done, key=lambda d: (-d[0], d[1]))
    count = len(done)
    fn = top_choices(ngram_log_prob_fn(trigram), 4)
    full = exhaustive_search(fn, start, 5, eos="</s>")
    assert len(full) == count
    assert full[0].tokens == best and full[0].log_prob == pytest.approx(best_lp)
    assert " ".join(best[1:]) == "lily was waiting for her </s>"
    found = [beam_search(fn, start, w, 5, eos="</s>")[0] for w in (1, 2, 3)]
    assert [h.tokens == best for h in found] == [False, False, True]
    assert found[0] == greedy(fn, start, 5, eos="</s>")


def _model_log_prob(model, tokens, start_length):
    """log P of tokens[start_length:] from NGramModel.prob, word by word (nats)."""
    return math.fsum(math.log(model.prob(tokens[i], list(tokens[i - 2:i])))
                     for i in range(start_length, len(tokens)))


def test_notebook_beam_log_probs_are_the_models(trigram, train):
    """Every best sentence the notebook reports has the log P the model gives it."""
    fn = beam_fast.ngram_log_prob_fn(trigram)
    beam_search = beam_fast.beam_search  # the notebook's sweeps (tests/test_beam_fast.py: same beams)
    prompts = [s[:2] for s in train[1] if len(s) >= 6][:20]
    for prompt in prompts:
        start = ["<s>"] + prompt
        for width in (1, 10):
            h = beam_search(fn, start, width, 20, eos="</s>")[0]
            assert h.log_prob == pytest.approx(_model_log_prob(trigram, h.tokens, 3), rel=1e-9)
            assert h.length == len(h.tokens) - 3
    start = ["<s>", "<s>"]
    assert " ".join(greedy(fn, start, 20, eos="</s>").tokens) == "<s> <s> the king </s>"
    for alpha in (0.0, 1.0):
        h = beam_search(fn, start, 5, 20, eos="</s>", length_penalty=alpha)[0]
        assert h.score == pytest.approx(_model_log_prob(trigram, h.tokens, 2) / h.length**alpha)


def test_notebook_wider_beam_can_be_worse(trigram):
    fn = beam_fast.ngram_log_prob_fn(trigram)
    start = ["<s>", "my", "father"]
    found = [beam_fast.beam_search(fn, start, w, 20, eos="</s>")[0] for w in (1, 2, 3)]
    lps = [_model_log_prob(trigram, h.tokens, 3) for h in found]
    assert [round(lp, 3) for lp in lps] == [-5.751, -9.939, -4.923]
    assert [h.log_prob for h in found] == pytest.approx(lps)


def test_notebook_product_of_probabilities_underflows(trigram, train):
    test = train[1][:40]
    p = [trigram.prob(w, list(ctx)) for s in test
         for ctx, w in zip(zip(["<s>", "<s>"] + s, ["<s>"] + s), s + ["</s>"])]
    assert len(p) == 565 and math.prod(p) == 0.0
    assert round(math.fsum(math.log(x) for x in p), 1) == -2868.9
    np.testing.assert_allclose(trigram.token_probabilities(test), p)


# ----------------------------------------------------------------------------- exercises
def test_exercise_references_pass_and_wrong_answers_fail():
    assert passes("sequence_log_prob", lambda fn, start, tokens: math.fsum(
        fn(tuple(start) + tuple(tokens[:i]))[t] for i, t in enumerate(tokens)))
    assert passes("greedy_decode",
                  lambda fn, start, steps, eos: greedy(fn, start, steps, eos).tokens[len(start):])

    def beam_step(fn, beam, width):
        out = []
        for tokens, lp in beam:
            out += [(tokens + (w,), lp + v) for w, v in fn(tokens).items()]
        return sorted(out, key=lambda c: (-c[1], c[0]))[:width]

    assert passes("beam_step", beam_step)
    assert not passes("beam_step", lambda fn, beam, width: beam_step(fn, beam, width + 1))

    def first_listed_max(fn, start, steps, eos):  # ignores the alphabetical tie-break
        tokens = tuple(start)
        for _ in range(steps):
            dist = fn(tokens)
            tokens += (max(dist, key=dist.get),)
            if tokens[-1] == eos:
                break
        return tokens[len(start):]

    assert not passes("greedy_decode", first_listed_max)  # the tied model lists "b" first
    assert SLIDE_TOY(("<s>",))["the"] == pytest.approx(math.log(0.9))


# ----------------------------------------------------------------------------- table, figure, panel
def test_beam_table_lists_the_beam():
    table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    text = beam_table(beam_search(table_model(table), ["x"], 2, 2), ["x"], 2)
    lines = text.splitlines()
    assert lines[0].startswith("beam width 2, length penalty 0")
    assert lines[3].split() == ["1", "good", "end", "2", "-1.100", "-0.550", "-1.100"]
    assert lines[4].split() == ["2", "bad", "end", "2", "-2.100", "-1.050", "-2.100"]
    assert beam_table([greedy(table_model(table), ["x"], 2)], ["x"], 1).startswith("greedy")


def test_width_figure_plots_both_panels():
    fig = width_figure([1, 2, 5], [-6.0, -5.5, -4.0], [4.0, 3.0, 2.0])
    left, right = fig.axes
    assert "nats" in left.get_ylabel() and "tokens" in right.get_ylabel()
    assert left.get_xlabel() == right.get_xlabel() == "beam width"
    np.testing.assert_allclose(left.lines[0].get_ydata(), [-6.0, -5.5, -4.0])
    plotting.close(fig)
    with pytest.raises(ValueError, match="mean_log_prob"):
        width_figure([1, 2], [1.0], [1.0, 2.0])


def test_beam_panel_reruns_when_the_slider_moves(capsys):
    table = {"x": {"good": -1.0, "bad": -0.5}, "good": {"end": -0.1}, "bad": {"end": -1.6}}
    panel = beam_panel(table_model(table), ["x"], max_steps=2, eos=None)
    assert isinstance(panel, ipywidgets.interactive)
    sliders = {c.description: c for c in panel.children if getattr(c, "description", "")}
    width = sliders["beam width (1 = greedy)"]
    assert (width.min, width.max, width.value) == (1, 10, 1)
    assert width.style.description_width == "initial"
    width.value = 4
    sliders["length penalty α"].value = 1.0
    assert panel.kwargs["beam_width"] == 4 and panel.kwargs["length_penalty"] == 1.0
    printed = capsys.readouterr().out.split("beam width 4, length penalty 1")[-1].splitlines()
    assert printed[3].split() == ["1", "good", "end", "2", "-1.100", "-0.550", "-0.550"]


def test_no_figure_is_left_open():
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
