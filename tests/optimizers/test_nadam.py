"""NAdam, as torch.optim.NAdam.

Agreement with PyTorch is in tests/test_reference.py; these tests check properties that follow
from the rule, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.optimizers.nadam import momentum_schedule
from strategies import decays, gradient_sequences, learning_rates, replay


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, beta2=decays,
       eps=st.sampled_from([0.0, 1e-8, 0.1]))
def test_nadam_without_momentum_is_adam_without_momentum(gradients, lr, beta2, eps):
    nadam, _ = replay(ol.nadam(lr=lr, betas=(0.0, beta2), eps=eps), gradients)
    adam, _ = replay(ol.adam(lr=lr, betas=(0.0, beta2), eps=eps), gradients)
    np.testing.assert_allclose(nadam, adam, rtol=1e-12, atol=1e-12 * lr * len(gradients))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), beta1=decays, psi=st.floats(0.0, 1.0))
def test_mu_product_is_the_product_of_the_momentum_schedule(gradients, beta1, psi):
    _, states = replay(ol.nadam(lr=0.01, betas=(beta1, 0.999), momentum_decay=psi), gradients)
    for state in states[1:]:
        mus = [beta1 * (1 - 0.5 * 0.96 ** (s * psi)) for s in range(1, state.t + 1)]
        np.testing.assert_allclose(state["mu_product"], np.prod(mus), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(beta1=decays, psi=st.floats(1e-4, 1.0), t=st.integers(1, 2000))
def test_momentum_schedule_rises_from_half_beta1_towards_beta1(beta1, psi, t):
    mu, mu_next = momentum_schedule(beta1, psi, t), momentum_schedule(beta1, psi, t + 1)
    assert beta1 / 2 <= mu <= mu_next <= beta1


@settings(max_examples=40, deadline=None)
@given(g=st.floats(1e-3, 1e3), lr=learning_rates, beta1=decays, psi=st.floats(0.0, 1.0))
def test_first_step_is_lr_times_one_plus_the_look_ahead_share(g, lr, beta1, psi):
    optimizer = ol.nadam(lr=lr, betas=(beta1, 0.999), eps=0.0, momentum_decay=psi)
    x, _ = optimizer.step(np.zeros(1), np.array([-g]), optimizer.init(np.zeros(1)))
    mu1, mu2 = momentum_schedule(beta1, psi, 1), momentum_schedule(beta1, psi, 2)
    # m_1 = (1 - beta1) g and sqrt(v_hat_1) = |g|: the step is scale-free from the start.
    np.testing.assert_allclose(x, lr * (1 + mu2 * (1 - beta1) / (1 - mu1 * mu2)), rtol=1e-12)


def test_momentum_decay_must_be_nonnegative():
    with pytest.raises(ValueError, match=r"^momentum_decay must be a finite number >= 0; got -0.1$"):
        ol.nadam(momentum_decay=-0.1)
