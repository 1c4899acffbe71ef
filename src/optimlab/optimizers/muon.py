"""Muon, as torch.optim.Muon: momentum orthogonalised by a Newton-Schulz iteration, for
matrices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .._checks import factory
from ._base import FLAG, FRACTION, LEARNING_RATE, LearningRate, Optimizer, State, \
    hyperparameter, lerp

__all__ = ["Muon", "muon", "newton_schulz", "NEWTON_SCHULZ"]

# Keller Jordan's quintic, as torch.optim.Muon has it: (a, b, c) of p(s) = a s + b s^3 + c s^5.
NEWTON_SCHULZ = (3.4445, -4.7750, 2.0315)
COEFFICIENTS = _checks.Pair((_checks.Number(None),) * 3, "(a, b, c)")
ADJUSTMENTS = _checks.Optional(_checks.Choice(("original", "match_rms_adamw")))


def newton_schulz(update: np.ndarray, coefficients=NEWTON_SCHULZ,
                  steps: int = 5, eps: float = 1e-7) -> np.ndarray:
    r"""The update ``(..., m, n)`` orthogonalised: divided by its Frobenius
    norm (at least ``eps``), then ``steps`` times
    :math:`X \leftarrow aX + (bA + cA^2)X` with :math:`A = XX^\top`, on the
    wide orientation (``m <= n``) as torch does.

    Each singular value :math:`\sigma` of the normalised matrix becomes
    :math:`p^{k}(\sigma)` with :math:`p(s) = as + bs^3 + cs^5`, and the
    singular vectors are kept. In float64 here (torch runs it in bfloat16).

    Example:
        >>> import numpy as np
        >>> o = newton_schulz(np.array([[3.0, 0.0], [0.0, 0.1]]))
        >>> # 3 and 0.1 become about 1
        >>> np.linalg.svd(o, compute_uv=False).round(3).tolist()
        [1.129, 0.697]
    """
    a, b, c = coefficients
    tall = update.shape[-2] > update.shape[-1]
    x = np.swapaxes(update, -1, -2) if tall else update
    norm = np.sqrt(np.sum(x * x, axis=(-2, -1), keepdims=True))
    x = x / np.maximum(norm, eps)
    for k in range(int(np.max(steps))):
        gram = x @ np.swapaxes(x, -1, -2)
        # A stack of runs with different step counts (run_grid): each
        # stops at its own.
        polynomial = a * x + (b * gram + c * (gram @ gram)) @ x
        x = np.where(k < steps, polynomial, x)
    return np.swapaxes(x, -1, -2) if tall else x


@dataclass(frozen=True)
class Muon(Optimizer):
    r"""Muon: Nesterov momentum whose update matrix is orthogonalised before the step.

    Exactly ``torch.optim.Muon`` (torch 2.13), but for the precision of the Newton-Schulz
    iteration, which torch runs in bfloat16 and optimlab in float64 (see the README for how
    near the two are). For a matrix parameter :math:`X \in \mathbb{R}^{m \times n}`:

    .. math::

        B_t &= \mu B_{t-1} + (1 - \mu) G_t, \qquad B_0 = 0 \\
        U_t &= (1 - \mu) G_t + \mu B_t \quad (\text{nesterov}), \qquad U_t = B_t
            \quad (\text{otherwise}) \\
        O_t &= \operatorname{NS}_k(U_t), \qquad
        X_t = (1 - \eta\lambda)\, X_{t-1} - \eta' O_t, \qquad
        \eta' = \begin{cases} \eta \sqrt{\max(1, m/n)} & \text{original} \\
                               0.2\,\eta \sqrt{\max(m, n)} & \text{match\_rms\_adamw}
                \end{cases}

    :math:`\operatorname{NS}_k` is :func:`newton_schulz`: it maps each singular value
    :math:`\sigma_i / \lVert U_t \rVert_F` of the update to :math:`p^k(\cdot)`, near 1, so
    that :math:`O_t` approximates :math:`U V^\top` from the SVD :math:`U_t = U S V^\top`:
    the direction of steepest descent under the spectral norm. Jordan et al. (2024);
    Liu et al. (2025) for ``match_rms_adamw``.

    A vector of :math:`d` parameters is taken as a :math:`1 \times d` matrix (torch refuses
    parameters that are not matrices): its one singular value is 1, so the step is
    :math:`p^k(1) \approx 0.696` times the unit vector of :math:`U_t`, times :math:`\eta`:
    normalised Nesterov momentum. In :func:`optimlab.run_grid`, each run's parameters are a
    matrix (or a vector) of their own.

    Args:
        lr: learning rate :math:`\eta`, default 0.001, or a schedule.
        weight_decay: :math:`\lambda \ge 0`, decoupled, default 0.1.
        momentum: :math:`\mu` in [0, 1), default 0.95.
        nesterov: use Nesterov momentum, default True.
        ns_coefficients: :math:`(a, b, c)` of the polynomial, default
            (3.4445, -4.775, 2.0315).
        eps: the smallest norm divided by, :math:`\ge 0`, default 1e-7.
        ns_steps: :math:`k`, the Newton-Schulz steps, an integer from 0 to 99, default 5.
        adjust_lr_fn: ``"original"``, ``"match_rms_adamw"`` or None (``"original"``),
            default None.

    Example:
        >>> import numpy as np
        >>> opt = muon(lr=0.1, weight_decay=0.0)
        >>> g = np.array([[4.0, 0.0], [0.0, 1.0], [0.0, 0.0]])  # singular values 4 and 1
        >>> x, state = opt.step(np.zeros((3, 2)), g, opt.init(np.zeros((3, 2))))
        >>> (np.linalg.svd(x, compute_uv=False) / 0.1).round(3).tolist()  # nearly equal
        [0.91, 0.903]
    """

    lr: LearningRate = hyperparameter(1e-3, LEARNING_RATE)
    weight_decay: float = hyperparameter(0.1)
    momentum: float = hyperparameter(0.95, FRACTION)
    nesterov: bool = hyperparameter(True, FLAG)
    ns_coefficients: tuple[float, float, float] = hyperparameter(NEWTON_SCHULZ, COEFFICIENTS)
    eps: float = hyperparameter(1e-7)
    ns_steps: int = hyperparameter(5, _checks.Integer(0, 99))
    adjust_lr_fn: str | None = hyperparameter(None, ADJUSTMENTS)
    reference = "torch.optim.Muon (torch 2.13)"
    elementwise = False

    def _matrices(self, x: np.ndarray) -> np.ndarray:
        """``x`` as a stack of matrices: a vector (a row of a batch) as a 1 x d matrix."""
        dimensions = np.ndim(x) - self.batched
        if dimensions not in (1, 2):
            raise ValueError(f"x must be a vector or a matrix for muon; got shape {np.shape(x)}")
        return np.expand_dims(x, -2) if dimensions == 1 else x

    def init(self, x):
        self._matrices(x)
        return State.zeros(x, "momentum_buffer")

    def step(self, x, g, state):
        t = state.t + 1
        lr = self.learning_rate(t)
        buffer = lerp(state["momentum_buffer"], g, 1 - self.momentum)
        update = lerp(g, buffer, self.momentum) if self.nesterov else buffer
        matrices = self._matrices(update)

        def per_matrix(value):  # a run's column, shaped against its matrix
            return np.reshape(value, (-1, 1, 1)) if np.ndim(value) else value

        coefficients = tuple(per_matrix(value) for value in self.ns_coefficients)
        orthogonal = newton_schulz(matrices, coefficients,
                                   per_matrix(self.ns_steps),
                                   per_matrix(self.eps))
        rows, columns = matrices.shape[-2:]
        if self.adjust_lr_fn == "match_rms_adamw":
            adjusted = lr * (0.2 * max(rows, columns) ** 0.5)
        else:
            adjusted = lr * max(1, rows / columns) ** 0.5
        step = adjusted * orthogonal.reshape(np.shape(x))
        x = x * (1 - lr * self.weight_decay) - step
        return x, State(t=t, buffers={"momentum_buffer": buffer})


muon = factory(Muon, "muon")
