"""AdEMAMix, as pytorch-optimizer's AdEMAMix (4.1.0): Adam with a second, slow average."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .._checks import factory
from ._base import CLOSED_FRACTION, FLAG, FRACTION, LEARNING_RATE, NONNEGATIVE, LearningRate, \
    Optimizer, State, coupled_weight_decay, hyperparameter, lerp, power

__all__ = ["AdEMAMix", "ademamix"]

THREE_BETAS = _checks.Pair((FRACTION, FRACTION, CLOSED_FRACTION), "(beta1, beta2, beta3)")
# None: no warm-up; otherwise the number of steps over which alpha and beta3 grow (> 0).
WARMUP = _checks.Optional(_checks.Number(0.0, low_inclusive=False))


@dataclass(frozen=True)
class AdEMAMix(Optimizer):
    r"""AdEMAMix: Adam's step plus :math:`\alpha` times a slow average of the gradients.

    Exactly ``pytorch_optimizer.AdEMAMix`` 4.1.0. Beside Adam's bias-corrected fast average
    :math:`\hat m_t` (decay :math:`\beta_1`) it keeps a slow one, :math:`m^{\text{slow}}_t`
    (decay :math:`\beta_3`, default 0.9999: a memory of about 10,000 steps), not
    bias-corrected, and adds it with the weight :math:`\alpha`:

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        m^{\text{slow}}_t &= \beta_{3,t}\, m^{\text{slow}}_{t-1} + (1 - \beta_{3,t})\, g_t,
            \qquad m_0 = v_0 = m^{\text{slow}}_0 = 0 \\
        x_t &= x_{t-1} - \eta\,
            \frac{m_t / (1 - \beta_1^t) + \alpha_t\, m^{\text{slow}}_t}
                 {\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    With the warm-up :math:`T` (``t_alpha_beta3``), :math:`\alpha_t = \min(t\alpha/T, \alpha)`
    grows linearly and :math:`\beta_{3,t}` grows so that the slow average's half-life grows
    linearly from :math:`\beta_1`'s to :math:`\beta_3`'s:

    .. math::

        \ln \beta_{3,t} = \Big(\frac{1 - t/T}{\ln\beta_1} + \frac{t/T}{\ln\beta_3}\Big)^{-1},
        \qquad \beta_{3,t} \leftarrow \min(\beta_{3,t}, \beta_3)

    (the reference's formula, written so that it also holds at :math:`\beta_1 = 0` or
    :math:`\beta_3 \in \{0, 1\}`, where the reference's form takes the logarithm of 0 and
    raises). Without it, :math:`\alpha_t = \alpha` and :math:`\beta_{3,t} = \beta_3`. Weight
    decay :math:`\lambda` is the coupled L2 term, or with ``weight_decouple`` a shrinking of
    :math:`x` by :math:`1 - \eta\lambda` (by :math:`1 - \lambda` with ``fixed_decay``) before
    the step. Pagliardini, Ablin & Grangier (2024), "The AdEMAMix Optimizer: Better, Faster,
    Older".

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        betas: :math:`(\beta_1, \beta_2, \beta_3)`, :math:`\beta_1, \beta_2` in [0, 1) and
            :math:`\beta_3` in [0, 1], default (0.9, 0.999, 0.9999).
        weight_decay: :math:`\lambda \ge 0`, default 0.
        weight_decouple: shrink :math:`x` instead of adding :math:`\lambda x` to the gradient,
            default False.
        fixed_decay: with ``weight_decouple``, shrink by :math:`1 - \lambda`, not
            :math:`1 - \eta\lambda`, default False.
        alpha: the slow average's weight :math:`\alpha \ge 0`, default 5.
        t_alpha_beta3: the warm-up :math:`T > 0` of :math:`\alpha` and :math:`\beta_3` in
            steps, or None for none, default None.
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        maximize: step up the gradient, default False.

    Example:
        >>> import numpy as np
        >>> opt = ademamix(lr=0.1, alpha=5.0)
        >>> x, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.zeros(1)))
        >>> state["m_slow"].round(6).tolist(), x.round(6).tolist()  # 1 - 0.1 (1 + 5 * 1e-4)
        ([0.0002], [0.89995])
    """

    lr: LearningRate = hyperparameter(1e-3, LEARNING_RATE)
    betas: tuple[float, float, float] = hyperparameter((0.9, 0.999, 0.9999), THREE_BETAS)
    weight_decay: float = hyperparameter(0.0)
    weight_decouple: bool = hyperparameter(False, FLAG)
    fixed_decay: bool = hyperparameter(False, FLAG)
    alpha: float = hyperparameter(5.0, NONNEGATIVE)
    t_alpha_beta3: float | None = hyperparameter(None, WARMUP)
    eps: float = hyperparameter(1e-8)
    maximize: bool = hyperparameter(False, FLAG)
    reference = "pytorch_optimizer.AdEMAMix (pytorch-optimizer 4.1.0)"

    def init(self, x):
        return State.zeros(x, "m", "v", "m_slow")

    def warmed_up(self, t: int):
        """:math:`(\\alpha_t, \\beta_{3,t})`, the slow average's weight and decay at step t."""
        beta1, _, beta3 = self.betas
        if self.t_alpha_beta3 is None:
            return self.alpha, beta3
        s = t / self.t_alpha_beta3
        with np.errstate(divide="ignore"):
            log_beta3_t = 1 / ((1 - s) / np.log(beta1) + s / np.log(beta3))
        return np.minimum(t * self.alpha / self.t_alpha_beta3, self.alpha), \
            np.minimum(np.exp(log_beta3_t), beta3)

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2, _ = self.betas
        lr = self.learning_rate(t)
        g = self.signed(g)
        if self.weight_decouple:
            shrink = 1 - self.weight_decay * (1.0 if self.fixed_decay else lr)
            x = np.where(self.weight_decay != 0, x * shrink, x)
        else:
            g = coupled_weight_decay(g, x, self.weight_decay)
        alpha_t, beta3_t = self.warmed_up(t)
        m = lerp(state["m"], g, 1 - beta1)
        v = beta2 * state["v"] + (1 - beta2) * (g * g)
        m_slow = lerp(state["m_slow"], g, 1 - beta3_t)
        denominator = np.sqrt(v) / np.sqrt(1 - power(beta2, t)) + self.eps
        mixed = m / (1 - power(beta1, t)) + alpha_t * m_slow
        x = x - lr * (mixed / denominator)
        return x, State(t=t, buffers={"m": m, "v": v, "m_slow": m_slow})


ademamix = factory(AdEMAMix, "ademamix")
