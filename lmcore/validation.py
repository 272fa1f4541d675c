"""Argument checks as one declarative line above a function (scikit-learn's ``validate_params``).

A function states what each argument must be; its body is then its idea::

    @validate(tokens=Words(spaces=False), n=Int(min=1))
    def ngram_counts(tokens, n): ...

Before the body runs, every named argument is checked and converted in the order written
(``Int`` gives a Python ``int``, ``Array`` a float ndarray, ``Tokens`` a list of str). A bad
value raises ``TypeError`` (wrong kind) or ``ValueError`` (right kind, bad value) with a message
that starts with the argument's name: ``n must be an integer >= 1, got 0``. A bound may be a
function of the arguments already checked, e.g. ``Int(max=lambda a: len(a["tokens"]))``.

Checks that tie arguments together in a way no rule states (two shapes that must agree) stay
in the body, one line each. The rules are thin wrappers of the ``check_*`` helpers in
``lmcore._checks``; ``inspect.signature`` and ``show_source`` see the undecorated function.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from lmcore import _checks as C

__all__ = ["validate", "Rule", "Int", "Float", "Str", "Bool", "Choice", "Tokens", "Words",
           "Sentences", "Array", "Probabilities", "Rng", "Function", "Mapping", "List", "Custom"]


class Rule:
    """One argument's constraint: ``rule(name, value, checked)`` returns the checked value.

    ``optional=True`` lets ``None`` through unchanged. ``checked`` maps the names of the
    arguments checked before this one to their checked values (for bounds that depend on them).
    """

    def __init__(self, optional: bool = False):
        self.optional = optional

    def __call__(self, name, value, checked):
        if value is None and self.optional:
            return None
        return self.check(name, value, checked)

    def check(self, name, value, checked):  # pragma: no cover - every rule overrides it
        raise NotImplementedError

    @staticmethod
    def resolve(bound, checked):
        """A bound given as a number, or as a function of the arguments checked so far."""
        return bound(checked) if callable(bound) else bound


class Int(Rule):
    """An integer (never a bool) within ``[min, max]``."""

    def __init__(self, min=None, max=None, optional=False):
        super().__init__(optional)
        self.min, self.max = min, max

    def check(self, name, value, checked):
        return C.check_int(name, value, self.resolve(self.min, checked),
                           self.resolve(self.max, checked))


class Float(Rule):
    """A finite real number within the bounds (``open_min``/``open_max`` exclude them)."""

    def __init__(self, min=None, max=None, open_min=False, open_max=False, optional=False):
        super().__init__(optional)
        self.min, self.max, self.open_min, self.open_max = min, max, open_min, open_max

    def check(self, name, value, checked):
        return C.check_float(name, value, self.resolve(self.min, checked),
                             self.resolve(self.max, checked), not self.open_min, not self.open_max)


class Str(Rule):
    """A ``str``."""

    def check(self, name, value, checked):
        return C.check_str(name, value)


class Bool(Rule):
    """``True`` or ``False`` (numpy's ``bool_`` too), never a number standing in for one."""

    def check(self, name, value, checked):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
        return bool(value)


class Choice(Rule):
    """One of a fixed set of values."""

    def __init__(self, *choices, optional=False):
        super().__init__(optional)
        self.choices = choices

    def check(self, name, value, checked):
        return C.check_choice(name, value, self.choices)


class Tokens(Rule):
    """A sequence of string tokens (a bare string is refused), returned as a list."""

    def check(self, name, value, checked):
        return C.check_tokens(name, value)


class Words(Rule):
    """Tokens without the reserved ``<s>``/``</s>`` (unless ``reserved``) or, if not
    ``spaces``, without empty or whitespace-holding tokens."""

    def __init__(self, reserved=False, spaces=True, optional=False):
        super().__init__(optional)
        self.reserved, self.spaces = reserved, spaces

    def check(self, name, value, checked):
        return C.check_words(name, value, allow_reserved=self.reserved, allow_spaces=self.spaces)


class Sentences(Rule):
    """A non-empty list of token lists (``words=True``: no reserved tokens)."""

    def __init__(self, words=False, optional=False):
        super().__init__(optional)
        self.words = words

    def check(self, name, value, checked):
        return C.check_sentences(name, value, words=self.words)


class Array(Rule):
    """A numeric array (float unless ``integer``): see :func:`lmcore._checks.check_array`."""

    def __init__(self, ndim=None, min_ndim=0, finite=True, neg_inf=False, nonempty=True,
                 integer=False, optional=False):
        super().__init__(optional)
        self.options = dict(ndim=ndim, min_ndim=min_ndim, finite=finite, allow_neg_inf=neg_inf,
                            nonempty=nonempty, integer=integer)

    def check(self, name, value, checked):
        return C.check_array(name, value, **self.options)


class Probabilities(Rule):
    """A 1-D array of probabilities in [0, 1] (summing to 1 unless ``sums_to_one=False``)."""

    def __init__(self, sums_to_one=True, atol=1e-6, optional=False):
        super().__init__(optional)
        self.sums_to_one, self.atol = sums_to_one, atol

    def check(self, name, value, checked):
        return C.check_probabilities(name, value, self.atol, self.sums_to_one)


class Rng(Rule):
    """A ``numpy.random.Generator`` (``np.random.default_rng(seed)``)."""

    def check(self, name, value, checked):
        return C.check_rng(name, value)


class Function(Rule):
    """A callable; ``what`` describes it in the error."""

    def __init__(self, what="a function", optional=False):
        super().__init__(optional)
        self.what = what

    def check(self, name, value, checked):
        C.check_callable(name, value, self.what)
        return value


class Mapping(Rule):
    """A dict-like mapping."""

    def check(self, name, value, checked):
        return C.check_mapping(name, value)


class List(Rule):
    """Any iterable but a string, returned as a list."""

    def __init__(self, what="a list", optional=False):
        super().__init__(optional)
        self.what = what

    def check(self, name, value, checked):
        return C.check_list(name, value, self.what)


class Custom(Rule):
    """A rule of your own: ``Custom(f)`` with ``f(name, value)`` returning the checked value, or
    ``f(name, value, checked)`` when it needs the arguments checked before this one."""

    def __init__(self, check, optional=False):
        super().__init__(optional)
        self.function = check
        self.wants_checked = len(inspect.signature(check).parameters) == 3

    def check(self, name, value, checked):
        if self.wants_checked:
            return self.function(name, value, checked)
        return self.function(name, value)


def validate(**rules: Rule):
    """Decorate a function so that each named argument passes its :class:`Rule` first.

    >>> @validate(n=Int(min=1), p=Float(min=0, max=1))
    ... def f(n, p=0.5):
    ...     return n * p
    >>> f(3)
    1.5
    >>> f(0)
    Traceback (most recent call last):
    ...
    ValueError: n must be an integer >= 1, got 0
    """
    for name, rule in rules.items():
        if not isinstance(rule, Rule):
            raise TypeError(f"validate: the rule for {name} must be a Rule, got "
                            f"{type(rule).__name__}")

    def decorate(function):
        signature = inspect.signature(function)
        unknown = set(rules) - set(signature.parameters)
        if unknown:
            raise TypeError(f"validate: {function.__qualname__} has no argument(s) {sorted(unknown)}")
        # The common case (no *args, **kwargs or positional-only arguments) is matched by hand:
        # signature.bind would cost more than the checks themselves.
        plain = all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                    for p in signature.parameters.values())
        positional = [p.name for p in signature.parameters.values()
                      if p.kind == p.POSITIONAL_OR_KEYWORD]
        defaults = {p.name: p.default for p in signature.parameters.values()
                    if p.default is not p.empty}

        def arguments_of(args, kwargs):
            """The call's arguments by name, defaults filled in (None: let bind decide)."""
            if not plain or len(args) > len(positional):
                return None
            values = dict(zip(positional, args))
            for name, value in kwargs.items():
                if name in values or name not in signature.parameters:
                    return None
                values[name] = value
            for name, value in defaults.items():
                values.setdefault(name, value)
            return values if len(values) == len(signature.parameters) else None

        @functools.wraps(function)
        def checked_call(*args, **kwargs):
            values = arguments_of(args, kwargs)
            if values is None:  # unusual signatures, and calls Python itself must refuse
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                values = bound.arguments
            checked = {}
            for name, rule in rules.items():
                checked[name] = values[name] = rule(name, values[name], checked)
            if plain:
                return function(**values)
            return function(*bound.args, **bound.kwargs)

        checked_call.rules = rules
        return checked_call

    return decorate
