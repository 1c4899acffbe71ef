"""EWMA momentum: the bias-corrected moving average of the gradients.

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from strategies import assert_steps, decays, gradient_sequences, learning_rates, magnitudes, replay


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 2, elements=magnitudes), steps=st.integers(1, 40), beta=decays,
       lr=learning_rates)
def test_ewma_momentum_bias_corrected_average_of_a_constant_gradient_equals_it(g, steps, beta,
                                                                                lr):
    xs, states = replay(ol.ewma_momentum(lr=lr, beta=beta), np.tile(g, (steps, 1)))
    for t, state in enumerate(states[1:], start=1):
        np.testing.assert_allclose(state["v"] / (1 - beta**t), g, rtol=1e-9)
        np.testing.assert_allclose(state["v"], (1 - beta**t) * g, rtol=1e-9)
    assert_steps(xs, np.tile(-lr * g, (steps, 1)))


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 2, elements=magnitudes), steps=st.integers(1, 30),
       beta=st.floats(0.01, 0.99), lr=learning_rates)
def test_ewma_momentum_without_bias_correction_steps_by_the_raw_average(g, steps, beta, lr):
    xs, states = replay(ol.ewma_momentum(lr=lr, beta=beta, bias_correction=False),
                        np.tile(g, (steps, 1)))
    assert_steps(xs, -lr * (1 - beta ** np.arange(1, steps + 1))[:, None] * g)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), beta=st.floats(0.01, 0.999))
def test_ewma_buffer_is_torch_sgd_buffer_minus_the_head_start_of_the_first_gradient(gradients,
                                                                                     beta):
    # torch's SGD with dampening = momentum = beta starts its buffer at g_1 instead of
    # (1 - beta) g_1; the two buffers then follow the same recursion, so they differ by beta^t g_1.
    _, ewma = replay(ol.ewma_momentum(lr=0.1, beta=beta), gradients)
    _, torch_like = replay(ol.sgd(lr=0.1, momentum=beta, dampening=beta), gradients)
    for t in range(1, len(gradients) + 1):
        expected = torch_like[t]["momentum_buffer"] - beta**t * gradients[0]
        np.testing.assert_allclose(ewma[t]["v"], expected, rtol=1e-9,
                                   atol=1e-9 * np.abs(gradients).max())


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), beta=decays)
def test_ewma_bias_corrected_average_is_a_weighted_mean_of_the_gradients(gradients, beta):
    _, states = replay(ol.ewma_momentum(lr=0.1, beta=beta), gradients)
    for t in range(1, len(gradients) + 1):
        weights = (1 - beta) * beta ** np.arange(t - 1, -1, -1.0)
        mean = weights @ gradients[:t] / weights.sum()
        np.testing.assert_allclose(states[t]["v"] / (1 - beta**t), mean, rtol=1e-9,
                                   atol=1e-9 * np.abs(gradients).max())
