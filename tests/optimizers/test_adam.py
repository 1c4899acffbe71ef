"""Adam, AdamW and AMSGrad, as torch.optim.Adam and AdamW.

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from optimlab.optimizers.adam import step_bound
from strategies import assert_steps, decays, gradient_sequences, learning_rates, magnitudes, replay


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), steps=st.integers(1, 40),
       beta1=decays, beta2=decays, lr=learning_rates)
def test_adam_bias_corrected_moments_of_a_constant_gradient_equal_it(g, steps, beta1, beta2, lr):
    optimizer = ol.adam(lr=lr, betas=(beta1, beta2))
    xs, states = replay(optimizer, np.tile(g, (steps, 1)))
    for t, state in enumerate(states[1:], start=1):
        assert state.t == t
        np.testing.assert_allclose(state["m"] / (1 - beta1**t), g, rtol=1e-9)
        np.testing.assert_allclose(state["v"] / (1 - beta2**t), g * g, rtol=1e-9)
    assert_steps(xs, np.tile(-lr * g / (np.abs(g) + 1e-8), (steps, 1)))


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 4, elements=magnitudes), lr=learning_rates, beta1=decays,
       beta2=decays, amsgrad=st.booleans())
def test_adam_first_step_is_lr_times_minus_the_sign_of_the_gradient(g, lr, beta1, beta2,
                                                                     amsgrad):
    optimizer = ol.adam(lr=lr, betas=(beta1, beta2), amsgrad=amsgrad)
    x, _ = optimizer.step(np.zeros(4), g, optimizer.init(np.zeros(4)))
    # Exactly -lr g / (|g| + eps); with |g| >= 1e-3 that is -lr sign(g) to within lr * 1e-5.
    assert np.all(np.abs(x + lr * np.sign(g)) <= lr * 1e-8 / np.abs(g) + 1e-15)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0), lr=learning_rates,
       x0=st.floats(-5.0, 5.0), amsgrad=st.booleans())
def test_adamw_differs_from_adam_by_exactly_the_decoupled_decay(gradients, wd, lr, x0, amsgrad):
    adamw = ol.adamw(lr=lr, weight_decay=wd, amsgrad=amsgrad)
    adam = ol.adam(lr=lr, amsgrad=amsgrad)
    x = np.full(gradients.shape[1], x0)
    s_adamw, s_adam = adamw.init(x), adam.init(x)
    for g in gradients:
        x_adamw, s_adamw = adamw.step(x, g, s_adamw)
        x_adam, s_adam = adam.step(x, g, s_adam)
        np.testing.assert_allclose(x_adamw - x_adam, -lr * wd * x, rtol=1e-9, atol=1e-12)
        # The decay never reaches the moment estimates.
        for name in ("m", "v", "v_max"):
            np.testing.assert_array_equal(s_adamw[name], s_adam[name])
        x = x_adamw


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=15), beta2=decays)
def test_amsgrad_keeps_the_running_maximum_of_v(gradients, beta2):
    _, states = replay(ol.adam(lr=0.1, betas=(0.9, beta2), amsgrad=True), gradients)
    for before, after in zip(states[1:], states[2:]):
        assert np.all(after["v_max"] >= before["v_max"])
    for state in states[1:]:
        np.testing.assert_array_equal(state["v_max"],
                                      np.max([s["v"] for s in states[1:state.t + 1]], axis=0))


@pytest.mark.parametrize("factory", [ol.adam, ol.adamw], ids=lambda f: f.__name__)
@pytest.mark.parametrize("index, betas", [(0, (1.0, 0.999)), (0, (-0.1, 0.999)),
                                          (1, (0.9, 1.0)), (1, (0.9, 1.5)),
                                          (1, (0.9, math.nan))])
def test_betas_outside_the_unit_interval_are_rejected(factory, index, betas):
    value = betas[index]
    with pytest.raises(ValueError, match=rf"^betas\[{index}\] must .*; got {value!r}$"):
        factory(betas=betas)


@pytest.mark.parametrize("betas", [0.9, (0.9,), (0.9, 0.99, 0.999)])
def test_betas_that_are_not_a_pair_are_rejected(betas):
    with pytest.raises(ValueError, match=r"^betas must be a pair \(beta1, beta2\); got"):
        ol.adam(betas=betas)


@settings(max_examples=30, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, wd=st.floats(0.0, 2.0),
       amsgrad=st.booleans(), maximize=st.booleans())
def test_adam_with_decoupled_weight_decay_is_adamw_bit_for_bit(gradients, lr, wd, amsgrad,
                                                               maximize):
    """torch 2.13's AdamW is Adam(decoupled_weight_decay=True) with another default decay."""
    options = {"lr": lr, "weight_decay": wd, "amsgrad": amsgrad, "maximize": maximize}
    adam_xs, _ = replay(ol.adam(**options, decoupled_weight_decay=True), gradients)
    adamw_xs, _ = replay(ol.adamw(**options), gradients)
    np.testing.assert_array_equal(adam_xs, adamw_xs)


