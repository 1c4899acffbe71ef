"""Run many settings of one optimizer at once, vectorised over the settings.

A hyperparameter sweep (a heat map of the final loss over learning rate × β, say) needs
hundreds of short runs. Looping over :func:`optimlab.run` pays Python's overhead once per
step per run; :func:`run_grid` pays it once per step for the whole grid, because every update
rule in :mod:`optimlab.optimizers` is elementwise arithmetic that broadcasts over a leading
axis of runs.

Example:
    >>> import optimlab as ol
    >>> q = ol.functions.ill_conditioned_quadratic
    >>> opts = [ol.adam(lr=lr) for lr in (0.01, 0.1, 0.2)]
    >>> xs = ol.run_grid(opts, q.grad, q.start, 100)
    >>> xs.shape
    (101, 3, 2)
    >>> bool((xs[:, 2] == ol.run(ol.adam(lr=0.2), q.grad, q.start, 100)).all())
    True
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

import numpy as np

from .loop import _check_start
from .optimizers import Optimizer

__all__ = ["run_grid"]


def _stack_field(name: str, values: list):
    """One hyperparameter for the batch: the shared value, or a column of per-run values."""
    first = values[0]
    if all(_same(value, first) for value in values[1:]):
        return first
    if isinstance(first, tuple):
        return tuple(_stack_field(f"{name}[{i}]", [value[i] for value in values])
                     for i in range(len(first)))
    if any(callable(value) or isinstance(value, bool) for value in values):
        raise ValueError(f"run_grid can only vary numeric hyperparameters; {name} differs "
                         f"across the optimizers: got {values!r}")
    return np.asarray(values, dtype=float)[:, None]


def _same(a, b) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return a is b


def run_grid(optimizers: Sequence[Optimizer], grad: Callable[[np.ndarray], np.ndarray], x0,
             steps: int) -> np.ndarray:
    """Run several settings of one optimizer class from the same start, all in one batch.

    The runs are stacked along a leading axis: the parameters have shape ``(n, d)`` and every
    hyperparameter that differs between the optimizers becomes a column of shape ``(n, 1)``.
    Each run follows exactly the iterates :func:`optimlab.run` would give it.

    Args:
        optimizers: ``n >= 1`` optimizers of the same class (build them with the factory
            functions, which validate each setting). Only numeric hyperparameters may differ;
            a learning-rate schedule must be the same for all.
        grad: a gradient vectorised over the leading axis, mapping shape ``(n, d)`` to
            ``(n, d)``, as :meth:`optimlab.functions.TestFunction.grad` is. A noisy gradient
            draws its noise for the whole batch at once, so its runs do not replay the noise
            that :func:`optimlab.run` would see.
        x0: the common start, ``d`` finite numbers.
        steps: the number of steps, an integer ``>= 0``.

    Returns:
        A float64 array of shape ``(steps + 1, n, d)``: ``[t, k]`` is run ``k``'s iterate after
        step ``t``. A run that diverges is NaN from the first step whose iterate is not finite
        on, where :func:`optimlab.run` would stop (it returns the rows before that step).

    Raises:
        ValueError: naming the parameter, for an empty or mixed list of optimizers, a
            hyperparameter that cannot vary (a schedule, a flag, or one the update branches
            on, such as SGD's ``momentum``), a bad ``x0`` or ``steps``, or a ``grad`` that
            returns the wrong shape.

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> grid = [ol.ewma_momentum(lr=lr, beta=0.9) for lr in (0.1, 100.0)]
        >>> xs = ol.run_grid(grid, q.grad, q.start, 400)
        >>> xs[-1, 0].round(3).tolist()  # lr = 0.1 converges
        [0.0, -0.0]
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
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0; got {steps!r}")
    x = np.tile(_check_start(x0), (len(optimizers), 1))

    fields = {f.name: _stack_field(f.name, [getattr(o, f.name) for o in optimizers])
              for f in dataclasses.fields(kind) if f.init}
    # The factories validated every setting; the batch bypasses them on purpose.
    batch = kind(**fields)
    varying = [name for name, value in fields.items()
               if isinstance(value, np.ndarray)
               or (isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value))]

    xs = np.full((steps + 1, *x.shape), np.nan)
    xs[0] = x
    alive = np.ones(len(optimizers), dtype=bool)
    state = batch.init(x)
    with np.errstate(all="ignore"):  # diverging runs overflow; they are marked, not warned
        for t in range(1, steps + 1):
            g = np.asarray(grad(x.copy()), dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"grad must return an array of shape {x.shape} (one row per "
                                 f"run); got shape {g.shape} at step {t}")
            try:
                x, state = batch.step(x, g, state)
            except ValueError as error:  # e.g. `if self.momentum:` on an array
                raise ValueError(f"run_grid cannot vary {', '.join(varying)} of "
                                 f"{kind.__name__}: its update branches on them ({error})"
                                 ) from None
            alive &= np.all(np.isfinite(x), axis=1)
            x = np.where(alive[:, None], x, np.nan)
            xs[t] = x
    return xs
