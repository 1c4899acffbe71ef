"""Running optimizers: one run (:func:`run`, :func:`trace`), a given gradient sequence
(:func:`replay`) and many settings at once (:func:`run_grid`), with one set of checks.

The parameters are a vector, or a matrix for the rules that treat one as a matrix (Muon,
Adafactor's factored path). A run records the points where the gradients are taken; with
``points="evaluation"`` it records instead the points a user evaluates, which differ only for
Schedule-Free AdamW (:meth:`optimlab.optimizers.Optimizer.evaluation_point`).

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
from typing import Callable, Iterable, Sequence

import numpy as np

from . import _checks
from .optimizers import Optimizer, State
from .optimizers._base import batch

__all__ = ["DivergenceWarning", "Trace", "run", "trace", "replay", "run_grid"]

Gradient = Callable[[np.ndarray], np.ndarray]

# What a run records: where each gradient is taken (the parameters the rule updates), or the
# point a user evaluates after each step (Optimizer.evaluation_point).
POINTS = _checks.Choice(("gradient", "evaluation"))


class DivergenceWarning(RuntimeWarning):
    """Emitted by :func:`run` when the iterates stop being finite (the run diverged)."""


@dataclass(frozen=True)
class Trace:
    """Everything a run produced.

    Attributes:
        xs: the iterates, shape ``(T + 1, d)`` (``(T + 1, m, n)`` for a matrix); row 0 is the
            start, row t the iterate after step t: the point where the gradient of step t + 1
            is taken.
        grads: the gradient used at each step, shape ``(T, d)``; row t - 1 is evaluated at
            ``xs[t - 1]``.
        states: the optimizer's state after each step (``states[t - 1]`` after step t).
        diverged_at: the step whose result was not finite (and was dropped), or ``None``.
        evaluated: the points a user evaluates, shaped like ``xs``: ``xs`` itself for every
            rule but Schedule-Free AdamW, whose gradients are taken at ``y`` (``xs``) and
            whose evaluation point is its average ``x``
            (:meth:`optimlab.optimizers.Optimizer.evaluation_point`).
    """

    xs: np.ndarray
    grads: np.ndarray
    states: tuple[State, ...]
    diverged_at: int | None
    evaluated: np.ndarray


def _check_optimizer(optimizer) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an optimlab optimizer; got {optimizer!r}")
    return optimizer


def _check_gradient(g, shape: tuple, t: int, what: str = "like x0") -> np.ndarray:
    g = np.asarray(g, dtype=np.float64)
    if g.shape != shape:
        raise ValueError(f"grad must return an array of shape {shape} {what}; "
                         f"got shape {g.shape} at step {t}")
    return g


def _steps(optimizer: Optimizer, x: np.ndarray, gradients: Iterable, first_check) -> Trace:
    """The loop :func:`trace` and :func:`replay` share: step through ``gradients`` (a function
    of the current iterate and step), stopping with a DivergenceWarning at the first
    iterate that is not finite."""
    xs, grads, states = [x], [], []
    state = optimizer.init(x)
    evaluated = [optimizer.evaluation_point(x, state)]
    for t, gradient_at in enumerate(gradients, start=1):
        # Overflow is how a divergent run ends: the DivergenceWarning below reports it once,
        # in place of numpy's overflow and invalid-value warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            g = gradient_at(x, t)
            if t == 1:
                first_check(g, x)
            x, state = optimizer.step(x, g, state)
        if not np.all(np.isfinite(x)):
            # stacklevel 4 names the line that called run(), trace() or replay().
            warnings.warn(
                f"the iterate stopped being finite at step {t}; returning the {t} finite "
                f"iterates before it (a learning rate that is too large?)",
                DivergenceWarning, stacklevel=4)
            return _trace(xs, grads, states, evaluated, diverged_at=t)
        xs.append(x)
        grads.append(g)
        states.append(state)
        evaluated.append(optimizer.evaluation_point(x, state))
    return _trace(xs, grads, states, evaluated, diverged_at=None)


def _trace(xs, grads, states, evaluated, diverged_at) -> Trace:
    shape = np.shape(xs[0])

    def stacked(rows):
        return np.array(rows, dtype=np.float64).reshape(len(rows), *shape)

    return Trace(stacked(xs), stacked(grads), tuple(states), diverged_at, stacked(evaluated))


def _finite_at_start(g, x):
    if not np.all(np.isfinite(g)):
        raise ValueError(f"grad must be finite at x0; got {g.tolist()} at x0={x.tolist()}")


def _run(optimizer: Optimizer, grad: Gradient, x0, steps: int) -> Trace:
    _check_optimizer(optimizer)
    _checks.function("grad", grad)
    steps = _checks.integer("steps", steps)
    x = _checks.start(x0, matrices=True)
    gradients = (lambda x, t: _check_gradient(grad(x.copy()), x.shape, t)
                 for _ in range(steps))
    return _steps(optimizer, x, gradients, _finite_at_start)


def trace(optimizer: Optimizer, grad: Gradient, x0, steps: int) -> Trace:
    """Run ``optimizer`` for ``steps`` steps from ``x0`` and keep gradients and states too.

    The checks and the divergence behaviour are those of :func:`run`.

    Example:
        >>> import optimlab as ol
        >>> tr = ol.trace(ol.adam(lr=0.2), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 3)
        >>> tr.xs.shape, tr.grads.shape, len(tr.states), tr.states[-1].t
        ((4, 2), (3, 2), 3, 3)
    """
    return _run(optimizer, grad, x0, steps)


def run(optimizer: Optimizer, grad: Gradient, x0, steps: int, *,
        points: str = "gradient") -> np.ndarray:
    """Run ``optimizer`` on the gradient function ``grad`` for ``steps`` steps from ``x0``.

    Args:
        optimizer: an optimizer from :mod:`optimlab.optimizers`.
        grad: maps an array of shape ``(d,)`` to the gradient, shape ``(d,)``. Wrap it with
            :func:`optimlab.clip_by_global_norm` or :func:`optimlab.clip_by_value` to clip.
        x0: the start, any array-like of ``d`` finite numbers (integers are fine), or a
            matrix of shape ``(m, n)`` (then ``grad`` maps a matrix to a matrix).
        steps: the number of steps, an integer >= 0.
        points: ``"gradient"`` (default), the iterates, where each gradient is taken; or
            ``"evaluation"``, the point a user evaluates after each step. The two differ only
            for Schedule-Free AdamW, which takes its gradients at ``y`` and reports its
            average ``x`` (what its reference's ``eval()`` gives).

    Returns:
        A float64 array of shape ``(steps + 1, d)`` (``(steps + 1, m, n)`` for a matrix): row
        0 is ``x0``, row t the point after step t. If an iterate stops being finite, the run
        stops, a :class:`DivergenceWarning` names the step, and only the finite points before
        it are returned (fewer rows).

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
    points = POINTS.validate("points", points)
    done = _run(optimizer, grad, x0, steps)
    return done.xs if points == "gradient" else done.evaluated


def replay(optimizer: Optimizer, gradients, x0=None) -> Trace:
    """The steps ``optimizer`` takes when it is handed the gradients ``g_1, ..., g_T`` in turn,
    whatever the iterates are (an online problem, a recorded run, a constant gradient).

    Args:
        optimizer: an optimizer from :mod:`optimlab.optimizers`.
        gradients: shape ``(T, d)``, row t - 1 the gradient of step t; shape ``(T,)`` for
            ``d = 1``.
        x0: the start, ``d`` finite numbers; default the origin.

    Returns:
        A :class:`Trace` whose ``grads`` are ``gradients``; a run whose iterate stops being
        finite stops there, as in :func:`run`.

    Example:
        >>> import optimlab as ol
        >>> tr = ol.replay(ol.adam(lr=0.1), [300.0, 300.0, 300.0])
        >>> np.diff(tr.xs[:, 0]).round(6).tolist()  # a constant gradient: steps of lr
        [-0.1, -0.1, -0.1]
    """
    _check_optimizer(optimizer)
    try:
        given = np.array(gradients, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"gradients must be an array of numbers; got {gradients!r}") from None
    if given.ndim == 1:
        given = given[:, None]
    if given.ndim != 2 or given.shape[1] == 0:
        raise ValueError(f"gradients must have shape (T, d) or (T,); got shape {given.shape}")
    x = np.zeros(given.shape[1]) if x0 is None else _checks.start(x0)
    if x.shape != given.shape[1:]:
        raise ValueError(f"x0 must have shape {given.shape[1:]} like a row of gradients; "
                         f"got shape {x.shape}")
    if not np.all(np.isfinite(given)):
        raise ValueError("gradients must be finite; got a non-finite value at step "
                         f"{int(np.argmax(~np.isfinite(given).all(axis=1))) + 1}")
    rows = (lambda x, t, g=g: g for g in given)
    return _steps(optimizer, x, rows, lambda g, x: None)


def run_grid(optimizers: Sequence[Optimizer], grad: Gradient, x0, steps: int, *,
             points: str = "gradient") -> np.ndarray:
    """Run several settings of one optimizer class from the same start, all in one batch.

    A hyperparameter sweep (a heat map of the final loss over learning rate × β, say) needs
    hundreds of short runs. Looping over :func:`run` pays Python's overhead once per step per
    run; ``run_grid`` pays it once per step for the whole grid, because every update rule is
    elementwise arithmetic that broadcasts over a leading axis of runs. The parameters have
    shape ``(n, d)``, and every hyperparameter that differs between the optimizers becomes a
    column of shape ``(n, 1)``. Each run follows exactly, bit for bit, the iterates :func:`run`
    gives it (every rule raises a hyperparameter to a power with numpy's ``power``, as a column
    of them is raised, never with Python's ``**``; tests/test_loop_run_grid.py checks every
    hyperparameter of every optimizer).

    Args:
        optimizers: ``n >= 1`` optimizers of the same class. Any numeric hyperparameter may
            differ (``lr``, ``betas``, ``eps``, ``momentum``, ``weight_decay``, ...), and so may
            learning-rate schedules (each run takes its own schedule's rate at each step; the
            ``lr`` of all runs must then be schedules); options that change the rule itself
            (``nesterov``, ``amsgrad``, ``centered``, ...) must be the same for all.
        grad: a gradient vectorised over the leading axis, mapping shape ``(n, d)`` to
            ``(n, d)``, as :meth:`optimlab.functions.TestFunction.grad` is. A noisy gradient
            draws its noise for the whole batch at once, so its runs do not replay the noise
            that :func:`run` would see.
        x0: the common start, ``d`` finite numbers, or a matrix of shape ``(m, n)`` (then the
            parameters have shape ``(n_runs, m, n)``).
        steps: the number of steps, an integer ``>= 0``.
        points: ``"gradient"`` or ``"evaluation"``, as in :func:`run`.

    Returns:
        A float64 array of shape ``(steps + 1, n, d)`` (``(steps + 1, n, m, n)`` for a
        matrix): ``[t, k]`` is run ``k``'s point after step ``t``. A run that diverges is NaN
        from the first step whose iterate is not finite on, where :func:`run` would stop (it
        returns the rows before that step).

    Raises:
        ValueError: naming the parameter, for an empty or mixed list of optimizers, an option
            or schedule that differs between them, a bad ``x0`` or ``steps``, or a ``grad``
            that returns the wrong shape.

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> grid = [ol.sgd(lr=0.1, momentum=mu) for mu in (0.0, 0.5, 0.9)]
        >>> xs = ol.run_grid(grid, q.grad, q.start, 100)
        >>> xs.shape
        (101, 3, 2)
        >>> bool((xs[:, 2] == ol.run(grid[2], q.grad, q.start, 100)).all())
        True
        >>> grid = [ol.ewma_momentum(lr=lr, beta=0.9) for lr in (0.1, 100.0)]
        >>> xs = ol.run_grid(grid, q.grad, q.start, 400)
        >>> int(np.isnan(xs[:, 1, 0]).argmax())  # lr = 100 overflows at step 152
        152
    """
    optimizers = list(optimizers)
    if not optimizers:
        raise ValueError(f"optimizers must hold at least one optimizer; got {optimizers!r}")
    kind = type(optimizers[0])
    for opt in optimizers:
        if not isinstance(opt, Optimizer) or type(opt) is not kind:
            raise ValueError(f"optimizers must all be optimlab optimizers of one class "
                             f"({kind.__name__}); got {opt!r}")
    _checks.function("grad", grad, "x of shape (n, d) to (n, d)")
    steps = _checks.integer("steps", steps)
    points = POINTS.validate("points", points)
    start = _checks.start(x0, matrices=True)
    x = np.array(np.broadcast_to(start, (len(optimizers), *start.shape)))
    combined = batch(optimizers, start.ndim)
    per_run = (len(optimizers),) + (1,) * start.ndim  # a run's flag against its parameters

    xs = np.full((steps + 1, *x.shape), np.nan)
    state = combined.init(x)
    xs[0] = x if points == "gradient" else combined.evaluation_point(x, state)
    alive = np.ones(len(optimizers), dtype=bool)
    with np.errstate(all="ignore"):  # diverging runs overflow; they are marked, not warned
        for t in range(1, steps + 1):
            g = _check_gradient(grad(x.copy()), x.shape, t, "(one row per run)")
            x, state = combined.step(x, g, state)
            alive &= np.all(np.isfinite(x), axis=tuple(range(1, x.ndim)))
            x = np.where(alive.reshape(per_run), x, np.nan)
            shown = x if points == "gradient" else combined.evaluation_point(x, state)
            xs[t] = np.where(alive.reshape(per_run), shown, np.nan)
    return xs
