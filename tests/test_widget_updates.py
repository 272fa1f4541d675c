"""Figure panels keep one figure between moves: no state leaks, nothing left open, right values.

For every figure panel of the notebooks: its first image has the same pixels as its render
function's fresh figure saved the way the notebook's twin cell shows it; moving each slider
away and back gives that first image again; 100 moves leave matplotlib's figure count flat;
and what an update draws matches an independent computation (scipy, a plain loop).
"""

from __future__ import annotations

import io

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image
from scipy.stats import entropy as scipy_entropy

from lmcore import corpus, ngram
from lmcore.attention import random_projections
from lmcore.corpus import MarkovSource
from lmcore.line_fit import learning_rate_run
from lmcore.lm_training import LMHistory
from lmcore.plotting import decoding as p_decoding
from lmcore.plotting import information as p_information
from lmcore.plotting import sentiment as p_sentiment
from lmcore.plotting import tokenizers as p_tokenizers
from lmcore.plotting import training as p_training
from lmcore.plotting import transformer as p_transformer
from lmcore.plotting.live import FigureParts, LiveFigure, kept
from lmcore.sampling import sampling_distribution
from lmcore.sentiment import RegularisationCurve
from lmcore.widgets import attention as w_attention
from lmcore.widgets.attention import heads_panel, temperature_panel
from lmcore.widgets.decoding import sampling_panel
from lmcore.widgets.information import add_k_panel, concentration_panel
from lmcore.widgets.scaling import fitted_order_figure, order_fit_panel
from lmcore.widgets.sentiment import regularisation_panel
from lmcore.widgets.tokenizers import vocab_tradeoff_panel
from lmcore.widgets.training import learning_rate_panel
from lmcore.widgets.transformer import training_steps_panel

matplotlib.use("Agg")

