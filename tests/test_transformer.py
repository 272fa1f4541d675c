"""lmcore.transformer against independent references (scipy, loops, closed forms), and the
multi-head figures and panel of notebook 06."""

from __future__ import annotations

import math

import ipywidgets
import numpy as np
import pytest
import scipy.special
import scipy.stats

from lmcore import attention as att
from lmcore import block as blk
from lmcore import layers, plotting
from lmcore import positions as pos
from lmcore.plotting.attention import heads_figure, positions_figure
from lmcore.widgets.attention import heads_panel, heads_view


def closed_form(d_model, d_ff):
    """Parameters of one block, counted by hand: 4 projections, the MLP, two layer norms."""
    return 4 * d_model * d_model + (d_model * d_ff + d_ff) + (d_ff * d_model + d_model) \
        + 2 * (2 * d_model)


# ----------------------------------------------------------------------------- layer norm, GELU


def test_layer_norm_equals_scipy_zscore_then_gain_and_shift():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7)) * 4 + 1
    gamma, beta = rng.standard_normal(7), rng.standard_normal(7)
    ref = scipy.stats.zscore(x, axis=-1) * gamma + beta
    np.testing.assert_allclose(layers.layer_norm(x, gamma, beta, eps=0.0), ref, rtol=1e-10)
    y = layers.layer_norm(x)
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=-1), 1, atol=1e-4)  # eps = 1e-5 shrinks it a little


def test_layer_norm_constant_vector_and_bad_input():
    np.testing.assert_array_equal(layers.layer_norm(np.full((1, 4), 3.0)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="eps"):
        layers.layer_norm(np.full((1, 4), 3.0), eps=0.0)
    with pytest.raises(ValueError, match=r"gamma must have shape \(4,\)"):
        layers.layer_norm(np.ones((2, 4)), gamma=np.ones(3))
    with pytest.raises(ValueError, match="eps"):
        layers.layer_norm(np.ones((2, 4)), eps=-1.0)
    with pytest.raises(TypeError, match="x"):
        layers.layer_norm("abc")


def test_gelu_is_close_to_the_exact_x_times_phi():
    x = np.linspace(-6, 6, 241)
    exact = x * scipy.stats.norm.cdf(x)
    np.testing.assert_allclose(layers.gelu(x), exact, atol=1e-3)
    assert layers.gelu(0.0) == 0.0


# ----------------------------------------------------------------------------- the block


def test_init_block_shapes_and_values():
    p = blk.init_block(8, 20, np.random.default_rng(1))
    assert set(p) == set(blk.BLOCK_SHAPES)
    assert p["w_q"].shape == (8, 8) and p["w_1"].shape == (8, 20) and p["w_2"].shape == (20, 8)
    assert p["b_1"].shape == (20,) and p["b_2"].shape == (8,)
    np.testing.assert_array_equal(p["ln1_gamma"], np.ones(8))
    np.testing.assert_array_equal(p["ln2_beta"], np.zeros(8))
    same = blk.init_block(8, 20, np.random.default_rng(1))
    assert all(np.array_equal(p[k], same[k]) for k in p)
    with pytest.raises(ValueError, match="d_ff"):
        blk.init_block(8, 0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        blk.init_block(8, 4, 0)


@pytest.mark.parametrize("d_model,d_ff", [(8, 32), (12, 48), (48, 192), (5, 7)])
def test_parameter_count_equals_sizes_and_closed_form(d_model, d_ff):
    p = blk.init_block(d_model, d_ff, np.random.default_rng(2))
    assert blk.count_parameters(p) == sum(a.size for a in p.values()) == closed_form(d_model, d_ff)


def test_count_parameters_nested_and_bad_input():
    assert blk.count_parameters({"a": {"b": np.zeros((2, 3))}, "c": [np.zeros(4), np.ones(1)]}) == 11
    with pytest.raises(TypeError, match="params"):
        blk.count_parameters({"a": "oops"})


def reference_block(x, p, num_heads, causal, gelu=None):
    """The block written out by hand: zscore layer norms, a per-head loop, scipy softmax,
    and the exact GELU x * Phi(x) unless another ``gelu`` is given."""
    B, T, d = x.shape
    d_head = d // num_heads
    a = scipy.stats.zscore(x, axis=-1) / np.sqrt(1 + 1e-5 / x.var(axis=-1, keepdims=True))
    a = a * p["ln1_gamma"] + p["ln1_beta"]
    out = np.zeros_like(x)
    for b in range(B):
        heads = []
        for h in range(num_heads):
            cols = slice(h * d_head, (h + 1) * d_head)
            q, k, v = a[b] @ p["w_q"][:, cols], a[b] @ p["w_k"][:, cols], a[b] @ p["w_v"][:, cols]
            scores = q @ k.T / math.sqrt(d_head)
            if causal:
                scores = np.where(np.tril(np.ones((T, T))) > 0, scores, -np.inf)
            heads.append(scipy.special.softmax(scores, axis=-1) @ v)
        out[b] = np.concatenate(heads, axis=-1) @ p["w_o"]
    h = x + out
    z = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + 1e-5)
    z = z * p["ln2_gamma"] + p["ln2_beta"]
    hidden = z @ p["w_1"] + p["b_1"]
    hidden = hidden * scipy.stats.norm.cdf(hidden) if gelu is None else gelu(hidden)
    return h + hidden @ p["w_2"] + p["b_2"]


@pytest.mark.parametrize("causal", [True, False])
def test_block_matches_the_hand_written_reference(causal):
    rng = np.random.default_rng(3)
    p = blk.init_block(12, 24, rng)
    p = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in p.items()}  # non-trivial norms
    x = rng.standard_normal((2, 5, 12))
    y = blk.transformer_block(x, p, num_heads=3, causal=causal)
    # the only difference allowed is GELU's tanh approximation (< 1e-3 per unit)
    np.testing.assert_allclose(y, reference_block(x, p, 3, causal), atol=5e-3)


