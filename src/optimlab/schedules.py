"""Learning-rate schedules: callables of the step number ``t = 1, 2, ...``.

Pass one as ``lr`` to any optimizer. Each schedule is a small frozen dataclass of its arguments
(:class:`WarmupCosine`, ...), made by the class or by its lowercase function
(:func:`warmup_cosine`, ...) with the same arguments; the arguments are checked however it is
made. Every schedule returns a learning rate between its smallest and largest value at every
step.

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

__all__ = [
    "Schedule", "Constant", "StepDecay", "ExponentialDecay", "CosineDecay", "WarmupCosine",
    "constant", "step_decay", "exponential_decay", "cosine_decay", "warmup_cosine",
]


def _check_t(t) -> int:
    if not _checks.is_integer(t) or t < 1:
        raise ValueError(f"t must be a step number >= 1; got {t!r}")
    return int(t)


def _decay_factor(gamma) -> float:
    gamma = _checks.positive("gamma", gamma)
    if gamma > 1:
        raise ValueError(f"gamma must be in (0, 1]; got {gamma!r}")
    return gamma


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: ``schedule(t)`` is the rate at step ``t = 1, 2, ...``.

    Subclasses hold the formula in :meth:`value` and check their arguments in :meth:`checked`;
    calling a schedule checks ``t`` first.
    """

    def __post_init__(self):
        for name, value in self.checked().items():
            object.__setattr__(self, name, value)

    def checked(self) -> dict:
        """The arguments in normal form, or a ValueError naming the bad one."""
        return {}

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

    lr: float

    def checked(self):
        return {"lr": _checks.number("lr", self.lr)}

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

    lr: float
    step_size: int
    gamma: float = 0.1

    def checked(self):
        return {"gamma": _decay_factor(self.gamma), "lr": _checks.number("lr", self.lr),
                "step_size": _checks.integer("step_size", self.step_size, 1)}

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

    lr: float
    gamma: float

    def checked(self):
        return {"gamma": _decay_factor(self.gamma), "lr": _checks.number("lr", self.lr)}

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

    lr: float
    total_steps: int
    min_lr: float = 0.0

    def checked(self):
        lr = _checks.number("lr", self.lr)
        min_lr = _checks.number("min_lr", self.min_lr)
        if min_lr > lr:
            raise ValueError(f"min_lr must not exceed lr={lr!r}; got {min_lr!r}")
        return {"lr": lr, "min_lr": min_lr,
                "total_steps": _checks.integer("total_steps", self.total_steps, 1)}

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

    peak: float
    warmup_steps: int
    total_steps: int
    min_lr: float = 0.0

    def checked(self):
        peak = _checks.number("peak", self.peak)
        warmup_steps = _checks.integer("warmup_steps", self.warmup_steps, 1)
        total_steps = _checks.integer("total_steps", self.total_steps, 1)
        if total_steps <= warmup_steps:
            raise ValueError(f"total_steps must exceed warmup_steps={warmup_steps}; "
                             f"got {self.total_steps!r}")
        min_lr = _checks.number("min_lr", self.min_lr)
        if min_lr > peak:
            raise ValueError(f"min_lr must not exceed peak={peak!r}; got {min_lr!r}")
        return {"peak": peak, "warmup_steps": warmup_steps, "total_steps": total_steps,
                "min_lr": min_lr}

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
