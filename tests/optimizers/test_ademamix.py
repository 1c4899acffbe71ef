"""AdEMAMix: Adam plus alpha times a slow average of the gradients, with a warm-up of alpha and
beta3.

Agreement with pytorch-optimizer's AdEMAMix is in tests/test_reference.py; these tests check
properties that follow from the rule, over many random gradient sequences.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from strategies import gradient_sequences, learning_rates, replay


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), lr=learning_rates, wd=st.floats(0.0, 0.5),
       decouple=st.booleans())
def test_without_the_slow_average_it_is_adam_or_adamw(gradients, lr, wd, decouple):
    mixed = ol.ademamix(lr=lr, alpha=0.0, weight_decay=wd, weight_decouple=decouple)
    adam = ol.adam(lr=lr, weight_decay=wd, decoupled_weight_decay=decouple)
    xs, _ = replay(mixed, gradients, x0=np.ones(gradients.shape[1]))
    expected, _ = replay(adam, gradients, x0=np.ones(gradients.shape[1]))
    np.testing.assert_allclose(xs, expected, rtol=1e-12, atol=1e-12 * lr * len(gradients))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), beta3=st.floats(0.0, 1.0))
def test_the_slow_average_is_an_exponential_average_without_bias_correction(gradients, beta3):
    _, states = replay(ol.ademamix(lr=0.1, betas=(0.9, 0.999, beta3)), gradients)
    t = len(gradients)
    weights = (1 - beta3) * beta3 ** np.arange(t - 1, -1, -1)
    np.testing.assert_allclose(states[-1]["m_slow"], weights @ gradients, rtol=1e-10,
                               atol=1e-12 * np.abs(gradients).max())


@pytest.mark.parametrize("beta1", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("beta3", [0.99, 0.9999])
def test_during_the_warm_up_the_half_life_grows_linearly_and_alpha_too(beta1, beta3):
    warmup = 200.0
    optimizer = ol.ademamix(betas=(beta1, 0.999, beta3), alpha=5.0, t_alpha_beta3=warmup)

    def half_life(beta):  # steps until a gradient's weight halves; 0 for beta = 0
        return math.log(0.5) / math.log(beta) if beta > 0 else 0.0

    for t in (1, 50, 100, 199, 200, 201, 1000):
        alpha_t, beta3_t = optimizer.warmed_up(t)
        s = min(t / warmup, 1.0)
        assert alpha_t == pytest.approx(5.0 * s, rel=1e-12)
        assert half_life(float(beta3_t)) == pytest.approx(
            (1 - s) * half_life(beta1) + s * half_life(beta3), rel=1e-9)


def test_without_warm_up_alpha_and_beta3_are_the_given_ones_from_the_start():
    assert ol.ademamix(alpha=3.0, betas=(0.9, 0.99, 0.995)).warmed_up(1) == (3.0, 0.995)


def test_fixed_decay_shrinks_by_one_minus_lambda_whatever_the_rate():
    x, g = np.array([2.0, -4.0]), np.array([0.5, 0.5])
    for lr in (0.01, 0.3):
        fixed = ol.ademamix(lr=lr, weight_decay=0.1, weight_decouple=True, fixed_decay=True)
        plain = ol.ademamix(lr=lr)
        decayed, _ = fixed.step(x, g, fixed.init(x))
        expected, _ = plain.step(0.9 * x, g, plain.init(x))
        np.testing.assert_allclose(decayed, expected, rtol=1e-15)


def test_with_beta3_one_the_slow_average_stays_zero():
    tr = ol.replay(ol.ademamix(lr=0.1, betas=(0.9, 0.999, 1.0)), np.ones((5, 2)))
    assert all(not state["m_slow"].any() for state in tr.states)
