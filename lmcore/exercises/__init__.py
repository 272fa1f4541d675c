"""Exercise checks for every notebook: ``check("ngram_counts", my_function)``.

The checker lives in :mod:`lmcore.exercises._core`; each notebook's exercises are registered
by its own module here (``nb01.py``, ``nb02.py``, ...), imported automatically below.
"""

import importlib
import pkgutil

from lmcore.exercises._core import Exercise, check, exercise_names, passes, register

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["Exercise", "check", "exercise_names", "passes", "register"]
