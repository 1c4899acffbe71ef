"""ADOPT, as the authors' ``torch-adopt`` 0.1.0 implements it (Taniguchi et al., 2024)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import factory
from ._base import BETAS, FLAG, LEARNING_RATE, LearningRate, Optimizer, State, \
    coupled_weight_decay, hyperparameter, lerp, maximize

__all__ = ["ADOPT", "adopt"]


@dataclass(frozen=True)
class ADOPT(Optimizer):
    r"""ADOPT: Adam's moments in the other order, normalising by the *previous* second moment.

    Exactly ``adopt.ADOPT`` of the authors' package ``torch-adopt`` 0.1.0, with its default
    clipping of the normalised gradient at :math:`(t - 1)^{1/4}`. The first step only
    initialises :math:`v` and leaves :math:`x` where it is; from then on

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1} \quad (\text{coupled, unless decouple}), \qquad
        v_1 = g_1^2, \quad m_1 = 0, \quad x_1 = x_0 \\
        u_t &= \operatorname{clip}\Big(\frac{g_t}{\max(\sqrt{v_{t-1}}, \epsilon)},\
            \pm (t - 1)^{1/4}\Big) \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, u_t \\
        x_t &= x_{t-1} - \eta\, m_t
            \quad \big(\text{decouple: first } x_{t-1} \leftarrow
            (1 - \eta\lambda)\, x_{t-1}\big) \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2

    Because :math:`v_{t-1}` does not contain :math:`g_t`, the step is not pulled towards zero
    when a large gradient arrives; with each :math:`\beta_2` the book tried (0.1 to 0.999,
    C = 3) this removes the divergence of Adam on Reddi et al.'s counterexample. Taniguchi et al. (2024); the step number in the
    clip is the count of earlier steps, as ``torch-adopt`` has it.

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.9999).
        eps: :math:`\epsilon \ge 0`, the floor of :math:`\sqrt{v}`, default 1e-6.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        decouple: shrink the parameters by :math:`1 - \eta\lambda` (as AdamW) instead of
            adding :math:`\lambda x` to the gradient, default False.
        maximize: step up the gradient (torch-adopt's ``maximize``, as torch's), default False.

    Example:
        >>> import numpy as np
        >>> opt = adopt(lr=0.1)
        >>> x, s = opt.step(np.array([1.0]), np.array([3.0]), opt.init(np.zeros(1)))
        >>> x.tolist(), s["v"].tolist()
        ([1.0], [9.0])
        >>> x, s = opt.step(x, np.array([6.0]), s)
        >>> x.round(6).tolist()
        [0.99]
    """

    lr: LearningRate = hyperparameter(0.001, LEARNING_RATE)
    betas: tuple[float, float] = hyperparameter((0.9, 0.9999), BETAS)
    eps: float = hyperparameter(1e-6)
    weight_decay: float = hyperparameter(0.0)
    decouple: bool = hyperparameter(False, FLAG)
    maximize: bool = maximize()
    reference = "adopt.ADOPT (torch-adopt 0.1.0)"

    def init(self, x):
        return State.zeros(x, "m", "v")

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        lr, decay = self.learning_rate(t), self.weight_decay
        x, g = np.array(x, dtype=float), self.signed(g)
        if not self.decouple:
            g = coupled_weight_decay(g, x, decay)
        m, v = state["m"], state["v"]
        if t == 1:  # the first gradient only initialises v
            return x, State(t=t, buffers={"m": m, "v": v + g * g})
        if self.decouple:
            x = x - (lr * decay) * x
        u = g / np.maximum(np.sqrt(v), self.eps)
        limit = (t - 1) ** 0.25
        m = lerp(m, np.clip(u, -limit, limit), 1 - beta1)
        x = x - lr * m
        v = beta2 * v + (1 - beta2) * g * g
        return x, State(t=t, buffers={"m": m, "v": v})


adopt = factory(ADOPT, "adopt")
