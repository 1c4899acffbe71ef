"""Two-dimensional test functions for optimizers.

Each function is a :class:`TestFunction`: it carries the value ``f(x)``, the gradient
``grad(x)`` (both vectorised over leading axes, so ``x`` may have shape ``(..., 2)``), its
minima, a plotting window, a suggested start and a LaTeX formula for captions.

Example:
    >>> from optimlab.functions import ill_conditioned_quadratic as q
    >>> float(q.f([9.0, -3.0]))
    53.1
    >>> q.grad([9.0, -3.0]).tolist()
    [1.8, -30.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

__all__ = [
    "TestFunction",
    "ill_conditioned_quadratic",
    "rosenbrock",
    "beale",
    "himmelblau",
    "saddle",
    "cliff",
    "noisy",
    "ALL",
]

Window = tuple[tuple[float, float], tuple[float, float]]


def _as_points(x) -> np.ndarray:
    points = np.asarray(x, dtype=float)
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError(f"x must have shape (..., 2); got shape {points.shape}")
    return points


@dataclass(frozen=True)
class TestFunction:
    """A differentiable function of two variables with what a plot of it needs.

    Args:
        name: display name, for titles and legends.
        latex: the formula in LaTeX, without dollar signs.
        value: ``f`` on an array of shape ``(..., 2)``, returning shape ``(...)``.
        gradient: ``∇f`` on an array of shape ``(..., 2)``, returning shape ``(..., 2)``.
        minima: the global (or, where several are equal, all) minimisers, shape ``(k, 2)``.
        window: ``((x1_min, x1_max), (x2_min, x2_max))``, the region worth plotting.
        start: a suggested starting point for optimizers.
        log_levels: whether contour levels should be log-spaced (the values span decades).
    """

    __test__ = False  # not a pytest test class, despite the name

    name: str
    latex: str
    value: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    gradient: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    minima: np.ndarray = field(repr=False)
    window: Window
    start: tuple[float, float]
    log_levels: bool = False

    def f(self, x) -> np.ndarray:
        """The function's value at ``x`` (shape ``(..., 2)``), shape ``(...)``."""
        return self.value(_as_points(x))

    def grad(self, x) -> np.ndarray:
        """The gradient at ``x`` (shape ``(..., 2)``), the same shape as ``x``."""
        return self.gradient(_as_points(x))

    @property
    def minimum_value(self) -> float:
        """The value of ``f`` at its (first) minimiser."""
        return float(self.f(self.minima[0]))

    def grid(self, resolution: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sample ``f`` on a regular grid over :attr:`window`: returns ``X1, X2, F``."""
        if resolution < 2:
            raise ValueError(f"resolution must be at least 2; got {resolution!r}")
        (a, b), (c, d) = self.window
        x1, x2 = np.meshgrid(np.linspace(a, b, resolution), np.linspace(c, d, resolution))
        return x1, x2, self.f(np.stack([x1, x2], axis=-1))


def _quadratic_value(x):
    return 0.1 * x[..., 0] ** 2 + 5.0 * x[..., 1] ** 2


def _quadratic_gradient(x):
    return np.stack([0.2 * x[..., 0], 10.0 * x[..., 1]], axis=-1)


ill_conditioned_quadratic = TestFunction(
    name="Ill-conditioned quadratic",
    latex=r"f(x_1, x_2) = 0.1\,x_1^2 + 5\,x_2^2",
    value=_quadratic_value,
    gradient=_quadratic_gradient,
    minima=np.array([[0.0, 0.0]]),
    window=((-10.0, 10.0), (-4.0, 4.0)),
    start=(9.0, -3.0),
)
"""The book's running example: curvatures 0.2 and 10, condition number 50."""


def _rosenbrock_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    return (1.0 - x1) ** 2 + 100.0 * (x2 - x1**2) ** 2


def _rosenbrock_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    inner = x2 - x1**2
    return np.stack([-2.0 * (1.0 - x1) - 400.0 * x1 * inner, 200.0 * inner], axis=-1)


rosenbrock = TestFunction(
    name="Rosenbrock",
    latex=r"f(x_1, x_2) = (1 - x_1)^2 + 100\,(x_2 - x_1^2)^2",
    value=_rosenbrock_value,
    gradient=_rosenbrock_gradient,
    minima=np.array([[1.0, 1.0]]),
    window=((-2.0, 2.0), (-1.0, 3.0)),
    start=(-1.5, 2.5),
    log_levels=True,
)
"""A curved, flat-bottomed valley around the parabola x2 = x1²; minimum at (1, 1)."""

_BEALE_CONSTANTS = (1.5, 2.25, 2.625)


def _beale_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    return sum((c - x1 + x1 * x2 ** (k + 1)) ** 2 for k, c in enumerate(_BEALE_CONSTANTS))


def _beale_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    d1 = np.zeros_like(x1)
    d2 = np.zeros_like(x2)
    for k, c in enumerate(_BEALE_CONSTANTS):
        power = k + 1
        residual = c - x1 + x1 * x2**power
        d1 = d1 + 2.0 * residual * (x2**power - 1.0)
        d2 = d2 + 2.0 * residual * x1 * power * x2 ** (power - 1)
    return np.stack([d1, d2], axis=-1)


beale = TestFunction(
    name="Beale",
    latex=(
        r"f(x_1, x_2) = (1.5 - x_1 + x_1 x_2)^2 + (2.25 - x_1 + x_1 x_2^2)^2"
        r" + (2.625 - x_1 + x_1 x_2^3)^2"
    ),
    value=_beale_value,
    gradient=_beale_gradient,
    minima=np.array([[3.0, 0.5]]),
    window=((-4.5, 4.5), (-4.5, 4.5)),
    start=(1.0, 1.5),
    log_levels=True,
)
"""Flat plateaus and sharp ridges; minimum at (3, 0.5)."""


def _himmelblau_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    return (x1**2 + x2 - 11.0) ** 2 + (x1 + x2**2 - 7.0) ** 2


def _himmelblau_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    a = x1**2 + x2 - 11.0
    b = x1 + x2**2 - 7.0
    return np.stack([4.0 * x1 * a + 2.0 * b, 2.0 * a + 4.0 * x2 * b], axis=-1)


himmelblau = TestFunction(
    name="Himmelblau",
    latex=r"f(x_1, x_2) = (x_1^2 + x_2 - 11)^2 + (x_1 + x_2^2 - 7)^2",
    value=_himmelblau_value,
    gradient=_himmelblau_gradient,
    minima=np.array(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286170],
            [3.584428340330492, -1.848126526964404],
        ]
    ),
    window=((-5.0, 5.0), (-5.0, 5.0)),
    start=(-0.27, -0.92),
    log_levels=True,
)
"""Four minima of value 0; the suggested start sits near the local maximum between them."""


