"""lmcore's layers, as lmcore/__init__.py states them: which module imports what.

The package docstring lists every module and names the outside libraries the computing
modules use; these tests hold that text true. Plotting modules draw what they are given: from
the computing modules they import only types and constants (and the few formulas of
``PLOTTING_MAY_CALL``), never a function that computes a model result.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

import lmcore

PACKAGE = Path(lmcore.__file__).parent
#: Outside libraries (beyond numpy and the standard library) the computing modules may use.
OUTSIDE = {"scipy": "scipy", "sklearn": "scikit-learn", "pooch": "pooch", "requests": "requests",
           "tqdm": "tqdm", "threadpoolctl": "threadpoolctl"}
DISPLAY = {"matplotlib", "ipywidgets", "IPython", "matplotlib_inline", "cycler"}
#: Functions plotting may call: the published laws, drawn as reference curves, and the entropy
#: of a distribution it draws, printed in the legend.
PLOTTING_MAY_CALL = {"lmcore.scaling_laws.chinchilla_loss", "lmcore.scaling_laws.kaplan_loss_vs_data",
                     "lmcore.information.entropy"}


def _imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, (ast.Import, ast.ImportFrom))]


def _roots(path: Path) -> set[str]:
    roots = set()
    for node in _imports(path):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


COMPUTING = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "display"})


def test_the_docstring_lists_every_public_module_and_nothing_else():
    listed = set(re.findall(r":mod:`lmcore\.(\w+)`", lmcore.__doc__))
    modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert listed == modules | packages


def test_the_docstring_names_each_outside_library_the_computing_modules_use():
    used = set().union(*(_roots(p) for p in COMPUTING)) - set(sys.stdlib_module_names)
    used -= {"numpy", "lmcore"}
    assert used <= set(OUTSIDE), f"undeclared: {used - set(OUTSIDE)}"
    for root in used:
        assert OUTSIDE[root] in lmcore.__doc__, root


@pytest.mark.parametrize("path", COMPUTING, ids=lambda p: p.stem)
def test_a_computing_module_never_imports_a_display_library(path):
    assert not _roots(path) & DISPLAY


@pytest.mark.parametrize("path", sorted((PACKAGE / "plotting").glob("*.py")), ids=lambda p: p.stem)
def test_plotting_draws_what_it_is_given(path):
    for node in _imports(path):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("lmcore."):
            continue
        if node.module.split(".")[1] in {"plotting", "_checks", "validation"}:
            continue
        module = importlib.import_module(node.module)
        for alias in node.names:
            obj = getattr(module, alias.name)
            name = f"{node.module}.{alias.name}"
            computes = callable(obj) and not inspect.isclass(obj) and name not in PLOTTING_MAY_CALL
            assert not computes, f"{path.name} imports {name}: compute in the widget, draw here"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_one_idea_per_module_in_about_350_lines(path):
    assert len(path.read_text().splitlines()) <= 350, "split the module by concern (CONTRIBUTING.md)"
