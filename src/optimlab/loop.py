"""The run loop: apply an optimizer to a gradient function, step by step.

Example:
    >>> import optimlab as ol
    >>> xs = ol.run(ol.sgd(lr=0.1), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 2)
    >>> xs.shape, xs.dtype
    ((3, 2), dtype('float64'))
    >>> xs[1].tolist()
    [8.82, 0.0]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .optimizers import Optimizer, State

__all__ = ["DivergenceWarning", "Trace", "run", "trace"]

Gradient = Callable[[np.ndarray], np.ndarray]


class DivergenceWarning(RuntimeWarning):
    """Emitted by :func:`run` when the iterates stop being finite (the run diverged)."""


@dataclass(frozen=True)
class Trace:
    """Everything a run produced.

    Attributes:
        xs: the iterates, shape ``(T + 1, d)``; row 0 is the start, row t the iterate after step t.
        grads: the gradient used at each step, shape ``(T, d)``; row t - 1 is evaluated at
            ``xs[t - 1]``.
        states: the optimizer's state after each step (``states[t - 1]`` after step t).
        diverged_at: the step whose result was not finite (and was dropped), or ``None``.
    """

    xs: np.ndarray
    grads: np.ndarray
    states: tuple[State, ...]
    diverged_at: int | None


def _check_start(x0) -> np.ndarray:
    try:
        x = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be an array-like of numbers; got {x0!r}") from None
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty vector of shape (d,); got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite; got {x0!r}")
    return x


def _check_gradient(g, x: np.ndarray, t: int) -> np.ndarray:
    g = np.asarray(g, dtype=np.float64)
    if g.shape != x.shape:
        raise ValueError(f"grad must return an array of shape {x.shape} like x0; "
                         f"got shape {g.shape} at step {t}")
    return g


def trace(optimizer: Optimizer, grad: Gradient, x0, steps: int) -> Trace:
    """Run ``optimizer`` for ``steps`` steps from ``x0`` and keep gradients and states too.

    The checks and the divergence behaviour are those of :func:`run`.

    Example:
        >>> import optimlab as ol
        >>> tr = ol.trace(ol.adam(lr=0.2), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 3)
        >>> tr.xs.shape, tr.grads.shape, len(tr.states), tr.states[-1].t
        ((4, 2), (3, 2), 3, 3)
    """
    return _trace(optimizer, grad, x0, steps)


def _trace(optimizer: Optimizer, grad: Gradient, x0, steps: int) -> Trace:
    # Shared by trace() and run(), so that stacklevel=3 below names the line that called either.
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an optimlab optimizer; got {optimizer!r}")
    if not callable(grad):
        raise ValueError(f"grad must be a callable mapping x of shape (d,) to (d,); got {grad!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0; got {steps!r}")
    x = _check_start(x0)
    xs = np.empty((steps + 1, x.size))
    grads = np.empty((steps, x.size))
    xs[0] = x
    state = optimizer.init(x)
    states = []
    for t in range(1, steps + 1):
        # Overflow is how a divergent run ends: the DivergenceWarning below reports it once,
        # in place of numpy's overflow and invalid-value warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            g = _check_gradient(grad(x.copy()), x, t)
            if t == 1 and not np.all(np.isfinite(g)):
                raise ValueError(
                    f"grad must be finite at x0; got {g.tolist()} at x0={x.tolist()}")
            x, state = optimizer.step(x, g, state)
        if not np.all(np.isfinite(x)):
            warnings.warn(
                f"the iterate stopped being finite at step {t}; returning the {t} finite "
                f"iterates before it (a learning rate that is too large?)",
                DivergenceWarning, stacklevel=3)
            return Trace(xs[:t].copy(), grads[: t - 1].copy(), tuple(states), diverged_at=t)
        xs[t] = x
        grads[t - 1] = g
        states.append(state)
    return Trace(xs, grads, tuple(states), diverged_at=None)


def run(optimizer: Optimizer, grad: Gradient, x0, steps: int) -> np.ndarray:
    """Run ``optimizer`` on the gradient function ``grad`` for ``steps`` steps from ``x0``.

    Args:
        optimizer: an optimizer from :mod:`optimlab.optimizers`.
        grad: maps an array of shape ``(d,)`` to the gradient, shape ``(d,)``. Wrap it with
            :func:`optimlab.clip_by_global_norm` or :func:`optimlab.clip_by_value` to clip.
        x0: the start, any array-like of ``d`` finite numbers (integers are fine).
        steps: the number of steps, an integer >= 0.

    Returns:
        A float64 array of shape ``(steps + 1, d)``: row 0 is ``x0``, row t the iterate after
        step t. If an iterate stops being finite, the run stops, a :class:`DivergenceWarning`
        names the step, and only the finite iterates before it are returned (fewer rows).

    Raises:
        ValueError: naming the parameter, for a non-optimizer, a negative ``steps``, a
            non-finite ``x0``, or a ``grad`` that returns the wrong shape or a non-finite value
            at ``x0``.

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> ol.run(ol.adam(lr=0.2), q.grad, [9, -3], 100)[-1].round(4).tolist()
        [-0.092, -0.0132]
    """
    return _trace(optimizer, grad, x0, steps).xs
