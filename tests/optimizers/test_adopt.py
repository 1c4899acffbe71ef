"""ADOPT, as the authors' torch-adopt 0.1.0.

Agreement with torch-adopt is in tests/test_reference.py; these tests check properties that
follow from the rule, over many random gradient sequences (hypothesis).
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
from strategies import assert_steps, decays, gradient_sequences, learning_rates, magnitudes, replay


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), x0=arrays(np.float64, 3,
       elements=st.floats(-5, 5)), lr=learning_rates, beta1=decays, wd=st.floats(0.0, 1.0),
       decouple=st.booleans())
def test_the_first_step_leaves_x_unchanged_and_only_initialises_v(g, x0, lr, beta1, wd,
                                                                 decouple):
    optimizer = ol.adopt(lr=lr, betas=(beta1, 0.99), weight_decay=wd, decouple=decouple)
    x1, state = optimizer.step(x0, g, optimizer.init(x0))
    np.testing.assert_array_equal(x1, x0)
    np.testing.assert_array_equal(state["m"], np.zeros(3))
    seen = g if decouple or wd == 0 else g + wd * x0  # the coupled decay reaches v_1
    np.testing.assert_array_equal(state["v"], seen * seen)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=15), lr=learning_rates, beta1=decays,
       beta2=decays)
def test_each_step_is_at_most_lr_times_the_clip_in_every_coordinate(gradients, lr, beta1,
                                                                    beta2):
    # m_t averages normalised gradients clipped at (s - 1)^(1/4) for s <= t.
    xs, _ = replay(ol.adopt(lr=lr, betas=(beta1, beta2)), gradients)
    for t in range(2, len(xs)):
        assert np.all(np.abs(xs[t] - xs[t - 1]) <= lr * (t - 1) ** 0.25 * (1 + 1e-12))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=12), lr=learning_rates, beta2=decays)
def test_without_momentum_the_step_normalises_by_the_previous_second_moment(gradients, lr,
                                                                            beta2):
    # beta1 = 0: x_t - x_{t-1} = -lr clip(g_t / max(sqrt(v_{t-1}), eps)); v_{t-1} holds
    # g_1 ... g_{t-1} only, never the g_t it divides.
    xs, states = replay(ol.adopt(lr=lr, betas=(0.0, beta2)), gradients)
    expected = [np.zeros(gradients.shape[1])]
    for t in range(2, len(xs)):
        u = gradients[t - 1] / np.maximum(np.sqrt(states[t - 1]["v"]), 1e-6)
        expected.append(-lr * np.clip(u, -(t - 1) ** 0.25, (t - 1) ** 0.25))
    assert_steps(xs, np.array(expected))


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), steps=st.integers(2, 30), lr=learning_rates,
       beta1=decays)
def test_a_constant_gradient_gives_steps_of_lr_times_the_bias_of_m(g, steps, lr, beta1):
    # v = g^2 from step 1 on, so u_t = sign(g) (|g| >= 1e-3 > eps, and the clip is >= 1),
    # and m_t = (1 - beta1^(t-1)) sign(g).
    xs, _ = replay(ol.adopt(lr=lr, betas=(beta1, 0.999)), np.tile(g, (steps, 1)))
    expected = [np.zeros(3)] + [-lr * (1 - beta1 ** (t - 1)) * np.sign(g)
                                for t in range(2, steps + 1)]
    assert_steps(xs, np.array(expected))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0), lr=learning_rates,
       x0=st.floats(-5.0, 5.0))
def test_decouple_shrinks_x_by_lr_wd_and_leaves_the_moments_alone(gradients, wd, lr, x0):
    decoupled = ol.adopt(lr=lr, weight_decay=wd, decouple=True)
    plain = ol.adopt(lr=lr)
    x = np.full(gradients.shape[1], x0)
    s_decoupled, s_plain = decoupled.init(x), plain.init(x)
    for t, g in enumerate(gradients, start=1):
        x_decoupled, s_decoupled = decoupled.step(x, g, s_decoupled)
        x_plain, s_plain = plain.step(x, g, s_plain)
        shrink = 0.0 if t == 1 else -lr * wd * x  # the first step does not move x at all
        np.testing.assert_allclose(x_decoupled - x_plain, shrink, rtol=1e-9, atol=1e-12)
        for name in ("m", "v"):
            np.testing.assert_array_equal(s_decoupled[name], s_plain[name])
        x = x_decoupled


@pytest.mark.parametrize("name, value", [
    ("betas", (1.0, 0.9999)), ("betas", (0.9, -0.1)), ("eps", -1e-6), ("eps", math.nan),
    ("weight_decay", -0.1), ("decouple", 1), ("lr", math.inf),
])
def test_bad_hyperparameters_are_refused_however_adopt_is_made(name, value):
    label = {"betas": r"betas\[[01]\]"}.get(name, name)
    for make in (lambda: ol.adopt(**{name: value}), lambda: ol.ADOPT(**{name: value}),
                 lambda: dataclasses.replace(ol.adopt(), **{name: value})):
        with pytest.raises(ValueError, match=rf"^{label} must .*got"):
            make()
