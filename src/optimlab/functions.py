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

from . import _checks

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
    "CLIFF_HEIGHT",
    "CLIFF_SHARPNESS",
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
        second_derivatives: the Hessian on an array of shape ``(..., 2)``, returning shape
            ``(..., 2, 2)``; see :meth:`hessian`.
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
    second_derivatives: Callable[[np.ndarray], np.ndarray] | None = field(default=None,
                                                                          repr=False)

    def f(self, x) -> np.ndarray:
        """The function's value at ``x`` (shape ``(..., 2)``), shape ``(...)``."""
        return self.value(_as_points(x))

    @property
    def grad(self) -> Callable[[np.ndarray], np.ndarray]:
        """The gradient as a function: ``grad(x)`` for ``x`` of shape ``(..., 2)`` has the
        shape of ``x``.

        For a function made by :func:`noisy`, each access to ``grad`` starts the noise afresh
        from the seed: pass ``f.grad`` to each run, and every run, in any cell and in any
        order, sees the same noise; successive calls of one ``grad`` draw new noise.
        """
        gradient = self.gradient
        if isinstance(gradient, _NoisyGradient):
            gradient = gradient.restarted()

        def grad(x):
            return gradient(_as_points(x))

        return grad

    def hessian(self, x) -> np.ndarray:
        """The matrix of second derivatives at ``x`` (shape ``(..., 2)``), shape ``(..., 2, 2)``.

        Example:
            >>> rosenbrock.hessian([1.0, 1.0]).tolist()
            [[802.0, -400.0], [-400.0, 200.0]]
        """
        if self.second_derivatives is None:
            raise ValueError(f"{self.name} has no Hessian")
        return self.second_derivatives(_as_points(x))

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


def _hessian(f11, f12, f22) -> np.ndarray:
    """Stack the three second derivatives (broadcast together) into shape (..., 2, 2)."""
    f11, f12, f22 = np.broadcast_arrays(f11, f12, f22)
    return np.stack([np.stack([f11, f12], axis=-1), np.stack([f12, f22], axis=-1)], axis=-2)


def _quadratic_hessian(x):
    zeros = np.zeros(x.shape[:-1])
    return _hessian(zeros + 0.2, zeros, zeros + 10.0)


ill_conditioned_quadratic = TestFunction(
    name="Ill-conditioned quadratic",
    latex=r"f(x_1, x_2) = 0.1\,x_1^2 + 5\,x_2^2",
    value=_quadratic_value,
    gradient=_quadratic_gradient,
    minima=np.array([[0.0, 0.0]]),
    window=((-10.0, 10.0), (-4.0, 4.0)),
    start=(9.0, -3.0),
    second_derivatives=_quadratic_hessian,
)
"""The book's running example: curvatures 0.2 and 10, condition number 50."""


def _rosenbrock_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    return (1.0 - x1) ** 2 + 100.0 * (x2 - x1**2) ** 2


def _rosenbrock_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    inner = x2 - x1**2
    return np.stack([-2.0 * (1.0 - x1) - 400.0 * x1 * inner, 200.0 * inner], axis=-1)


def _rosenbrock_hessian(x):
    x1, x2 = x[..., 0], x[..., 1]
    return _hessian(2.0 - 400.0 * x2 + 1200.0 * x1**2, -400.0 * x1, 200.0 + 0.0 * x1)


rosenbrock = TestFunction(
    name="Rosenbrock",
    latex=r"f(x_1, x_2) = (1 - x_1)^2 + 100\,(x_2 - x_1^2)^2",
    value=_rosenbrock_value,
    gradient=_rosenbrock_gradient,
    minima=np.array([[1.0, 1.0]]),
    window=((-2.0, 2.0), (-1.0, 3.0)),
    start=(-1.5, 2.5),
    log_levels=True,
    second_derivatives=_rosenbrock_hessian,
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


def _beale_hessian(x):
    x1, x2 = x[..., 0], x[..., 1]
    f11 = f12 = f22 = np.zeros_like(x1)
    for k, c in enumerate(_BEALE_CONSTANTS):
        power = k + 1
        residual = c - x1 + x1 * x2**power
        r1 = x2**power - 1.0  # the residual's derivatives, first and second
        r2 = power * x1 * x2 ** (power - 1)
        r12 = power * x2 ** (power - 1)
        r22 = power * (power - 1) * x1 * x2 ** max(power - 2, 0)
        f11 = f11 + 2.0 * r1 * r1
        f12 = f12 + 2.0 * (r1 * r2 + residual * r12)
        f22 = f22 + 2.0 * (r2 * r2 + residual * r22)
    return _hessian(f11, f12, f22)


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
    second_derivatives=_beale_hessian,
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


def _himmelblau_hessian(x):
    x1, x2 = x[..., 0], x[..., 1]
    a = x1**2 + x2 - 11.0
    b = x1 + x2**2 - 7.0
    return _hessian(4.0 * a + 8.0 * x1**2 + 2.0, 4.0 * (x1 + x2), 4.0 * b + 8.0 * x2**2 + 2.0)


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
    second_derivatives=_himmelblau_hessian,
)
"""Four minima of value 0; the suggested start sits near the local maximum between them."""


