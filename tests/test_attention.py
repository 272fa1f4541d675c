"""lmcore.attention against independent references (scipy, plain Python loops, closed forms),
its properties, its bad-input errors, and the figures and panels of notebook 05."""

from __future__ import annotations

import math

import ipywidgets
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lmcore import attention as att
from lmcore import plotting
from lmcore import positions as pos
from lmcore.plotting.attention import attention_heatmap, scaling_figure, temperature_heatmap
from lmcore.widgets.attention import temperature_panel, temperature_view

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


# ----------------------------------------------------------------------------- references


def loop_attention(q, k, v, mask=None, scale=True):
    """Single-sequence attention written with Python lists, math.exp and double loops."""
    T_q, d = len(q), len(q[0])
    T_k = len(k)
    weights, out = [], []
    for i in range(T_q):
        scores = []
        for j in range(T_k):
            s = sum(q[i][c] * k[j][c] for c in range(d))
            if scale:
                s /= math.sqrt(d)
            scores.append(s if mask is None or mask[i][j] else None)
        top = max(s for s in scores if s is not None)
        e = [0.0 if s is None else math.exp(s - top) for s in scores]
        row = [x / sum(e) for x in e]
        weights.append(row)
        out.append([sum(row[j] * v[j][c] for j in range(T_k)) for c in range(len(v[0]))])
    return np.array(out), np.array(weights)


def rng_arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


# ----------------------------------------------------------------------------- softmax


def test_softmax_agrees_with_scipy_on_every_axis():
    (x,) = rng_arrays(0, (3, 4, 5))
    for axis in (0, 1, 2, -1):
        np.testing.assert_allclose(att.softmax(x * 10, axis=axis),
                                   scipy.special.softmax(x * 10, axis=axis), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 8), elements=finite), st.floats(-1e3, 1e3))
def test_softmax_sums_to_one_and_is_shift_invariant(x, shift):
    p = att.softmax(x)
    assert np.all(p >= 0) and math.isclose(p.sum(), 1.0, rel_tol=1e-12)
    np.testing.assert_allclose(att.softmax(x + shift), p, rtol=1e-9, atol=1e-12)


def test_softmax_is_finite_at_plus_minus_1e4():
    x = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4 - 1.0, 1e4 - 2.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        p = att.softmax(x)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3] * 3)
    np.testing.assert_allclose(p[2], scipy.special.softmax([0.0, -1.0, -2.0]))


def test_softmax_minus_inf_is_weight_zero():
    np.testing.assert_allclose(att.softmax([1.0, -np.inf, 1.0]), [0.5, 0.0, 0.5])


def test_softmax_bad_input():
    with pytest.raises(ValueError, match="x contains NaN"):
        att.softmax([1.0, np.nan])
    with pytest.raises(ValueError, match=r"x must be finite; it contains \+inf"):
        att.softmax([1.0, np.inf])
    with pytest.raises(ValueError, match="all -inf"):
        att.softmax([[0.0, 1.0], [-np.inf, -np.inf]])
    with pytest.raises(ValueError, match="axis"):
        att.softmax([1.0, 2.0], axis=1)
    with pytest.raises(TypeError, match="axis"):
        att.softmax([1.0, 2.0], axis=0.5)
    with pytest.raises(TypeError, match="x"):
        att.softmax("1 2 3")
    with pytest.raises(ValueError, match="x is empty"):
        att.softmax(np.zeros((2, 0)))


# ----------------------------------------------------------------------------- masks


def test_causal_mask_by_brute_force():
    for T in (1, 2, 5):
        expected = [[j <= i for j in range(T)] for i in range(T)]
        assert pos.causal_mask(T).tolist() == expected
        assert pos.causal_mask(T).dtype == bool
    with pytest.raises(ValueError, match="T"):
        pos.causal_mask(0)


def test_padding_mask_by_brute_force():
    mask = pos.padding_mask([4, 2, 1], 4)
    assert mask.shape == (3, 1, 4)
    expected = [[[j < n for j in range(4)]] for n in (4, 2, 1)]
    assert mask.tolist() == expected
    with pytest.raises(ValueError, match=r"lengths\[1\]"):
        pos.padding_mask([2, 5], 4)
    with pytest.raises(ValueError, match="lengths"):
        pos.padding_mask([], 4)
    with pytest.raises(TypeError, match="lengths"):
        pos.padding_mask("22", 4)


