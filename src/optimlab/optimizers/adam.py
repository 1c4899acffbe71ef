"""Adam and AdamW, as torch.optim.Adam and torch.optim.AdamW (with AMSGrad)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import factory
from ._base import BETAS, FLAG, LEARNING_RATE, LearningRate, Optimizer, State, \
    coupled_weight_decay, hyperparameter, maximize, power

__all__ = ["Adam", "AdamW", "adam", "adamw", "step_bound"]


def step_bound(lr, beta1, beta2, t):
    r"""The largest step Adam (with or without AMSGrad) can take in one coordinate at step ``t``:

    .. math::

        |x_t - x_{t-1}| \le \eta B_t, \qquad
        B_t = \frac{1 - \beta_1}{1 - \beta_1^t}
            \sqrt{\frac{(1 - \beta_2^t)(1 - \gamma^t)}{(1 - \beta_2)(1 - \gamma)}},
        \qquad \gamma = \frac{\beta_1^2}{\beta_2}

    (for :math:`\gamma = 1` read :math:`(1 - \gamma^t)/(1 - \gamma)` as :math:`t`). It is the
    Cauchy-Schwarz inequality applied to :math:`m_t` against :math:`v_t`, so it holds for any
    gradients; with :math:`\epsilon = 0` gradients that grow by :math:`\beta_2 / \beta_1` a
    step reach it. :math:`B_1 = 1`; for :math:`\gamma < 1` it tends to
    :math:`(1 - \beta_1) / \sqrt{(1 - \beta_2)(1 - \gamma)}` (7.27 for the defaults), for
    :math:`\gamma \ge 1` it grows without limit. ``t`` may be an array.

    Example:
        >>> [round(float(step_bound(1.0, 0.9, 0.999, t)), 2) for t in (1, 100, 10**6)]
        [1.0, 2.24, 7.27]
    """
    t = np.asarray(t)
    gamma = np.asarray(beta1**2 / beta2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 + γ + ... + γ^(t-1), which is t where γ = 1; expm1 and log1p keep it accurate
        # for γ near 1, where 1 - γ^t and 1 - γ would cancel
        geometric = np.where(gamma == 1, t, np.expm1(t * np.log1p(gamma - 1)) / (gamma - 1))
    correction = np.sqrt((1 - power(beta2, t)) / (1 - beta2)) / (1 - power(beta1, t))
    return lr * (1 - beta1) * correction * np.sqrt(geometric)


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam: bias-corrected moving averages of the gradient and of its square.

    Exactly ``torch.optim.Adam`` (:math:`\epsilon` added after the square root of
    :math:`\hat v_t`; weight decay is the coupled L2 term, or with
    ``decoupled_weight_decay`` AdamW's shrinking of the parameters, :class:`AdamW`):

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad m_0 = v_0 = 0 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}
            \quad \Big(\text{AMSGrad: } \hat v_t = \frac{\max_{s \le t} v_s}{1 - \beta_2^t}\Big) \\
        x_t &= x_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Kingma & Ba (2015); AMSGrad from Reddi, Kale & Kumar (2018), in PyTorch's form, which
    keeps the running maximum of the raw :math:`v_t` and bias-corrects it.

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999).
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        amsgrad: use the running maximum of :math:`v_t`, default False.
        maximize: step up the gradient (torch's ``maximize``), default False.
        decoupled_weight_decay: shrink the parameters by :math:`1 - \eta\lambda` instead of
            adding :math:`\lambda x` to the gradient, as :class:`AdamW` (which is Adam with
            this on), default False.

    Example:
        >>> import numpy as np
        >>> opt = adam(lr=0.2)
        >>> x, s = opt.step(np.array([9.0, -3.0]), np.array([1.8, -30.0]), opt.init(np.zeros(2)))
        >>> x.round(6).tolist()
        [8.8, -2.8]
    """

    lr: LearningRate = hyperparameter(0.001, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.999), BETAS)
    eps: float = hyperparameter(1e-8)
    weight_decay: float = hyperparameter(0.0)
    amsgrad: bool = hyperparameter(False, FLAG)
    maximize: bool = maximize()
    decoupled_weight_decay: bool = hyperparameter(False, FLAG, keyword_only=True)
    reference = "torch.optim.Adam (torch 2.13)"

    def init(self, x):
        return State.zeros(x, "m", "v", "v_max")

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        lr = self.learning_rate(t)
        g = self.signed(g)
        if self.decoupled_weight_decay:
            x = x * (1 - lr * self.weight_decay)
        else:
            g = coupled_weight_decay(g, x, self.weight_decay)
        m = beta1 * state["m"] + (1 - beta1) * g
        v = beta2 * state["v"] + (1 - beta2) * g * g
        v_max = np.maximum(state["v_max"], v) if self.amsgrad else state["v_max"]
        m_hat = m / (1 - power(beta1, t))
        v_hat = (v_max if self.amsgrad else v) / (1 - power(beta2, t))
        x = x - lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return x, State(t=t, buffers={"m": m, "v": v, "v_max": v_max})


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay.

    Exactly ``torch.optim.AdamW``, which is ``torch.optim.Adam`` with
    ``decoupled_weight_decay=True`` (and a default weight decay of 0.01): the parameters shrink
    by :math:`1 - \eta\lambda` first, then take an :class:`Adam` step on the plain gradient
    (no L2 term in :math:`m` or :math:`v`):

    .. math::

        x_{t-1}' = (1 - \eta\lambda)\, x_{t-1}, \qquad
        x_t = x_{t-1}' - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Here :math:`\eta` is the learning rate itself, as in PyTorch. Loshchilov & Hutter (2019)
    decouple the decay from it: their Algorithm 2 shrinks by :math:`\eta_t \lambda`, with
    :math:`\eta_t` the schedule's multiplier alone.

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999).
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, default 0.01.
        amsgrad: use the running maximum of :math:`v_t`, default False.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = adamw(lr=0.1, weight_decay=0.5)
        >>> x, s = opt.step(np.array([2.0]), np.array([0.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist()
        [1.9]
    """

    weight_decay: float = hyperparameter(0.01)
    # Not an argument, as in torch.optim.AdamW: always on.
    decoupled_weight_decay: bool = field(default=True, init=False)
    reference = "torch.optim.AdamW (torch 2.13)"


adam = factory(Adam, "adam")
adamw = factory(AdamW, "adamw")
