"""Optimizers with the semantics, names and defaults of ``torch.optim``.

Every optimizer is a small frozen dataclass of hyperparameters with two methods:

* ``init(x)`` returns the initial :class:`State` for parameters ``x``;
* ``step(x, g, state)`` takes the parameters, the gradient at them and the state, and returns
  the new parameters and the new state. Nothing is modified in place.

The step counter ``t`` counts from 1: the first call to ``step`` performs step ``t = 1``.
``lr`` is a float or a schedule, a callable of ``t`` returning the learning rate
(see :mod:`optimlab.schedules`).

Example:
    >>> import numpy as np
    >>> from optimlab import adam
    >>> opt = adam(lr=0.1)
    >>> x = np.array([1.0, -2.0])
    >>> state = opt.init(x)
    >>> x, state = opt.step(x, np.array([3.0, -0.5]), state)
    >>> x.round(6).tolist(), state.t
    ([0.9, -1.9], 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Union

import numpy as np

__all__ = [
    "State",
    "Optimizer",
    "SGD",
    "EWMAMomentum",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "sgd",
    "ewma_momentum",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
]

LearningRate = Union[float, Callable[[int], float]]


@dataclass(frozen=True)
class State:
    """The state of an optimizer after ``t`` steps.

    Attributes:
        t: the number of steps taken so far (0 before the first step).
        buffers: named arrays the optimizer keeps between steps, for example ``m`` and ``v``
            for Adam. Their meaning is documented on each optimizer.
    """

    t: int
    buffers: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.buffers[name]


def _check_number(name: str, value, low: float = 0.0, high: float | None = None,
                  high_inclusive: bool = False) -> float:
    """Return ``value`` as a float after checking ``low <= value < high`` (or ``<= high``)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(number) or number < low:
        raise ValueError(f"{name} must be a finite number >= {low:g}; got {value!r}")
    if high is not None:
        if high_inclusive and number > high:
            raise ValueError(f"{name} must be in [{low:g}, {high:g}]; got {value!r}")
        if not high_inclusive and number >= high:
            raise ValueError(f"{name} must be in [{low:g}, {high:g}); got {value!r}")
    return number


def _check_lr(lr: LearningRate) -> LearningRate:
    if callable(lr):
        return lr
    return _check_number("lr", lr)


def _check_betas(betas) -> tuple[float, float]:
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair (beta1, beta2); got {betas!r}") from None
    return (
        _check_number("betas[0]", beta1, 0.0, 1.0),
        _check_number("betas[1]", beta2, 0.0, 1.0),
    )


