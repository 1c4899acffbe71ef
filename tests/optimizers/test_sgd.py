"""SGD: plain, heavy-ball and Nesterov momentum, as torch.optim.SGD.

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from strategies import assert_steps, gradient_sequences, learning_rates, magnitudes, replay


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), c=st.floats(2.0, 1e3))
def test_sgd_steps_scale_with_the_gradient(gradients, c):
    optimizer = ol.sgd(lr=0.1, momentum=0.9)
    xs, _ = replay(optimizer, gradients)
    scaled, _ = replay(optimizer, c * gradients)
    np.testing.assert_allclose(scaled, c * xs, rtol=1e-12, atol=1e-300)


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), lr=learning_rates,
       momentum=st.floats(0.01, 0.99), dampening=st.floats(0.0, 1.0))
def test_sgd_momentum_buffer_is_the_gradient_on_the_first_step(g, lr, momentum, dampening):
    optimizer = ol.sgd(lr=lr, momentum=momentum, dampening=dampening)
    x, state = optimizer.step(np.zeros(3), g, optimizer.init(np.zeros(3)))
    np.testing.assert_array_equal(state["momentum_buffer"], g)
    np.testing.assert_array_equal(x, -lr * g)


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, momentum=st.floats(0.01, 0.99),
       dampening=st.floats(0.0, 1.0))
def test_sgd_momentum_buffer_follows_the_damped_recursion(gradients, lr, momentum, dampening):
    xs, states = replay(ol.sgd(lr=lr, momentum=momentum, dampening=dampening), gradients)
    buffers = [gradients[0]]
    for g in gradients[1:]:
        buffers.append(momentum * buffers[-1] + (1 - dampening) * g)
    np.testing.assert_allclose([s["momentum_buffer"] for s in states[1:]], buffers, rtol=1e-12)
    assert_steps(xs, -lr * np.array(buffers))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, momentum=st.floats(0.01, 0.99))
def test_nesterov_steps_along_the_gradient_plus_the_momentum_of_the_new_buffer(gradients, lr,
                                                                                momentum):
    xs, states = replay(ol.sgd(lr=lr, momentum=momentum, nesterov=True), gradients)
    buffers = np.array([s["momentum_buffer"] for s in states[1:]])
    assert_steps(xs, -lr * (gradients + momentum * buffers))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates)
def test_plain_sgd_is_gradient_descent(gradients, lr):
    xs, _ = replay(ol.sgd(lr=lr), gradients)
    np.testing.assert_allclose(xs[1:], -lr * np.cumsum(gradients, axis=0), rtol=1e-9,
                               atol=1e-12 * np.abs(gradients).sum())


@pytest.mark.parametrize("momentum, dampening", [(0.0, 0.0), (0.9, 0.1)])
def test_nesterov_needs_momentum_and_no_dampening(momentum, dampening):
    with pytest.raises(ValueError, match=rf"nesterov=True requires momentum > 0 and dampening "
                                         rf"= 0; got momentum={momentum!r}, "
                                         rf"dampening={dampening!r}"):
        ol.sgd(lr=0.1, momentum=momentum, dampening=dampening, nesterov=True)
