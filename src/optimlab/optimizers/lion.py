"""Lion (evolved sign momentum), as lion-pytorch 0.2.5 implements Chen et al. (2023)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import BETAS, LEARNING_RATE, LearningRate, Optimizer, State, hyperparameter

__all__ = ["Lion", "lion"]


@dataclass(frozen=True)
class Lion(Optimizer):
    r"""Lion: a step of the same size :math:`\eta` in every coordinate, in the direction of
    the sign of an interpolation between the momentum and the gradient.

    Exactly ``lion_pytorch.Lion`` 0.2.5 (with its default ``decoupled_weight_decay=False``:
    the decay is scaled by the learning rate, as AdamW's is). One buffer :math:`m`, updated
    with a second, slower coefficient *after* the step:

    .. math::

        x_{t-1} &\leftarrow (1 - \eta\lambda)\, x_{t-1} \\
        c_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        x_t &= x_{t-1} - \eta\, \operatorname{sign}(c_t) \\
        m_t &= \beta_2 m_{t-1} + (1 - \beta_2) g_t, \qquad m_0 = 0

    Before the weight decay every coordinate moves by exactly :math:`\pm\eta` (or 0 where
    :math:`c_t = 0`), whatever the size of the gradient. Since that step is larger than a
    typical Adam step, Chen et al. (2023) use a learning rate 3-10 times smaller than
    AdamW's and a weight decay :math:`\lambda` as many times larger, so that the product
    :math:`\eta\lambda` stays the same.

    Args:
        lr: learning rate :math:`\eta`, default 1e-4, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.99).
        weight_decay: :math:`\lambda \ge 0`, default 0.

    Example:
        >>> import numpy as np
        >>> opt = lion(lr=0.1)
        >>> x, s = opt.step(np.array([1.0, 1.0]), np.array([-30.0, 0.02]), opt.init(np.zeros(2)))
        >>> x.round(6).tolist(), s["m"].round(6).tolist()
        ([1.1, 0.9], [-0.3, 0.0002])
    """

    lr: LearningRate = hyperparameter(1e-4, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.99), BETAS)
    weight_decay: float = hyperparameter(0.0)
    reference = "lion_pytorch.Lion (lion-pytorch 0.2.5)"

    def init(self, x):
        return State.zeros(x, "m")

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        lr = self.learning_rate(t)
        x = x * (1 - lr * self.weight_decay)
        x = x - lr * np.sign(beta1 * state["m"] + (1 - beta1) * g)
        m = beta2 * state["m"] + (1 - beta2) * g
        return x, State(t=t, buffers={"m": m})


lion = factory(Lion, "lion")