# ----------------------------------------------------------------------------- attention


@pytest.mark.parametrize("scale", [True, False])
def test_attention_equals_a_plain_python_double_loop(scale):
    q, k, v = rng_arrays(1, (4, 3), (6, 3), (6, 2))
    out, w = att.scaled_dot_product_attention(q, k, v, scale=scale)
    ref_out, ref_w = loop_attention(q.tolist(), k.tolist(), v.tolist(), scale=scale)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12)
    assert out.shape == (4, 2) and w.shape == (4, 6)


def test_attention_with_a_mask_equals_the_loop_and_masked_weights_are_zero():
    q, k, v = rng_arrays(2, (5, 4), (5, 4), (5, 3))
    mask = pos.causal_mask(5)
    out, w = att.scaled_dot_product_attention(q, k, v, mask=mask)
    ref_out, ref_w = loop_attention(q.tolist(), k.tolist(), v.tolist(), mask=mask.tolist())
    np.testing.assert_allclose(w, ref_w, rtol=1e-12)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12)
    assert np.all(w[~mask] == 0.0)


def test_attention_handles_leading_batch_dimensions():
    q, k, v = rng_arrays(3, (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
    out, w = att.scaled_dot_product_attention(q, k, v, mask=np.ones((4, 6), dtype=bool))
    assert out.shape == (2, 3, 4, 7) and w.shape == (2, 3, 4, 6)
    for b in range(2):
        for h in range(3):
            ref_out, ref_w = loop_attention(q[b, h].tolist(), k[b, h].tolist(), v[b, h].tolist())
            np.testing.assert_allclose(out[b, h], ref_out, rtol=1e-10)
            np.testing.assert_allclose(w[b, h], ref_w, rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 7))
def test_self_attention_is_permutation_equivariant(seed, T):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, 4))
    perm = rng.permutation(T)
    out, w = att.scaled_dot_product_attention(x, x, x)
    out_p, w_p = att.scaled_dot_product_attention(x[perm], x[perm], x[perm])
    np.testing.assert_allclose(out_p, out[perm], atol=1e-12)
    np.testing.assert_allclose(w_p, w[np.ix_(perm, perm)], atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 8), st.data())
def test_causal_output_ignores_the_future(seed, T, data):
    t = data.draw(st.integers(0, T - 2))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, 3))
    changed = x.copy()
    changed[t + 1:] = rng.standard_normal((T - t - 1, 3)) * 5
    out, _ = att.scaled_dot_product_attention(x, x, x, mask=pos.causal_mask(T))
    out2, _ = att.scaled_dot_product_attention(changed, changed, changed, mask=pos.causal_mask(T))
    np.testing.assert_allclose(out2[: t + 1], out[: t + 1], atol=1e-12)
    # and without the mask the past does see the change
    free, _ = att.scaled_dot_product_attention(x, x, x)
    free2, _ = att.scaled_dot_product_attention(changed, changed, changed)
    assert not np.allclose(free2[: t + 1], free[: t + 1])


def test_padding_mask_makes_padded_outputs_equal_unpadded_ones():
    (x,) = rng_arrays(4, (5, 3))
    short = x[:3]
    padded = np.stack([x, np.vstack([short, np.zeros((2, 3))])])  # (2, 5, 3)
    mask = pos.padding_mask([5, 3], 5)
    out, w = att.scaled_dot_product_attention(padded, padded, padded, mask=mask)
    ref, _ = loop_attention(short.tolist(), short.tolist(), short.tolist())
    np.testing.assert_allclose(out[1, :3], ref, rtol=1e-12)
    assert np.all(w[1, :, 3:] == 0.0)
    unmasked, _ = att.scaled_dot_product_attention(padded, padded, padded)
    assert not np.allclose(unmasked[1, :3], ref)


def test_attention_scores_by_hand():
    s = att.attention_scores([[1.0, 2.0]], [[3.0, 4.0], [0.0, 1.0]])
    np.testing.assert_allclose(s, [[11 / math.sqrt(2), 2 / math.sqrt(2)]])