class Optimizer:
    """The interface every optimizer implements (see the module docstring)."""

    lr: LearningRate

    def init(self, x: np.ndarray) -> State:
        """The state before the first step for parameters ``x``."""
        raise NotImplementedError

    def step(self, x: np.ndarray, g: np.ndarray, state: State) -> tuple[np.ndarray, State]:
        """One update: parameters ``x``, gradient ``g`` at ``x``; returns ``(x_new, state_new)``."""
        raise NotImplementedError

    def learning_rate(self, t: int) -> float:
        """The learning rate used at step ``t`` (t = 1, 2, ...)."""
        if callable(self.lr):
            value = float(self.lr(t))
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"lr schedule returned {value!r} at step t={t}; "
                                 "learning rates must be finite and >= 0")
            return value
        return self.lr


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

    (without momentum, :math:`d_t = g_t`). Polyak (1964); Sutskever et al. (2013) for the
    Nesterov form.

    Args:
        lr: learning rate :math:`\eta` (no default, as in PyTorch), or a schedule.
        momentum: :math:`\mu` in [0, 1), default 0.
        dampening: :math:`\tau` in [0, 1], default 0.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0), default False.
        weight_decay: :math:`\lambda \ge 0`, the coupled L2 term, default 0.

    Example:
        >>> import numpy as np
        >>> opt = sgd(lr=0.1, momentum=0.9)
        >>> x, s = np.array([1.0]), opt.init(np.array([1.0]))
        >>> x, s = opt.step(x, np.array([2.0]), s)
        >>> x, s = opt.step(x, np.array([2.0]), s)
        >>> x.round(6).tolist(), s["momentum_buffer"].tolist()
        ([0.42], [3.8])
    """

    lr: LearningRate
    momentum: float = 0.0
    dampening: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0

    def init(self, x):
        return State(t=0, buffers={"momentum_buffer": np.zeros_like(x, dtype=float)})

    def step(self, x, g, state):
        t = state.t + 1
        if self.weight_decay:
            g = g + self.weight_decay * x
        buffer = state["momentum_buffer"]
        if self.momentum:
            # PyTorch starts the buffer at the first gradient, undamped.
            buffer = g if t == 1 else self.momentum * buffer + (1 - self.dampening) * g
            g = g + self.momentum * buffer if self.nesterov else buffer
        x = x - self.learning_rate(t) * g
        return x, State(t=t, buffers={"momentum_buffer": buffer})


def sgd(lr: LearningRate, momentum: float = 0.0, dampening: float = 0.0,
        nesterov: bool = False, weight_decay: float = 0.0) -> SGD:
    """Gradient descent as ``torch.optim.SGD``; see :class:`SGD` for the rule and arguments."""
    momentum = _check_number("momentum", momentum, 0.0, 1.0)
    dampening = _check_number("dampening", dampening, 0.0, 1.0, high_inclusive=True)
    if nesterov and (momentum == 0 or dampening != 0):
        raise ValueError("nesterov=True requires momentum > 0 and dampening = 0; "
                         f"got momentum={momentum!r}, dampening={dampening!r}")
    return SGD(
        lr=_check_lr(lr),
        momentum=momentum,
        dampening=dampening,
        nesterov=bool(nesterov),
        weight_decay=_check_number("weight_decay", weight_decay),
    )


@dataclass(frozen=True)
class EWMAMomentum(Optimizer):
    r"""Momentum as an exponentially weighted moving average of the gradients.

    .. math::

        v_0 = 0, \qquad v_t = \beta v_{t-1} + (1 - \beta) g_t, \qquad
        \hat v_t = \frac{v_t}{1 - \beta^t}, \qquad x_t = x_{t-1} - \eta \hat v_t

    Without bias correction the step uses :math:`v_t` itself. This is the first moment of
    Adam on its own (Kingma & Ba, 2015); PyTorch's SGD buffer instead starts at
    :math:`g_1` and needs no correction.

    Args:
        lr: learning rate :math:`\eta`, or a schedule.
        beta: :math:`\beta` in [0, 1), default 0.9.
        bias_correction: divide by :math:`1 - \beta^t`, default True.

    Example:
        >>> import numpy as np
        >>> opt = ewma_momentum(lr=1.0, beta=0.9)
        >>> x, s = opt.step(np.array([0.0]), np.array([4.0]), opt.init(np.array([0.0])))
        >>> x.tolist(), s["v"].round(6).tolist()
        ([-4.0], [0.4])
    """

    lr: LearningRate
    beta: float = 0.9
    bias_correction: bool = True

    def init(self, x):
        return State(t=0, buffers={"v": np.zeros_like(x, dtype=float)})

    def step(self, x, g, state):
        t = state.t + 1
        v = self.beta * state["v"] + (1 - self.beta) * g
        v_hat = v / (1 - self.beta**t) if self.bias_correction else v
        x = x - self.learning_rate(t) * v_hat
        return x, State(t=t, buffers={"v": v})


def ewma_momentum(lr: LearningRate, beta: float = 0.9,
                  bias_correction: bool = True) -> EWMAMomentum:
    """EWMA momentum; see :class:`EWMAMomentum` for the rule and arguments."""
    return EWMAMomentum(
        lr=_check_lr(lr),
        beta=_check_number("beta", beta, 0.0, 1.0),
        bias_correction=bool(bias_correction),
    )


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""AdaGrad: per-coordinate steps scaled by the root of the summed squared gradients.

    Exactly ``torch.optim.Adagrad``:

    .. math::

        g_t &\leftarrow g_t + \lambda x_{t-1}, \qquad
        \tilde\eta_t = \frac{\eta}{1 + (t - 1)\,\delta} \\
        s_t &= s_{t-1} + g_t^2, \qquad s_0 = \text{initial\_accumulator\_value} \\
        x_t &= x_{t-1} - \tilde\eta_t \frac{g_t}{\sqrt{s_t} + \epsilon}

    Duchi, Hazan & Singer (2011).

    Args:
        lr: learning rate :math:`\eta`, default 0.01, or a schedule.
        lr_decay: :math:`\delta \ge 0`, default 0.
        weight_decay: :math:`\lambda \ge 0`, default 0.
        initial_accumulator_value: :math:`s_0 \ge 0`, default 0.
        eps: :math:`\epsilon \ge 0`, default 1e-10.

    Example:
        >>> import numpy as np
        >>> opt = adagrad(lr=0.5)
        >>> x, s = opt.step(np.array([1.0, 1.0]), np.array([0.2, 10.0]), opt.init(np.zeros(2)))
        >>> x.round(6).tolist()
        [0.5, 0.5]
    """

    lr: LearningRate = 0.01
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def init(self, x):
        total = np.full_like(x, self.initial_accumulator_value, dtype=float)
        return State(t=0, buffers={"sum": total})

    def step(self, x, g, state):
        t = state.t + 1
        if self.weight_decay:
            g = g + self.weight_decay * x
        lr = self.learning_rate(t) / (1 + (t - 1) * self.lr_decay)
        total = state["sum"] + g * g
        x = x - lr * g / (np.sqrt(total) + self.eps)
        return x, State(t=t, buffers={"sum": total})


