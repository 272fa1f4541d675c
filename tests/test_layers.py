"""Every hand-written backward pass of lmcore.layers against central finite differences.

The reference is numerical: for a scalar loss L = sum(y * r) with a fixed random r, the
derivative with respect to each input entry is (L(x + eps) - L(x - eps)) / (2 eps), computed
here entry by entry with a plain loop (float64, eps = 1e-6).
"""

import numpy as np
import pytest

from lmcore import layers

RNG = np.random.default_rng(1234)


def numerical_grad(f, x, eps=1e-6):
    """Central differences of the scalar function f at x, one entry at a time."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def rel_error(a, b):
    """||a - b|| / (||a|| + ||b||): 1e-10 when right; a wrong term gives 1e-2 or more."""
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def check(forward, backward, inputs, grad_names):
    """Compare backward(dy) with finite differences of sum(forward(...) * r)."""
    y, cache = forward(**inputs)
    r = RNG.normal(size=y.shape)
    analytic = backward(r, cache)
    for name, got in grad_names(analytic).items():
        want = numerical_grad(lambda: float(np.sum(forward(**inputs)[0] * r)), inputs[name])
        assert got.shape == want.shape, name
        assert rel_error(got, want) < 1e-6, (name, rel_error(got, want))


def test_layer_norm_backward():
    inputs = {"x": RNG.normal(size=(2, 3, 5)), "gamma": RNG.normal(size=5),
              "beta": RNG.normal(size=5)}
    check(layers.layer_norm_forward, layers.layer_norm_backward, inputs,
          lambda a: {"x": a[0], "gamma": a[1]["gamma"], "beta": a[1]["beta"]})


def test_linear_backward():
    inputs = {"x": RNG.normal(size=(2, 3, 4)), "w": RNG.normal(size=(4, 6)),
              "b": RNG.normal(size=6)}
    check(layers.linear_forward, layers.linear_backward, inputs,
          lambda a: {"x": a[0], "w": a[1]["w"], "b": a[1]["b"]})


def test_gelu_backward():
    inputs = {"x": RNG.normal(scale=2.0, size=(3, 7))}
    check(layers.gelu_forward, layers.gelu_backward, inputs, lambda a: {"x": a})


def test_gelu_matches_the_exact_erf_form_closely():
    from scipy.special import erf

    x = np.linspace(-5, 5, 201)
    exact = 0.5 * x * (1 + erf(x / np.sqrt(2)))
    assert np.max(np.abs(layers.gelu(x) - exact)) < 1e-3  # the tanh approximation


def test_embedding_backward_adds_repeated_ids():
    ids = np.array([[0, 2, 2], [1, 2, 0]])
    inputs = {"table": RNG.normal(size=(4, 3))}

    def forward(table):
        return layers.embedding_forward(ids, table)

    check(forward, layers.embedding_backward, inputs, lambda a: {"table": a["table"]})
    y, cache = layers.embedding_forward(ids, inputs["table"])
    assert np.allclose(layers.embedding_backward(np.ones_like(y), cache)["table"][3], 0.0)


@pytest.mark.parametrize("num_heads", [1, 2, 3])
def test_causal_attention_backward(num_heads):
    d = 6
    inputs = {"x": RNG.normal(size=(2, 4, d))}
    inputs.update({k: RNG.normal(scale=0.7, size=(d, d)) for k in ("w_q", "w_k", "w_v", "w_o")})

    def forward(x, w_q, w_k, w_v, w_o):
        return layers.causal_attention_forward(x, w_q, w_k, w_v, w_o, num_heads)

    check(forward, layers.causal_attention_backward, inputs,
          lambda a: {"x": a[0], **a[1]})


def test_causal_attention_matches_the_library_attention():
    from lmcore.attention import multi_head_attention
    from lmcore.positions import causal_mask

    x = RNG.normal(size=(2, 5, 8))
    w = [RNG.normal(size=(8, 8)) for _ in range(4)]
    y, cache = layers.causal_attention_forward(x, *w, num_heads=2)
    ref, ref_weights = multi_head_attention(x, *w, num_heads=2, mask=causal_mask(5))
    assert np.allclose(y, ref) and np.allclose(cache[8], ref_weights)


def test_cross_entropy_forward_and_backward():
    logits = RNG.normal(size=(5, 4))
    targets = np.array([0, 3, 1, 1, 2])
    loss, cache = layers.cross_entropy_forward(logits, targets)
    # independent: a loop over rows with the textbook formula
    want = np.mean([np.log(np.sum(np.exp(row))) - row[t] for row, t in zip(logits, targets)])
    assert loss == pytest.approx(want, rel=1e-12)
    grad = layers.cross_entropy_backward(cache)
    num = numerical_grad(lambda: layers.cross_entropy_forward(logits, targets)[0], logits)
    assert rel_error(grad, num) < 1e-6
