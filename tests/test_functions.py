"""The test functions: gradients, minima, windows and the noisy wrapper."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der

import optimlab as ol
from optimlab import functions
from optimlab.functions import ALL, cliff, ill_conditioned_quadratic, noisy, rosenbrock

IDS = [function.name for function in ALL]


def random_points(function, count, seed=0):
    """``count`` points drawn uniformly from the function's window, shape (count, 2)."""
    (a, b), (c, d) = function.window
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(a, b, count), rng.uniform(c, d, count)])


def central_differences(f, points, h=1e-6):
    """Central finite differences of ``f`` at every row of ``points``."""
    columns = []
    for axis in range(points.shape[-1]):
        step = np.zeros(points.shape[-1])
        step[axis] = h
        columns.append((f(points + step) - f(points - step)) / (2 * h))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("function", ALL, ids=IDS)
def test_gradient_matches_central_differences_inside_the_window(function):
    points = random_points(function, 500)
    exact = function.grad(points)
    numeric = central_differences(function.f, points)
    scale = 1.0 + np.abs(exact)
    # Central differences are accurate to O(h^2 f''') plus rounding of O(eps |f| / h).
    bound = 1e-6 * (1.0 + np.abs(function.f(points)))[:, None] + 1e-4 * scale
    assert np.all(np.abs(exact - numeric) <= bound)


def test_cliff_gradient_matches_central_differences_across_the_wall():
    x1 = np.linspace(-0.2, 0.2, 401)
    points = np.column_stack([x1, np.linspace(-1, 1, 401)])
    np.testing.assert_allclose(cliff.grad(points), central_differences(cliff.f, points, h=1e-7),
                               rtol=1e-5, atol=1e-5)
    assert np.abs(cliff.grad(np.array([0.0, 0.0]))[0]) > 90


def test_noisy_gradient_is_exact_gradient_plus_scaled_standard_normal_noise():
    points = random_points(rosenbrock, 4)
    noise = np.random.default_rng(7).standard_normal((4, 2))
    np.testing.assert_allclose(noisy(rosenbrock, scale=0.3, seed=7).grad(points),
                               rosenbrock.grad(points) + 0.3 * noise, rtol=1e-14)
    np.testing.assert_array_equal(noisy(rosenbrock, scale=0.0).grad(points),
                                  rosenbrock.grad(points))
    np.testing.assert_array_equal(noisy(rosenbrock, scale=0.3).f(points), rosenbrock.f(points))


@pytest.mark.parametrize("function", ALL, ids=IDS)
def test_value_and_gradient_are_vectorised_over_leading_axes(function):
    points = random_points(function, 24).reshape(2, 3, 4, 2)
    values = function.f(points)
    gradients = function.grad(points)
    assert values.shape == (2, 3, 4)
    assert gradients.shape == (2, 3, 4, 2)
    for index in np.ndindex(2, 3, 4):
        assert values[index] == function.f(points[index])
        np.testing.assert_array_equal(gradients[index], function.grad(points[index]))


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((4, 3)), 1.0])
def test_points_of_the_wrong_shape_are_rejected(bad):
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 2\); got shape"):
        ill_conditioned_quadratic.grad(bad)
    with pytest.raises(ValueError, match=r"x must have shape"):
        ill_conditioned_quadratic.f(bad)


def test_rosenbrock_agrees_with_scipy():
    points = random_points(rosenbrock, 200, seed=3)
    np.testing.assert_allclose(rosenbrock.f(points), [rosen(p) for p in points], rtol=1e-13)
    np.testing.assert_allclose(rosenbrock.grad(points), [rosen_der(p) for p in points],
                               rtol=1e-12, atol=1e-12)


def test_quadratic_is_the_books_running_example():
    assert float(ill_conditioned_quadratic.f([9.0, -3.0])) == pytest.approx(0.1 * 81 + 5 * 9)
    np.testing.assert_allclose(ill_conditioned_quadratic.grad([9.0, -3.0]), [1.8, -30.0])
    assert ill_conditioned_quadratic.start == (9.0, -3.0)


@pytest.mark.parametrize("function", ALL, ids=IDS)
def test_minima_are_stationary_with_the_stated_value(function):
    gradients = function.grad(function.minima)
    assert np.abs(gradients).max() < 1e-9
    values = function.f(function.minima)
    np.testing.assert_allclose(values, function.minimum_value, atol=1e-12)
    # No point of the window is lower than the stated minimum.
    X1, X2, F = function.grid(201)
    assert F.min() >= function.minimum_value - 1e-12


@pytest.mark.parametrize(
    "function, value",
    [(functions.ill_conditioned_quadratic, 0.0), (functions.rosenbrock, 0.0),
     (functions.beale, 0.0), (functions.himmelblau, 0.0), (functions.saddle, -0.25),
     (functions.cliff, 0.0)],
    ids=IDS,
)
def test_minimum_value_is_the_known_one(function, value):
    assert function.minimum_value == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("function", ALL, ids=IDS)
def test_window_contains_start_and_minima_and_start_is_not_a_minimum(function):
    (a, b), (c, d) = function.window
    assert a < b and c < d
    points = np.vstack([function.start, function.minima])
    assert np.all((a <= points[:, 0]) & (points[:, 0] <= b))
    assert np.all((c <= points[:, 1]) & (points[:, 1] <= d))
    assert np.linalg.norm(function.grad(np.array(function.start))) > 0
    assert function.f(np.array(function.start)) > function.minimum_value


