"""RAdam, as torch.optim.RAdam.

Agreement with PyTorch is in tests/test_reference.py; these tests check properties that follow
from the rule, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.optimizers.radam import rectification
from strategies import assert_steps, decays, gradient_sequences, learning_rates, replay


@settings(max_examples=60, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), lr=learning_rates, beta1=decays,
       beta2=decays)
def test_steps_with_rho_at_most_5_are_bias_corrected_momentum(gradients, lr, beta1, beta2):
    xs, states = replay(ol.radam(lr=lr, betas=(beta1, beta2)), gradients)
    for t, state in enumerate(states[1:], start=1):
        rho, _ = rectification(beta2, t)
        if rho <= 5:
            m_hat = state["m"] / (1 - beta1**t)
            assert_steps(xs[t - 1:t + 1], [-lr * m_hat])


@settings(max_examples=60, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), lr=learning_rates, beta1=decays,
       beta2=st.floats(0.7, 0.999))
def test_later_steps_are_adams_with_eps_before_the_correction_times_r(gradients, lr, beta1,
                                                                      beta2):
    xs, states = replay(ol.radam(lr=lr, betas=(beta1, beta2)), gradients)
    for t, state in enumerate(states[1:], start=1):
        rho, r = rectification(beta2, t)
        if rho > 5:
            m_hat = state["m"] / (1 - beta1**t)
            adaptive = np.sqrt(1 - beta2**t) / (np.sqrt(state["v"]) + 1e-8)
            assert_steps(xs[t - 1:t + 1], [-lr * m_hat * adaptive * r])


@settings(max_examples=60, deadline=None)
@given(beta2=decays, t=st.integers(1, 10_000))
def test_rho_grows_towards_rho_infinity_and_r_stays_in_0_1(beta2, t):
    rho, r = rectification(beta2, t)
    rho_next, r_next = rectification(beta2, t + 1)
    rho_inf = 2 / (1 - beta2) - 1
    assert 1 - 1e-9 <= rho <= rho_next + 1e-9 and rho <= rho_inf + 1e-9
    if rho > 5:
        assert 0 < r <= 1 + 1e-12 and r <= r_next + 1e-12
    else:
        assert np.isnan(r)


def test_the_default_switches_on_the_adaptive_step_at_step_6():
    switched = [float(rectification(0.999, t)[0]) > 5 for t in range(1, 9)]
    assert switched == [False] * 5 + [True] * 3


def test_beta2_at_most_0_6_is_never_rectified():
    assert all(rectification(0.6, t)[0] <= 5 for t in range(1, 10_000, 37))
