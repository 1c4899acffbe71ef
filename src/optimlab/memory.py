"""How much an optimizer remembers: the numbers its state keeps for parameters of a shape.

Example:
    >>> import optimlab as ol
    >>> ol.state_size(ol.adam(), (1024, 512)), ol.state_size(ol.adafactor(), (1024, 512))
    (1048576, 1536)
"""

from __future__ import annotations

import numpy as np

from . import _checks
from .optimizers._base import Optimizer

__all__ = ["state_size"]


def _shape(value) -> tuple[int, ...]:
    try:
        shape = tuple(value)
    except TypeError:
        shape = (value,)
    if not shape or not all(_checks.is_integer(n) and n > 0 for n in shape):
        raise ValueError(f"shape must be a non-empty tuple of integers > 0; got {value!r}")
    return tuple(int(n) for n in shape)


def state_size(optimizer: Optimizer, shape, steps: int = 2,
               seed: int = 0) -> int:
    """The count of numbers ``optimizer`` keeps between steps for
    parameters of ``shape``.

    Measured, not declared: the optimizer takes ``steps`` steps from a
    random start with random gradients (seeded), and the sizes of the state
    buffers those steps changed are added up. A buffer the steps leave at
    its initial value is one this setting of the rule never uses (SGD's
    momentum buffer without momentum, Adam's running maximum without
    AMSGrad): optimlab keeps such buffers so that its rules need no
    branches, while torch does not allocate them, so they are not counted.
    Nor is the step counter. A changed buffer whose entries are all equal
    counts as one number: it is a quantity of the whole tensor (NAdam's
    product of momentum factors), which torch keeps as one scalar. Two
    steps are the default because ADOPT's first step only initialises its
    second moment.

    Args:
        optimizer: an optimlab optimizer.
        shape: the parameters' shape, such as ``(1024, 512)`` for a weight
            matrix.
        steps: how many steps to take, an integer >= 1.
        seed: the seed of the random start and gradients.

    Returns:
        The number of floats in the changed buffers.

    Raises:
        ValueError: naming the parameter, for something that is not an
            optimizer, a bad shape or a bad number of steps.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError("optimizer must be an optimlab optimizer; "
                         f"got {optimizer!r}")
    shape = _shape(shape)
    steps = _checks.integer("steps", steps, minimum=1)
    rng = np.random.default_rng(_checks.integer("seed", seed))
    x = rng.normal(size=shape)
    initial = optimizer.init(x)
    state = initial
    for _ in range(steps):
        x, state = optimizer.step(x, rng.normal(size=shape), state)
    return sum(_numbers_in(buffer) for name, buffer in state.buffers.items()
               if not np.array_equal(buffer, initial[name]))


def _numbers_in(buffer: np.ndarray) -> int:
    """The numbers a changed buffer holds: one if every entry is the same (a quantity of the
    whole parameter tensor, such as NAdam's product of momentum factors, which optimlab
    stores per coordinate so that batched runs can differ and torch stores as one scalar),
    else its size."""
    return 1 if buffer.size > 1 and np.all(buffer == buffer.flat[0]) else buffer.size
