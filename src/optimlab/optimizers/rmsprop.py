"""RMSProp, as torch.optim.RMSprop (plain, centered, with momentum)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import FLAG, FRACTION, LEARNING_RATE, LearningRate, Optimizer, State, \
    coupled_weight_decay, hyperparameter, maximize

__all__ = ["RMSprop", "rmsprop"]


@dataclass(frozen=True)
class RMSprop(Optimizer):
    r"""RMSProp: per-coordinate steps scaled by a moving average of squared gradients.

    Exactly ``torch.optim.RMSprop`` (no bias correction, :math:`\epsilon` outside the root):

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2, \qquad v_0 = 0 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t, \qquad
            \tilde v_t = v_t - \bar g_t^2 \quad \text{(centered only; else } \tilde v_t = v_t) \\
        b_t &= \mu b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}, \qquad
            x_t = x_{t-1} - \eta\, b_t \quad \text{(with momentum } \mu > 0) \\
        x_t &= x_{t-1} - \eta \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}
            \quad \text{(without momentum)}

    Tieleman & Hinton (2012); the centered form is from Graves (2013).

    Args:
        lr: learning rate :math:`\eta`, default 0.01, or a schedule.
        alpha: smoothing constant :math:`\alpha` in [0, 1), default 0.99.
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        momentum: :math:`\mu` in [0, 1), default 0.
        centered: subtract the squared mean gradient, default False.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = rmsprop(lr=0.1, alpha=0.9)
        >>> x, s = opt.step(np.array([1.0]), np.array([3.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist(), s["square_avg"].round(6).tolist()
        ([0.683772], [0.9])
    """

    lr: LearningRate = hyperparameter(0.01, LEARNING_RATE)
    alpha: float = hyperparameter(0.99, FRACTION)
    eps: float = hyperparameter(1e-8)
    weight_decay: float = hyperparameter(0.0)
    momentum: float = hyperparameter(0.0, FRACTION)
    centered: bool = hyperparameter(False, FLAG)
    maximize: bool = maximize()
    reference = "torch.optim.RMSprop (torch 2.13)"

    def init(self, x):
        return State.zeros(x, "square_avg", "grad_avg", "momentum_buffer")

    def step(self, x, g, state):
        t = state.t + 1
        g = coupled_weight_decay(self.signed(g), x, self.weight_decay)
        alpha, mu, lr = self.alpha, self.momentum, self.learning_rate(t)
        square_avg = alpha * state["square_avg"] + (1 - alpha) * g * g
        grad_avg = state["grad_avg"]
        if self.centered:
            grad_avg = alpha * grad_avg + (1 - alpha) * g
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            denom = np.sqrt(square_avg) + self.eps
        # With momentum the step follows a buffer of normalised gradients;
        # without it there is no buffer, and the step is lr * g / denom.
        buffer = mu * state["momentum_buffer"] + g / denom
        buffer = np.where(mu != 0, buffer, state["momentum_buffer"])
        x = np.where(mu != 0, x - lr * buffer, x - lr * g / denom)
        buffers = {"square_avg": square_avg, "grad_avg": grad_avg,
                   "momentum_buffer": buffer}
        return x, State(t=t, buffers=buffers)


rmsprop = factory(RMSprop, "rmsprop")
