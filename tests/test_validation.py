"""The @validate decorator: each rule checks and converts its argument before the body runs."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from lmcore.validation import (
    Array,
    Bool,
    Choice,
    Custom,
    Float,
    Int,
    Probabilities,
    Rng,
    Sentences,
    Str,
    Tokens,
    Words,
    validate,
)


@validate(n=Int(min=1), p=Float(min=0, max=1, open_min=True), mode=Choice("a", "b"))
def _f(n, p=0.5, mode="a"):
    return n, p, mode


def test_valid_arguments_reach_the_body_converted():
    n, p, mode = _f(np.int64(3), p=np.float32(0.25))
    assert (n, p, mode) == (3, 0.25, "a")
    assert type(n) is int and type(p) is float  # numpy scalars become Python numbers


@pytest.mark.parametrize("args, kwargs, error, message", [
    ((0,), {}, ValueError, "n must be an integer >= 1, got 0"),
    ((True,), {}, TypeError, "n must be an integer, got bool True"),
    ((2.0,), {}, TypeError, "n must be an integer, got float 2.0"),
    ((1,), {"p": 0}, ValueError, "p must be > 0, got 0.0"),
    ((1,), {"p": float("nan")}, ValueError, "p must be a finite number, got nan"),
    ((1,), {"mode": "c"}, ValueError, "mode must be one of ['a', 'b'], got 'c'"),
])
def test_a_bad_argument_gets_an_error_that_starts_with_its_name(args, kwargs, error, message):
    with pytest.raises(error) as info:
        _f(*args, **kwargs)
    assert str(info.value) == message


def test_defaults_are_checked_and_missing_arguments_are_pythons_own_error():
    @validate(k=Int(min=5))
    def g(k=1):
        return k

    with pytest.raises(ValueError, match="^k must be an integer >= 5"):
        g()  # a bad default is caught too
    with pytest.raises(TypeError, match="missing a required argument: 'n'"):
        _f()


def test_bounds_may_depend_on_arguments_checked_before():
    @validate(tokens=Tokens(), k=Int(min=1, max=lambda a: len(a["tokens"])))
    def first(tokens, k):
        return tokens[:k]

    assert first(("a", "b", "c"), 2) == ["a", "b"]
    with pytest.raises(ValueError, match="^k must be an integer <= 3, got 4"):
        first(["a", "b", "c"], 4)


def test_methods_keyword_only_and_optional_arguments():
    class Model:
        @validate(rng=Rng(), temperature=Float(min=0, optional=True), verbose=Bool())
        def sample(self, rng, *, temperature=None, verbose=False):
            return temperature, verbose

    rng = np.random.default_rng(0)
    assert Model().sample(rng) == (None, False)
    assert Model().sample(rng, temperature=1, verbose=np.bool_(True)) == (1.0, True)
    with pytest.raises(TypeError, match="^rng must be a numpy Generator"):
        Model().sample(0)
    with pytest.raises(TypeError, match="^verbose must be True or False, got int"):
        Model().sample(rng, verbose=1)


def test_arrays_tokens_sentences_and_probabilities():
    @validate(x=Array(ndim=2, neg_inf=True), words=Words(), sents=Sentences(), p=Probabilities(),
              s=Str(), even=Custom(lambda name, v: v if v % 2 == 0 else _odd(name)))
    def h(x, words, sents, p, s, even):
        return x, words, sents, p

    x, words, sents, p = h([[0, -np.inf]], ("a",), [("b", "c")], [0.5, 0.5], "s", 2)
    assert x.dtype == float and words == ["a"] and sents == [["b", "c"]] and p.tolist() == [0.5, 0.5]
    for bad, message in [({"x": [[np.inf]]}, "^x must be finite"), ({"words": ["<s>"]}, "^words holds"),
                         ({"sents": "abc"}, "^sents must be a list"), ({"p": [0.5, 0.6]}, "^p must sum"),
                         ({"even": 3}, "^even must be even")]:
        args = dict(x=[[0.0]], words=["a"], sents=[["b"]], p=[1.0], s="s", even=2) | bad
        with pytest.raises((TypeError, ValueError), match=message):
            h(**args)


def _odd(name):
    raise ValueError(f"{name} must be even")


def test_the_decorated_function_keeps_its_name_signature_and_source():
    assert _f.__name__ == "_f" and list(inspect.signature(_f).parameters) == ["n", "p", "mode"]
    source = inspect.getsource(_f)
    assert source.startswith("@validate(n=Int(min=1)") and "def _f(n, p=0.5" in source


def test_a_rule_for_an_argument_that_does_not_exist_is_refused_at_definition():
    with pytest.raises(TypeError, match=r"has no argument\(s\) \['m'\]"):
        @validate(m=Int())
        def f(n):
            return n
    with pytest.raises(TypeError, match="the rule for n must be a Rule"):
        validate(n=int)