def _saddle_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    return 0.5 * x1**2 + 0.25 * x2**4 - 0.5 * x2**2


def _saddle_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    return np.stack([x1, x2**3 - x2], axis=-1)


saddle = TestFunction(
    name="Saddle",
    latex=r"f(x_1, x_2) = \tfrac{1}{2} x_1^2 + \tfrac{1}{4} x_2^4 - \tfrac{1}{2} x_2^2",
    value=_saddle_value,
    gradient=_saddle_gradient,
    minima=np.array([[0.0, 1.0], [0.0, -1.0]]),
    window=((-2.0, 2.0), (-2.0, 2.0)),
    start=(1.5, 1e-3),
)
"""A saddle point at the origin between two minima at (0, ±1); the start lies almost on the
ridge x2 = 0, where the gradient barely pushes towards either minimum."""

_CLIFF_HEIGHT = 5.0
_CLIFF_SHARPNESS = 20.0


def _cliff_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    bowl = 0.05 * ((x1 - 3.0) ** 2 + x2**2)
    return bowl + _CLIFF_HEIGHT * (1.0 - np.tanh(_CLIFF_SHARPNESS * x1))


def _cliff_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    # sech²(u) = 4 e^{-2|u|} / (1 + e^{-2|u|})², which cannot overflow (1 / cosh² would, and
    # warn, once a thrown iterate lands beyond |x1| ≈ 35).
    decay = np.exp(-2.0 * np.abs(_CLIFF_SHARPNESS * x1))
    wall = -_CLIFF_HEIGHT * _CLIFF_SHARPNESS * 4.0 * decay / (1.0 + decay) ** 2
    return np.stack([0.1 * (x1 - 3.0) + wall, 0.1 * x2], axis=-1)


cliff = TestFunction(
    name="Cliff",
    latex=(
        r"f(x_1, x_2) = 0.05\,\big((x_1 - 3)^2 + x_2^2\big)"
        r" + 5\,\big(1 - \tanh(20\,x_1)\big)"
    ),
    value=_cliff_value,
    gradient=_cliff_gradient,
    minima=np.array([[3.0, 0.0]]),
    window=((-6.0, 8.0), (-4.0, 4.0)),
    start=(-4.75, 2.0),
)
"""A shallow bowl cut by a cliff ten units high at x1 = 0, where the gradient reaches 100:
the landscape on which gradient clipping earns its keep. From the suggested start, gradient
descent with learning rate 1 lands on the cliff at step 10 and is thrown about 100 units."""

ALL = (ill_conditioned_quadratic, rosenbrock, beale, himmelblau, saddle, cliff)
"""Every noise-free test function in this module."""


class _NoisyGradient:
    """The gradient of ``function`` plus Gaussian noise drawn from a seeded generator."""

    def __init__(self, gradient, scale: float, seed: int):
        self._gradient = gradient
        self._rng = np.random.default_rng(seed)
        self.scale = scale

    def __call__(self, x):
        exact = self._gradient(x)
        return exact + self.scale * self._rng.standard_normal(exact.shape)


def noisy(function: TestFunction, scale: float = 1.0, seed: int = 0) -> TestFunction:
    """Return ``function`` with stochastic gradients: ``grad(x) = ∇f(x) + scale · ξ``.

    The noise ``ξ`` is standard normal per coordinate and drawn from a generator seeded with
    ``seed``, so a fresh call to :func:`noisy` with the same seed replays the same noise. Each
    optimizer in a comparison should get its own fresh copy, so that all of them see the same
    noise sequence. The value ``f`` stays exact.

    Args:
        function: the noise-free test function.
        scale: the standard deviation of the noise per coordinate (default 1.0); must be ≥ 0.
        seed: the seed of the noise generator (default 0).

    Example:
        >>> from optimlab.functions import ill_conditioned_quadratic, noisy
        >>> a = noisy(ill_conditioned_quadratic, scale=0.5, seed=1).grad([1.0, 1.0])
        >>> b = noisy(ill_conditioned_quadratic, scale=0.5, seed=1).grad([1.0, 1.0])
        >>> bool((a == b).all())
        True
    """
    if not isinstance(function, TestFunction):
        raise ValueError(f"function must be a TestFunction; got {function!r}")
    try:
        finite = np.isfinite(float(scale)) and float(scale) >= 0
    except (TypeError, ValueError):
        finite = False
    if not finite:
        raise ValueError(f"scale must be a finite number >= 0; got {scale!r}")
    noise = _NoisyGradient(function.gradient, float(scale), seed)
    return replace(function, name=f"{function.name} (noisy, σ={scale:g})", gradient=noise)
