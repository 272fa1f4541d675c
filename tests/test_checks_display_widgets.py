"""The shared input checks, show_source, the control factories, and the cache location."""

from pathlib import Path

import ipywidgets
import numpy as np
import pytest

from lmcore import _checks, widgets
from lmcore.datasets import default_cache_dir
from lmcore.display import show_source


class TestChecks:
    def test_int(self):
        assert _checks.check_int("n", np.int64(3), minimum=1) == 3
        with pytest.raises(TypeError, match="^n must be an integer"):
            _checks.check_int("n", True)
        with pytest.raises(ValueError, match="^n must be an integer >= 1, got 0"):
            _checks.check_int("n", 0, minimum=1)
        with pytest.raises(ValueError, match="^n must be an integer <= 5"):
            _checks.check_int("n", 6, maximum=5)

    def test_float(self):
        assert _checks.check_float("p", 1) == 1.0
        with pytest.raises(ValueError, match="^p must be > 0"):
            _checks.check_float("p", 0, minimum=0, min_inclusive=False)
        with pytest.raises(ValueError, match="^p must be < 1"):
            _checks.check_float("p", 1, maximum=1, max_inclusive=False)
        with pytest.raises(ValueError, match="finite"):
            _checks.check_float("p", float("nan"))
        with pytest.raises(TypeError, match="^p must be a real number"):
            _checks.check_float("p", "0.5")

    def test_tokens_and_sentences(self):
        assert _checks.check_tokens("tokens", ("a", "b")) == ["a", "b"]
        with pytest.raises(TypeError, match="single str"):
            _checks.check_tokens("tokens", "a b")
        with pytest.raises(TypeError, match="item 1 is int"):
            _checks.check_tokens("tokens", ["a", 1])
        assert _checks.check_sentences("s", [["a"], []]) == [["a"], []]
        with pytest.raises(ValueError, match="^s is empty"):
            _checks.check_sentences("s", [[], []])

    def test_rng_probabilities_choice(self):
        rng = np.random.default_rng(0)
        assert _checks.check_rng("rng", rng) is rng
        with pytest.raises(TypeError, match="default_rng"):
            _checks.check_rng("rng", np.random.RandomState(0))
        np.testing.assert_array_equal(_checks.check_probabilities("p", [0.5, 0.5]), [0.5, 0.5])
        with pytest.raises(ValueError, match="sum to 1"):
            _checks.check_probabilities("p", [0.5, 0.6])
        with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
            _checks.check_probabilities("p", [1.5, -0.5])
        assert _checks.check_probabilities("p", [1 + 1e-12], must_sum_to_one=False)[0] > 1
        assert _checks.check_choice("mode", "a", ["a", "b"]) == "a"
        with pytest.raises(ValueError, match=r"^mode must be one of \['a', 'b'\]"):
            _checks.check_choice("mode", "c", ["a", "b"])


def test_show_source_renders_a_python_code_block():
    from lmcore.ngram import pad
    from lmcore.tokenizers import Vocabulary

    md = show_source(pad)
    assert md.data.startswith("```python\n") and "\ndef pad(sentence" in md.data
    assert md.data.endswith("```") and "return" in md.data
    assert "\n    def __init__(self, tokens" in show_source(Vocabulary.__init__).data
    with pytest.raises(TypeError, match="^obj must be"):
        show_source(len)


def test_show_source_refuses_private_code():
    with pytest.raises(ValueError, match=r"^obj must be public.*'_checks'"):
        show_source(_checks.check_choice)  # a public name in a private module

    def _helper():
        return 1

    with pytest.raises(ValueError, match=r"^obj must be public.*'_helper'"):
        show_source(_helper)


@pytest.mark.parametrize("make, kind, value", [
    (lambda: widgets.int_slider("order n", 2, 1, 5), ipywidgets.IntSlider, 2),
    (lambda: widgets.float_slider("temperature t", 1.0, 0.0, 3.0, 0.05), ipywidgets.FloatSlider, 1.0),
    (lambda: widgets.log_slider("k (add-k)", 0.01, -4, 1), ipywidgets.FloatLogSlider, 0.01),
    (lambda: widgets.select_slider("num_heads", [1, 2, 3, 4, 6], 3), ipywidgets.SelectionSlider, 3),
    (lambda: widgets.dropdown("query word", ["king", "queen"], "queen"), ipywidgets.Dropdown, "queen"),
])
def test_controls_have_readable_labels_and_update_on_release(make, kind, value):
    control = make()
    assert isinstance(control, kind) and control.value == value
    assert control.style.description_width == "initial" and control.description
    if hasattr(control, "continuous_update"):
        assert control.continuous_update is False


def test_text_box_updates_while_typing():
    box = widgets.text_box("prefix", "th")
    assert box.value == "th" and box.continuous_update is True
    assert box.style.description_width == "initial"


def test_default_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "lmcore"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "lmcore"
