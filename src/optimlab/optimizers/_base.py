"""What every optimizer shares: the state, the interface, and hyperparameters checked once.

A hyperparameter is declared once, on the class, with its default and its check
(:func:`hyperparameter`, a declared check of :mod:`optimlab._checks`); the check runs whenever an
optimizer is made, by the class, by its factory function, by :func:`dataclasses.replace` or by
:func:`optimlab.optimizers.from_options`, and the same declaration is what
:func:`optimlab.optimizers.catalogue` describes. ``_checks.factory`` then makes the lowercase
function (``adam``) from the class (``Adam``), with the same signature, so no default is written
twice. :func:`batch` stacks several settings of one optimizer for :func:`optimlab.run_grid`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Union

import numpy as np

from .. import _checks

LearningRate = Union[float, Callable[[int], float]]


@dataclass(frozen=True)
class State:
    """The state of an optimizer after ``t`` steps.

    Attributes:
        t: the number of steps taken so far (0 before the first step).
        buffers: named arrays the optimizer keeps between steps, for example ``m`` and ``v``
            for Adam. Their meaning is documented on each optimizer.
    """

    t: int
    buffers: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.buffers[name]

    @classmethod
    def zeros(cls, x, *names: str) -> State:
        """The state before the first step: one zero buffer shaped like ``x`` per name."""
        zeros = np.zeros_like(x, dtype=float)
        return cls(t=0, buffers={name: zeros for name in names})


# The checks hyperparameters declare (each one object, which validates in Python and describes
# itself in the catalogue, :func:`optimlab.optimizers.catalogue`).
LEARNING_RATE = _checks.Number(0.0, schedule=True)  # a float >= 0, or a schedule (a callable of t)
NONNEGATIVE = _checks.Number(0.0)                    # a finite float >= 0
FRACTION = _checks.Number(0.0, 1.0)                  # in [0, 1): a decay rate, a momentum
CLOSED_FRACTION = _checks.Number(0.0, 1.0, high_inclusive=True)  # in [0, 1]: SGD's dampening
BETAS = _checks.Pair((FRACTION, FRACTION), "(beta1, beta2)")
FLAG = _checks.Flag()                                # an option that changes the rule


def hyperparameter(default: Any = _checks.NO_DEFAULT, check: _checks.Check = NONNEGATIVE, *,
                   keyword_only: bool = False):
    """Declare a hyperparameter of an optimizer class: its default (none if omitted) and the
    check it must pass whenever an optimizer is made; ``keyword_only`` for the options torch
    takes after its ``*`` (``maximize``)."""
    return _checks.declared(default, check, keyword_only=keyword_only)


def maximize():
    """torch's ``maximize``: step up the gradient instead of down (the gradient's sign is
    flipped as it arrives, before any weight decay is added)."""
    return hyperparameter(False, FLAG, keyword_only=True)


class Optimizer(_checks.Declared):
    """The interface every optimizer implements.

    * ``init(x)`` returns the initial :class:`State` for parameters ``x``;
    * ``step(x, g, state)`` takes the parameters, the gradient at them and the state, and
      returns the new parameters and the new state. Nothing is modified in place.

    Subclasses are frozen dataclasses whose fields are declared with :func:`hyperparameter`
    (checked whenever one is made) and whose :attr:`constraints` declare the checks that
    involve several hyperparameters. ``reference`` names the implementation the rule follows
    and ``elementwise`` says whether each coordinate's step depends on that coordinate alone.
    """

    lr: LearningRate
    reference: ClassVar[str] = ""
    elementwise: ClassVar[bool] = True
    # True for the optimizer that :func:`batch` assembles: its parameters then have a leading
    # axis of runs. Only rules that are not elementwise (Adafactor's RMS and its factored
    # statistics) need to know.
    batched = False

    def init(self, x: np.ndarray) -> State:
        """The state before the first step for parameters ``x``."""
        raise NotImplementedError

    def step(self, x: np.ndarray, g: np.ndarray, state: State) -> tuple[np.ndarray, State]:
        """One update: parameters ``x``, gradient ``g`` at ``x``; returns ``(x_new, state_new)``."""
        raise NotImplementedError

    def evaluation_point(self, x: np.ndarray, state: State) -> np.ndarray:
        """The point a user evaluates (a model's weights for validation, a point's loss) once
        ``step`` has returned ``x`` and ``state``: ``x`` itself, except for rules that take
        their gradients elsewhere than where they report (Schedule-Free AdamW's average)."""
        return x

    def signed(self, g: np.ndarray) -> np.ndarray:
        """The gradient as the rule uses it: ``-g`` with ``maximize`` (as torch flips it)."""
        return -g if getattr(self, "maximize", False) else g

    def learning_rate(self, t: int) -> float:
        """The learning rate used at step ``t`` (t = 1, 2, ...)."""
        if isinstance(self.lr, _Rates):  # a batch's schedules, one rate per run
            return self.lr(t)
        if callable(self.lr):
            value = float(self.lr(t))
            if not math.isfinite(value) or value < 0:
                raise ValueError(SCHEDULE_RETURNED.format(value=repr(value), t=t))
            return value
        return self.lr


# The message a schedule that returns a bad rate gets (in the catalogue for the explorer too).
SCHEDULE_RETURNED = ("lr schedule returned {value} at step t={t}; learning rates must be finite "
                     "and >= 0")


def coupled_weight_decay(g: np.ndarray, x: np.ndarray, weight_decay) -> np.ndarray:
    """The gradient with the L2 term ``weight_decay * x`` added, as PyTorch adds it: only
    where ``weight_decay != 0`` (so a zero decay leaves even the sign of a zero gradient
    alone). Written with ``np.where`` rather than ``if`` so that ``weight_decay`` can be a
    column of per-run values in :func:`optimlab.run_grid`."""
    return np.where(weight_decay != 0, g + weight_decay * x, g)


def weight_decay_either_way(x: np.ndarray, g: np.ndarray, lr, weight_decay,
                            decoupled: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(x, g)`` after weight decay as torch's ``decoupled_weight_decay`` option does it:
    decoupled, the parameters shrink by ``1 - lr * weight_decay`` and the gradient is left
    alone; coupled, :func:`coupled_weight_decay` adds the L2 term to the gradient."""
    if decoupled:
        return x * (1 - lr * weight_decay), g
    return x, coupled_weight_decay(g, x, weight_decay)


def power(base, exponent) -> np.ndarray:
    """``base ** exponent`` computed by numpy's ufunc whether ``base`` is one number or a
    column of a :func:`batch`: Python's ``**`` and numpy's vectorised ``power`` may round
    differently in the last bit, and a batched run must equal its separate run bit for bit."""
    return np.power(np.asarray(base, dtype=float), exponent)


def lerp(start: np.ndarray, end: np.ndarray, weight) -> np.ndarray:
    """``start + weight * (end - start)``, rounded as ``torch.lerp`` rounds it: from ``end``
    when ``weight >= 0.5``, so that a weight of 1 gives ``end`` exactly."""
    diff = end - start
    return np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))


class _Rates:
    """Several schedules as one, for a batch of runs: at step ``t``, the column of each run's
    own rate (each checked as :meth:`Optimizer.learning_rate` checks one)."""

    def __init__(self, schedules: list, dimensions: int):
        # Runs that share a schedule (the seeds of one setting) ask it once per step.
        self.schedules = list(dict.fromkeys(schedules))
        self.rows = np.array([self.schedules.index(schedule) for schedule in schedules])
        self.shape = (len(schedules),) + (1,) * dimensions

    def __call__(self, t: int) -> np.ndarray:
        rates = []
        for schedule in self.schedules:
            value = float(schedule(t))
            if not math.isfinite(value) or value < 0:
                raise ValueError(SCHEDULE_RETURNED.format(value=repr(value), t=t))
            rates.append(value)
        return np.array(rates)[self.rows].reshape(self.shape)


def _same(a, b) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return a is b


def _column(name: str, values: list, dimensions: int = 1):
    """One hyperparameter for a batch: the shared value, or a column of per-run values shaped
    ``(n, 1)`` against parameters of shape ``(n, d)`` (``(n, 1, 1)`` against matrices)."""
    first = values[0]
    if all(_same(value, first) for value in values[1:]):
        return first
    if isinstance(first, tuple):
        return tuple(_column(f"{name}[{i}]", [value[i] for value in values], dimensions)
                     for i in range(len(first)))
    if all(callable(value) for value in values):  # each run's schedule, one column
        return _Rates(values, dimensions)
    if any(callable(value) for value in values):
        raise ValueError(f"run_grid cannot mix schedules and numbers in {name}; give every "
                         f"run a schedule (schedules.constant for a fixed rate): got {values!r}")
    # A flag, a choice (a string) or None (no warm-up, say) picks the rule itself.
    if any(value is None or isinstance(value, (bool, np.bool_, str)) for value in values):
        raise ValueError(f"run_grid cannot vary {name}, an option that changes the update "
                         f"rule itself; keep it fixed per grid (run one grid per value): "
                         f"got {values!r}")
    return np.asarray(values, dtype=float).reshape(len(values), *(1,) * dimensions)


def batch(optimizers: list[Optimizer], dimensions: int = 1) -> Optimizer:
    """One optimizer of the same class whose differing numeric hyperparameters are columns of
    shape ``(n, 1)``, so that a step on parameters of shape ``(n, d)`` is ``n`` separate steps
    (``(n, 1, 1)`` with ``dimensions=2``, for parameters of shape ``(n, m, k)``).

    Every optimizer was checked when it was made; the batch is assembled without the checks,
    which are written for single values."""
    kind = type(optimizers[0])
    combined = object.__new__(kind)
    for spec in dataclasses.fields(kind):
        if spec.init:
            values = [getattr(opt, spec.name) for opt in optimizers]
            object.__setattr__(combined, spec.name, _column(spec.name, values, dimensions))
    object.__setattr__(combined, "batched", True)
    return combined