def test_self_attention_weights_with_temperature_and_mask():
    (x,) = rng_arrays(5, (4, 3))
    scores = (x @ x.T) / math.sqrt(3)
    for temperature in (0.1, 1.0, 7.0):
        np.testing.assert_allclose(att.self_attention_weights(x, temperature),
                                   scipy.special.softmax(scores / temperature, axis=-1),
                                   rtol=1e-12)
    masked = att.self_attention_weights(x, 0.5, mask=~np.eye(4, dtype=bool))
    ref = scipy.special.softmax(np.where(np.eye(4, dtype=bool), -np.inf, scores / 0.5), axis=-1)
    np.testing.assert_allclose(masked, ref, rtol=1e-12)
    with pytest.raises(ValueError, match="temperature"):
        att.self_attention_weights(x, 0.0)


def test_the_slides_example_against_closed_forms():
    """The slide's query, keys and values: scores are (1, 1, 2)."""
    query = np.array([[1, 0, 1]])
    keys = np.array([[1, 1, 0], [0, 1, 1], [1, 1, 1]])
    values = np.array([[1, 0], [0, 1], [1, 1]])
    e = math.e
    out, w = att.scaled_dot_product_attention(query, keys, values, scale=False)
    np.testing.assert_allclose(w, [[1 / (2 + e), 1 / (2 + e), e / (2 + e)]], rtol=1e-12)
    np.testing.assert_allclose(out, [[(1 + e) / (2 + e)] * 2], rtol=1e-12)
    np.testing.assert_allclose(w.round(4), [[0.2119, 0.2119, 0.5761]])
    out_s, w_s = att.scaled_dot_product_attention(query, keys, values)
    ref = scipy.special.softmax(np.array([1.0, 1.0, 2.0]) / math.sqrt(3))
    np.testing.assert_allclose(w_s[0], ref, rtol=1e-12)
    np.testing.assert_allclose(w_s.round(4), [[0.2645, 0.2645, 0.4711]])
    np.testing.assert_allclose(out_s.round(4), [[0.7355, 0.7355]])
    # what the slide printed is not what its code computes, nor consistent with itself
    slide_w = np.array([0.36552929, 0.26894142, 0.36552929])
    assert not np.allclose(w[0], slide_w, atol=0.01)
    assert not np.isclose(slide_w @ values[:, 0], 0.78539816, atol=0.01)


def test_attention_bad_input_names_the_shapes():
    q, k, v = rng_arrays(6, (4, 3), (5, 3), (5, 2))
    with pytest.raises(ValueError, match=r"q and k .* \(4, 2\).*\(5, 3\)"):
        att.scaled_dot_product_attention(q[:, :2], k, v)
    with pytest.raises(ValueError, match=r"k and v .*\(5, 3\).*\(4, 2\)"):
        att.scaled_dot_product_attention(q, k, v[:4])
    with pytest.raises(ValueError, match=r"mask of shape \(4, 4\)"):
        att.scaled_dot_product_attention(q, k, v, mask=np.ones((4, 4), dtype=bool))
    with pytest.raises(TypeError, match="mask must be a boolean"):
        att.scaled_dot_product_attention(q, k, v, mask=np.ones((4, 5)))
    with pytest.raises(ValueError, match="hides every key"):
        att.scaled_dot_product_attention(q, k, v, mask=np.zeros((4, 5), dtype=bool))
    with pytest.raises(ValueError, match="q must have at least 2"):
        att.scaled_dot_product_attention(q[0], k, v)
    with pytest.raises(ValueError, match="batch dimensions"):
        att.scaled_dot_product_attention(np.zeros((2, 4, 3)), np.zeros((3, 5, 3)), v)
    with pytest.raises(ValueError, match="v contains NaN"):
        att.scaled_dot_product_attention(q, k, np.full((5, 2), np.nan))
    with pytest.raises(ValueError, match="k must be finite"):
        att.scaled_dot_product_attention(q, np.full((5, 3), np.inf), v)
    with pytest.raises(TypeError, match="scale"):
        att.scaled_dot_product_attention(q, k, v, scale=2.0)


@pytest.mark.parametrize("causal", [False, True])
def test_attention_equals_torch_scaled_dot_product_attention(causal):
    """An independent implementation (PyTorch's); skipped where torch is not installed."""
    torch = pytest.importorskip("torch")
    q, k, v = rng_arrays(21, (2, 3, 6, 4), (2, 3, 6, 4), (2, 3, 6, 5))  # (B, h, T, d)
    mask = pos.causal_mask(6) if causal else None
    out, weights = att.scaled_dot_product_attention(q, k, v, mask=mask)
    ref = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (q, k, v)),
        attn_mask=None if mask is None else torch.from_numpy(mask))
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12)
    ref_w = scipy.special.softmax(np.where(mask if causal else True, q @ k.swapaxes(-1, -2) / 2.0,
                                           -np.inf), axis=-1)  # sqrt(d) = 2
    np.testing.assert_allclose(weights, ref_w, rtol=1e-12)


