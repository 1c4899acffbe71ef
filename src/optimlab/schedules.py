"""Learning-rate schedules: callables of the step number ``t = 1, 2, ...``.

Pass one as ``lr`` to any optimizer. Every schedule validates its arguments and returns a
learning rate between its smallest and largest value at every step.

Example:
    >>> from optimlab.schedules import warmup_cosine
    >>> lr = warmup_cosine(peak=0.1, warmup_steps=10, total_steps=100)
    >>> [round(lr(t), 4) for t in (1, 10, 55, 100)]
    [0.01, 0.1, 0.05, 0.0]
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

__all__ = ["constant", "step_decay", "exponential_decay", "cosine_decay", "warmup_cosine"]


def _positive(name: str, value, allow_zero: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}; got {value!r}")
    return number


def _is_integer(value) -> bool:
    # numbers.Integral admits numpy integers too (as from np.arange), but not True/False.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _steps(name: str, value, minimum: int = 1) -> int:
    if not _is_integer(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_t(t) -> int:
    if not _is_integer(t) or t < 1:
        raise ValueError(f"t must be a step number >= 1; got {t!r}")
    return int(t)


@dataclass(frozen=True)
class _Schedule:
    def __call__(self, t: int) -> float:
        return self.value(_check_t(t))

    def value(self, t: int) -> float:
        raise NotImplementedError


@dataclass(frozen=True)
class _Constant(_Schedule):
    lr: float

    def value(self, t):
        return self.lr


def constant(lr: float) -> _Schedule:
    r"""The same learning rate at every step: :math:`\eta_t = \eta`.

    Example:
        >>> constant(0.1)(7)
        0.1
    """
    return _Constant(_positive("lr", lr, allow_zero=True))


@dataclass(frozen=True)
class _StepDecay(_Schedule):
    lr: float
    step_size: int
    gamma: float

    def value(self, t):
        return self.lr * self.gamma ** ((t - 1) // self.step_size)


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> _Schedule:
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps, as ``torch.optim.lr_scheduler.StepLR``.

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
    gamma = _positive("gamma", gamma)
    if gamma > 1:
        raise ValueError(f"gamma must be in (0, 1]; got {gamma!r}")
    return _StepDecay(_positive("lr", lr, allow_zero=True), _steps("step_size", step_size), gamma)


@dataclass(frozen=True)
class _ExponentialDecay(_Schedule):
    lr: float
    gamma: float

    def value(self, t):
        return self.lr * self.gamma ** (t - 1)


def exponential_decay(lr: float, gamma: float) -> _Schedule:
    r"""Multiply the rate by ``gamma`` every step, as ``torch.optim.lr_scheduler.ExponentialLR``.

    .. math:: \eta_t = \eta\, \gamma^{t - 1}

    Args:
        lr: the initial rate :math:`\eta \ge 0`.
        gamma: the factor :math:`\gamma` in (0, 1].

    Example:
        >>> round(exponential_decay(1.0, gamma=0.9)(3), 6)
        0.81
    """
    gamma = _positive("gamma", gamma)
    if gamma > 1:
        raise ValueError(f"gamma must be in (0, 1]; got {gamma!r}")
    return _ExponentialDecay(_positive("lr", lr, allow_zero=True), gamma)


@dataclass(frozen=True)
class _CosineDecay(_Schedule):
    lr: float
    total_steps: int
    min_lr: float

    def value(self, t):
        progress = min(t - 1, self.total_steps) / self.total_steps
        return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1 + math.cos(math.pi * progress))


def cosine_decay(lr: float, total_steps: int, min_lr: float = 0.0) -> _Schedule:
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
    lr = _positive("lr", lr, allow_zero=True)
    min_lr = _positive("min_lr", min_lr, allow_zero=True)
    if min_lr > lr:
        raise ValueError(f"min_lr must not exceed lr={lr!r}; got {min_lr!r}")
    return _CosineDecay(lr, _steps("total_steps", total_steps), min_lr)


@dataclass(frozen=True)
class _WarmupCosine(_Schedule):
    peak: float
    warmup_steps: int
    total_steps: int
    min_lr: float

    def value(self, t):
        if t <= self.warmup_steps:
            return self.peak * t / self.warmup_steps
        decay_steps = self.total_steps - self.warmup_steps
        progress = min(t - self.warmup_steps, decay_steps) / decay_steps
        return self.min_lr + 0.5 * (self.peak - self.min_lr) * (1 + math.cos(math.pi * progress))


def warmup_cosine(peak: float, warmup_steps: int, total_steps: int,
                  min_lr: float = 0.0) -> _Schedule:
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
    peak = _positive("peak", peak, allow_zero=True)
    warmup_steps = _steps("warmup_steps", warmup_steps)
    total_steps = _steps("total_steps", total_steps)
    if total_steps <= warmup_steps:
        raise ValueError(f"total_steps must exceed warmup_steps={warmup_steps}; "
                         f"got {total_steps!r}")
    min_lr = _positive("min_lr", min_lr, allow_zero=True)
    if min_lr > peak:
        raise ValueError(f"min_lr must not exceed peak={peak!r}; got {min_lr!r}")
    return _WarmupCosine(peak, warmup_steps, total_steps, min_lr)