TOKENS = ["the", "king", "said", "that", "the", "queen", "sang"]


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _saved_like_the_twin(fig) -> np.ndarray:
    """The fresh figure as the inline backend shows it (savefig, PNG, no tight bbox)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches=None)
    plt.close(fig)
    return _pixels(buf.getvalue())


def _history(rng):
    steps = [0, 50, 100, 150]
    attention = []
    for _ in steps:
        layers = []
        for _ in range(2):
            a = rng.random((2, 5, 5)) * np.tril(np.ones((5, 5)))
            layers.append(a / a.sum(axis=-1, keepdims=True))
        attention.append(layers)
    return LMHistory(steps=steps, train_loss=[2.0, 1.5, 1.2, 1.1],
                     held_out_loss=[2.1, 1.6, 1.3, 1.25], attention=attention)


def _curves():
    sizes = np.array([1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3])
    return ({n: (sizes, 1.0 + 0.2 * n + 30.0 * sizes ** -0.4 * n) for n in (1, 2, 3)},
            {n: 0.9 + 0.2 * n for n in (1, 2, 3)})


@pytest.fixture(scope="module")
def models():
    train, test = corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, 0)
    return {n: ngram.NGramModel(n).fit(train[:400]) for n in (1, 2)}, test[:40]


def _cases(models):
    """(name, panel factory, twin: a fresh figure at the panel's starting values)."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(TOKENS), 8))
    x16 = rng.normal(size=(len(TOKENS), 16))
    params = random_projections(16, np.random.default_rng(1))
    xs = rng.uniform(0, 2, 40)
    ys = 3 * xs + 2 + rng.normal(0, 0.3, 40)
    history = _history(rng)
    labels = [f"t{i}" for i in range(5)]
    min_freqs = list(range(1, 11))
    sizes = np.linspace(5000, 800, 10)
    rates = np.linspace(0.01, 0.2, 10)
    p = rng.dirichlet(np.ones(40))
    words = [f"w{i}" for i in range(40)]
    cs = 10.0 ** np.arange(-3, 3)
    curve = RegularisationCurve(cs, np.linspace(0.6, 0.8, 6), np.full(6, 0.02),
                                np.linspace(0.7, 1.0, 6))
    curves, limits = _curves()
    fitted, held_out = models
    return [
        ("concentration", lambda: concentration_panel(concentration=1.0),
         lambda: p_information.source_figure(1.0)),
        ("add_k", lambda: add_k_panel(fitted, held_out, k=0.01),
         lambda: p_information.add_k_figure(fitted, held_out, k=0.01)),
        ("temperature", lambda: temperature_panel(TOKENS, vectors, temperature=0.1),
         lambda: w_attention.temperature_view(TOKENS, vectors, 0.1)),
        ("heads", lambda: heads_panel(TOKENS, x16, params, num_heads=4),
         lambda: w_attention.heads_view(TOKENS, x16, params, 4)),
        ("learning_rate", lambda: learning_rate_panel(xs, ys, lr=0.5, epochs=50),
         lambda: p_training.learning_rate_figure(learning_rate_run(xs, ys, 0.5, 50))),
        ("training_steps", lambda: training_steps_panel(history, labels, 1.0),
         lambda: p_transformer.training_step_figure(history, 3, labels, 1.0)),
        ("vocab_tradeoff", lambda: vocab_tradeoff_panel(min_freqs, sizes, rates, min_freq=2),
         lambda: p_tokenizers.vocab_tradeoff_figure(min_freqs, sizes, rates, 2)),
        ("sampling", lambda: sampling_panel(p, words, context="said the"),
         lambda: p_decoding.sampling_figure(p, sampling_distribution(p, 1.0), words,
                                            "t = 1, no top-k, no top-p", context="said the")),
        ("regularisation", lambda: regularisation_panel(curve, C=1.0),
         lambda: p_sentiment.regularisation_figure(curve, 1.0)),
        ("order_fit", lambda: order_fit_panel(curves, limits, n=3, up_to=16_000),
         lambda: fitted_order_figure(curves, limits, 3, 16_000)),
    ]


def _controls(panel):
    return [c for c in panel.children if isinstance(c, ipywidgets.ValueWidget)
            and not isinstance(c, ipywidgets.Output)]


def _other_value(control):
    """A different value of ``control``: the next option, or one step along the slider."""
    if isinstance(control, (ipywidgets.SelectionSlider, ipywidgets.Dropdown)):
        index = control.index + 1 if control.index + 1 < len(control.options) else control.index - 1
        option = control.options[index]
        return option[1] if isinstance(option, tuple) else option
    step = control.step
    if isinstance(control, ipywidgets.FloatLogSlider):
        exponent = np.log10(control.value)
        new = exponent + step if exponent + step <= control.max else exponent - step
        return float(10.0 ** new)
    return control.value + step if control.value + step <= control.max else control.value - step


CASES = ["concentration", "add_k", "temperature", "heads", "learning_rate", "training_steps",
         "vocab_tradeoff", "sampling", "regularisation", "order_fit"]


def _case(models, name):
    return next(case for case in _cases(models) if case[0] == name)


@pytest.mark.parametrize("name", CASES)
def test_first_image_is_the_twin_and_moving_there_and_back_restores_it(models, name):
    _, make, twin = _case(models, name)
    panel = make()
    first = panel.image()
    np.testing.assert_array_equal(_pixels(first), _saved_like_the_twin(twin()))
    for control in _controls(panel):
        start = control.value
        control.value = _other_value(control)
        assert panel.image() != first, f"{name}: moving {control.description!r} changed nothing"
        control.value = start
        assert panel.image() == first, f"{name}: {control.description!r} there and back differs"
    panel.close()


@pytest.mark.parametrize("name", CASES)
def test_no_figure_is_left_open_over_100_moves(models, name):
    before = plt.get_fignums()
    _, make, _ = _case(models, name)
    panel = make()
    control = _controls(panel)[0]
    values = [control.value, _other_value(control)]
    for move in range(100):
        control.value = values[(move + 1) % 2]
        assert plt.get_fignums() == before
    figures = list(panel.live.figures.values())
    panel.close()
    assert plt.get_fignums() == before and not panel.live.figures
    with pytest.raises(ValueError, match="fig"):
        kept(figures[0])


def test_source_update_draws_each_state_entropy_like_scipy():
    panel = concentration_panel(concentration=1.0)
    slider = _controls(panel)[0]
    slider.value = 0.1
    parts = kept(panel.live.current)
    source = MarkovSource(order=1, vocab_size=8, seed=0, concentration=0.1)
    expected = scipy_entropy(source.transitions, base=2, axis=1)
    np.testing.assert_allclose([bar.get_width() for bar in parts["bars"]], expected, rtol=1e-12)
    np.testing.assert_allclose(parts["image"].get_array(), source.transitions)
    assert "0.1:" in parts["title"].get_text()
    panel.close()


def test_sampling_update_matches_a_plain_temperature_loop():
    p = np.random.default_rng(3).dirichlet(np.ones(30))
    words = [f"w{i}" for i in range(30)]
    panel = sampling_panel(p, words, shown=5)
    temperature = next(c for c in _controls(panel) if c.description.startswith("temperature"))
    temperature.value = 2.0
    scaled = [pi ** 0.5 for pi in p]  # p ** (1 / t), normalised, in a plain loop
    total = sum(scaled)
    q = sorted(((s / total, i) for i, s in enumerate(scaled)), key=lambda v: (-p[v[1]], v[1]))
    heights = [bar.get_height() for bar in kept(panel.live.current)["bars"]]
    np.testing.assert_allclose(heights[:5], [v for v, _ in q[:5]], rtol=1e-9)
    np.testing.assert_allclose(heights[5], sum(v for v, _ in q[5:]), rtol=1e-9)
    panel.close()


def test_order_fit_update_moves_the_floor_and_hides_no_held_back_points():
    curves, limits = _curves()
    panel = order_fit_panel(curves, limits, n=3, up_to=16_000)
    n_slider, up_to = _controls(panel)
    n_slider.value = 1
    up_to.value = 64_000  # every size in the fit: no hollow points left
    lines = kept(panel.live.current)["lines"]
    assert lines["floor"].get_ydata()[0] == pytest.approx(limits[1])
    assert not lines["held"].get_visible()
    legend = [t.get_text() for t in panel.live.current.axes[0].get_legend().get_texts()]
    assert "measured, held back" not in legend and legend[-2] == f"exact floor {limits[1]:.3f} bits"
    panel.close()


def test_heads_panel_keeps_one_figure_per_number_of_heads():
    rng = np.random.default_rng(0)
    panel = heads_panel(TOKENS, rng.normal(size=(len(TOKENS), 16)),
                        random_projections(16, np.random.default_rng(1)), num_heads=4)
    heads = _controls(panel)[0]
    for h in (1, 2, 4, 8, 4, 2):
        heads.value = h
        assert len(kept(panel.live.current)["images"]) == h
    assert sorted(panel.live.figures) == [1, 2, 4, 8]
    panel.close()


def test_live_figure_and_png_bytes_check_their_input():
    with pytest.raises(TypeError, match="build"):
        LiveFigure(None, lambda fig: None)
    with pytest.raises(TypeError, match="key"):
        LiveFigure(lambda: None, lambda fig: None, key=3)
    fig = p_decoding.sampling_figure(np.array([0.5, 0.5]), np.array([0.5, 0.5]), ["a", "b"], shown=1)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    np.testing.assert_array_equal(_pixels(FigureParts.png(fig)), _pixels(buf.getvalue()))
    plt.close(fig)
    with pytest.raises(ValueError, match="fig"):
        kept(plt.figure())
    plt.close("all")


def test_learning_rate_panel_survives_divergence_and_comes_back():
    rng = np.random.default_rng(0)
    xs = rng.uniform(0, 20, 40)
    ys = 3 * xs + 2 + rng.normal(0, 0.3, 40)
    panel = learning_rate_panel(xs, ys, lr=0.001, epochs=300)
    first = panel.image()
    lr = _controls(panel)[0]
    lr.value = 10 ** lr.max  # far above 2 / lambda_max: the loss overflows
    parts = kept(panel.live.current)
    assert "diverges" in parts["title"].get_text()
    assert parts["overflow"].get_visible() and not parts["path"].get_visible()
    legend = [t.get_text() for t in panel.live.current.axes[1].get_legend().get_texts()]
    assert legend == ["least squares"]
    lr.value = 0.001
    assert panel.image() == first
    panel.close()
