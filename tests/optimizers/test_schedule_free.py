"""Schedule-Free AdamW: the three sequences z (Adam's base iterate), x (their weighted average, the
point a user evaluates) and y (where gradients are taken), and what run reports of them.

Agreement with schedulefree's AdamWScheduleFreeReference is in tests/test_reference.py; these
tests check properties that follow from the rule, over many random gradient sequences.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from strategies import decays, gradient_sequences, learning_rates, replay


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, beta1=decays)
def test_x_is_the_plain_average_of_z_and_y_lies_between_them(gradients, lr, beta1):
    optimizer = ol.schedule_free_adamw(lr=lr, betas=(beta1, 0.999))
    ys, states = replay(optimizer, gradients)
    zs = np.array([state["z"] for state in states])
    for t in range(1, len(states)):
        np.testing.assert_allclose(states[t]["x"], zs[1:t + 1].mean(axis=0), rtol=1e-12,
                                   atol=1e-12 * np.abs(zs).max())
        np.testing.assert_allclose(ys[t], beta1 * states[t]["x"] + (1 - beta1) * zs[t],
                                   rtol=1e-12, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, warmup=st.integers(1, 15),
       r=st.floats(0.0, 2.0), power=st.floats(0.0, 3.0))
def test_x_weighs_each_z_by_t_to_the_r_times_the_largest_rate_so_far_to_the_power(
        gradients, lr, warmup, r, power):
    optimizer = ol.schedule_free_adamw(lr=lr, warmup_steps=warmup, r=r, weight_lr_power=power)
    _, states = replay(optimizer, gradients)
    t = np.arange(1, len(gradients) + 1)
    rates = lr * np.minimum(1.0, t / warmup)
    weights = t**r * np.maximum.accumulate(rates) ** power
    zs = np.array([state["z"] for state in states[1:]])
    for k in range(1, len(t) + 1):
        average = (weights[:k, None] * zs[:k]).sum(axis=0) / weights[:k].sum()
        np.testing.assert_allclose(states[k]["x"], average, rtol=1e-10,
                                   atol=1e-12 * np.abs(zs).max())


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, beta2=decays)
def test_z_is_adam_without_momentum_fed_the_gradients_taken_at_y(gradients, lr, beta2):
    _, states = replay(ol.schedule_free_adamw(lr=lr, betas=(0.9, beta2)), gradients)
    base, _ = replay(ol.adam(lr=lr, betas=(0.0, beta2)), gradients)
    zs = np.array([state["z"] for state in states])
    np.testing.assert_allclose(zs, base, rtol=1e-12, atol=1e-12 * lr * len(gradients))


def test_the_warm_up_raises_the_base_step_linearly_to_lr():
    # A constant gradient: sqrt(v_hat) = |g|, so each z-step is the rate of its step.
    tr = ol.replay(ol.schedule_free_adamw(lr=0.1, warmup_steps=4, eps=0.0), np.ones((6, 1)))
    zs = [0.0] + [state["z"][0] for state in tr.states]
    np.testing.assert_allclose(-np.diff(zs), [0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rtol=1e-12)


@pytest.mark.parametrize("at_z", [False, True])
def test_weight_decay_shrinks_z_by_lr_times_lambda_times_y_or_z(at_z):
    optimizer = ol.schedule_free_adamw(lr=0.1, weight_decay=0.5, decay_at_z=at_z)
    plain = ol.schedule_free_adamw(lr=0.1)
    y, g = np.array([2.0, -1.0]), np.array([0.3, 0.3])
    state = optimizer.init(np.array([1.0, 1.0]))  # z = x = (1, 1), unlike y
    point = state["z"] if at_z else y
    _, decayed = optimizer.step(y, g, state)
    _, undecayed = plain.step(y, g, state)
    np.testing.assert_allclose(decayed["z"], undecayed["z"] - 0.1 * 0.5 * point, rtol=1e-15)


def test_run_reports_where_the_gradient_is_taken_and_on_request_what_eval_gives():
    q = ol.functions.ill_conditioned_quadratic
    optimizer = ol.schedule_free_adamw(lr=0.5, warmup_steps=5)
    tr = ol.trace(optimizer, q.grad, q.start, 30)
    ys, xs = ol.run(optimizer, q.grad, q.start, 30), ol.run(optimizer, q.grad, q.start, 30,
                                                           points="evaluation")
    np.testing.assert_array_equal(ys, tr.xs)
    np.testing.assert_array_equal(xs, tr.evaluated)
    np.testing.assert_array_equal(xs[1:], [state["x"] for state in tr.states])
    np.testing.assert_array_equal(tr.grads, q.grad(ys[:-1]))  # gradients at y
    assert not np.allclose(xs[1:], ys[1:])
    np.testing.assert_array_equal(xs[0], ys[0])


def test_run_grid_reports_evaluation_points_bit_for_bit_as_run_does():
    q = ol.functions.ill_conditioned_quadratic
    grid = [ol.schedule_free_adamw(lr=lr, warmup_steps=w) for lr in (0.1, 0.5) for w in (0, 8)]
    batch = ol.run_grid(grid, q.grad, q.start, 40, points="evaluation")
    for k, optimizer in enumerate(grid):
        np.testing.assert_array_equal(batch[:, k], ol.run(optimizer, q.grad, q.start, 40,
                                                          points="evaluation"))


def test_every_other_optimizer_is_evaluated_where_its_gradient_is_taken():
    q = ol.functions.ill_conditioned_quadratic
    tr = ol.trace(ol.adam(lr=0.2), q.grad, q.start, 10)
    np.testing.assert_array_equal(tr.evaluated, tr.xs)


def test_points_must_be_gradient_or_evaluation():
    q = ol.functions.ill_conditioned_quadratic
    with pytest.raises(ValueError, match=r"^points must be one of gradient, evaluation; got 'x'"):
        ol.run(ol.schedule_free_adamw(), q.grad, q.start, 3, points="x")
    with pytest.raises(ValueError, match=r"^points must be one of"):
        ol.run_grid([ol.schedule_free_adamw()], q.grad, q.start, 3, points="y")
