"""Schedule-Free AdamW, as the schedulefree package's AdamWScheduleFreeReference (1.4.1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .._checks import factory
from ._base import BETAS, FLAG, LEARNING_RATE, LearningRate, Optimizer, State, hyperparameter, \
    power

__all__ = ["ScheduleFreeAdamW", "schedule_free_adamw"]


@dataclass(frozen=True)
class ScheduleFreeAdamW(Optimizer):
    r"""Schedule-Free AdamW: Adam steps on a base sequence :math:`z`, reported as their
    running average :math:`x`, with gradients taken at an interpolation :math:`y` of the two.

    Exactly ``schedulefree.AdamWScheduleFreeReference`` 1.4.1, the authors' implementation
    that follows the paper. Three sequences start at :math:`x_0`; at step :math:`t`:

    .. math::

        \eta_t &= \eta \min(1, t / T_{\text{warm}}), \qquad
        w_t = t^{r} \big(\max_{s \le t} \eta_s\big)^{p}, \qquad
        c_t = \frac{w_t}{\sum_{s \le t} w_s} \\
        g_t &= \nabla f(y_{t-1}), \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad v_0 = 0 \\
        z_t &= z_{t-1} - \eta_t \lambda\, y_{t-1}
            - \eta_t \frac{g_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}
            \quad (\lambda z_{t-1} \text{ with decay\_at\_z}) \\
        x_t &= (1 - c_t)\, x_{t-1} + c_t z_t \\
        y_t &= \beta_1 x_t + (1 - \beta_1) z_t

    ``step`` takes and returns :math:`y`, the point where the next gradient is taken (the
    parameters a training loop holds in ``train()`` mode); the state holds :math:`z`,
    :math:`x` and :math:`v`. :math:`x` is what a user evaluates (what the reference's
    ``eval()`` puts into the parameters): :meth:`evaluation_point`, and
    ``optimlab.run(..., points="evaluation")``. With the default :math:`p = 2` and no warm-up,
    :math:`x_t` is the plain average of :math:`z_1, \dots, z_t`. No learning-rate schedule
    is needed, only the warm-up; a schedule passed as ``lr`` multiplies it, as a torch
    scheduler would. Defazio et al. (2024), "The Road Less Scheduled".

    Args:
        lr: learning rate :math:`\eta`, default 0.0025, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999):
            :math:`\beta_1` interpolates :math:`y` between :math:`x` and :math:`z`.
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, applied to :math:`z` at :math:`y`, default 0.
        warmup_steps: :math:`T_{\text{warm}}`, the steps of linear warm-up, an integer
            :math:`\ge 0`, default 0.
        r: the power :math:`r \ge 0` of :math:`t` in the averaging weights, default 0.
        weight_lr_power: the power :math:`p \ge 0` of the largest learning rate so far in
            the averaging weights, default 2.
        decay_at_z: take the weight decay at :math:`z` instead of :math:`y`, default False.

    Example:
        >>> import numpy as np
        >>> opt = schedule_free_adamw(lr=0.1)
        >>> y, state = np.array([1.0]), opt.init(np.array([1.0]))
        >>> for _ in range(2):
        ...     y, state = opt.step(y, np.array([2.0]), state)
        >>> state["z"].round(6).tolist(), state["x"].round(6).tolist(), y.round(6).tolist()
        ([0.8], [0.85], [0.845])
    """

    lr: LearningRate = hyperparameter(0.0025, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.999), BETAS)
    eps: float = hyperparameter(1e-8)
    weight_decay: float = hyperparameter(0.0)
    warmup_steps: int = hyperparameter(0, _checks.Integer(0))
    r: float = hyperparameter(0.0)
    weight_lr_power: float = hyperparameter(2.0)
    decay_at_z: bool = hyperparameter(False, FLAG)
    reference = "schedulefree.AdamWScheduleFreeReference (schedulefree 1.4.1)"

    def init(self, x):
        x = np.asarray(x, dtype=float)
        # The largest learning rate so far starts below any rate, as the reference's -1.
        return State(t=0, buffers={"z": x.copy(), "x": x.copy(), "v": np.zeros_like(x),
                                   "lr_max": np.array(-1.0), "weight_sum": np.array(0.0)})

    def step(self, y, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        warmup = self.warmup_steps
        ramp = np.where(t <= warmup, t / np.maximum(warmup, 1), 1.0)
        lr = self.learning_rate(t) * ramp
        lr_max = np.maximum(state["lr_max"], lr)
        weight = power(float(t), self.r) * power(lr_max, self.weight_lr_power)
        weight_sum = state["weight_sum"] + weight
        # The reference's ZeroDivisionError (all weights zero, lr = 0 so far)
        # gives c = 0.
        positive = weight_sum > 0
        c = np.where(positive, weight / np.where(positive, weight_sum, 1.0), 0.0)
        z = state["z"]
        decayed = z - lr * self.weight_decay * (z if self.decay_at_z else y)
        z = np.where(self.weight_decay != 0, decayed, z)
        v = beta2 * state["v"] + (1 - beta2) * (g * g)
        z = z - lr * (g / (np.sqrt(v / (1 - power(beta2, t))) + self.eps))
        x = state["x"] * (1 - c) + c * z
        y = x * beta1 + (1 - beta1) * z
        return y, State(t=t, buffers={"z": z, "x": x, "v": v, "lr_max": lr_max,
                                      "weight_sum": weight_sum})

    def evaluation_point(self, x, state):
        """The average :math:`x_t` (the argument is :math:`y_t`, where gradients are taken)."""
        return state["x"]


schedule_free_adamw = factory(ScheduleFreeAdamW, "schedule_free_adamw")
