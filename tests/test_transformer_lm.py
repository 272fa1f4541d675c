"""TransformerLM: gradients by finite differences, causality, initial loss, seeds, FLOPs."""

import math

import numpy as np
import pytest

from lmcore.gradient_check import gradient_check
from lmcore.induction import InductionTask
from lmcore.lm_training import batched_loss, stream_loss, train_lm, windows
from lmcore.transformer import TransformerLM


def perturbed(model, scale=0.3, seed=5):
    """Move every parameter off its initial value so no gradient is trivially zero."""
    rng = np.random.default_rng(seed)
    for p in model.params.values():
        p += rng.normal(0.0, scale, p.shape)
    return model


@pytest.mark.parametrize("tie", [False, True])
@pytest.mark.parametrize("num_layers,num_heads", [(1, 1), (2, 2)])
def test_whole_model_gradient_matches_finite_differences(tie, num_layers, num_heads):
    model = perturbed(TransformerLM(6, 5, 4, num_heads, num_layers, d_ff=6,
                                    tie_embeddings=tie, seed=1))
    tokens = np.random.default_rng(0).integers(0, 6, size=(2, 5))
    error = gradient_check(lambda p: model.loss_and_grads(tokens), model.params)
    assert error < 1e-6


def test_a_wrong_gradient_is_caught():
    model = perturbed(TransformerLM(6, 5, 4, 2, 1, seed=1))
    tokens = np.random.default_rng(0).integers(0, 6, size=(2, 5))

    def wrong(p):
        loss, g = model.loss_and_grads(tokens)
        g["blocks.0.w_k"] = g["blocks.0.w_k"] * 1.01  # a 1% error in one matrix
        return loss, g

    assert gradient_check(wrong, model.params) > 1e-3


def test_loss_is_the_mean_next_token_cross_entropy_of_the_logits():
    model = perturbed(TransformerLM(7, 6, 8, 2, 2, seed=3))
    tokens = np.random.default_rng(1).integers(0, 7, size=(3, 6))
    logits = model.logits(tokens[:, :-1])
    # independent: a loop over every prediction with log-sum-exp written out
    want = np.mean([math.log(np.exp(logits[b, t]).sum()) - logits[b, t, tokens[b, t + 1]]
                    for b in range(3) for t in range(5)])
    assert model.loss(tokens) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("V", [5, 50, 400])
def test_untrained_loss_is_close_to_log_vocabulary(V):
    model = TransformerLM(V, 16, 32, 4, 2, seed=0)
    tokens = np.random.default_rng(0).integers(0, V, size=(8, 16))
    assert abs(model.loss(tokens) - math.log(V)) < 0.1


def test_causal_changing_a_token_never_changes_earlier_logits():
    model = perturbed(TransformerLM(9, 8, 8, 2, 2, seed=2))
    tokens = np.random.default_rng(3).integers(0, 9, size=(1, 8))
    base = model.logits(tokens)
    for t in range(8):
        changed = tokens.copy()
        changed[0, t] = (changed[0, t] + 1) % 9
        new = model.logits(changed)
        assert np.array_equal(new[0, :t], base[0, :t])  # bit for bit
        assert not np.allclose(new[0, t], base[0, t])


def test_same_seed_same_model_and_same_training():
    task = InductionTask(alphabet=6, min_segment=2, max_segment=4, length=10)
    data = task.sequences(64, np.random.default_rng(0))
    runs = []
    for _ in range(2):
        model = TransformerLM(task.vocab_size, 10, 8, 2, 1, seed=7)
        h = train_lm(model, data, steps=5, lr=0.01, batch_size=8, rng=np.random.default_rng(1),
                     progress=False)
        runs.append((model, h))
    assert runs[0][1].train_loss == runs[1][1].train_loss
    assert all(np.array_equal(runs[0][0].params[k], runs[1][0].params[k]) for k in runs[0][0].params)
    other = TransformerLM(task.vocab_size, 10, 8, 2, 1, seed=8)
    assert not np.array_equal(other.params["tok_emb"], runs[0][0].params["tok_emb"])


def test_parameter_counts_match_the_closed_form():
    V, C, d, f, L = 11, 9, 12, 20, 3
    model = TransformerLM(V, C, d, 3, L, d_ff=f)
    block = 4 * d * d + 2 * d * f + f + 5 * d
    assert model.n_params_non_embedding == L * block + 2 * d
    assert model.n_params == model.n_params_non_embedding + V * d + C * d + d * V
    tied = TransformerLM(V, C, d, 3, L, d_ff=f, tie_embeddings=True)
    assert tied.n_params == model.n_params - d * V


def test_forward_flops_match_kaplan_approximation():
    # Kaplan et al. (2020), table 1: forward ~ 2 N + 2 n_layer n_ctx d_model per token, with
    # N = 12 n_layer d^2 for d_ff = 4 d (biases and norms left out), plus the unembedding.
    d, L, T, V = 64, 3, 16, 10
    model = TransformerLM(V, T, d, 4, L)
    per_token = sum(model.forward_flops(batch=4, T=T).values()) / (4 * T)
    # our count puts the causal attention's full T x T products in: 2 * 2 L T d per token
    kaplan = 2 * 12 * L * d * d + 2 * 2 * L * T * d + 2 * d * V
    assert per_token == kaplan


