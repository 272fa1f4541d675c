"""Numbers notebook 07 prints about the induction language, recomputed independently.

The exact floor and the true source's score are derived here by conditioning on the segment
length m (the library sums over positions instead); the n-gram losses come from the plain,
dict-based ``KneserNey`` (the notebook uses the vectorised ``NGramModel``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lmcore.induction import InductionTask
from lmcore.kneser_ney import KneserNey

ROOT = Path(__file__).resolve().parents[1]
A, LOW, HIGH, LENGTH = 16, 4, 10, 24


@pytest.fixture(scope="module")
def text():
    nb = nbformat.read(ROOT / "notebooks" / "07_training.ipynb", as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def number_after(text, label):
    return float(re.search(re.escape(label) + r"\s*([0-9.]+)", text).group(1))


def loss_given_m(m, first=None):
    """Total -ln P of tokens 1..23 when the segment has m symbols: only tokens 1..m are uncertain."""
    total = 0.0
    for k in range(1, min(m, LENGTH - 1) + 1):
        hazard = 1 / (HIGH - k + 1) if k >= LOW else 0.0  # P(m = k | m >= k), m uniform on LOW..HIGH
        total -= math.log(hazard) if k == m else math.log((1 - hazard) / (A - k))
    return total


def test_floor_and_the_true_source_score(text):
    floor = np.mean([loss_given_m(m) for m in range(LOW, HIGH + 1)]) / (LENGTH - 1)
    assert number_after(text, "exact floor (mean entropy of the 23 predicted tokens):") == pytest.approx(
        floor, abs=6e-5)
    test = InductionTask(A, LOW, HIGH, LENGTH).sequences(1_000, np.random.default_rng(2))
    ms = [int(np.flatnonzero(row == A)[0]) for row in test]  # where the first separator stands
    score = np.mean([loss_given_m(m) for m in ms]) / (LENGTH - 1)
    assert number_after(text, "the true source itself, on these 1,000 test sequences:") == pytest.approx(
        score, abs=6e-5)


def test_kneser_ney_losses_with_the_plain_dict_model(text):
    task = InductionTask(A, LOW, HIGH, LENGTH)
    train = [[str(t) for t in row] for row in task.sequences(20_000, np.random.default_rng(0))]
    test = [[str(t) for t in row] for row in task.sequences(1_000, np.random.default_rng(2))]
    for n in (2, 3):
        model = KneserNey(n).fit(train)
        losses = [-math.log(model.prob(row[t], ["<s>"] * max(0, n - 1 - t) + row[max(0, t - n + 1):t]))
                  for row in test for t in range(1, LENGTH)]
        assert number_after(text, f"{n}-gram, Kneser-Ney") == pytest.approx(np.mean(losses), abs=6e-4)


def test_the_story_transformer_perplexities_scored_token_by_token(text):
    """Notebook 07's transformer on the stories: retrained as the notebook does (seeded), then
    every test and dev token scored on its own, from the logits of the <= 31 tokens before it
    in its row and scipy's log-softmax (the notebook uses stream_loss's batched rows)."""
    from scipy.special import log_softmax

    from lmcore import corpus
    from lmcore.lm_data import build_vocab, id_stream
    from lmcore.lm_training import train_lm, windows
    from lmcore.transformer import TransformerLM

    texts = corpus.split_stories(corpus.load_stories(), seed=0)
    train_s, dev_s, test_s = (corpus.tokenized_sentences(t) for t in texts)
    vocab = build_vocab(train_s, min_count=20)
    train_ids, dev_ids, test_ids = (id_stream(s, vocab) for s in (train_s, dev_s, test_s))
    model = TransformerLM(len(vocab), context=32, d_model=32, num_heads=4, num_layers=2,
                          tie_embeddings=True, seed=0, dtype="float32")
    train_lm(model, windows(train_ids, 32, stride=16), steps=300, lr=0.01, batch_size=16,
             rng=np.random.default_rng(4), eval_every=100, held_out=windows(dev_ids, 32),
             warmup=20, beta2=0.98)

    def perplexity(stream):
        nats, count, start = 0.0, 0, 0
        while start < len(stream) - 1:  # rows of 32 tokens that share one token, as in 07
            row = stream[start:start + 32]
            logp = log_softmax(model.logits(row[None])[0].astype(float), axis=-1)  # (T, V)
            nats -= sum(logp[t, row[t + 1]] for t in range(len(row) - 1))
            count += len(row) - 1
            start += 31
        assert count == len(stream) - 1  # every token after the first, once
        return math.exp(nats / count)

    assert len(test_ids) - 1 == 6_752
    assert round(perplexity(test_ids), 1) == number_after(text, "32 tokens of context (37,312 weights)")
    assert model.n_params == 37_312
    dev = re.search(r"perplexity, every token once: training ([0-9.]+), dev ([0-9.]+)", text)
    assert round(perplexity(dev_ids), 1) == float(dev.group(2))
