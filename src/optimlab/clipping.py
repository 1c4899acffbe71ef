"""Gradient clipping, as wrappers of a gradient function (usable with every optimizer).

Example:
    >>> import optimlab as ol
    >>> cliff = ol.functions.cliff
    >>> steep = cliff.grad([0.0, 0.0])
    >>> float(abs(steep[0])) > 90
    True
    >>> gentle = ol.clip_by_global_norm(cliff.grad, max_norm=1.0)([0.0, 0.0])
    >>> round(float(abs(gentle[0])), 6)
    1.0
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from . import _checks

__all__ = ["clip_by_global_norm", "clip_by_value"]

Gradient = Callable[[np.ndarray], np.ndarray]


def clip_by_global_norm(grad: Gradient, max_norm: float) -> Gradient:
    r"""Wrap ``grad`` so its Euclidean norm never exceeds ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: the gradient is scaled by
    :math:`\min\big(1, c / (\lVert g \rVert_2 + 10^{-6})\big)`, which
    keeps its direction. For a batch of gradients of shape ``(n, d)`` each
    row is clipped by its own norm.

    Example:
        >>> import numpy as np
        >>> g = np.array([30.0, 40.0])
        >>> clipped = clip_by_global_norm(lambda x: g, max_norm=5.0)
        >>> clipped(np.zeros(2)).round(6).tolist()
        [3.0, 4.0]
    """
    max_norm = _checks.positive("max_norm", max_norm)
    if not callable(grad):
        raise ValueError(f"grad must be callable; got {grad!r}")

    def clipped(x):
        g = np.asarray(grad(x), dtype=np.float64)
        # The norm is over the last axis, so each run of a batch (run_grid
        # passes shape (n, d)) is clipped on its own, like a separate run.
        norm = np.linalg.norm(g, axis=-1, keepdims=True)
        return g * np.minimum(1.0, max_norm / (norm + 1e-6))

    return clipped


def clip_by_value(grad: Gradient, clip_value: float) -> Gradient:
    """Wrap ``grad`` so that no coordinate exceeds ``clip_value`` in size.

    Each coordinate is clamped to ``[-clip_value, clip_value]``, as
    ``torch.nn.utils.clip_grad_value_``; unlike norm clipping this can
    change the direction.

    Example:
        >>> import numpy as np
        >>> g = np.array([0.5, -40.0])
        >>> clip_by_value(lambda x: g, 1.0)(np.zeros(2)).tolist()
        [0.5, -1.0]
    """
    clip_value = _checks.positive("clip_value", clip_value)
    if not callable(grad):
        raise ValueError(f"grad must be callable; got {grad!r}")

    def clipped(x):
        g = np.asarray(grad(x), dtype=np.float64)
        return np.clip(g, -clip_value, clip_value)

    return clipped
