"""lmcore: the small, tested helper package behind the course *Physics of Language Models in Python*.

One module per idea, each readable on its own:

- :mod:`lmcore.corpus`      the course's English stories, sentence and word splitting, splits
- :mod:`lmcore.ngram`       counting n-grams and n-gram language models (MLE, add-k, Kneser-Ney)
- :mod:`lmcore.plotting`    the one house style for figures, plus one figure module per topic
- :mod:`lmcore.widgets`     thin ipywidgets bindings of the tested figure/table functions
- :mod:`lmcore.exercises`   a checker for the learners' exercise solutions

The computing modules import numpy and each other only, never matplotlib or ipywidgets,
so every number can be tested without a display.
"""

__version__ = "0.1.0"
