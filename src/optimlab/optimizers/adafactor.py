"""Adafactor, as torch.optim.Adafactor: a factored second moment for matrices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .._checks import factory
from ._base import LEARNING_RATE, NONNEGATIVE, LearningRate, Optimizer, State, hyperparameter, \
    lerp, maximize, power

__all__ = ["Adafactor", "adafactor"]

# What torch puts in place of eps[0] = None: the machine epsilon of the parameters' dtype,
# float64 here, as everywhere in optimlab.
FLOAT64_EPS = float(np.finfo(np.float64).eps)


# eps = (eps1, eps2), each >= 0; eps1 may be None (JSON null), which stands for float64's machine
# epsilon and is stored as that number.
EPSILONS = _checks.Pair((_checks.Optional(NONNEGATIVE, none_means=FLOAT64_EPS), NONNEGATIVE),
                        "(eps1, eps2)")


@dataclass(frozen=True)
class Adafactor(Optimizer):
    r"""Adafactor: a second moment that, for a matrix, keeps only row and column means.

    Exactly ``torch.optim.Adafactor``. For a vector the second moment :math:`v` has one
    entry per parameter. For a matrix :math:`G_t \in \mathbb{R}^{n \times m}` it keeps the
    row means :math:`r_t \in \mathbb{R}^{n}` and the column means
    :math:`c_t \in \mathbb{R}^{m}` of :math:`G_t^2` and rebuilds a rank-one estimate
    (torch's matrix path: ``step`` on a 2-D array):

    .. math::

        \hat\beta_{2,t} &= 1 - t^{\tau}, \qquad
        \rho_t = \min(\eta, 1/\sqrt t), \qquad
        \alpha_t = \rho_t \max\big(\epsilon_2, \operatorname{RMS}(x_{t-1})\big) \\
        x_{t-1} &\leftarrow (1 - \eta\lambda)\, x_{t-1} \\
        v_t &= \hat\beta_{2,t} v_{t-1} + (1 - \hat\beta_{2,t})\, g_t^2
            \quad \text{(vector)} \\
        r_t &= \hat\beta_{2,t} r_{t-1} + (1 - \hat\beta_{2,t})
            \operatorname{mean}_j G_{t,ij}^2, \quad
        c_t = \hat\beta_{2,t} c_{t-1} + (1 - \hat\beta_{2,t})
            \operatorname{mean}_i G_{t,ij}^2, \quad
        v_t = \frac{r_t c_t^\top}{\max(\operatorname{mean}_i r_{t,i}, \epsilon_1)}
            \quad \text{(matrix)} \\
        u_t &= \frac{g_t}{\sqrt{\max(v_t, \epsilon_1^2)}}, \qquad
        x_t = x_{t-1} - \frac{\alpha_t}{\max\big(1, \operatorname{RMS}(u_t)/d\big)}\, u_t

    :math:`\operatorname{RMS}` is the root mean square over the whole parameter, so the step
    is relative to the parameters' size. No first moment (:math:`\beta_1 = 0`), as in torch.
    Shazeer & Stern (2018), with torch's two departures: :math:`\eta` caps the relative step
    :math:`\rho_t` and scales the decoupled weight decay, and :math:`\epsilon_1` floors the
    estimate instead of being added to :math:`g_t^2`.

    In :func:`optimlab.run_grid` (a leading axis of runs) each row is a vector of its own.

    Args:
        lr: learning rate :math:`\eta`, default 0.01, or a schedule.
        beta2_decay: :math:`\tau \le 0`, default -0.8.
        eps: :math:`(\epsilon_1, \epsilon_2)`, each :math:`\ge 0`, default (None, 1e-3);
            None is float64's machine epsilon (torch's ``finfo(dtype).eps``).
        d: the clipping threshold :math:`d \ge 1` of the update's RMS, default 1.
        weight_decay: :math:`\lambda \ge 0`, decoupled, default 0.
        maximize: step up the gradient (torch's ``maximize``), default False.

    Example:
        >>> import numpy as np
        >>> opt = adafactor(lr=0.5)
        >>> x, s = opt.step(np.array([3.0, -4.0]), np.array([2.0, 1.0]), opt.init(np.zeros(2)))
        >>> x.round(6).tolist(), s["variance"].tolist()
        ([1.232233, -5.767767], [4.0, 1.0])
        >>> w = np.ones((1024, 512))
        >>> state = opt.init(w)
        >>> state["row_var"].shape, state["col_var"].shape
        ((1024, 1), (1, 512))
    """

    lr: LearningRate = hyperparameter(0.01, LEARNING_RATE)
    beta2_decay: float = hyperparameter(-0.8, _checks.Number(None, 0.0, high_inclusive=True))
    eps: tuple[float | None, float] = hyperparameter((None, 1e-3), EPSILONS)
    d: float = hyperparameter(1.0, _checks.Number(1.0))
    weight_decay: float = hyperparameter(0.0)
    maximize: bool = maximize()
    reference = "torch.optim.Adafactor (torch 2.13)"
    elementwise = False

    def _factored(self, x) -> bool:
        # A matrix (or a stack of them, factored over the last two axes, as torch does);
        # in a batch of runs the leading axis counts the runs.
        return np.ndim(x) - self.batched >= 2

    def init(self, x):
        x = np.asarray(x, dtype=float)
        if self._factored(x):
            rows, cols = list(x.shape), list(x.shape)
            rows[-1], cols[-2] = 1, 1
            return State(t=0, buffers={"row_var": np.zeros(rows), "col_var": np.zeros(cols)})
        return State(t=0, buffers={"variance": np.zeros_like(x)})

    def step(self, x, g, state):
        t = state.t + 1
        lr = self.learning_rate(t)
        g = self.signed(g)
        eps1, eps2 = self.eps
        # Norms over one parameter: all its axes (but the runs' axis in a batch).
        axes = tuple(range(int(self.batched), np.ndim(x)))
        size = np.prod([np.shape(x)[axis] for axis in axes])

        def norm(a):
            return np.sqrt(np.sum(a * a, axis=axes, keepdims=True))

        weight = power(float(t), self.beta2_decay)
        rho = np.minimum(lr, 1 / float(t) ** 0.5)
        alpha = np.maximum(eps2, norm(x) / size**0.5) * rho
        x = x * (1 - lr * self.weight_decay)
        if self._factored(x):
            # Row and column means of g^2, as torch has them (a norm, squared).
            rows, cols = (np.sqrt(np.sum(g * g, axis=axis, keepdims=True)) ** 2
                          for axis in (-1, -2))
            row_mean, col_mean = rows / g.shape[-1], cols / g.shape[-2]
            row_var = lerp(state["row_var"], row_mean, weight)
            col_var = lerp(state["col_var"], col_mean, weight)
            estimate = row_var * col_var / np.maximum(
                np.mean(row_var, axis=-2, keepdims=True), eps1)
            buffers = {"row_var": row_var, "col_var": col_var}
        else:
            estimate = lerp(state["variance"], g * g, weight)
            buffers = {"variance": estimate}
        update = g * (1 / np.sqrt(np.maximum(estimate, eps1 * eps1)))
        clip = np.maximum(1.0, norm(update) / (size**0.5 * self.d))
        x = x - alpha / clip * update
        return x, State(t=t, buffers=buffers)


adafactor = factory(Adafactor, "adafactor")