def test_adamw_takes_no_decoupled_weight_decay_as_torchs_does_not():
    assert ol.adamw().decoupled_weight_decay is True
    with pytest.raises(TypeError, match="decoupled_weight_decay"):
        ol.adamw(decoupled_weight_decay=False)
    assert "decoupled_weight_decay" not in [
        h["name"] for h in ol.optimizers.catalogue()["optimizers"]["adamw"]["hyperparameters"]]


@settings(max_examples=80, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), lr=learning_rates, beta1=decays,
       beta2=st.floats(0.01, 0.999), eps=st.sampled_from([0.0, 1e-8, 1.0]),
       amsgrad=st.booleans())
def test_every_adam_step_is_within_the_bound_b_t(gradients, lr, beta1, beta2, eps, amsgrad):
    xs, _ = replay(ol.adam(lr=lr, betas=(beta1, beta2), eps=eps, amsgrad=amsgrad), gradients)
    steps = np.abs(np.diff(xs, axis=0))
    bounds = step_bound(lr, beta1, beta2, np.arange(1, len(steps) + 1))
    assert np.all(steps <= bounds[:, None] * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(steps=st.integers(1, 60), lr=learning_rates, beta1=st.floats(0.05, 0.99),
       beta2=st.floats(0.05, 0.999))
def test_gradients_growing_by_beta2_over_beta1_reach_the_adam_bound(steps, lr, beta1, beta2):
    """Cauchy-Schwarz is an equality for gradients g_s proportional to (beta1/beta2)^(t-s)."""
    for t in sorted({1, steps // 2 + 1, steps}):
        gradients = ((beta1 / beta2) ** (t - np.arange(1, t + 1)))[:, None]
        xs, _ = replay(ol.adam(lr=lr, betas=(beta1, beta2), eps=0.0), gradients)
        np.testing.assert_allclose(xs[-2, 0] - xs[-1, 0], step_bound(lr, beta1, beta2, t),
                                   rtol=1e-9)


def test_the_adam_bound_is_lr_at_the_first_step_and_7_27_lr_in_the_limit_for_the_defaults():
    np.testing.assert_allclose(step_bound(0.3, 0.9, 0.999, 1), 0.3, rtol=1e-12)
    limit = 0.1 / math.sqrt(0.001 * (1 - 0.81 / 0.999))
    np.testing.assert_allclose(step_bound(1.0, 0.9, 0.999, 10**6), limit, rtol=1e-12)
    assert round(limit, 2) == 7.27
    # where gamma = beta1^2 / beta2 is 1 the sum of its powers is t: no limit
    np.testing.assert_allclose(step_bound(1.0, 0.5, 0.25, 400),
                               0.5 / (1 - 0.5**400) * math.sqrt((1 - 0.25**400) / 0.75 * 400))
