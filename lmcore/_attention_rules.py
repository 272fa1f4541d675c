"""Argument rules of the attention and transformer modules, for :func:`lmcore.validation.validate`.

Each rule checks one argument and returns it converted; its error names the argument. A rule
given ``of="x"`` compares its argument with ``x``, which must be checked before it (written
earlier in the ``@validate`` line).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lmcore._checks import check_array, check_int
from lmcore.validation import Rule


class Shape(Rule):
    """A finite array of numbers with one axis per name: ``Shape("B, T, d_model")``.

    Converted to float unless ``keep_dtype``; empty arrays are refused unless not ``nonempty``.
    """

    def __init__(self, axes: str, keep_dtype: bool = False, nonempty: bool = True,
                 optional: bool = False):
        super().__init__(optional)
        self.axes, self.keep_dtype, self.nonempty = axes, keep_dtype, nonempty

    def check(self, name, value, checked):
        arr = check_array(name, value, nonempty=self.nonempty)
        if self.keep_dtype:
            arr = np.asarray(value)
        if arr.ndim != len(self.axes.split(",")):
            raise ValueError(f"{name} must have shape ({self.axes}), got shape {arr.shape}")
        return arr


class Projection(Rule):
    """A finite ``(d_model, d_model)`` matrix, ``d_model`` being the last axis of argument ``of``."""

    def __init__(self, of: str = "x", optional: bool = False):
        super().__init__(optional)
        self.of = of

    def check(self, name, value, checked):
        w, x = check_array(name, value), checked[self.of]
        d_model = x.shape[-1]
        if w.shape != (d_model, d_model):
            raise ValueError(f"{name} must have shape (d_model, d_model) = {(d_model, d_model)} "
                             f"for {self.of} of shape {x.shape}, got shape {w.shape}")
        return w


class Heads(Rule):
    """A number of heads: an integer >= 1 that divides ``d_model``, the last axis of ``of``."""

    def __init__(self, of: str = "x", optional: bool = False):
        super().__init__(optional)
        self.of = of

    def check(self, name, value, checked):
        h, x = check_int(name, value, minimum=1), checked[self.of]
        if x.shape[-1] % h:
            raise ValueError(f"{name} must divide d_model: {self.of} has shape {x.shape} "
                             f"(d_model = {x.shape[-1]}), {name} = {h}")
        return h


class Mask(Rule):
    """A boolean array, True where a query may look at a key (its shape is checked by the
    function, against the scores)."""

    def check(self, name, value, checked):
        try:
            mask = np.asarray(value)
        except ValueError:  # a ragged list
            raise TypeError(f"{name} must be a boolean array (True = may attend)") from None
        if mask.dtype != bool:
            raise TypeError(f"{name} must be a boolean array (True = may attend), got dtype "
                            f"{mask.dtype}")
        return mask


class BlockParams(Rule):
    """The arrays of one transformer block (:func:`lmcore.block.init_block`), each finite and
    of the shape :data:`lmcore.block.BLOCK_SHAPES` gives for ``d_model`` (the last axis of
    ``of``) and ``d_ff`` (the length of ``b_1``)."""

    def __init__(self, of: str = "x", optional: bool = False):
        super().__init__(optional)
        self.of = of

    def check(self, name, value, checked):
        from lmcore.block import BLOCK_SHAPES

        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a dict of arrays (from init_block), got "
                            f"{type(value).__name__}")
        missing = sorted(set(BLOCK_SHAPES) - set(value))
        if missing:
            raise ValueError(f"{name} is missing {missing}")
        x = checked[self.of]
        d_ff = np.shape(value["b_1"])[0] if np.ndim(value["b_1"]) == 1 else -1
        sizes = {"d": x.shape[-1], "f": d_ff}
        params = dict(value)
        for key, dims in BLOCK_SHAPES.items():
            expected = tuple(sizes[s] for s in dims)
            params[key] = check_array(f"{name}[{key!r}]", value[key], nonempty=False)
            if params[key].shape != expected:
                raise ValueError(f"{name}[{key!r}] must have shape {expected} for {self.of} of "
                                 f"shape {x.shape} (d_model = {x.shape[-1]}) and d_ff = {d_ff}; "
                                 f"got shape {params[key].shape}")
        return params