def test_block_with_zero_output_weights_is_the_identity():
    p = blk.init_block(6, 10, np.random.default_rng(4))
    p["w_o"] = np.zeros((6, 6))
    p["w_2"] = np.zeros((10, 6))
    x = np.random.default_rng(5).standard_normal((1, 3, 6))
    np.testing.assert_array_equal(blk.transformer_block(x, p, num_heads=2), x)


def test_causal_block_output_ignores_the_future():
    rng = np.random.default_rng(6)
    p = blk.init_block(8, 16, rng)
    x = rng.standard_normal((1, 6, 8))
    changed = x.copy()
    changed[0, 4:] += 3 * rng.standard_normal((2, 8))
    y, w = blk.transformer_block(x, p, num_heads=4, return_weights=True)
    y2 = blk.transformer_block(changed, p, num_heads=4)
    np.testing.assert_allclose(y2[0, :4], y[0, :4], atol=1e-12)
    assert not np.allclose(y2[0, 4:], y[0, 4:])
    assert w.shape == (1, 4, 6, 6) and np.all(w[..., ~pos.causal_mask(6)] == 0)


def test_block_bad_input():
    p = blk.init_block(8, 16, np.random.default_rng(7))
    x = np.zeros((1, 3, 8))
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, d_model\), got shape \(3, 8\)"):
        blk.transformer_block(x[0], p, num_heads=2)
    with pytest.raises(ValueError, match=r"num_heads must divide d_model: x has shape \(1, 3, 8\)"):
        blk.transformer_block(x, p, num_heads=3)
    with pytest.raises(ValueError,
                       match=r"params\['ln1_gamma'\] must have shape \(6,\) for x of shape \(1, 3, 6\)"):
        blk.transformer_block(np.zeros((1, 3, 6)), p, num_heads=2)
    with pytest.raises(ValueError, match="missing"):
        blk.transformer_block(x, {k: v for k, v in p.items() if k != "b_2"}, num_heads=2)
    with pytest.raises(TypeError, match="params"):
        blk.transformer_block(x, [1, 2], num_heads=2)


# ----------------------------------------------------------------------------- figures, panel


def test_heads_view_computes_then_draws_the_weights_of_every_head():
    rng = np.random.default_rng(8)
    tokens = ["a", "b", "c", "d", "e"]
    x = rng.standard_normal((5, 12))
    proj = att.random_projections(12, rng)
    for h in (1, 3, 6):
        fig = heads_view(tokens, x, proj, h, causal=True)
        _, weights = att.multi_head_attention(x[None], proj["w_q"], proj["w_k"], proj["w_v"],
                                              proj["w_o"], h, mask=pos.causal_mask(5))
        images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
        assert len(images) == h
        for head in range(h):
            np.testing.assert_allclose(images[head], weights[0, head])
        assert fig._suptitle.get_text().startswith(f"{h} head")
        assert fig.axes[0].get_xlabel() == "key" or h > 4
        assert fig.axes[0].get_ylabel() == "query"
        plotting.close(fig)
    with pytest.raises(ValueError, match="num_heads must divide"):
        heads_view(tokens, x, proj, 5)
    with pytest.raises(ValueError, match="weights must have shape"):
        heads_figure(tokens[:4], np.full((2, 5, 5), 0.2), 12)


