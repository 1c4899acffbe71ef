"""The run loop: shapes, the start row, divergence, trace() and bad input."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab.functions import ill_conditioned_quadratic, rosenbrock

quadratic = ill_conditioned_quadratic.grad


def test_integer_start_gives_float64_iterates_with_the_start_as_row_zero():
    xs = ol.run(ol.sgd(lr=0.1), quadratic, [9, -3], 25)
    assert xs.dtype == np.float64
    assert xs.shape == (26, 2)
    np.testing.assert_array_equal(xs[0], [9.0, -3.0])
    # Gradient descent on 0.1 x1^2 + 5 x2^2 multiplies x1 by 1 - 0.1 * 0.2 each step.
    np.testing.assert_allclose(xs[:, 0], 9.0 * 0.98 ** np.arange(26), rtol=1e-12)


def test_zero_steps_returns_only_the_start():
    xs = ol.run(ol.adam(lr=0.1), quadratic, np.array([1.5, 2.5]), 0)
    np.testing.assert_array_equal(xs, [[1.5, 2.5]])
    tr = ol.trace(ol.adam(lr=0.1), quadratic, [1.5, 2.5], 0)
    assert tr.grads.shape == (0, 2) and tr.states == () and tr.diverged_at is None


def test_numpy_integer_steps_are_accepted():
    assert ol.run(ol.sgd(lr=0.1), quadratic, [1.0, 1.0], np.int64(3)).shape == (4, 2)


def test_run_works_in_any_dimension():
    curvatures = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    xs = ol.run(ol.sgd(lr=0.1), lambda x: curvatures * x, np.ones(5), 10)
    np.testing.assert_allclose(xs[-1], (1 - 0.1 * curvatures) ** 10, rtol=1e-12)


def test_run_leaves_the_start_array_alone_and_hands_grad_a_copy():
    x0 = np.array([1.0, 2.0])

    def vandal(x):
        g = rosenbrock.grad(x)
        x[:] = 1e9
        return g

    xs = ol.run(ol.sgd(lr=1e-3), vandal, x0, 3)
    np.testing.assert_array_equal(x0, [1.0, 2.0])
    np.testing.assert_array_equal(xs, ol.run(ol.sgd(lr=1e-3), rosenbrock.grad, x0, 3))


def test_readme_example_runs_from_the_command_line():
    code = ("import optimlab as ol; print(ol.run(ol.adam(lr=0.2), "
            "ol.functions.ill_conditioned_quadratic.grad, [9, -3], 100)[-1])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    last = np.array(result.stdout.strip().strip("[]").split(), dtype=float)
    np.testing.assert_allclose(last, ol.run(ol.adam(lr=0.2), quadratic, [9, -3], 100)[-1],
                               rtol=1e-6)
    assert np.linalg.norm(last) < 0.1 * np.linalg.norm([9, -3])


def test_trace_agrees_with_run_and_records_gradients_and_states():
    optimizer = ol.adam(lr=0.05, amsgrad=True)
    tr = ol.trace(optimizer, rosenbrock.grad, rosenbrock.start, 30)
    np.testing.assert_array_equal(tr.xs, ol.run(optimizer, rosenbrock.grad, rosenbrock.start, 30))
    assert tr.grads.shape == (30, 2) and len(tr.states) == 30 and tr.diverged_at is None
    np.testing.assert_array_equal(tr.grads, rosenbrock.grad(tr.xs[:-1]))
    assert [state.t for state in tr.states] == list(range(1, 31))
    # Replaying the recorded gradients through the optimizer reproduces states and iterates.
    x, state = tr.xs[0], optimizer.init(tr.xs[0])
    for t, g in enumerate(tr.grads, start=1):
        x, state = optimizer.step(x, g, state)
        np.testing.assert_array_equal(x, tr.xs[t])
        for name in ("m", "v", "v_max"):
            np.testing.assert_array_equal(state[name], tr.states[t - 1][name])


def overflow_step(x2, lr):
    """The first step t at which gradient descent on 5 x2^2 (gradient 10 x2) overflows."""
    x2, t = np.float64(x2), 0
    with np.errstate(over="ignore", invalid="ignore"):
        while np.isfinite(x2):
            x2 = x2 - lr * (10.0 * x2)
            t += 1
    return t


@pytest.mark.parametrize("lr, steps", [(0.25, 3000), (3.0, 500)])
def test_divergent_run_stops_warns_naming_the_step_and_keeps_the_finite_rows(lr, steps):
    # Along x2 (curvature 10) each step multiplies x2 by 1 - 10 lr: -1.5 and -29 here; x1
    # converges, so x2 decides when the run overflows.
    expected = overflow_step(-3.0, lr)
    calls = []

    def counted(x):
        calls.append(1)
        return quadratic(x)

    with pytest.warns(ol.DivergenceWarning, match=rf"stopped being finite at step {expected};"):
        xs = ol.run(ol.sgd(lr=lr), counted, [9, -3], steps)
    assert expected < steps
    assert xs.shape == (expected, 2)
    assert np.all(np.isfinite(xs))
    assert len(calls) == expected  # no gradient is evaluated after the divergent step


def test_divergence_warning_is_a_runtime_warning_exported_by_optimlab():
    assert issubclass(ol.DivergenceWarning, RuntimeWarning)
    assert "DivergenceWarning" in ol.__all__


@pytest.mark.parametrize("entry", [ol.run, ol.trace], ids=["run", "trace"])
def test_divergence_warning_points_at_the_callers_line(entry):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        entry(ol.sgd(lr=3.0), quadratic, [9, -3], 400)
    assert [w.category for w in caught] == [ol.DivergenceWarning]
    assert caught[0].filename == __file__


def test_divergent_trace_records_where_it_stopped():
    with pytest.warns(ol.DivergenceWarning):
        tr = ol.trace(ol.sgd(lr=3.0), quadratic, [9, -3], 500)
    assert tr.diverged_at == len(tr.xs)
    assert len(tr.grads) == len(tr.states) == len(tr.xs) - 1
    np.testing.assert_array_equal(tr.grads, quadratic(tr.xs[:-1]))


def test_non_finite_gradient_after_the_start_is_a_divergence():
    def grad(x):
        return np.array([np.nan, 0.0]) if x[0] < 0.5 else np.ones(2)

    with pytest.warns(ol.DivergenceWarning, match="stopped being finite at step 2;"):
        xs = ol.run(ol.sgd(lr=0.3), grad, [0.6, 0.0], 10)
    np.testing.assert_allclose(xs, [[0.6, 0.0], [0.3, -0.3]])


def test_converging_run_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ol.run(ol.adam(lr=0.2), quadratic, [9, -3], 200)


# Bad input: a ValueError that names the parameter and the value.

@pytest.mark.parametrize("steps", [-1, 2.5, True, "3", None])
def test_steps_must_be_a_non_negative_integer(steps):
    with pytest.raises(ValueError, match=rf"^steps must be an integer >= 0; got {steps!r}$"):
        ol.run(ol.sgd(lr=0.1), quadratic, [1.0, 1.0], steps)


@pytest.mark.parametrize("x0", [[np.nan, 1.0], [1.0, np.inf], [-np.inf, 0.0]])
def test_start_must_be_finite(x0):
    with pytest.raises(ValueError, match=r"^x0 must be finite; got \[.*(nan|inf).*\]$"):
        ol.run(ol.sgd(lr=0.1), quadratic, x0, 5)


@pytest.mark.parametrize("x0, shape", [([[[1.0, 2.0]]], r"\(1, 1, 2\)"), ([], r"\(0,\)"),
                                       (3.0, r"\(\)"), ([[]], r"\(1, 0\)")])
def test_start_must_be_a_non_empty_vector_or_matrix(x0, shape):
    with pytest.raises(ValueError, match=rf"^x0 must be a non-empty vector of shape \(d,\) or "
                                         rf"matrix of shape \(m, n\); got shape {shape}$"):
        ol.run(ol.sgd(lr=0.1), quadratic, x0, 5)


def test_a_matrix_start_runs_as_a_matrix():
    target = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    tr = ol.trace(ol.adam(lr=0.1), lambda w: w - target, np.zeros((2, 3)), 200)
    assert tr.xs.shape == (201, 2, 3) and tr.grads.shape == (200, 2, 3)
    np.testing.assert_allclose(tr.xs[-1], target, atol=0.05)
    np.testing.assert_array_equal(ol.run(ol.adam(lr=0.1), lambda w: w - target,
                                         np.zeros((2, 3)), 200), tr.xs)


def test_start_must_be_numbers():
    with pytest.raises(ValueError, match=r"^x0 must be an array-like of numbers; got \['a', 1\]"):
        ol.run(ol.sgd(lr=0.1), quadratic, ["a", 1], 5)


def test_start_of_the_wrong_dimension_for_the_function_is_rejected():
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 2\); got shape \(3,\)"):
        ol.run(ol.sgd(lr=0.1), quadratic, [1.0, 2.0, 3.0], 5)


def test_gradient_of_the_wrong_shape_is_rejected_naming_the_step():
    def grad(x):
        return np.ones(3) if x[0] < 0.95 else np.ones(2)

    with pytest.raises(ValueError, match=r"^grad must return an array of shape \(2,\) like x0; "
                                         r"got shape \(3,\) at step 2$"):
        ol.run(ol.sgd(lr=0.1), grad, [1.0, 1.0], 5)


def test_gradient_must_be_finite_at_the_start():
    with pytest.raises(ValueError, match=r"^grad must be finite at x0; got \[nan, 1\.0\] at "
                                         r"x0=\[1\.0, 2\.0\]$"):
        ol.run(ol.sgd(lr=0.1), lambda x: np.array([np.nan, 1.0]), [1, 2], 5)


def test_optimizer_and_grad_are_checked():
    with pytest.raises(ValueError, match=r"^optimizer must be an optimlab optimizer; got 0\.1$"):
        ol.run(0.1, quadratic, [1.0, 1.0], 5)
    with pytest.raises(ValueError, match=r"^grad must be a callable .*; got 'quadratic'$"):
        ol.run(ol.sgd(lr=0.1), "quadratic", [1.0, 1.0], 5)


def test_replay_takes_the_steps_of_the_given_gradients_and_records_them():
    gradients = np.random.default_rng(2).normal(size=(25, 3))
    optimizer = ol.adam(lr=0.05, amsgrad=True)
    tr = ol.replay(optimizer, gradients, x0=[1.0, -1.0, 0.5])
    x, state = np.array([1.0, -1.0, 0.5]), optimizer.init(np.zeros(3))
    for t, g in enumerate(gradients, start=1):
        x, state = optimizer.step(x, g, state)
        np.testing.assert_array_equal(tr.xs[t], x)
        assert tr.states[t - 1].t == t
    np.testing.assert_array_equal(tr.grads, gradients)
    assert tr.xs.shape == (26, 3) and tr.diverged_at is None


def test_replay_of_scalar_gradients_is_one_dimensional_from_the_origin():
    tr = ol.replay(ol.sgd(lr=0.5), [1.0, 2.0, -4.0])
    np.testing.assert_array_equal(tr.xs[:, 0], [0.0, -0.5, -1.5, 0.5])


def test_replay_stops_where_the_iterate_stops_being_finite():
    with pytest.warns(ol.DivergenceWarning, match="stopped being finite at step 2;"):
        tr = ol.replay(ol.sgd(lr=1.0), [1e308, 1e308, 1.0])
    assert tr.diverged_at == 2 and tr.xs.shape == (2, 1) and len(tr.states) == 1


@pytest.mark.parametrize("gradients, x0, name", [
    ([[1.0, "a"]], None, "gradients"),
    (np.zeros((3, 2, 2)), None, "gradients"),
    ([[1.0, np.nan]], None, "gradients"),
    (np.zeros((3, 2)), [1.0, 2.0, 3.0], "x0"),
    (np.zeros((3, 2)), [1.0, np.inf], "x0"),
])
def test_replay_names_a_bad_argument(gradients, x0, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        ol.replay(ol.adam(), gradients, x0)
    with pytest.raises(ValueError, match="^optimizer must"):
        ol.replay("adam", np.zeros((2, 2)))
