"""NAdam, as torch.optim.NAdam: Adam with Nesterov momentum and Dozat's momentum schedule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import BETAS, FLAG, LEARNING_RATE, LearningRate, Optimizer, State, \
    hyperparameter, maximize, power, weight_decay_either_way

__all__ = ["NAdam", "nadam", "momentum_schedule"]


def momentum_schedule(beta1, momentum_decay, t):
    r"""NAdam's momentum coefficient at step ``t``,

    .. math:: \mu_t = \beta_1 \big(1 - \tfrac12\, 0.96^{t \psi}\big),

    with :math:`\psi` the ``momentum_decay``: it starts near
    :math:`\beta_1 / 2` and rises towards :math:`\beta_1`.

    Example:
        >>> round(float(momentum_schedule(0.9, 0.004, 1)), 6)
        0.450073
    """
    psi = np.asarray(momentum_decay, dtype=float)
    return beta1 * (1 - 0.5 * power(0.96, t * psi))


@dataclass(frozen=True)
class NAdam(Optimizer):
    r"""NAdam: Adam whose step looks one momentum step ahead, as Nesterov's method does.

    Exactly ``torch.optim.NAdam``: the momentum coefficient follows Dozat's schedule
    :math:`\mu_t` (:func:`momentum_schedule`), the bias correction of :math:`m` uses the
    product of the :math:`\mu`'s, and the step mixes the current gradient with the
    *next* step's share of :math:`m_t`:

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad \big(\text{decoupled: } x_{t-1} \leftarrow (1 - \eta\lambda) x_{t-1}\big) \\
        \mu_t &= \beta_1 \big(1 - \tfrac12\, 0.96^{t \psi}\big), \qquad
            \Pi_t = \prod_{s=1}^{t} \mu_s \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
            v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad m_0 = v_0 = 0 \\
        \hat v_t &= \frac{v_t}{1 - \beta_2^t} \\
        x_t &= x_{t-1} - \eta \Big( \frac{1 - \mu_t}{1 - \Pi_t}\, g_t
            + \frac{\mu_{t+1}}{1 - \Pi_{t+1}}\, m_t \Big) \Big/ \big(\sqrt{\hat v_t} + \epsilon\big)

    With :math:`\beta_1 = 0` every :math:`\mu_t` is 0 and the rule is Adam's with
    :math:`\beta_1 = 0` (tests/optimizers/test_nadam.py checks it). Dozat (2016).

    Args:
        lr: learning rate :math:`\eta`, default 0.002, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999).
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        momentum_decay: :math:`\psi \ge 0`, how fast :math:`\mu_t` rises, default 0.004.
        decoupled_weight_decay: shrink the parameters as AdamW does instead of adding
            :math:`\lambda x` to the gradient (PyTorch's NAdamW), default False.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = nadam(lr=0.1)
        >>> x, s = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist(), s["mu_product"].round(6).tolist()
        ([0.894355], [0.450073])
    """

    lr: LearningRate = hyperparameter(0.002, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.999), BETAS)
    eps: float = hyperparameter(1e-8)
    weight_decay: float = hyperparameter(0.0)
    momentum_decay: float = hyperparameter(0.004)
    decoupled_weight_decay: bool = hyperparameter(False, FLAG)
    maximize: bool = maximize()
    reference = "torch.optim.NAdam (torch 2.13)"

    def init(self, x):
        zeros = np.zeros_like(x, dtype=float)
        return State(t=0, buffers={"m": zeros, "v": zeros, "mu_product": np.ones_like(zeros)})

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        lr = self.learning_rate(t)
        x, g = weight_decay_either_way(x, self.signed(g), lr, self.weight_decay,
                                       self.decoupled_weight_decay)
        mu = momentum_schedule(beta1, self.momentum_decay, t)
        mu_next = momentum_schedule(beta1, self.momentum_decay, t + 1)
        mu_product = state["mu_product"] * mu
        m = beta1 * state["m"] + (1 - beta1) * g
        v = beta2 * state["v"] + (1 - beta2) * g * g
        denom = np.sqrt(v / (1 - power(beta2, t))) + self.eps
        x = x - lr * (1 - mu) / (1 - mu_product) * g / denom
        x = x - lr * mu_next / (1 - mu_product * mu_next) * m / denom
        buffers = {"m": m, "v": v, "mu_product": mu_product}
        return x, State(t=t, buffers=buffers)


nadam = factory(NAdam, "nadam")