@pytest.mark.parametrize("function", ALL, ids=IDS)
def test_grid_samples_the_window(function):
    X1, X2, F = function.grid(30)
    assert X1.shape == X2.shape == F.shape == (30, 30)
    (a, b), (c, d) = function.window
    assert (X1.min(), X1.max(), X2.min(), X2.max()) == (a, b, c, d)
    np.testing.assert_array_equal(F, function.f(np.stack([X1, X2], axis=-1)))
    with pytest.raises(ValueError, match="resolution must be at least 2; got 1"):
        function.grid(1)


def test_all_lists_every_test_function_once():
    assert len({function.name for function in ALL}) == len(ALL) == 6


def test_saddle_origin_is_a_stationary_point_that_is_not_a_minimum():
    saddle = functions.saddle
    np.testing.assert_array_equal(saddle.grad(np.zeros(2)), [0.0, 0.0])
    assert saddle.f(np.zeros(2)) > saddle.minimum_value


def test_noisy_replays_the_same_noise_for_the_same_seed():
    point = np.array([1.0, 2.0])
    first, second = noisy(rosenbrock, scale=0.5, seed=4).grad, noisy(rosenbrock, 0.5, 4).grad
    draws_first = [first(point) for _ in range(5)]
    draws_second = [second(point) for _ in range(5)]
    np.testing.assert_array_equal(draws_first, draws_second)
    # Successive calls draw fresh noise.
    assert not np.array_equal(draws_first[0], draws_first[1])


def test_reusing_a_noisy_function_in_another_run_replays_its_noise():
    f = noisy(ill_conditioned_quadratic, scale=1.0, seed=3)
    first = ol.run(ol.adam(lr=0.1), f.grad, f.start, 50)
    ol.run(ol.sgd(lr=0.1), f.grad, f.start, 20)  # another run in between, same object
    np.testing.assert_array_equal(ol.run(ol.adam(lr=0.1), f.grad, f.start, 50), first)
    fresh = noisy(ill_conditioned_quadratic, scale=1.0, seed=3)
    np.testing.assert_array_equal(ol.run(ol.adam(lr=0.1), fresh.grad, fresh.start, 50), first)


@pytest.mark.parametrize("function", ALL, ids=IDS)
def test_hessian_matches_central_differences_of_the_gradient(function):
    points = random_points(function, 16)
    h = 1e-6
    for point in points:
        columns = [(function.grad(point + h * e) - function.grad(point - h * e)) / (2 * h)
                   for e in np.eye(2)]
        np.testing.assert_allclose(function.hessian(point), np.stack(columns, axis=-1),
                                   rtol=1e-5, atol=1e-4)
    assert function.hessian(points).shape == (16, 2, 2)
    np.testing.assert_array_equal(function.hessian(points), function.hessian(points)
                                  .transpose(0, 2, 1))


def test_quadratic_hessian_is_constant_with_the_running_examples_curvatures():
    eigenvalues = np.linalg.eigvalsh(ill_conditioned_quadratic.hessian(random_points(
        ill_conditioned_quadratic, 5)))
    np.testing.assert_array_equal(eigenvalues, np.tile([0.2, 10.0], (5, 1)))


def test_noisy_differs_between_seeds():
    point = np.array([1.0, 2.0])
    a = noisy(rosenbrock, scale=0.5, seed=4).grad(point)
    b = noisy(rosenbrock, scale=0.5, seed=5).grad(point)
    assert not np.allclose(a, b)


def test_noisy_noise_has_the_requested_scale():
    exact = ill_conditioned_quadratic.grad(np.zeros((20000, 2)))
    noise = noisy(ill_conditioned_quadratic, scale=2.5, seed=1).grad(np.zeros((20000, 2))) - exact
    assert noise.std() == pytest.approx(2.5, rel=0.03)
    assert abs(noise.mean()) < 0.1


def test_noisy_keeps_everything_but_the_gradient():
    wrapped = noisy(rosenbrock, scale=0.5)
    assert wrapped.window == rosenbrock.window
    assert wrapped.start == rosenbrock.start
    np.testing.assert_array_equal(wrapped.minima, rosenbrock.minima)
    assert "noisy" in wrapped.name and rosenbrock.name in wrapped.name


@pytest.mark.parametrize("scale", [-0.1, float("nan"), float("inf"), "loud", None])
def test_noisy_rejects_a_bad_scale(scale):
    with pytest.raises(ValueError, match=rf"^scale must be a finite number >= 0; got {scale!r}$"):
        noisy(rosenbrock, scale=scale)


def test_noisy_rejects_what_is_not_a_test_function():
    with pytest.raises(ValueError, match="function must be a TestFunction; got"):
        noisy(lambda x: x, scale=1.0)


def test_cliff_gradient_far_from_the_wall_is_the_bowl_gradient_without_overflow_warnings():
    points = np.array([[-1000.0, 2.0], [60.0, -1.0], [400.0, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradient = cliff.grad(points)
    np.testing.assert_allclose(gradient, 0.1 * (points - [3.0, 0.0]), rtol=1e-12)
