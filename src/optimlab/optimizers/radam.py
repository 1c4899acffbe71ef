"""RAdam, as torch.optim.RAdam: Adam whose adaptive step is switched on, and rectified,
only once the second-moment estimate has enough history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import BETAS, FLAG, LEARNING_RATE, LearningRate, Optimizer, State, \
    hyperparameter, maximize, power, weight_decay_either_way

__all__ = ["RAdam", "radam", "rectification"]


def rectification(beta2, t):
    r"""RAdam's :math:`\rho_t`, the length of the approximated simple
    moving average, and its rectification factor :math:`r_t` at step
    ``t``. :math:`r_t` is NaN where :math:`\rho_t \le 5`: the rule does
    not use it there (and the root can be of a negative number).

    .. math::

        \rho_\infty = \frac{2}{1 - \beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}, \qquad
        r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
                         {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}

    Example:
        >>> rho, r = rectification(0.999, 6)
        >>> round(float(rho), 4), round(float(r), 4)
        (5.9942, 0.0258)
    """
    beta2 = np.asarray(beta2, dtype=float)
    rho_inf = 2 / (1 - beta2) - 1
    rho = rho_inf - 2 * t * power(beta2, t) / (1 - power(beta2, t))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return rho, np.where(rho > 5, r, np.nan)


@dataclass(frozen=True)
class RAdam(Optimizer):
    r"""RAdam: Adam with the variance of its adaptive step rectified.

    Exactly ``torch.optim.RAdam``. While :math:`\rho_t \le 5` (:func:`rectification`; the
    first five steps with :math:`\beta_2 = 0.999`) the step is bias-corrected momentum
    without any division by :math:`\sqrt{v}`; after that it is Adam's step times
    :math:`r_t`, which rises from near 0 towards 1, so the adaptive part is warmed up.
    Note that :math:`\epsilon` is added to :math:`\sqrt{v_t}` *before* the bias correction
    of :math:`v`, unlike in Adam:

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad \big(\text{decoupled: } x_{t-1} \leftarrow (1 - \eta\lambda) x_{t-1}\big) \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
            v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad m_0 = v_0 = 0 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t} \\
        x_t &= \begin{cases}
            x_{t-1} - \eta\, \hat m_t\, r_t \dfrac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}
                & \rho_t > 5 \\
            x_{t-1} - \eta\, \hat m_t & \rho_t \le 5 \end{cases}

    With :math:`\beta_2 \le 0.6`, :math:`\rho_\infty \le 4` and the rule is bias-corrected
    momentum at every step. Liu et al. (2020).

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999).
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        decoupled_weight_decay: shrink the parameters as AdamW does instead of adding
            :math:`\lambda x` to the gradient (PyTorch's RAdamW), default False.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = radam(lr=0.1)
        >>> x, s = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist()  # rho_1 = 1: a momentum step, lr * m_hat = 0.1 * 2
        [0.8]
    """

    lr: LearningRate = hyperparameter(0.001, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.999), BETAS)
    eps: float = hyperparameter(1e-8)
    weight_decay: float = hyperparameter(0.0)
    decoupled_weight_decay: bool = hyperparameter(False, FLAG)
    maximize: bool = maximize()
    reference = "torch.optim.RAdam (torch 2.13)"

    def init(self, x):
        return State.zeros(x, "m", "v")

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        lr = self.learning_rate(t)
        x, g = weight_decay_either_way(x, self.signed(g), lr, self.weight_decay,
                                       self.decoupled_weight_decay)
        m = beta1 * state["m"] + (1 - beta1) * g
        v = beta2 * state["v"] + (1 - beta2) * g * g
        m_hat = m / (1 - power(beta1, t))
        rho, r = rectification(beta2, t)
        # Both branches are computed (so that beta2 can be a column in
        # run_grid); the adaptive one may divide by zero where it is unused.
        with np.errstate(divide="ignore", invalid="ignore"):
            adaptive = np.sqrt(1 - power(beta2, t)) / (np.sqrt(v) + self.eps)
            x = np.where(rho > 5, x - m_hat * lr * adaptive * r,
                         x - m_hat * lr)
        return x, State(t=t, buffers={"m": m, "v": v})


radam = factory(RAdam, "radam")
