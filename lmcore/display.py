"""Show lmcore's own code in a notebook, so the lesson's implementation is read, not re-typed.

>>> md = show_source(len)  # builtins have no Python source
Traceback (most recent call last):
...
TypeError: obj must be a Python function, class or method defined in source, got builtin_function_or_method
"""

from __future__ import annotations

import inspect


def show_source(obj):
    """Return ``obj``'s source as a Markdown code block (a notebook renders it highlighted).

    >>> from lmcore.ngram import pad
    >>> show_source(pad).data.splitlines()[1]
    'def pad(sentence, n: int) -> list[str]:'
    """
    from IPython.display import Markdown

    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError):
        raise TypeError(
            "obj must be a Python function, class or method defined in source, "
            f"got {type(obj).__name__}"
        ) from None
    return Markdown(f"```python\n{source.rstrip()}\n```")
