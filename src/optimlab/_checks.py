"""Argument checks shared by every public function and class of optimlab.

Each check returns the value in its normal form (a float, an int, an array) or raises a
``ValueError`` whose message starts with the parameter's name and ends with the value received,
so that a learner who passes a bad value reads at once which one and why.

The checks of optimizers' hyperparameters and schedules' arguments are *declared*: a check is a
small frozen object (:class:`Number`, :class:`Integer`, :class:`Flag`, :class:`Pair`,
:class:`Optional`, :class:`Choice`) that validates a value in Python and describes itself as
JSON (:meth:`Check.describe`), with its messages fully written out but for ``{value}``, so that
the explorer's JavaScript refuses a value with the very message Python gives. Checks that
involve several parameters are declared too (:class:`Constraint`). A class whose fields are
declared with :func:`declared` and that derives from :class:`Declared` checks them whenever an
instance is made (also by :func:`dataclasses.replace`).

Example:
    >>> number("eps", 1e-8)
    1e-08
    >>> number("momentum", 1.5, high=1.0)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be in [0, 1); got 1.5
    >>> Number(0, 1).describe("beta")["messages"]["range"]
    'beta must be in [0, 1); got {value}'
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
import operator
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import numpy as np

NO_DEFAULT = dataclasses.MISSING


def fill(message: str, value) -> str:
    """A declared message with the value received in place of ``{value}`` (Python's repr; the
    JavaScript writes it as JSON)."""
    return message.replace("{value}", repr(value))


class Check:
    """A declared check: :meth:`validate` in Python, :meth:`describe` as JSON."""

    kind: ClassVar[str]

    def messages(self, name: str) -> dict[str, str]:
        """The check's messages for the parameter ``name``, ``{value}`` left to fill."""
        raise NotImplementedError

    def validate(self, name: str, value):
        """``value`` in normal form, or a ValueError with one of :meth:`messages`."""
        raise NotImplementedError

    def fields(self) -> dict:
        """What the JavaScript needs besides the kind and the messages."""
        return {}

    def describe(self, name: str) -> dict:
        """The check as JSON for the parameter ``name``."""
        return {"kind": self.kind, **self.fields(), "messages": self.messages(name)}

    def from_json(self, value):
        """A value given as JSON (a list for a tuple) in the form Python passes it."""
        return value

    def fail(self, name: str, which: str, value):
        raise ValueError(fill(self.messages(name)[which], value))


@dataclass(frozen=True)
class Number(Check):
    """A finite float between ``low`` and ``high`` (either may be None: no bound), each end
    included or not; with ``schedule`` a learning-rate schedule (a callable of the step) is
    accepted in place of a number."""

    low: float | None = 0.0
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = False
    schedule: bool = False
    kind: ClassVar[str] = "number"

    def interval(self) -> str:
        if self.low is None and self.high is None:
            return "a finite number"
        if self.high is None:
            return f"a finite number {'>=' if self.low_inclusive else '>'} {self.low:g}"
        if self.low is None:
            return f"a finite number {'<=' if self.high_inclusive else '<'} {self.high:g}"
        return (f"in {'[' if self.low_inclusive else '('}{self.low:g}, {self.high:g}"
                f"{']' if self.high_inclusive else ')'}")

    def messages(self, name):
        return {"type": f"{name} must be a number; got {{value}}",
                "range": f"{name} must be {self.interval()}; got {{value}}"}

    def contains(self, x: float) -> bool:
        above = self.low is None or (x >= self.low if self.low_inclusive else x > self.low)
        below = self.high is None or (x <= self.high if self.high_inclusive else x < self.high)
        return math.isfinite(x) and above and below

    def validate(self, name, value):
        if self.schedule and callable(value):
            return value
        if isinstance(value, (str, bytes, bool, np.bool_)):
            self.fail(name, "type", value)
        try:
            result = float(value)
        except (TypeError, ValueError):
            self.fail(name, "type", value)
        if not self.contains(result):
            self.fail(name, "range", value)
        return result

    def fields(self):
        return {"low": self.low, "high": self.high, "low_inclusive": self.low_inclusive,
                "high_inclusive": self.high_inclusive, "schedule": self.schedule}

    def from_json(self, value):
        if self.schedule and isinstance(value, dict):
            from .schedules import from_options  # noqa: PLC0415 (schedules imports this module)

            return from_options(value)
        return value


