"""Argument checks shared by every public function and class of optimlab.

Each check returns the value in its normal form (a float, an int, an array) or raises a
``ValueError`` whose message starts with the parameter's name and ends with the value received,
so that a learner who passes a bad value reads at once which one and why.

Example:
    >>> number("eps", 1e-8)
    1e-08
    >>> number("momentum", 1.5, high=1.0)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be in [0, 1); got 1.5
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Callable

import numpy as np


def number(name: str, value, low: float = 0.0, high: float | None = None, *,
           high_inclusive: bool = False) -> float:
    """``value`` as a float, after checking that it is finite and ``low <= value < high``
    (``<= high`` with ``high_inclusive``; no upper bound when ``high`` is None)."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number; got {value!r}")
    if not math.isfinite(result) or result < low:
        raise ValueError(f"{name} must be a finite number >= {low:g}; got {value!r}")
    if high is not None:
        if high_inclusive and result > high:
            raise ValueError(f"{name} must be in [{low:g}, {high:g}]; got {value!r}")
        if not high_inclusive and result >= high:
            raise ValueError(f"{name} must be in [{low:g}, {high:g}); got {value!r}")
    return result


def positive(name: str, value) -> float:
    """``value`` as a float, after checking that it is finite and > 0."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(result) or result <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return result


def is_integer(value) -> bool:
    """Whether ``value`` is an integer (numpy's too, as from ``np.arange``), but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def integer(name: str, value, minimum: int = 0) -> int:
    """``value`` as an int, after checking that it is an integer ``>= minimum``."""
    if not is_integer(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def integer_between(name: str, value, low: int, high: int) -> int:
    """``value`` as an int, after checking that it is an integer with ``low <= value <= high``."""
    if not is_integer(value) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}; got {value!r}")
    return int(value)


def number_between(name: str, value, low: float, high: float) -> float:
    """``value`` as a float, after checking that it is a real number (not a bool, not a
    string) with ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
            low <= value <= high):
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}; got {value!r}")
    return float(value)


def flag(name: str, value) -> bool:
    """``value`` as a bool; only True, False (and numpy's booleans) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def function(name: str, value, shape: str = "x of shape (d,) to (d,)") -> Callable:
    """``value`` itself, after checking that it can be called."""
    if not callable(value):
        raise ValueError(f"{name} must be a callable mapping {shape}; got {value!r}")
    return value


def start(x0, name: str = "x0") -> np.ndarray:
    """The starting point as a new float64 vector of shape ``(d,)``, after checking that it is
    a non-empty vector of finite numbers."""
    try:
        x = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array-like of numbers; got {x0!r}") from None
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty vector of shape (d,); got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite; got {x0!r}")
    return x


def factory(cls: type, name: str) -> Callable:
    """The function ``name`` that makes a ``cls``: same signature, defaults and checks
    (so that each default is written once, on the class)."""

    def make(*args, **kwargs):
        return cls(*args, **kwargs)

    make.__name__ = make.__qualname__ = name
    make.__module__ = cls.__module__
    make.__signature__ = inspect.signature(cls).replace(return_annotation=cls.__name__)
    make.__doc__ = (f"Make a :class:`{cls.__name__}` (the arguments, defaults and checks are "
                    f"the class's; see it for the formula).")
    return make
