"""Adafactor, as torch.optim.Adafactor: the vector path and the factored path of matrices.

Agreement with torch is in tests/test_reference.py; these tests check properties that follow
from the rule, over many random gradients (hypothesis).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from strategies import gradient_sequences, learning_rates, magnitudes, replay

signs = st.sampled_from([-1.0, 1.0])


def signed(draw, shape):
    return (draw(arrays(np.float64, shape, elements=magnitudes))
            * draw(arrays(np.float64, shape, elements=signs)))


@st.composite
def matrix_gradients(draw, max_steps=8):
    """Gradients G_1 ... G_T of one random shape (n, m), n, m from 1 to 5."""
    steps, n, m = draw(st.integers(1, max_steps)), draw(st.integers(1, 5)), draw(
        st.integers(1, 5))
    return signed(draw, (steps, n, m))


def steps_on(optimizer, x, gradients):
    """The iterates and states of ``optimizer`` fed ``gradients`` from ``x`` (any shape)."""
    xs, states = [x], [optimizer.init(x)]
    for g in gradients:
        x, state = optimizer.step(x, g, states[-1])
        xs.append(x)
        states.append(state)
    return np.array(xs), states


@settings(max_examples=40, deadline=None)
@given(gradients=matrix_gradients(), tau=st.floats(-1.0, 0.0))
def test_the_row_and_column_statistics_are_the_marginals_of_the_full_second_moment(
        gradients, tau):
    # The same gradients, once as a matrix (factored) and once flattened (the full v_t):
    # the state depends on the gradients alone, and a row or column mean of an average of
    # g^2 is the average of the row or column means.
    optimizer = ol.adafactor(beta2_decay=tau)
    n, m = gradients.shape[1:]
    _, factored = steps_on(optimizer, np.ones((n, m)), gradients)
    _, full = steps_on(optimizer, np.ones(n * m), gradients.reshape(len(gradients), -1))
    for f, v in zip(factored[1:], full[1:]):
        v = v["variance"].reshape(n, m)
        np.testing.assert_allclose(f["row_var"], v.mean(axis=1, keepdims=True), rtol=1e-12)
        np.testing.assert_allclose(f["col_var"], v.mean(axis=0, keepdims=True), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 5), m=st.integers(1, 5), steps=st.integers(1, 10),
       lr=learning_rates, wd=st.floats(0.0, 0.5))
def test_on_rank_one_squared_gradients_the_factored_path_is_the_unfactored_one(
        data, n, m, steps, lr, wd):
    # G_t = s_t p q^T: then G_t^2 is the rank-one r c^T / mean(r) that the factored moment
    # rebuilds, so the matrix follows exactly the path of the flattened vector.
    p, q = signed(data.draw, n), signed(data.draw, m)
    s = signed(data.draw, steps)
    gradients = s[:, None, None] * np.outer(p, q)
    x0 = signed(data.draw, (n, m))
    optimizer = ol.adafactor(lr=lr, weight_decay=wd)
    matrix, _ = steps_on(optimizer, x0, gradients)
    vector, _ = steps_on(optimizer, x0.ravel(), gradients.reshape(steps, -1))
    np.testing.assert_allclose(matrix.reshape(steps + 1, -1), vector, rtol=1e-9,
                               atol=1e-12 * np.abs(vector).max())


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, d=st.floats(1.0, 4.0),
       eps2=st.floats(1e-4, 1.0))
def test_each_step_is_at_most_the_relative_step_times_the_parameters_rms(gradients, lr, d,
                                                                        eps2):
    # RMS(x_t - x_{t-1}) = alpha_t RMS(u_t) / max(1, RMS(u_t) / d) <= alpha_t d.
    optimizer = ol.adafactor(lr=lr, d=d, eps=(None, eps2))
    xs, _ = replay(optimizer, gradients, x0=np.ones(gradients.shape[1]))
    for t, (before, after) in enumerate(zip(xs, xs[1:]), start=1):
        alpha = min(lr, 1 / math.sqrt(t)) * max(eps2, np.sqrt(np.mean(before**2)))
        rounding = 1e-15 * np.abs(before).max()  # of the difference of two iterates
        assert np.sqrt(np.mean((after - before) ** 2)) <= alpha * d * (1 + 1e-12) + rounding


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), lr=learning_rates)
def test_the_first_step_is_rho_times_the_rms_of_x_along_minus_the_sign_of_g(g, lr):
    # v_1 = g^2 (the weight 1^tau is 1), so u_1 = sign(g), whose RMS is 1 = d.
    optimizer = ol.adafactor(lr=lr)
    x0 = np.array([3.0, -4.0, 12.0])
    x1, state = optimizer.step(x0, g, optimizer.init(x0))
    np.testing.assert_array_equal(state["variance"], g * g)
    rms = np.sqrt(np.mean(x0**2))
    np.testing.assert_allclose(x1, x0 - min(lr, 1.0) * rms * np.sign(g), rtol=1e-12)


@pytest.mark.parametrize("shape", [(6, 4), (2, 6, 4)])
def test_the_state_of_a_matrix_is_a_row_and_a_column(shape):
    optimizer = ol.adafactor()
    state = optimizer.init(np.zeros(shape))
    rows, cols = (*shape[:-1], 1), (*shape[:-2], 1, shape[-1])
    assert {name: b.shape for name, b in state.buffers.items()} == {
        "row_var": rows, "col_var": cols}
    assert ol.state_size(optimizer, shape) == math.prod(rows) + math.prod(cols)


def test_eps1_none_is_float64_machine_epsilon():
    assert ol.adafactor().eps == (np.finfo(np.float64).eps, 1e-3)
    assert ol.adafactor() == ol.adafactor(eps=(float(np.finfo(np.float64).eps), 1e-3))


@pytest.mark.parametrize("name, value, pattern", [
    ("beta2_decay", 0.1, r"beta2_decay must be a finite number <= 0; got 0.1"),
    ("beta2_decay", math.nan, r"beta2_decay must be a finite number <= 0; got nan"),
    ("beta2_decay", "fast", r"beta2_decay must be a number; got 'fast'"),
    ("eps", 1e-3, r"eps must be a pair \(eps1, eps2\); got 0.001"),
    ("eps", (None, -1.0), r"eps\[1\] must be a finite number >= 0; got -1.0"),
    ("eps", (-1e-30, 1e-3), r"eps\[0\] must be a finite number >= 0; got -1e-30"),
    ("d", 0.5, r"d must be a finite number >= 1; got 0.5"),
    ("d", math.inf, r"d must be a finite number >= 1; got inf"),
    ("weight_decay", -0.1, r"weight_decay must be a finite number >= 0; got -0.1"),
    ("lr", -1.0, r"lr must be a finite number >= 0; got -1.0"),
])
def test_bad_hyperparameters_are_refused_however_adafactor_is_made(name, value, pattern):
    for make in (lambda: ol.adafactor(**{name: value}), lambda: ol.Adafactor(**{name: value}),
                 lambda: dataclasses.replace(ol.adafactor(), **{name: value})):
        with pytest.raises(ValueError, match=rf"^{pattern}$"):
            make()