@dataclass(frozen=True)
class Integer(Check):
    """An integer (not a bool) ``>= low`` (and ``<= high``, if given)."""

    low: int = 0
    high: int | None = None
    kind: ClassVar[str] = "integer"

    def messages(self, name):
        bounds = f">= {self.low}" if self.high is None else f"from {self.low} to {self.high}"
        message = f"{name} must be an integer {bounds}; got {{value}}"
        return {"type": message, "range": message}

    def validate(self, name, value):
        if not is_integer(value) or value < self.low or (self.high is not None
                                                        and value > self.high):
            self.fail(name, "range", value)
        return int(value)

    def fields(self):
        return {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class Flag(Check):
    """An option that changes the rule (nesterov, amsgrad, maximize, ...): True or False."""

    kind: ClassVar[str] = "flag"

    def messages(self, name):
        return {"type": f"{name} must be True or False; got {{value}}"}

    def validate(self, name, value):
        if not isinstance(value, (bool, np.bool_)):
            self.fail(name, "type", value)
        return bool(value)


@dataclass(frozen=True)
class Pair(Check):
    """A fixed-length tuple (a list in JSON) whose entries have checks of their own, named
    ``name[0]``, ``name[1]``, ...; ``shape`` names the entries in the message."""

    entries: tuple[Check, ...]
    shape: str
    kind: ClassVar[str] = "tuple"

    def messages(self, name):
        what = "a pair" if len(self.entries) == 2 else f"a tuple of {len(self.entries)}"
        return {"type": f"{name} must be {what} {self.shape}; got {{value}}"}

    def validate(self, name, value):
        if isinstance(value, (str, bytes, dict)):
            self.fail(name, "type", value)
        try:
            items = tuple(value)
        except TypeError:
            self.fail(name, "type", value)
        if len(items) != len(self.entries):
            self.fail(name, "type", value)
        return tuple(check.validate(f"{name}[{i}]", item)
                     for i, (check, item) in enumerate(zip(self.entries, items)))

    def fields(self):
        return {"length": len(self.entries)}

    def describe(self, name):
        entries = [{**check.describe(f"{name}[{i}]"), "name": f"{name}[{i}]"}
                   for i, check in enumerate(self.entries)]
        return {**super().describe(name), "entries": entries}

    def from_json(self, value):
        if isinstance(value, list) and len(value) == len(self.entries):
            return tuple(check.from_json(item) for check, item in zip(self.entries, value))
        return value


@dataclass(frozen=True)
class Optional(Check):
    """None (JSON null), standing for the number ``none_means`` (kept as None if that is None),
    or a value that passes ``check``."""

    check: Check
    none_means: float | None = None
    kind: ClassVar[str] = "optional"

    def messages(self, name):
        return self.check.messages(name)

    def validate(self, name, value):
        if value is None:
            return self.none_means
        return self.check.validate(name, value)

    def describe(self, name):
        return {"kind": self.kind, "none_means": self.none_means,
                "check": self.check.describe(name), "messages": self.messages(name)}


@dataclass(frozen=True)
class Choice(Check):
    """One of a few strings."""

    choices: tuple[str, ...]
    kind: ClassVar[str] = "choice"

    def messages(self, name):
        return {"type": f"{name} must be one of {', '.join(self.choices)}; got {{value}}"}

    def validate(self, name, value):
        if not isinstance(value, str) or value not in self.choices:
            self.fail(name, "type", value)
        return value

    def fields(self):
        return {"choices": list(self.choices)}


@dataclass(frozen=True)
class Param:
    """Another parameter's value, on the right of a :class:`Constraint`'s comparison."""

    name: str


OPERATORS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
             ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Constraint:
    """A check of several parameters together: when every comparison of ``when`` holds (always,
    if it is empty), every comparison of ``require`` must hold, or a ValueError says
    ``message`` with each ``{name}`` filled with that parameter's value (its repr).

    A comparison is ``(name, op, value)``, op one of ==, !=, <, <=, >, >=; the value may be
    :class:`Param` (another parameter's value)."""

    when: tuple[tuple[str, str, Any], ...]
    require: tuple[tuple[str, str, Any], ...]
    message: str

    @staticmethod
    def _holds(comparisons, values: dict) -> bool:
        def right(value):
            return values[value.name] if isinstance(value, Param) else value

        return all(OPERATORS[op](values[name], right(value)) for name, op, value in comparisons)

    def check(self, values: dict) -> None:
        if self._holds(self.when, values) and not self._holds(self.require, values):
            raise ValueError(self.message.format(**{k: repr(v) for k, v in values.items()}))

    def describe(self) -> dict:
        def side(comparisons):
            return [[name, op, {"param": value.name} if isinstance(value, Param) else value]
                    for name, op, value in comparisons]

        return {"if": side(self.when), "require": side(self.require), "message": self.message}


def declared(default: Any = NO_DEFAULT, check: Check = Number(), *, keyword_only=False):
    """A field of a :class:`Declared` class: its default (none if omitted) and its check."""
    return dataclasses.field(default=default, metadata={"check": check}, kw_only=keyword_only)


def json_value(value):
    """A default as JSON: tuples become lists."""
    return [json_value(v) for v in value] if isinstance(value, tuple) else value


class Declared:
    """A frozen dataclass whose fields are declared with :func:`declared`: each is checked, then
    the class's :attr:`constraints`, whenever an instance is made."""

    constraints: ClassVar[tuple[Constraint, ...]] = ()

    def __post_init__(self):
        for spec in dataclasses.fields(self):
            check = spec.metadata.get("check")
            if check is not None:
                value = check.validate(spec.name, getattr(self, spec.name))
                object.__setattr__(self, spec.name, value)
        values = {spec.name: getattr(self, spec.name) for spec in dataclasses.fields(self)}
        for constraint in self.constraints:
            constraint.check(values)

    @classmethod
    def declarations(cls) -> list[dataclasses.Field]:
        """The declared fields one passes when making one (in the signature's order)."""
        return [spec for spec in dataclasses.fields(cls)
                if spec.init and "check" in spec.metadata]

    @classmethod
    def describe(cls, owner: str) -> dict:
        """The parameters and constraints as JSON; ``owner`` names the class in messages."""
        parameters = []
        for spec in cls.declarations():
            required = spec.default is NO_DEFAULT
            entry = {"name": spec.name, "default": None if required else json_value(spec.default),
                     "required": required, "check": spec.metadata["check"].describe(spec.name)}
            if required:
                entry["messages"] = {"missing": f"{spec.name} must be given: {owner} has no "
                                                f"default {spec.name}"}
            parameters.append(entry)
        names = ", ".join(spec.name for spec in cls.declarations())
        return {"class": cls.__name__, "parameters": parameters,
                "constraints": [c.describe() for c in cls.constraints],
                "messages": {"unknown": f"{{value}} is not a parameter of {owner} ({names})"}}

    @classmethod
    def from_json(cls, options: dict, owner: str):
        """An instance from JSON options: unknown and missing names refused by name, lists
        turned into tuples and ``{"schedule": kind, ...}`` into a schedule where declared."""
        if not isinstance(options, dict):
            raise ValueError(f"options of {owner} must be a dict of its parameters; "
                             f"got {options!r}")
        described = cls.describe(owner)
        declared_here = {spec.name: spec for spec in cls.declarations()}
        for name in options:
            if name not in declared_here:
                raise ValueError(fill(described["messages"]["unknown"], name))
        for entry in described["parameters"]:
            if entry["required"] and entry["name"] not in options:
                raise ValueError(entry["messages"]["missing"])
        return cls(**{name: declared_here[name].metadata["check"].from_json(value)
                      for name, value in options.items()})


def number(name: str, value, low: float = 0.0, high: float | None = None, *,
           high_inclusive: bool = False) -> float:
    """``value`` as a float, after checking that it is finite and ``low <= value < high``
    (``<= high`` with ``high_inclusive``; no upper bound when ``high`` is None)."""
    return Number(low, high, high_inclusive=high_inclusive).validate(name, value)


def positive(name: str, value) -> float:
    """``value`` as a float, after checking that it is finite and > 0."""
    return Number(0.0, low_inclusive=False).validate(name, value)


def is_integer(value) -> bool:
    """Whether ``value`` is an integer (numpy's too, as from ``np.arange``), but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def integer(name: str, value, minimum: int = 0) -> int:
    """``value`` as an int, after checking that it is an integer ``>= minimum``."""
    return Integer(minimum).validate(name, value)


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
    return Flag().validate(name, value)


def function(name: str, value, shape: str = "x of shape (d,) to (d,)") -> Callable:
    """``value`` itself, after checking that it can be called."""
    if not callable(value):
        raise ValueError(f"{name} must be a callable mapping {shape}; got {value!r}")
    return value


def start(x0, name: str = "x0", matrices: bool = False) -> np.ndarray:
    """The starting point as a new float64 vector of shape ``(d,)`` (or, with ``matrices``, a
    matrix of shape ``(m, n)``), after checking that it is non-empty and finite."""
    try:
        x = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array-like of numbers; got {x0!r}") from None
    if x.ndim not in ((1, 2) if matrices else (1,)) or x.size == 0:
        shapes = "vector of shape (d,) or matrix of shape (m, n)" if matrices else \
            "vector of shape (d,)"
        raise ValueError(f"{name} must be a non-empty {shapes}; got shape {x.shape}")
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
    make.made = cls
    return make
