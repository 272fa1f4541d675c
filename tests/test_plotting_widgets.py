"""The house style, notebook 01's figure and text panel, and the widget binding."""

import ipywidgets
import matplotlib
import numpy as np
import pytest

from lmcore import corpus, ngram, plotting
from lmcore.plotting.ngram import coverage_figure, generated_text
from lmcore.widgets import bind, int_slider
from lmcore.widgets.ngram import generation_panel


@pytest.fixture(scope="module")
def models():
    train, _ = corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, 0)
    return {n: ngram.NGramModel(n).fit(train[:600]) for n in (1, 2, 3)}


def test_palette_is_okabe_ito():
    assert plotting.COLORS[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert plotting.CMAP == "viridis"


def test_new_figure_requires_labels():
    fig, ax = plotting.new_figure("T", "x (units)", "y (units)")
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "x (units)", "y (units)")
    plotting.close(fig)
    with pytest.raises(ValueError, match="xlabel"):
        plotting.new_figure("T", "", "y")


def test_show_closes_the_figure():
    import matplotlib.pyplot as plt

    fig, _ = plotting.new_figure("T", "x", "y")
    plotting.show(fig)
    assert not plt.fignum_exists(fig.number)


def test_format_table_aligns_and_checks_widths():
    text = plotting.format_table([["a", 1.5], ["bb", 10.25]], ["word", "bits"], floatfmt=".2f")
    assert text.splitlines() == ["word   bits", "----  -----", "a      1.50", "bb    10.25"]
    with pytest.raises(ValueError, match="rows"):
        plotting.format_table([["a"]], ["x", "y"])


def test_coverage_figure_plots_the_percentages():
    fig = coverage_figure([1, 2, 3], [0.9, 0.5, 0.25])
    ax = fig.axes[0]
    assert ax.get_title() and "%" in ax.get_ylabel() and ax.get_xlabel()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [90, 50, 25])
    plotting.close(fig)
    with pytest.raises(ValueError, match="coverage"):
        coverage_figure([1, 2], [0.5])
    with pytest.raises(ValueError, match="coverage"):
        coverage_figure([1], [1.5])


def test_generated_text_is_seeded_and_labelled(models):
    text = generated_text(ngram.sample_sentences(models[2], seed=5, count=2), n=2, seed=5)
    lines = text.splitlines()
    assert lines[0] == "2-gram model, seed 5:" and len(lines) == 3
    rng = np.random.default_rng(5)
    assert lines[1] == "  1. " + models[2].generate(rng, max_words=25)
    assert lines[2] == "  2. " + models[2].generate(rng, max_words=25)
    with pytest.raises(TypeError, match="^sentences must be"):
        generated_text([["a", "list"]], n=2, seed=0)


def test_generation_panel_reruns_when_a_slider_moves(models):
    panel = generation_panel(models, n=2, seed=0)
    assert isinstance(panel, ipywidgets.interactive)
    sliders = {c.description: c for c in panel.children if isinstance(c, ipywidgets.IntSlider)}
    assert set(sliders) == {"n (order of the model)", "seed"}
    assert all(s.style.description_width == "initial" for s in sliders.values())
    assert (sliders["n (order of the model)"].min, sliders["n (order of the model)"].max) == (1, 3)
    sliders["seed"].value = 4
    sliders["n (order of the model)"].value = 3
    assert panel.kwargs["seed"] == 4 and panel.kwargs["n"] == 3


def test_bind_shows_figures_and_prints_text(capsys):
    seen = []

    def render(x):
        seen.append(x)
        if x > 1:
            fig, _ = plotting.new_figure("T", "x", "y")
            return fig
        return f"x = {x}"

    panel = bind(render, x=int_slider("x value", 1, 0, 3))
    assert "x = 1" in capsys.readouterr().out  # text is printed at the starting value
    panel.children[0].value = 2
    assert seen == [1, 2]
    assert matplotlib.pyplot.get_fignums() == []  # the figure was shown, then closed
