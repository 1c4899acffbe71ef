"""Momentum as a bias-corrected moving average of the gradients (Adam's first moment alone)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import FLAG, FRACTION, LEARNING_RATE, LearningRate, Optimizer, State, \
    hyperparameter, power

__all__ = ["EWMAMomentum", "ewma_momentum"]


@dataclass(frozen=True)
class EWMAMomentum(Optimizer):
    r"""Momentum as an exponentially weighted moving average of the gradients.

    .. math::

        v_0 = 0, \qquad v_t = \beta v_{t-1} + (1 - \beta) g_t, \qquad
        \hat v_t = \frac{v_t}{1 - \beta^t}, \qquad x_t = x_{t-1} - \eta \hat v_t

    Without bias correction the step uses :math:`v_t` itself. This is the first moment of
    Adam on its own (Kingma & Ba, 2015). It is optimlab's own, not a ``torch.optim``
    optimizer: PyTorch's momentum (:class:`SGD`) sums the gradients instead, starting its
    buffer at :math:`g_1`, and needs no correction.

    Args:
        lr: learning rate :math:`\eta` (no default), or a schedule.
        beta: :math:`\beta` in [0, 1), default 0.9.
        bias_correction: divide by :math:`1 - \beta^t`, default True.

    Example:
        >>> import numpy as np
        >>> opt = ewma_momentum(lr=1.0, beta=0.9)
        >>> x, s = opt.step(np.array([0.0]), np.array([4.0]), opt.init(np.array([0.0])))
        >>> x.tolist(), s["v"].round(6).tolist()
        ([-4.0], [0.4])
    """

    lr: LearningRate = hyperparameter(check=LEARNING_RATE)
    beta: float = hyperparameter(0.9, FRACTION)
    bias_correction: bool = hyperparameter(True, FLAG)
    reference = "optimlab's own: Adam's first moment (Kingma & Ba, 2015)"

    def init(self, x):
        return State.zeros(x, "v")

    def step(self, x, g, state):
        t = state.t + 1
        v = self.beta * state["v"] + (1 - self.beta) * g
        v_hat = v / (1 - power(self.beta, t)) if self.bias_correction else v
        x = x - self.learning_rate(t) * v_hat
        return x, State(t=t, buffers={"v": v})


ewma_momentum = factory(EWMAMomentum, "ewma_momentum")
