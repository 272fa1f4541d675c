"""Every worked example in lmcore's docstrings runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import lmcore

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(lmcore.__path__, prefix="lmcore.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
