"""Exercise checks for every notebook: ``check("ngram_counts", my_function)``.

The checker lives in :mod:`lmcore.exercises._core`; each notebook's exercises are registered
by its own module here (``nb01.py``, ``nb02.py``, ...). Those modules are imported lazily, only
the one that defines the exercise asked for, so notebook 01 never pays for notebook 12's
scikit-learn import.
"""

from lmcore.exercises._core import Exercise, check, exercise_names, passes, register

__all__ = ["Exercise", "check", "exercise_names", "passes", "register"]
