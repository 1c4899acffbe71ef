"""RMSProp, as torch.optim.RMSprop.

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from strategies import decays, learning_rates, magnitudes


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 2, elements=magnitudes), lr=learning_rates, alpha=decays)
def test_rmsprop_first_step_divides_by_the_root_of_the_first_average(g, lr, alpha):
    optimizer = ol.rmsprop(lr=lr, alpha=alpha, eps=0.0)
    x, state = optimizer.step(np.zeros(2), g, optimizer.init(np.zeros(2)))
    np.testing.assert_allclose(state["square_avg"], (1 - alpha) * g * g, rtol=1e-12)
    np.testing.assert_allclose(x, -lr * np.sign(g) / math.sqrt(1 - alpha), rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 2, elements=magnitudes), steps=st.integers(1, 20), alpha=decays)
def test_centered_rmsprop_of_a_constant_gradient_subtracts_its_squared_mean(g, steps, alpha):
    # The centered variance of a constant gradient is zero up to rounding, which (as in
    # torch) may make it slightly negative and the step NaN; only the averages are checked.
    # (optimlab.replay would stop at the first NaN, so the steps are taken here by hand.)
    optimizer = ol.rmsprop(lr=0.01, alpha=alpha, centered=True)
    x, state = np.zeros(2), optimizer.init(np.zeros(2))
    for t in range(1, steps + 1):
        with np.errstate(invalid="ignore"):
            x, state = optimizer.step(x, g, state)
        np.testing.assert_allclose(state["grad_avg"], (1 - alpha**t) * g, rtol=1e-9)
        np.testing.assert_allclose(state["square_avg"], (1 - alpha**t) * g * g, rtol=1e-9)
