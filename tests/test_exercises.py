"""lmcore.exercises: the checker, and notebook 01's registered exercises."""

import pytest

from lmcore import exercises
from lmcore.exercises import _core


def _correct_counts(tokens, n):
    out = {}
    for i in range(len(tokens) - n + 1):
        ctx = " ".join(tokens[i:i + n - 1])
        out.setdefault(ctx, {})
        out[ctx][tokens[i + n - 1]] = out[ctx].get(tokens[i + n - 1], 0) + 1
    return out


def test_a_correct_solution_passes_every_case(capsys):
    assert exercises.passes("ngram_counts", _correct_counts)
    assert exercises.check("ngram_counts", _correct_counts) is None
    out = capsys.readouterr().out
    assert "✗" not in out and out.count("✓") == len(_core._REGISTRY["ngram_counts"].cases)


def test_a_wrong_solution_fails_with_expected_got_and_hint(capsys):
    def off_by_one(tokens, n):
        return _correct_counts(tokens, n + 1)

    assert not exercises.passes("ngram_counts", off_by_one)
    exercises.check("ngram_counts", off_by_one)
    out = capsys.readouterr().out
    assert "expected" in out and "got" in out and "Hint:" in out


def test_a_stub_and_a_crash_are_reported_not_raised(capsys):
    exercises.check("most_likely_next", lambda counts, ctx: None)
    assert "returned None" in capsys.readouterr().out
    exercises.check("most_likely_next", lambda counts, ctx: counts["nope"])
    assert "raised KeyError" in capsys.readouterr().out


def test_reference_answers_of_notebook_01_by_hand():
    exercises.exercise_names()
    _core._lookup("most_likely_next")
    ex = _core._REGISTRY
    slide = ex["next_word_probability"].cases[0][0]
    assert ex["next_word_probability"].reference(slide, "the", "cat") == 0.5
    assert ex["next_word_probability"].reference(slide, "the", "dog") == 0.0
    # "the dog chased the cat and the cat chased the bird": after "the": dog 1, cat 2, bird 1
    longer = ex["most_likely_next"].cases[1][0]
    assert ex["most_likely_next"].reference(longer, "the") == "cat"
    assert ex["most_likely_next"].reference(longer, "chased") == "the"


def test_float_results_compare_with_tolerance():
    assert _core._close(0.1 + 0.2, 0.3)
    assert not _core._close(0.3, 0.31)
    assert _core._close({"a": [0.1 + 0.2]}, {"a": [0.3]})


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        exercises.check("no_such_exercise", len)
    with pytest.raises(TypeError, match="fn"):
        exercises.check("ngram_counts", "not a function")
    with pytest.raises(ValueError, match="name"):
        exercises.register("ngram_counts", len, [(1,)], "dup")
    with pytest.raises(ValueError, match="cases"):
        exercises.register("brand_new_name_for_test", len, [], "no cases")


def test_exercise_modules_load_lazily_and_names_are_unique_across_notebooks():
    import ast
    import subprocess
    import sys
    from pathlib import Path

    names = []
    for path in sorted(Path(_core.__file__).parent.glob("nb[0-9][0-9].py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "register":
                names.append(node.args[0].value)
    assert len(names) == len(set(names)) and sorted(set(names)) == exercises.exercise_names()
    # checking a notebook-01 exercise imports neither notebook 12's module nor scikit-learn
    code = ("import sys; from lmcore.exercises import check; check('ngram_counts', lambda t, n: {});"
            "print('sklearn' in sys.modules, 'lmcore.exercises.nb12' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_every_registered_exercise_has_a_reference_that_runs():
    for name in exercises.exercise_names():
        exercise = _core._lookup(name)
        for args in exercise.cases:
            exercise.reference(*args)