def test_the_named_checks_refuse_what_they_say():
    q, k, v = rng_arrays(22, (4, 3), (5, 3), (5, 2))
    att.check_attention_shapes(q, k, v, np.ones((4, 5), dtype=bool))  # fits: no error
    with pytest.raises(ValueError, match="hides every key"):
        att.check_attention_shapes(q, k, v, np.eye(4, 5, dtype=bool) & False)
    with pytest.raises(ValueError, match="same number of positions"):
        att.check_attention_shapes(q, k, v[:3])
    att.check_scores_fit(np.full((1, 2), 1e150), np.full((1, 2), 1e150))  # 2e300 < 1.8e308
    with pytest.raises(ValueError, match="x, w_q and w_k are too large"):
        att.check_scores_fit(np.full((1, 2), 1e155), np.full((1, 2), 1e155), "x, w_q and w_k")
    att.check_not_all_masked(np.array([[-np.inf, 0.0]]))
    with pytest.raises(ValueError, match="all -inf"):
        att.check_not_all_masked(np.array([[-np.inf, 0.0]]), axis=0)


def test_multi_head_overflow_names_its_own_arguments():
    x, w = np.full((1, 2, 4), 1e160), np.eye(4)
    with pytest.raises(ValueError, match="x, w_q and w_k are too large"):
        att.multi_head_attention(x, w, w, w, w, num_heads=2)
    with pytest.raises(ValueError, match=r"x \(as queries and keys\) are too large"):
        att.self_attention_weights(x[0])


# ----------------------------------------------------------------------------- heads


def test_split_heads_equals_np_split_and_merge_undoes_it():
    (x,) = rng_arrays(7, (2, 5, 12))
    heads = att.split_heads(x, 3)
    assert heads.shape == (2, 3, 5, 4)
    for h, part in enumerate(np.split(x, 3, axis=-1)):
        np.testing.assert_array_equal(heads[:, h], part)
    np.testing.assert_array_equal(att.merge_heads(heads), x)
    with pytest.raises(ValueError, match=r"num_heads must divide d_model: x has shape \(2, 5, 12\)"):
        att.split_heads(x, 5)
    with pytest.raises(ValueError, match=r"\(B, T, d_model\)"):
        att.split_heads(x[0], 3)
    with pytest.raises(ValueError, match=r"\(B, h, T, d_head\)"):
        att.merge_heads(x)


def per_head_loop(x, w_q, w_k, w_v, w_o, num_heads, mask=None):
    """Multi-head attention as the textbook writes it: a loop over heads, then concatenation."""
    d_head = x.shape[-1] // num_heads
    outs, weights = [], []
    for b in range(x.shape[0]):
        heads, ws = [], []
        for h in range(num_heads):
            cols = slice(h * d_head, (h + 1) * d_head)
            q = (x[b] @ w_q[:, cols]).tolist()
            k = (x[b] @ w_k[:, cols]).tolist()
            v = (x[b] @ w_v[:, cols]).tolist()
            o, w = loop_attention(q, k, v, mask=None if mask is None else mask.tolist())
            heads.append(o)
            ws.append(w)
        outs.append(np.concatenate(heads, axis=-1) @ w_o)
        weights.append(ws)
    return np.array(outs), np.array(weights)


@pytest.mark.parametrize("num_heads", [1, 2, 3, 6])
@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_reshape_equals_per_head_loop(num_heads, causal):
    x, *ws = rng_arrays(8, (2, 5, 6), (6, 6), (6, 6), (6, 6), (6, 6))
    mask = pos.causal_mask(5) if causal else None
    out, weights = att.multi_head_attention(x, *ws, num_heads=num_heads, mask=mask)
    ref_out, ref_w = per_head_loop(x, *ws, num_heads, mask=mask)
    assert out.shape == (2, 5, 6) and weights.shape == (2, num_heads, 5, 5)
    np.testing.assert_allclose(out, ref_out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights, ref_w, rtol=1e-10, atol=1e-12)