def adagrad(lr: LearningRate = 0.01, lr_decay: float = 0.0, weight_decay: float = 0.0,
            initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> Adagrad:
    """AdaGrad as ``torch.optim.Adagrad``; see :class:`Adagrad` for the rule and arguments."""
    return Adagrad(
        lr=_check_lr(lr),
        lr_decay=_check_number("lr_decay", lr_decay),
        weight_decay=_check_number("weight_decay", weight_decay),
        initial_accumulator_value=_check_number(
            "initial_accumulator_value", initial_accumulator_value),
        eps=_check_number("eps", eps),
    )


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

    Example:
        >>> import numpy as np
        >>> opt = rmsprop(lr=0.1, alpha=0.9)
        >>> x, s = opt.step(np.array([1.0]), np.array([3.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist(), s["square_avg"].round(6).tolist()
        ([0.683772], [0.9])
    """

    lr: LearningRate = 0.01
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def init(self, x):
        zeros = np.zeros_like(x, dtype=float)
        return State(t=0, buffers={"square_avg": zeros, "grad_avg": zeros,
                                   "momentum_buffer": zeros})

    def step(self, x, g, state):
        t = state.t + 1
        if self.weight_decay:
            g = g + self.weight_decay * x
        square_avg = self.alpha * state["square_avg"] + (1 - self.alpha) * g * g
        grad_avg = state["grad_avg"]
        if self.centered:
            grad_avg = self.alpha * grad_avg + (1 - self.alpha) * g
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + self.eps
        else:
            denom = np.sqrt(square_avg) + self.eps
        buffer = state["momentum_buffer"]
        if self.momentum:
            buffer = self.momentum * buffer + g / denom
            x = x - self.learning_rate(t) * buffer
        else:
            x = x - self.learning_rate(t) * g / denom
        return x, State(t=t, buffers={"square_avg": square_avg, "grad_avg": grad_avg,
                                      "momentum_buffer": buffer})


def rmsprop(lr: LearningRate = 0.01, alpha: float = 0.99, eps: float = 1e-8,
            weight_decay: float = 0.0, momentum: float = 0.0,
            centered: bool = False) -> RMSprop:
    """RMSProp as ``torch.optim.RMSprop``; see :class:`RMSprop` for the rule and arguments."""
    return RMSprop(
        lr=_check_lr(lr),
        alpha=_check_number("alpha", alpha, 0.0, 1.0),
        eps=_check_number("eps", eps),
        weight_decay=_check_number("weight_decay", weight_decay),
        momentum=_check_number("momentum", momentum, 0.0, 1.0),
        centered=bool(centered),
    )


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam: bias-corrected moving averages of the gradient and of its square.

    Exactly ``torch.optim.Adam`` (:math:`\epsilon` added after the square root of
    :math:`\hat v_t`; weight decay is the coupled L2 term):

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

    Example:
        >>> import numpy as np
        >>> opt = adam(lr=0.2)
        >>> x, s = opt.step(np.array([9.0, -3.0]), np.array([1.8, -30.0]), opt.init(np.zeros(2)))
        >>> x.round(6).tolist()
        [8.8, -2.8]
    """

    lr: LearningRate = 0.001
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    # AdamW sets this, as PyTorch's Adam(decoupled_weight_decay=True) does.
    decoupled_weight_decay: ClassVar[bool] = False

    def init(self, x):
        zeros = np.zeros_like(x, dtype=float)
        return State(t=0, buffers={"m": zeros, "v": zeros, "v_max": zeros})

    def step(self, x, g, state):
        t = state.t + 1
        beta1, beta2 = self.betas
        lr = self.learning_rate(t)
        if self.decoupled_weight_decay:
            x = x * (1 - lr * self.weight_decay)
        elif self.weight_decay:
            g = g + self.weight_decay * x
        m = beta1 * state["m"] + (1 - beta1) * g
        v = beta2 * state["v"] + (1 - beta2) * g * g
        v_max = np.maximum(state["v_max"], v) if self.amsgrad else state["v_max"]
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if self.amsgrad else v) / (1 - beta2**t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return x, State(t=t, buffers={"m": m, "v": v, "v_max": v_max})


def adam(lr: LearningRate = 0.001, betas: tuple[float, float] = (0.9, 0.999),
         eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> Adam:
    """Adam as ``torch.optim.Adam``; see :class:`Adam` for the rule and arguments."""
    return Adam(
        lr=_check_lr(lr),
        betas=_check_betas(betas),
        eps=_check_number("eps", eps),
        weight_decay=_check_number("weight_decay", weight_decay),
        amsgrad=bool(amsgrad),
    )


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay.

    Exactly ``torch.optim.AdamW``: the parameters shrink by :math:`1 - \eta\lambda` first, then
    take an :class:`Adam` step on the plain gradient (no L2 term in :math:`m` or :math:`v`):

    .. math::

        x_{t-1}' = (1 - \eta\lambda)\, x_{t-1}, \qquad
        x_t = x_{t-1}' - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Loshchilov & Hutter (2019).

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1), default (0.9, 0.999).
        eps: :math:`\epsilon \ge 0`, default 1e-8.
        weight_decay: :math:`\lambda \ge 0`, default 0.01.
        amsgrad: use the running maximum of :math:`v_t`, default False.

    Example:
        >>> import numpy as np
        >>> opt = adamw(lr=0.1, weight_decay=0.5)
        >>> x, s = opt.step(np.array([2.0]), np.array([0.0]), opt.init(np.zeros(1)))
        >>> x.round(6).tolist()
        [1.9]
    """

    weight_decay: float = 0.01
    decoupled_weight_decay: ClassVar[bool] = True


def adamw(lr: LearningRate = 0.001, betas: tuple[float, float] = (0.9, 0.999),
          eps: float = 1e-8, weight_decay: float = 0.01, amsgrad: bool = False) -> AdamW:
    """AdamW as ``torch.optim.AdamW``; see :class:`AdamW` for the rule and arguments."""
    return AdamW(
        lr=_check_lr(lr),
        betas=_check_betas(betas),
        eps=_check_number("eps", eps),
        weight_decay=_check_number("weight_decay", weight_decay),
        amsgrad=bool(amsgrad),
    )
