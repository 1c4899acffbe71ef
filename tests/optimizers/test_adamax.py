"""Adamax, as torch.optim.Adamax, and the exact bound on its steps.

Agreement with PyTorch is in tests/test_reference.py; these tests check properties that follow
from the rule, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.optimizers.adamax import step_bound
from strategies import decays, gradient_sequences, learning_rates, replay


@settings(max_examples=80, deadline=None)
@given(gradients=gradient_sequences(max_steps=20), lr=learning_rates, beta1=decays,
       beta2=st.floats(0.01, 0.999), eps=st.sampled_from([0.0, 1e-8, 1.0]),
       wd=st.sampled_from([0.0, 0.5]))
def test_every_step_is_within_the_bound(gradients, lr, beta1, beta2, eps, wd):
    xs, _ = replay(ol.adamax(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=wd),
                   gradients)
    steps = np.abs(np.diff(xs, axis=0))
    for t, step in enumerate(steps, start=1):
        assert np.all(step <= step_bound(lr, beta1, beta2, t) * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(g=st.floats(1e-3, 1e3), steps=st.integers(1, 60), lr=learning_rates,
       beta1=decays, beta2=st.floats(0.5, 0.999))
def test_gradients_shrinking_by_beta2_reach_the_bound_when_eps_is_0(g, steps, lr, beta1,
                                                                     beta2):
    gradients = (g * beta2 ** np.arange(steps))[:, None]
    xs, _ = replay(ol.adamax(lr=lr, betas=(beta1, beta2), eps=0.0), gradients)
    bounds = [step_bound(lr, beta1, beta2, t) for t in range(1, steps + 1)]
    np.testing.assert_allclose(-np.diff(xs[:, 0]), bounds, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(lr=learning_rates, beta1=decays, beta2=decays)
def test_the_bound_is_lr_at_the_first_step_and_grows(lr, beta1, beta2):
    bounds = [step_bound(lr, beta1, beta2, t) for t in (1, 2, 10, 100)]
    np.testing.assert_allclose(bounds[0], lr, rtol=1e-12)
    assert all(a <= b * (1 + 1e-12) for a, b in zip(bounds, bounds[1:]))
    if beta1 < beta2:
        assert bounds[-1] <= lr * beta2 * (1 - beta1) / (beta2 - beta1) * (1 + 1e-12)


def test_the_bound_for_the_default_betas_tends_to_1_00909_lr():
    limit = 0.999 * 0.1 / (0.999 - 0.9)
    np.testing.assert_allclose(step_bound(1.0, 0.9, 0.999, 100_000), limit, rtol=1e-12)
    assert 1.009 < limit < 1.0091


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), beta2=decays, eps=st.sampled_from([0.0, 1e-8, 0.1]))
def test_u_is_the_decayed_maximum_of_abs_g_plus_eps(gradients, beta2, eps):
    _, states = replay(ol.adamax(lr=0.01, betas=(0.9, beta2), eps=eps), gradients)
    for state in states[1:]:
        t = state.t
        decayed = [beta2 ** (t - s) * (np.abs(gradients[s - 1]) + eps) for s in range(1, t + 1)]
        np.testing.assert_allclose(state["u"], np.max(decayed, axis=0), rtol=1e-12)