def test_heads_figure_only_draws_the_weights_it_is_given():
    weights = np.stack([np.eye(3), np.full((3, 3), 1 / 3)])  # (h, T, T) = (2, 3, 3)
    fig = heads_figure(["a", "b", "c"], weights, d_model=8, causal=False)
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    np.testing.assert_array_equal(images[0], np.eye(3))
    assert fig._suptitle.get_text() == "2 heads of 4 dimensions each (no mask)"
    plotting.close(fig)


def test_positions_figure_shows_the_encoding():
    pe = pos.sinusoidal_positions(20, 16)
    fig = positions_figure(pe)
    assert fig._suptitle is not None and fig.axes[0].get_xlabel() and fig.axes[1].get_ylabel()
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), pe)
    np.testing.assert_array_equal(fig.axes[1].lines[1].get_ydata(), pe[:, 8])  # columns 0, 8
    plotting.close(fig)
    with pytest.raises(ValueError, match="pe"):
        positions_figure(pe[0])


def test_heads_panel_offers_the_divisors_and_redraws():
    rng = np.random.default_rng(9)
    tokens = ["a", "b", "c"]
    x = rng.standard_normal((3, 12))
    panel = heads_panel(tokens, x, att.random_projections(12, rng), num_heads=2)
    assert isinstance(panel, ipywidgets.interactive)
    slider = next(c for c in panel.children if isinstance(c, ipywidgets.SelectionSlider))
    assert slider.description.startswith("num_heads")
    assert list(slider.options) == [1, 2, 3, 4, 6]
    assert slider.style.description_width == "initial"
    slider.value = 6
    assert panel.kwargs["num_heads"] == 6
    mask = next(c for c in panel.children if isinstance(c, ipywidgets.Dropdown))
    mask.value = False
    assert panel.kwargs["causal"] is False


# ----------------------------------------------------------------------------- notebook 06's numbers


def _tanh_gelu(h):
    return 0.5 * h * (1 + np.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h ** 3)))


def test_notebook06_block_on_the_sentence_against_the_reference():
    from lmcore.story_embeddings import story_embeddings

    emb = story_embeddings(dim=48)
    tokens = "king aldric wore his gold crown and his best blue cloak".split()
    positions = pos.sinusoidal_positions(len(tokens), 48)
    vectors = emb.lookup(tokens)
    x = scipy.stats.zscore(vectors, axis=1) / np.sqrt(1 + 1e-5 / vectors.var(axis=1))[:, None]
    np.testing.assert_allclose(layers.layer_norm(vectors), x, rtol=1e-12)
    x = (layers.layer_norm(emb.lookup(tokens)) + positions)[None]
    changed = (layers.layer_norm(emb.lookup(tokens[:-1] + ["coat"])) + positions)[None]
    params = blk.init_block(48, 192, np.random.default_rng(0))
    assert blk.count_parameters(params) == closed_form(48, 192) == 28_080
    for causal in (True, False):
        mine = [blk.transformer_block(v, params, num_heads=4, causal=causal) for v in (x, changed)]
        ref = [reference_block(v, params, 4, causal, gelu=_tanh_gelu) for v in (x, changed)]
        np.testing.assert_allclose(mine[0], ref[0], atol=1e-10)
        np.testing.assert_allclose(mine[1], ref[1], atol=1e-10)
    # permutation: without positions and mask the block is equivariant, with positions it is not
    words = layers.layer_norm(emb.lookup(tokens))[None]
    perm = np.random.default_rng(1).permutation(len(tokens))
    plain = reference_block(words, params, 4, False, gelu=_tanh_gelu)
    shuffled = reference_block(words[:, perm], params, 4, False, gelu=_tanh_gelu)
    np.testing.assert_allclose(shuffled, plain[:, perm], atol=1e-12)


def test_notebook06_exercise_references():
    from lmcore.exercises import _core

    ex = _core._REGISTRY
    for d, f in ex["block_parameter_count"].cases:
        assert ex["block_parameter_count"].reference(d, f) == closed_form(d, f)
    for x, h in ex["split_heads"].cases:
        expected = np.stack(np.split(x, h, axis=-1), axis=1)  # (B, h, T, d_head)
        np.testing.assert_array_equal(ex["split_heads"].reference(x, h), expected)


def test_notebook06_prose_vector_lengths():
    """The notebook says word vectors have lengths around 1.5 and positions sqrt(24)."""
    from lmcore.story_embeddings import story_embeddings

    lengths = np.linalg.norm(story_embeddings(dim=48).vectors, axis=1)
    assert 1.2 < np.median(lengths) < 1.8
    pe = pos.sinusoidal_positions(11, 48)
    np.testing.assert_allclose(np.linalg.norm(pe, axis=1), math.sqrt(24))