def test_one_head_with_identity_projections_is_single_head_attention():
    (x,) = rng_arrays(9, (3, 4, 5))
    eye = np.eye(5)
    out, weights = att.multi_head_attention(x, eye, eye, eye, eye, num_heads=1)
    ref_out, ref_w = att.scaled_dot_product_attention(x, x, x)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12)
    np.testing.assert_allclose(weights[:, 0], ref_w, rtol=1e-12)


def test_multi_head_accepts_a_per_sentence_padding_mask():
    x, *ws = rng_arrays(10, (2, 4, 6), (6, 6), (6, 6), (6, 6), (6, 6))
    mask = pos.padding_mask([4, 2], 4) & pos.causal_mask(4)  # (2, 4, 4)
    _, weights = att.multi_head_attention(x, *ws, num_heads=2, mask=mask)
    assert np.all(weights[1, :, :, 2:] == 0.0)
    ref_out, _ = per_head_loop(x[1:, :2], *ws, 2, mask=pos.causal_mask(2))
    out, _ = att.multi_head_attention(x, *ws, num_heads=2, mask=mask)
    np.testing.assert_allclose(out[1, :2], ref_out[0], rtol=1e-10)


def test_multi_head_bad_input_prints_the_shapes():
    x, w = rng_arrays(11, (1, 4, 12), (12, 12))
    with pytest.raises(ValueError, match=r"num_heads must divide d_model: x has shape \(1, 4, 12\)"):
        att.multi_head_attention(x, w, w, w, w, num_heads=5)
    with pytest.raises(ValueError, match=r"w_k must have shape .*\(12, 12\).*got shape \(12, 6\)"):
        att.multi_head_attention(x, w, w[:, :6], w, w, num_heads=3)
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, d_model\), got shape \(4, 12\)"):
        att.multi_head_attention(x[0], w, w, w, w, num_heads=3)
    with pytest.raises(ValueError, match="num_heads"):
        att.multi_head_attention(x, w, w, w, w, num_heads=0)
    with pytest.raises(ValueError, match="mask"):
        att.multi_head_attention(x, w, w, w, w, num_heads=3, mask=pos.causal_mask(5))


# ----------------------------------------------------------------------------- positions


