"""Learning-rate schedules: callables of the step number ``t = 1, 2, ...``.

Pass one as ``lr`` to any optimizer. Each schedule is a small frozen dataclass of its arguments
(:class:`WarmupCosine`, ...), made by the class or by its lowercase function
(:func:`warmup_cosine`, ...) with the same arguments; the arguments are declared once, with
their checks and the checks between them (:mod:`optimlab._checks`), checked however it is made,
and described by :func:`catalogue` for the explorer. :func:`from_options` makes one from JSON
(``{"schedule": "warmup_cosine", "peak": 0.1, ...}``). Every schedule returns a learning rate
between its smallest and largest value at every step.

Example:
    >>> from optimlab.schedules import warmup_cosine
    >>> lr = warmup_cosine(peak=0.1, warmup_steps=10, total_steps=100)
    >>> [round(lr(t), 4) for t in (1, 10, 55, 100)]
    [0.01, 0.1, 0.05, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from ._checks import Constraint, Param, declared

__all__ = [
    "Schedule", "Constant", "StepDecay", "ExponentialDecay", "CosineDecay", "WarmupCosine",
    "constant", "step_decay", "exponential_decay", "cosine_decay", "warmup_cosine",
    "catalogue", "from_options",
]

RATE = _checks.Number(0.0)                     # a learning rate: a finite float >= 0
STEPS = _checks.Integer(1)                     # a number of steps: an integer >= 1
DECAY_FACTOR = _checks.Number(0.0, 1.0, low_inclusive=False, high_inclusive=True)  # (0, 1]


def _check_t(t) -> int:
    if not _checks.is_integer(t) or t < 1:
        raise ValueError(f"t must be a step number >= 1; got {t!r}")
    return int(t)


@dataclass(frozen=True)
class Schedule(_checks.Declared):
    """A learning-rate schedule: ``schedule(t)`` is the rate at step ``t = 1, 2, ...``.

    Subclasses declare their arguments (:func:`optimlab._checks.declared`) and the checks between
    them (``constraints``) and hold the formula in :meth:`value`; calling a schedule checks
    ``t`` first.
    """

    def __call__(self, t: int) -> float:
        return self.value(_check_t(t))

    def value(self, t: int) -> float:
        """The rate at step ``t`` (already checked to be an integer >= 1)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(Schedule):
    r"""The same learning rate at every step: :math:`\eta_t = \eta`.

    Example:
        >>> constant(0.1)(7)
        0.1
    """

    lr: float = declared(check=RATE)

    def value(self, t):
        return self.lr


@dataclass(frozen=True)
class StepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps, as
    ``torch.optim.lr_scheduler.StepLR``.

    .. math:: \eta_t = \eta\, \gamma^{\lfloor (t - 1) / s \rfloor}

    Args:
        lr: the initial rate :math:`\eta \ge 0`.
        step_size: :math:`s`, the number of steps between decays (integer ≥ 1).
        gamma: the factor :math:`\gamma` in (0, 1], default 0.1.

    Example:
        >>> s = step_decay(1.0, step_size=10, gamma=0.5)
        >>> s(10), s(11), s(21)
        (1.0, 0.5, 0.25)
    """

    lr: float = declared(check=RATE)
    step_size: int = declared(check=STEPS)
    gamma: float = declared(0.1, DECAY_FACTOR)

    def value(self, t):
        return self.lr * self.gamma ** ((t - 1) // self.step_size)


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every step, as ``torch.optim.lr_scheduler.ExponentialLR``.

    .. math:: \eta_t = \eta\, \gamma^{t - 1}

    Args:
        lr: the initial rate :math:`\eta \ge 0`.
        gamma: the factor :math:`\gamma` in (0, 1].

    Example:
        >>> round(exponential_decay(1.0, gamma=0.9)(3), 6)
        0.81
    """

    lr: float = declared(check=RATE)
    gamma: float = declared(check=DECAY_FACTOR)

    def value(self, t):
        return self.lr * self.gamma ** (t - 1)


