"""AdaGrad, as torch.optim.Adagrad.

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from strategies import assert_steps, gradient_sequences, learning_rates, magnitudes, replay


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), lr=learning_rates)
def test_adagrad_first_step_is_lr_times_minus_the_sign_of_the_gradient(g, lr):
    optimizer = ol.adagrad(lr=lr)
    x, state = optimizer.step(np.ones(3), g, optimizer.init(np.ones(3)))
    # Exactly 1 - lr g / (|g| + eps) with eps = 1e-10.
    assert np.all(np.abs(x - (1 - lr * np.sign(g))) <= lr * 1e-10 / np.abs(g) + 1e-15)
    np.testing.assert_array_equal(state["sum"], g * g)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), start=st.floats(0.0, 5.0), lr=learning_rates,
       decay=st.floats(0.0, 1.0))
def test_adagrad_accumulates_squared_gradients_and_decays_its_rate(gradients, start, lr, decay):
    optimizer = ol.adagrad(lr=lr, lr_decay=decay, initial_accumulator_value=start, eps=0.0)
    xs, states = replay(optimizer, gradients)
    totals = start + np.cumsum(gradients**2, axis=0)
    np.testing.assert_allclose([s["sum"] for s in states[1:]], totals, rtol=1e-12)
    rates = lr / (1 + np.arange(len(gradients)) * decay)
    assert_steps(xs, -rates[:, None] * gradients / np.sqrt(totals))