def _saddle_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    return 0.5 * x1**2 + 0.25 * x2**4 - 0.5 * x2**2


def _saddle_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    return np.stack([x1, x2**3 - x2], axis=-1)


def _saddle_hessian(x):
    x1, x2 = x[..., 0], x[..., 1]
    return _hessian(1.0 + 0.0 * x1, 0.0 * x1, 3.0 * x2**2 - 1.0)


saddle = TestFunction(
    name="Saddle",
    latex=r"f(x_1, x_2) = \tfrac{1}{2} x_1^2 + \tfrac{1}{4} x_2^4 - \tfrac{1}{2} x_2^2",
    value=_saddle_value,
    gradient=_saddle_gradient,
    minima=np.array([[0.0, 1.0], [0.0, -1.0]]),
    window=((-2.0, 2.0), (-2.0, 2.0)),
    start=(1.5, 1e-3),
    second_derivatives=_saddle_hessian,
)
"""A saddle point at the origin between two minima at (0, ±1); the start lies almost on the
ridge x2 = 0, where the gradient barely pushes towards either minimum."""

CLIFF_HEIGHT = 5.0
"""Half the height of :data:`cliff`'s step: the term is ``CLIFF_HEIGHT * (1 - tanh(...))``."""
CLIFF_SHARPNESS = 20.0
"""How steep :data:`cliff`'s step is: ``tanh(CLIFF_SHARPNESS * x1)``."""


def _cliff_value(x):
    x1, x2 = x[..., 0], x[..., 1]
    bowl = 0.05 * ((x1 - 3.0) ** 2 + x2**2)
    return bowl + CLIFF_HEIGHT * (1.0 - np.tanh(CLIFF_SHARPNESS * x1))


def _sech_squared(u):
    # sech²(u) = 4 e^{-2|u|} / (1 + e^{-2|u|})², which cannot overflow (1 / cosh² would, and
    # warn, once a thrown iterate lands beyond |x1| ≈ 35).
    decay = np.exp(-2.0 * np.abs(u))
    return 4.0 * decay / (1.0 + decay) ** 2


def _cliff_gradient(x):
    x1, x2 = x[..., 0], x[..., 1]
    wall = -CLIFF_HEIGHT * CLIFF_SHARPNESS * _sech_squared(CLIFF_SHARPNESS * x1)
    return np.stack([0.1 * (x1 - 3.0) + wall, 0.1 * x2], axis=-1)


def _cliff_hessian(x):
    x1 = x[..., 0]
    u = CLIFF_SHARPNESS * x1
    wall = 2.0 * CLIFF_HEIGHT * CLIFF_SHARPNESS**2 * _sech_squared(u) * np.tanh(u)
    return _hessian(0.1 + wall, 0.0 * x1, 0.1 + 0.0 * x1)


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
    second_derivatives=_cliff_hessian,
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
        self.seed = seed

    def restarted(self) -> "_NoisyGradient":
        """A copy whose noise starts again from the seed."""
        return _NoisyGradient(self._gradient, self.scale, self.seed)

    def __call__(self, x):
        exact = self._gradient(x)
        return exact + self.scale * self._rng.standard_normal(exact.shape)


def noisy(function: TestFunction, scale: float = 1.0, seed: int = 0) -> TestFunction:
    """Return ``function`` with stochastic gradients: ``grad(x) = ∇f(x) + scale · ξ``.

    The noise ``ξ`` is standard normal per coordinate and drawn from a generator seeded with
    ``seed``. Each access to the result's ``grad`` starts that generator afresh, so every run
    that is handed ``f.grad`` sees the same noise sequence, whichever cell runs it and however
    often the same object is reused; the calls of one ``grad`` draw new noise each time. The
    value ``f`` stays exact.

    Args:
        function: the noise-free test function.
        scale: the standard deviation of the noise per coordinate (default 1.0); must be ≥ 0.
        seed: the seed of the noise generator (default 0).

    Example:
        >>> from optimlab.functions import ill_conditioned_quadratic, noisy
        >>> f = noisy(ill_conditioned_quadratic, scale=0.5, seed=1)
        >>> grad = f.grad
        >>> first, second = grad([1.0, 1.0]), grad([1.0, 1.0])
        >>> bool((first == second).all())  # one stream: new noise at every call
        False
        >>> bool((f.grad([1.0, 1.0]) == first).all())  # a new access starts it again
        True
    """
    if not isinstance(function, TestFunction):
        raise ValueError(f"function must be a TestFunction; got {function!r}")
    try:
        scale = _checks.number("scale", scale)
    except ValueError:
        raise ValueError(f"scale must be a finite number >= 0; got {scale!r}") from None
    seed = _checks.integer("seed", seed)
    noise = _NoisyGradient(function.gradient, scale, seed)
    return replace(function, name=f"{function.name} (noisy, σ={scale:g})", gradient=noise)
