"""Stochastic gradient descent, with PyTorch's heavy-ball and Nesterov momentum."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from .._checks import Constraint
from ._base import (CLOSED_FRACTION, FLAG, FRACTION, LEARNING_RATE, LearningRate, Optimizer,
                    State, coupled_weight_decay, hyperparameter, maximize)

__all__ = ["SGD", "sgd"]


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""Stochastic gradient descent with optional heavy-ball or Nesterov momentum.

    Exactly ``torch.optim.SGD``. With weight decay :math:`\lambda`, momentum :math:`\mu` and
    dampening :math:`\tau`:

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1} \\
        b_t &= \begin{cases} g_t & t = 1 \\ \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases} \\
        d_t &= \begin{cases} g_t + \mu b_t & \text{Nesterov} \\ b_t & \text{otherwise} \end{cases} \\
        x_t &= x_{t-1} - \eta\, d_t

    (without momentum, :math:`d_t = g_t` and no buffer is kept). Polyak (1964); Sutskever et
    al. (2013) for the Nesterov form.

    Args:
        lr: learning rate :math:`\eta`, default 0.001 (PyTorch's default since 2.6), or a
            schedule.
        momentum: :math:`\mu` in [0, 1), default 0.
        dampening: :math:`\tau` in [0, 1], default 0.
        weight_decay: :math:`\lambda \ge 0`, the coupled L2 term, default 0.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0), default False.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = sgd(lr=0.1, momentum=0.9)
        >>> x, s = np.array([1.0]), opt.init(np.array([1.0]))
        >>> x, s = opt.step(x, np.array([2.0]), s)
        >>> x, s = opt.step(x, np.array([2.0]), s)
        >>> x.round(6).tolist(), s["momentum_buffer"].tolist()
        ([0.42], [3.8])
    """

    lr: LearningRate = hyperparameter(0.001, LEARNING_RATE)
    momentum: float = hyperparameter(0.0, FRACTION)
    dampening: float = hyperparameter(0.0, CLOSED_FRACTION)
    weight_decay: float = hyperparameter(0.0)
    nesterov: bool = hyperparameter(False, FLAG)
    maximize: bool = maximize()
    constraints = (Constraint(
        when=(("nesterov", "==", True),),
        require=(("momentum", ">", 0), ("dampening", "==", 0)),
        message="nesterov=True requires momentum > 0 and dampening = 0; got "
                "momentum={momentum}, dampening={dampening}"),)
    reference = "torch.optim.SGD (torch 2.13)"

    def init(self, x):
        return State.zeros(x, "momentum_buffer")

    def step(self, x, g, state):
        t = state.t + 1
        g = coupled_weight_decay(self.signed(g), x, self.weight_decay)
        mu, old = self.momentum, state["momentum_buffer"]
        # PyTorch starts the buffer at the first gradient, undamped.
        buffer = g if t == 1 else mu * old + (1 - self.dampening) * g
        direction = g + mu * buffer if self.nesterov else buffer
        # Without momentum PyTorch keeps no buffer and steps along g itself.
        direction = np.where(mu != 0, direction, g)
        buffer = np.where(mu != 0, buffer, old)
        x = x - self.learning_rate(t) * direction
        return x, State(t=t, buffers={"momentum_buffer": buffer})


sgd = factory(SGD, "sgd")
