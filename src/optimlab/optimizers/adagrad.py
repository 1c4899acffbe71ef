"""AdaGrad, as torch.optim.Adagrad."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import LEARNING_RATE, LearningRate, Optimizer, State, coupled_weight_decay, \
    hyperparameter, maximize

__all__ = ["Adagrad", "adagrad"]


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""AdaGrad: per-coordinate steps scaled by the root of the summed squared gradients.

    Exactly ``torch.optim.Adagrad``:

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1}, \qquad
        \tilde\eta_t = \frac{\eta}{1 + (t - 1)\,\delta} \\
        s_t &= s_{t-1} + g_t^2, \qquad s_0 = \text{initial\_accumulator\_value} \\
        x_t &= x_{t-1} - \tilde\eta_t \frac{g_t}{\sqrt{s_t} + \epsilon}

    Duchi, Hazan & Singer (2011).

    Args:
        lr: learning rate :math:`\eta`, default 0.01, or a schedule.
        lr_decay: :math:`\delta \ge 0`, default 0.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        initial_accumulator_value: :math:`s_0 \ge 0`, default 0.
        eps: :math:`\epsilon \ge 0`, default 1e-10.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = adagrad(lr=0.5)
        >>> x, s = opt.step(np.array([1.0, 1.0]), np.array([0.2, 10.0]), opt.init(np.zeros(2)))
        >>> x.round(6).tolist()
        [0.5, 0.5]
    """

    lr: LearningRate = hyperparameter(0.01, LEARNING_RATE)
    lr_decay: float = hyperparameter(0.0)
    weight_decay: float = hyperparameter(0.0)
    initial_accumulator_value: float = hyperparameter(0.0)
    eps: float = hyperparameter(1e-10)
    maximize: bool = maximize()
    reference = "torch.optim.Adagrad (torch 2.13)"

    def init(self, x):
        total = np.full_like(x, self.initial_accumulator_value, dtype=float)
        return State(t=0, buffers={"sum": total})

    def step(self, x, g, state):
        t = state.t + 1
        g = coupled_weight_decay(self.signed(g), x, self.weight_decay)
        lr = self.learning_rate(t) / (1 + (t - 1) * self.lr_decay)
        total = state["sum"] + g * g
        x = x - lr * g / (np.sqrt(total) + self.eps)
        return x, State(t=t, buffers={"sum": total})


adagrad = factory(Adagrad, "adagrad")