def test_generate_is_reproducible_and_greedy_follows_the_argmax():
    model = perturbed(TransformerLM(6, 8, 8, 2, 1, seed=0), scale=1.0)
    a = model.generate([1, 2], np.random.default_rng(0), max_tokens=10)
    b = model.generate([1, 2], np.random.default_rng(0), max_tokens=10)
    assert a == b and len(a) == 10 and all(0 <= i < 6 for i in a)
    greedy = model.generate([1], np.random.default_rng(0), max_tokens=3, temperature=0)
    ids = [1]
    for _ in range(3):
        ids.append(int(np.argmax(model.logits(np.array([ids[-8:]]))[0, -1])))
    assert greedy == ids[1:]
    stopped = model.generate([1], np.random.default_rng(0), max_tokens=50, stop=greedy[0],
                             temperature=0)
    assert stopped == [greedy[0]]


def test_bad_input_names_the_argument():
    model = TransformerLM(5, 4, 8, 2, 1)
    with pytest.raises(ValueError, match="tokens"):
        model.logits(np.zeros((1, 5), dtype=int))  # longer than the context
    with pytest.raises(ValueError, match="tokens"):
        model.logits(np.array([[0, 5]]))  # id out of range
    with pytest.raises(TypeError, match="tokens"):
        model.logits(np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="tokens"):
        model.loss(np.array([[1]]))  # nothing to predict
    with pytest.raises(ValueError, match="num_heads"):
        TransformerLM(5, 4, 8, 3, 1)
    with pytest.raises(ValueError, match="GB"):
        TransformerLM(10**6, 4, 10**4, 1, 1)  # refused before allocating
    with pytest.raises(TypeError, match="tie_embeddings"):
        TransformerLM(5, 4, 8, 2, 1, tie_embeddings=1)


def test_stream_loss_scores_every_token_once():
    model = perturbed(TransformerLM(5, 6, 8, 2, 1, seed=0))
    stream = np.random.default_rng(0).integers(0, 5, size=23)
    loss, count = stream_loss(model, stream, length=6)
    assert count == 22
    # independent: each token predicted from the same window, summed by hand
    rows = windows(stream, 6)
    total = sum(model.loss(r[None]) * 5 for r in rows)
    assert len(rows) == 4  # rows cover tokens 0..20; tokens 21 and 22 come from a short row
    total += model.loss(stream[20:][None]) * 2
    assert loss == pytest.approx(total / 22, rel=1e-12)
    assert batched_loss(model, rows, batch_size=2) == pytest.approx(model.loss(rows), rel=1e-12)


def test_sequence_losses_are_the_per_row_losses():
    from lmcore.lm_training import sequence_losses

    model = perturbed(TransformerLM(5, 6, 8, 2, 1, seed=0))
    rows = np.random.default_rng(1).integers(0, 5, size=(7, 6))
    per_row = sequence_losses(model, rows, batch_size=3)
    assert per_row.shape == (7,)
    assert np.allclose(per_row, [model.loss(r[None]) for r in rows], rtol=1e-12)


def test_a_small_training_run_reaches_the_floor_that_ngrams_cannot():
    from lmcore.ngram import NGramModel

    task = InductionTask(alphabet=6, min_segment=2, max_segment=4, length=12)
    train = task.sequences(4000, np.random.default_rng(0))
    test = task.sequences(500, np.random.default_rng(1))
    model = TransformerLM(task.vocab_size, 12, 32, 2, 2, seed=0, dtype="float32")
    train_lm(model, train, steps=300, lr=0.01, batch_size=32, rng=np.random.default_rng(2),
             warmup=30, beta2=0.98, progress=False)
    floor = task.entropy_floor()
    assert batched_loss(model, test) < floor + 0.05  # about 1 s of training
    # a Kneser-Ney trigram on the same predictions stays far above it
    symbols = [[str(t) for t in row] for row in train]
    trigram = NGramModel(3, smoothing="kneser-ney").fit(symbols)
    p = trigram.token_probabilities([[str(t) for t in row] for row in test]).reshape(500, 13)
    assert -np.log(p[:, 1:12]).mean() > floor + 0.3


def test_token_losses_are_each_predictions_minus_log_probability():
    from lmcore.lm_training import token_losses

    model = perturbed(TransformerLM(5, 6, 8, 2, 1, seed=0))
    rows = np.random.default_rng(2).integers(0, 5, size=(3, 6))
    got = token_losses(model, rows, batch_size=2)
    # independent: the softmax of each position's logits, written out, one entry at a time
    want = np.empty((3, 5))
    for b in range(3):
        logits = model.logits(rows[b:b + 1, :-1])[0]
        for t in range(5):
            z = logits[t]
            want[b, t] = -(z[rows[b, t + 1]] - math.log(np.exp(z).sum()))
    assert np.allclose(got, want, rtol=1e-10)
