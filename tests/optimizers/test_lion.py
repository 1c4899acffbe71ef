"""Lion, as lion-pytorch 0.2.5 implements it.

Agreement with lion-pytorch is in tests/test_reference.py; these tests check properties that
follow from the rule, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from strategies import decays, gradient_sequences, learning_rates, replay


@settings(max_examples=60, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), lr=learning_rates, beta1=decays,
       beta2=decays)
def test_without_weight_decay_every_coordinate_moves_by_plus_or_minus_lr(gradients, lr, beta1,
                                                                          beta2):
    xs, states = replay(ol.lion(lr=lr, betas=(beta1, beta2)), gradients)
    for t, (before, g) in enumerate(zip(states, gradients), start=1):
        direction = np.sign(beta1 * before["m"] + (1 - beta1) * g)
        assert set(np.unique(direction)) <= {-1.0, 0.0, 1.0}
        # Exactly -lr * direction, to the rounding of the iterates.
        np.testing.assert_allclose(xs[t] - xs[t - 1], -lr * direction,
                                   rtol=1e-12, atol=1e-15 * t)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), c=st.floats(1e-3, 1e3), lr=learning_rates)
def test_lion_ignores_the_scale_of_the_gradient(gradients, c, lr):
    xs, _ = replay(ol.lion(lr=lr), gradients)
    scaled, _ = replay(ol.lion(lr=lr), c * gradients)
    np.testing.assert_array_equal(np.sign(np.diff(scaled, axis=0)), np.sign(np.diff(xs, axis=0)))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), beta2=decays)
def test_the_buffer_is_the_beta2_average_of_the_gradients(gradients, beta2):
    _, states = replay(ol.lion(lr=0.01, betas=(0.9, beta2)), gradients)
    for state in states[1:]:
        t = state.t
        average = sum((1 - beta2) * beta2 ** (t - s) * gradients[s - 1] for s in range(1, t + 1))
        np.testing.assert_allclose(state["m"], average, rtol=1e-9, atol=1e-12)