def test_sinusoidal_positions_against_the_formula():
    for T, d in ((7, 6), (5, 5), (3, 1)):
        pe = pos.sinusoidal_positions(T, d)
        assert pe.shape == (T, d)
        for t in range(T):
            for c in range(d):
                angle = t / 10000 ** (2 * (c // 2) / d)
                ref = math.sin(angle) if c % 2 == 0 else math.cos(angle)
                assert math.isclose(pe[t, c], ref, abs_tol=1e-12)


def test_sinusoidal_dot_products_depend_only_on_the_offset():
    pe = pos.sinusoidal_positions(40, 16)
    for k in (1, 3, 7):
        dots = [pe[t] @ pe[t + k] for t in range(40 - k)]
        np.testing.assert_allclose(dots, dots[0], rtol=1e-10)
    with pytest.raises(ValueError, match="d"):
        pos.sinusoidal_positions(4, 0)
    with pytest.raises(TypeError, match="T"):
        pos.sinusoidal_positions(2.5, 4)


# ----------------------------------------------------------------------------- scaling


def test_scaling_experiment_equals_a_loop_with_the_same_draws():
    dims = [2, 16]
    result = att.scaling_experiment(dims, num_keys=3, n_samples=50, seed=4)
    rng = np.random.default_rng(4)
    for i, d in enumerate(dims):
        q = rng.standard_normal((50, d))
        k = rng.standard_normal((50, 3, d))
        scores = np.array([[sum(q[n, c] * k[n, j, c] for c in range(d)) for j in range(3)]
                           for n in range(50)])
        assert math.isclose(result["var_unscaled"][i], np.var(scores.ravel()), rel_tol=1e-10)
        assert math.isclose(result["var_scaled"][i], np.var(scores.ravel()) / d, rel_tol=1e-10)
        peak = scipy.special.softmax(scores, axis=1).max(axis=1).mean()
        peak_s = scipy.special.softmax(scores / math.sqrt(d), axis=1).max(axis=1).mean()
        assert math.isclose(result["max_weight_unscaled"][i], peak, rel_tol=1e-10)
        assert math.isclose(result["max_weight_scaled"][i], peak_s, rel_tol=1e-10)


def test_scaling_experiment_variance_matches_theory():
    """Var(q . k) = d for independent standard normal q, k (within 5 standard errors), on
    notebook 05's exact experiment: dims 2 to 512, 1,000 queries with 8 keys each."""
    dims = [2, 8, 32, 128, 512]
    n, keys = 1000, 8
    result = att.scaling_experiment(dims, num_keys=keys, n_samples=n, seed=0)
    for d, var, var_s in zip(dims, result["var_unscaled"], result["var_scaled"]):
        # the 4th moment of a sum of d products q_i k_i is 3 d^2 + 6 d, so the sample variance
        # of n * keys scores has standard error d sqrt((2 + 6 / d) / (n * keys))
        se = d * math.sqrt((2 + 6 / d) / (n * keys))
        assert abs(var - d) < 5 * se
        assert abs(var_s - 1) < 5 * se / d
    assert result["max_weight_unscaled"][-1] > 0.9  # unscaled: the softmax is nearly one-hot
    assert np.all(result["max_weight_scaled"] < 0.5)


def test_scaling_experiment_and_projections_bad_input():
    with pytest.raises(ValueError, match="dims"):
        att.scaling_experiment([])
    with pytest.raises(ValueError, match="num_keys"):
        att.scaling_experiment([4], num_keys=1)
    with pytest.raises(TypeError, match="rng"):
        att.random_projections(4, 0)
    p = att.random_projections(64, np.random.default_rng(0))
    assert all(p[n].shape == (64, 64) for n in ("w_q", "w_k", "w_v", "w_o"))
    assert abs(p["w_q"].std() - 1 / 8) < 0.01


# ----------------------------------------------------------------------------- figures, panel


def _labelled(fig):
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    assert fig.axes[0].get_title() or fig._suptitle is not None


def test_attention_heatmap_draws_the_weights():
    w = att.softmax(np.arange(9.0).reshape(3, 3))
    fig = attention_heatmap(w, list("abc"), list("xyz"), "a title")
    _labelled(fig)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), w)
    assert len(fig.axes[0].texts) == 9  # annotated
    plotting.close(fig)
    with pytest.raises(ValueError, match="labels"):
        attention_heatmap(w, list("ab"), list("xyz"), "t")
    with pytest.raises(ValueError, match="weights"):
        attention_heatmap(w * 3, list("abc"), list("xyz"), "t")


def test_scaling_figure_plots_the_result():
    dims = [4, 16]
    result = att.scaling_experiment(dims, n_samples=100)
    fig = scaling_figure(dims, result)
    _labelled(fig)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), result["var_unscaled"])
    plotting.close(fig)
    with pytest.raises(ValueError, match="result"):
        scaling_figure([4, 16, 64], result)


def test_temperature_view_computes_then_draws_the_weights():
    tokens = ["a", "b", "c", "d"]
    (x,) = rng_arrays(12, (4, 5))
    for hide in (False, True):
        fig = temperature_view(tokens, x, temperature=0.3, hide_self=hide)
        _labelled(fig)
        mask = ~np.eye(4, dtype=bool) if hide else None
        np.testing.assert_allclose(fig.axes[0].images[0].get_array(),
                                   att.self_attention_weights(x, 0.3, mask=mask))
        assert "0.3" in fig.axes[0].get_title()
        plotting.close(fig)
    with pytest.raises(ValueError, match="temperature"):
        temperature_view(tokens, x, temperature=-1.0)


def test_temperature_heatmap_only_draws_the_weights_it_is_given():
    tokens = ["a", "b", "c"]
    weights = scipy.special.softmax(np.arange(9.0).reshape(3, 3), axis=1)
    fig = temperature_heatmap(tokens, weights, temperature=2.0, hide_self=True)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), weights)
    assert fig.axes[0].get_title() == "Self-attention at temperature 2 (other words only)"
    plotting.close(fig)
    with pytest.raises(ValueError, match="labels"):
        temperature_heatmap(tokens[:2], weights)


