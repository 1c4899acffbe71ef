"""Adamax, as torch.optim.Adamax: Adam with the infinity norm in place of the root mean
square."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import BETAS, LEARNING_RATE, LearningRate, Optimizer, State, \
    coupled_weight_decay, hyperparameter, maximize, power

__all__ = ["Adamax", "adamax", "step_bound"]


def step_bound(lr, beta1, beta2, t):
    r"""The largest step Adamax can take in one coordinate at step ``t``:

    .. math::

        |x_t - x_{t-1}| \le \eta\, \frac{1 - \beta_1}{1 - \beta_1^t}
            \sum_{k=0}^{t-1} \Big(\frac{\beta_1}{\beta_2}\Big)^k

    It holds because :math:`u_t \ge \beta_2^k (|g_{t-k}| + \epsilon)`
    for every :math:`k < t`. It is strict for :math:`\epsilon > 0`; with
    :math:`\epsilon = 0` it is reached by gradients of one sign that
    shrink by :math:`\beta_2` a step. It is :math:`\eta` at :math:`t = 1`
    and grows with :math:`t`: for :math:`\beta_1 < \beta_2` towards
    :math:`\eta\, \beta_2 (1 - \beta_1) / (\beta_2 - \beta_1)`
    (1.00909 η for the defaults), without limit when
    :math:`\beta_1 \ge \beta_2`; infinite for
    :math:`\beta_2 = 0 < \beta_1`.

    Example:
        >>> round(float(step_bound(1.0, 0.9, 0.999, 10**6)), 5)
        1.00909
    """
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.divide(beta1, beta2) if beta1 > 0 else 0.0
        terms = power(ratio, np.arange(t))
        return lr * (1 - beta1) / (1 - power(beta1, t)) * np.sum(terms)


@dataclass(frozen=True)
class Adamax(Optimizer):
    r"""Adamax: Adam's step divided by a decaying maximum of :math:`|g|` instead of a root
    mean square.

    Exactly ``torch.optim.Adamax`` (:math:`\epsilon` is inside the maximum, and only the
    first moment is bias-corrected):

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad m_0 = 0 \\
        u_t &= \max\big(\beta_2 u_{t-1},\; |g_t| + \epsilon\big), \qquad u_0 = 0 \\
        x_t &= x_{t-1} - \frac{\eta}{1 - \beta_1^t}\, \frac{m_t}{u_t}

    Kingma & Ba (2015, section 7.1) bound the step by :math:`\eta`; with the bias
    correction and the decay of :math:`u` the exact bound is a little larger and grows
    with :math:`t` (:func:`step_bound`): at most 1.00909 η a coordinate for the default
    betas.

    Args:
        lr: learning rate :math:`\eta`, default 0.002, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999).
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, the coupled L2 term, default 0.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = adamax(lr=0.1)
        >>> x, s = opt.step(np.array([1.0]), np.array([-4.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist(), s["u"].tolist()
        ([1.1], [4.00000001])
    """

    lr: LearningRate = hyperparameter(0.002, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.999), BETAS)
    eps: float = hyperparameter(1e-8)
    weight_decay: float = hyperparameter(0.0)
    maximize: bool = maximize()
    reference = "torch.optim.Adamax (torch 2.13)"

    def init(self, x):
        return State.zeros(x, "m", "u")

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        g = coupled_weight_decay(self.signed(g), x, self.weight_decay)
        m = beta1 * state["m"] + (1 - beta1) * g
        u = np.maximum(beta2 * state["u"], np.abs(g) + self.eps)
        x = x - self.learning_rate(t) / (1 - power(beta1, t)) * (m / u)
        return x, State(t=t, buffers={"m": m, "u": u})


adamax = factory(Adamax, "adamax")
