"""Show lmcore's own code in a notebook, so the lesson's implementation is read, not re-typed.

>>> md = show_source(len)  # builtins have no Python source
Traceback (most recent call last):
...
TypeError: obj must be a Python function, class or method defined in source, got builtin_function_or_method
"""

from __future__ import annotations

import inspect


def _private_part(obj) -> str | None:
    """The first part of ``obj``'s full name that is private (``_x``, not ``__init__``), if any."""
    module = getattr(obj, "__module__", None) or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
    for part in module.split(".") + qualname.split("."):
        dunder = part.startswith("__") and part.endswith("__")
        if part.startswith("_") and not dunder:
            return part
    return None


def show_source(obj):
    """Return ``obj``'s source as a Markdown code block (a notebook renders it highlighted).

    Only public code is shown: a learner can call, read and step through what they see, so a
    private name (``_helper``, ``lmcore._checks``) is refused. Decorators are part of the
    source: ``@validate(...)`` above a function is how it states its arguments.

    >>> from lmcore.ngram import pad
    >>> [line for line in show_source(pad).data.splitlines() if line.startswith("def")]
    ['def pad(sentence, n: int) -> list[str]:']
    """
    from IPython.display import Markdown

    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError):
        raise TypeError(
            "obj must be a Python function, class or method defined in source, "
            f"got {type(obj).__name__}"
        ) from None
    private = _private_part(inspect.unwrap(obj))
    if private is not None:
        raise ValueError(f"obj must be public code a learner can use: {private!r} is a private "
                         f"name (of {obj.__module__}.{obj.__qualname__})")
    return Markdown(f"```python\n{source.rstrip()}\n```")