def test_temperature_panel_redraws_when_the_slider_moves():
    tokens = ["a", "b", "c"]
    (x,) = rng_arrays(13, (3, 4))
    panel = temperature_panel(tokens, x, temperature=1.0)
    assert isinstance(panel, ipywidgets.interactive)
    slider = next(c for c in panel.children if isinstance(c, ipywidgets.FloatLogSlider))
    assert slider.description.startswith("temperature")
    assert slider.style.description_width == "initial"
    slider.value = 0.1
    assert panel.kwargs["temperature"] == pytest.approx(0.1)
    switch = next(c for c in panel.children if isinstance(c, ipywidgets.Dropdown))
    switch.value = True
    assert panel.kwargs["hide_self"] is True


# ----------------------------------------------------------------------------- notebook 05's numbers


@pytest.fixture(scope="module")
def sentence():
    from lmcore import corpus
    from lmcore.story_embeddings import story_embeddings

    emb = story_embeddings()
    tokens = "king aldric wore his gold crown and his best blue cloak".split()
    assert tokens in corpus.tokenized_sentences(corpus.load_stories())
    return emb, tokens, emb.lookup(tokens)


def test_notebook05_sentence_weights_against_scipy(sentence):
    _, tokens, x = sentence
    scores = x @ x.T / math.sqrt(x.shape[1])
    ref = scipy.special.softmax(scores, axis=1)
    np.testing.assert_allclose(att.self_attention_weights(x), ref, rtol=1e-12)
    np.testing.assert_allclose(att.attention_scores(x, x), scores, rtol=1e-12)
    # the sharpened, diagonal-masked table: who each word looks at most
    sharp = scipy.special.softmax(np.where(np.eye(len(tokens), dtype=bool), -np.inf,
                                           scores / 0.1), axis=1)
    mine = att.self_attention_weights(x, 0.1, mask=~np.eye(len(tokens), dtype=bool))
    np.testing.assert_allclose(mine, sharp, rtol=1e-12)
    looks_at = {tokens[i]: tokens[j] for i, j in enumerate(sharp.argmax(axis=1))}
    assert looks_at["king"] == "aldric" and looks_at["aldric"] == "king"
    assert looks_at["gold"] == "blue" and looks_at["blue"] == "gold"
    assert looks_at["wore"] == "crown"


def test_notebook05_masks_on_the_sentence_against_the_loop(sentence):
    emb, tokens, x = sentence
    T = len(tokens)
    changed = emb.lookup(tokens[:-1] + ["coat"])
    causal = pos.causal_mask(T).tolist()
    for mask in (None, causal):
        ref1, _ = loop_attention(x.tolist(), x.tolist(), x.tolist(), mask=mask)
        ref2, _ = loop_attention(changed.tolist(), changed.tolist(), changed.tolist(), mask=mask)
        out1, _ = att.scaled_dot_product_attention(x, x, x, mask=None if mask is None
                                                   else np.array(mask))
        out2, _ = att.scaled_dot_product_attention(changed, changed, changed,
                                                   mask=None if mask is None else np.array(mask))
        assert math.isclose(np.abs(out2[:-1] - out1[:-1]).max(),
                            np.abs(ref2[:-1] - ref1[:-1]).max(), abs_tol=1e-12)
    # padding: the short sentence with three zero vectors, no mask
    short = emb.lookup("but the cat was not on the mat".split())
    padded = np.vstack([short, np.zeros((3, emb.dim))])
    ref, ref_w = loop_attention(padded.tolist(), padded.tolist(), padded.tolist())
    alone, _ = loop_attention(short.tolist(), short.tolist(), short.tolist())
    out, w = att.scaled_dot_product_attention(padded, padded, padded)
    assert math.isclose(w[:8, 8:].sum(axis=1).mean(), ref_w[:8, 8:].sum(axis=1).mean(),
                        rel_tol=1e-12)
    assert math.isclose(np.abs(out[:8] - alone).max(), np.abs(ref[:8] - alone).max(),
                        rel_tol=1e-12)


def test_notebook05_exercise_references():
    from lmcore.exercises import _core

    ex = _core._REGISTRY
    for (scores,) in ex["stable_softmax"].cases:
        np.testing.assert_allclose(ex["stable_softmax"].reference(scores),
                                   scipy.special.softmax(scores))
    for query, keys in ex["attention_weights_one_query"].cases:
        q, k = np.array(query), np.array(keys)
        np.testing.assert_allclose(ex["attention_weights_one_query"].reference(query, keys),
                                   scipy.special.softmax(k @ q / math.sqrt(len(q))))
    assert ex["causal_mask"].reference(3).tolist() == [[True, False, False], [True, True, False],
                                                       [True, True, True]]