@dataclass(frozen=True)
class CosineDecay(Schedule):
    r"""Half a cosine from ``lr`` down to ``min_lr`` over ``total_steps`` steps.

    As ``torch.optim.lr_scheduler.CosineAnnealingLR`` (with ``T_max = total_steps``), held at
    ``min_lr`` after the end:

    .. math::

        \eta_t = \eta_{\min} + \tfrac12 (\eta - \eta_{\min})
        \Big(1 + \cos\big(\pi \min(t - 1, T) / T\big)\Big)

    Args:
        lr: the initial rate :math:`\eta \ge 0`.
        total_steps: :math:`T`, the length of the decay (integer ≥ 1).
        min_lr: :math:`\eta_{\min}`, the final rate, in [0, lr], default 0.

    Example:
        >>> s = cosine_decay(1.0, total_steps=100)
        >>> s(1), round(s(51), 6), round(s(101), 6)
        (1.0, 0.5, 0.0)
    """

    lr: float = declared(check=RATE)
    total_steps: int = declared(check=STEPS)
    min_lr: float = declared(0.0, RATE)
    constraints = (Constraint((), (("min_lr", "<=", Param("lr")),),
                              "min_lr must not exceed lr={lr}; got {min_lr}"),)

    def value(self, t):
        progress = min(t - 1, self.total_steps) / self.total_steps
        return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1 + math.cos(math.pi * progress))


@dataclass(frozen=True)
class WarmupCosine(Schedule):
    r"""Linear warm-up to ``peak`` over ``warmup_steps`` steps, then cosine decay to ``min_lr``.

    .. math::

        \eta_t = \begin{cases}
            \eta_{\text{peak}}\, t / W & t \le W \\
            \eta_{\min} + \tfrac12 (\eta_{\text{peak}} - \eta_{\min})
            \Big(1 + \cos\big(\pi \tfrac{\min(t - W,\, T - W)}{T - W}\big)\Big) & t > W
        \end{cases}

    Args:
        peak: the largest rate :math:`\eta_{\text{peak}} \ge 0`, reached at step :math:`W`.
        warmup_steps: :math:`W`, integer ≥ 1.
        total_steps: :math:`T > W`, where the decay reaches ``min_lr``.
        min_lr: :math:`\eta_{\min}` in [0, peak], default 0.

    Example:
        >>> s = warmup_cosine(peak=1.0, warmup_steps=4, total_steps=8)
        >>> [round(s(t), 3) for t in range(1, 9)]
        [0.25, 0.5, 0.75, 1.0, 0.854, 0.5, 0.146, 0.0]
    """

    peak: float = declared(check=RATE)
    warmup_steps: int = declared(check=STEPS)
    total_steps: int = declared(check=STEPS)
    min_lr: float = declared(0.0, RATE)
    constraints = (
        Constraint((), (("total_steps", ">", Param("warmup_steps")),),
                   "total_steps must exceed warmup_steps={warmup_steps}; got {total_steps}"),
        Constraint((), (("min_lr", "<=", Param("peak")),),
                   "min_lr must not exceed peak={peak}; got {min_lr}"),
    )

    def value(self, t):
        if t <= self.warmup_steps:
            return self.peak * t / self.warmup_steps
        decay_steps = self.total_steps - self.warmup_steps
        progress = min(t - self.warmup_steps, decay_steps) / decay_steps
        cosine = 0.5 * (1 + math.cos(math.pi * progress))  # from 1 down to 0
        return self.min_lr + (self.peak - self.min_lr) * cosine


constant = _checks.factory(Constant, "constant")
step_decay = _checks.factory(StepDecay, "step_decay")
exponential_decay = _checks.factory(ExponentialDecay, "exponential_decay")
cosine_decay = _checks.factory(CosineDecay, "cosine_decay")
warmup_cosine = _checks.factory(WarmupCosine, "warmup_cosine")


SCHEDULES = {make.__name__: make.made for make in
             (constant, step_decay, exponential_decay, cosine_decay, warmup_cosine)}
UNKNOWN = f"lr schedule {{value}} is not one of {', '.join(SCHEDULES)}"


def catalogue() -> dict:
    """Every schedule's arguments (name, default or required, check) and the checks between
    them, as JSON, by the name of its function: the ``"schedules"`` of
    :func:`optimlab.optimizers.catalogue`."""
    return {name: cls.describe(name) for name, cls in SCHEDULES.items()}


def from_options(spec: dict) -> Schedule:
    """The schedule ``{"schedule": name, **arguments}`` describes (JSON, as the explorer and
    the fixtures write it); a ValueError names an unknown schedule or argument.

    Example:
        >>> from_options({"schedule": "step_decay", "lr": 1.0, "step_size": 10})(11)
        0.1
    """
    if not isinstance(spec, dict) or "schedule" not in spec:
        raise ValueError(f"lr must be a number or a schedule {{'schedule': name, ...}}; "
                         f"got {spec!r}")
    arguments = dict(spec)
    name = arguments.pop("schedule")
    if not isinstance(name, str) or name not in SCHEDULES:
        raise ValueError(_checks.fill(UNKNOWN, name))
    return SCHEDULES[name].from_json(arguments, name)
