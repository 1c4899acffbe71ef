"""Optimizers: identities and invariances of their update rules, and argument checks.

Agreement with torch.optim itself is in test_reference.py; these tests check properties that
follow from the rules, over many random gradient sequences (hypothesis).
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

magnitudes = st.floats(min_value=1e-3, max_value=1e3)
learning_rates = st.floats(min_value=1e-4, max_value=1.0)
decays = st.floats(min_value=0.0, max_value=0.999)
dimensions = st.integers(min_value=1, max_value=4)


@st.composite
def gradient_sequences(draw, max_steps=12):
    """Gradients g_1 ... g_T of shape (T, d): nonzero, sizes from 1e-3 to 1e3, any sign."""
    steps = draw(st.integers(1, max_steps))
    d = draw(dimensions)
    sizes = draw(arrays(np.float64, (steps, d), elements=magnitudes))
    signs = draw(arrays(np.float64, (steps, d), elements=st.sampled_from([-1.0, 1.0])))
    return sizes * signs


def replay(optimizer, gradients, x0=None):
    """Apply ``optimizer`` to a given sequence of gradients; returns iterates and states."""
    x = np.zeros(gradients.shape[1]) if x0 is None else np.asarray(x0, dtype=float)
    state = optimizer.init(x)
    xs, states = [x], [state]
    for g in gradients:
        x, state = optimizer.step(x, g, state)
        xs.append(x)
        states.append(state)
    return np.array(xs), states


def assert_steps(xs, expected):
    """The steps x_t - x_{t-1} equal ``expected``, to rounding of the iterates themselves."""
    np.testing.assert_allclose(np.diff(xs, axis=0), expected, rtol=1e-9,
                               atol=1e-12 * np.abs(xs).max())


SCALE_FREE = {
    "adam": lambda lr: ol.adam(lr=lr, eps=0.0),
    "adam_amsgrad": lambda lr: ol.adam(lr=lr, eps=0.0, amsgrad=True, betas=(0.5, 0.9)),
    "adamw_no_decay": lambda lr: ol.adamw(lr=lr, eps=0.0, weight_decay=0.0),
    "rmsprop": lambda lr: ol.rmsprop(lr=lr, eps=0.0),
    "rmsprop_momentum": lambda lr: ol.rmsprop(lr=lr, eps=0.0, momentum=0.7),
    "adagrad": lambda lr: ol.adagrad(lr=lr, eps=0.0, lr_decay=0.1),
}


@pytest.mark.parametrize("make", SCALE_FREE.values(), ids=SCALE_FREE.keys())
@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), c=st.floats(1e-3, 1e3), lr=learning_rates)
def test_adaptive_steps_are_invariant_to_rescaling_the_gradient(make, gradients, c, lr):
    optimizer = make(lr)
    xs, _ = replay(optimizer, gradients)
    scaled, _ = replay(optimizer, c * gradients)
    np.testing.assert_allclose(scaled, xs, rtol=1e-12, atol=1e-12 * lr * len(gradients))


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), c=st.floats(2.0, 1e3))
def test_sgd_steps_scale_with_the_gradient(gradients, c):
    optimizer = ol.sgd(lr=0.1, momentum=0.9)
    xs, _ = replay(optimizer, gradients)
    scaled, _ = replay(optimizer, c * gradients)
    np.testing.assert_allclose(scaled, c * xs, rtol=1e-12, atol=1e-300)


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 3, elements=magnitudes), steps=st.integers(1, 40),
       beta1=decays, beta2=decays, lr=learning_rates)
def test_adam_bias_corrected_moments_of_a_constant_gradient_equal_it(g, steps, beta1, beta2, lr):
    optimizer = ol.adam(lr=lr, betas=(beta1, beta2))
    xs, states = replay(optimizer, np.tile(g, (steps, 1)))
    for t, state in enumerate(states[1:], start=1):
        assert state.t == t
        np.testing.assert_allclose(state["m"] / (1 - beta1**t), g, rtol=1e-9)
        np.testing.assert_allclose(state["v"] / (1 - beta2**t), g * g, rtol=1e-9)
    assert_steps(xs, np.tile(-lr * g / (np.abs(g) + 1e-8), (steps, 1)))


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


@settings(max_examples=40, deadline=None)
@given(g=arrays(np.float64, 4, elements=magnitudes), lr=learning_rates, beta1=decays,
       beta2=decays, amsgrad=st.booleans())
def test_adam_first_step_is_lr_times_minus_the_sign_of_the_gradient(g, lr, beta1, beta2,
                                                                     amsgrad):
    optimizer = ol.adam(lr=lr, betas=(beta1, beta2), amsgrad=amsgrad)
    x, _ = optimizer.step(np.zeros(4), g, optimizer.init(np.zeros(4)))
    # Exactly -lr g / (|g| + eps); with |g| >= 1e-3 that is -lr sign(g) to within lr * 1e-5.
    assert np.all(np.abs(x + lr * np.sign(g)) <= lr * 1e-8 / np.abs(g) + 1e-15)


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


COUPLED = {
    "sgd": lambda wd: ol.sgd(lr=0.05, momentum=0.9, weight_decay=wd),
    "adagrad": lambda wd: ol.adagrad(lr=0.1, weight_decay=wd),
    "rmsprop": lambda wd: ol.rmsprop(lr=0.01, centered=True, momentum=0.5, weight_decay=wd),
    "adam": lambda wd: ol.adam(lr=0.1, amsgrad=True, weight_decay=wd),
}


@pytest.mark.parametrize("make", COUPLED.values(), ids=COUPLED.keys())
@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0),
       x0=st.floats(-5.0, 5.0))
def test_coupled_weight_decay_adds_wd_times_x_to_the_gradient(make, gradients, wd, x0):
    decayed = make(wd)
    plain = make(0.0)
    x = np.full(gradients.shape[1], x0)
    s_decayed, s_plain = decayed.init(x), plain.init(x)
    for g in gradients:
        x_decayed, s_decayed = decayed.step(x, g, s_decayed)
        x_plain, s_plain = plain.step(x, g + wd * x, s_plain)
        np.testing.assert_allclose(x_decayed, x_plain, rtol=1e-12, atol=1e-12)
        x = x_decayed


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0), lr=learning_rates,
       x0=st.floats(-5.0, 5.0), amsgrad=st.booleans())
def test_adamw_differs_from_adam_by_exactly_the_decoupled_decay(gradients, wd, lr, x0, amsgrad):
    adamw = ol.adamw(lr=lr, weight_decay=wd, amsgrad=amsgrad)
    adam = ol.adam(lr=lr, amsgrad=amsgrad)
    x = np.full(gradients.shape[1], x0)
    s_adamw, s_adam = adamw.init(x), adam.init(x)
    for g in gradients:
        x_adamw, s_adamw = adamw.step(x, g, s_adamw)
        x_adam, s_adam = adam.step(x, g, s_adam)
        np.testing.assert_allclose(x_adamw - x_adam, -lr * wd * x, rtol=1e-9, atol=1e-12)
        # The decay never reaches the moment estimates.
        for name in ("m", "v", "v_max"):
            np.testing.assert_array_equal(s_adamw[name], s_adam[name])
        x = x_adamw


@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=15), beta2=decays)
def test_amsgrad_keeps_the_running_maximum_of_v(gradients, beta2):
    _, states = replay(ol.adam(lr=0.1, betas=(0.9, beta2), amsgrad=True), gradients)
    for before, after in zip(states[1:], states[2:]):
        assert np.all(after["v_max"] >= before["v_max"])
    for state in states[1:]:
        np.testing.assert_array_equal(state["v_max"],
                                      np.max([s["v"] for s in states[1:state.t + 1]], axis=0))


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
    with np.errstate(invalid="ignore"):
        _, states = replay(ol.rmsprop(lr=0.01, alpha=alpha, centered=True),
                           np.tile(g, (steps, 1)))
    for t, state in enumerate(states[1:], start=1):
        np.testing.assert_allclose(state["grad_avg"], (1 - alpha**t) * g, rtol=1e-9)
        np.testing.assert_allclose(state["square_avg"], (1 - alpha**t) * g * g, rtol=1e-9)


ALL_OPTIMIZERS = {
    "sgd": ol.sgd(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    "ewma": ol.ewma_momentum(lr=0.1),
    "adagrad": ol.adagrad(lr=0.1, weight_decay=0.1),
    "rmsprop": ol.rmsprop(lr=0.1, momentum=0.5, centered=True),
    "adam": ol.adam(lr=0.1, amsgrad=True),
    "adamw": ol.adamw(lr=0.1),
}


@pytest.mark.parametrize("optimizer", ALL_OPTIMIZERS.values(), ids=ALL_OPTIMIZERS.keys())
def test_step_modifies_nothing_in_place_and_counts_steps(optimizer):
    x = np.array([1.0, -2.0])
    g = np.array([0.5, 3.0])
    state = optimizer.init(x)
    assert state.t == 0
    x1, state1 = optimizer.step(x, g, state)
    x2, state2 = optimizer.step(x1, g, state1)
    snapshot = {name: buffer.copy() for name, buffer in state1.buffers.items()}
    optimizer.step(x1, g, state1)
    np.testing.assert_array_equal(x, [1.0, -2.0])
    np.testing.assert_array_equal(g, [0.5, 3.0])
    assert (state1.t, state2.t) == (1, 2)
    for name, buffer in snapshot.items():
        np.testing.assert_array_equal(state1[name], buffer, err_msg=name)
    assert not np.array_equal(x1, x)


@pytest.mark.parametrize("optimizer", ALL_OPTIMIZERS.values(), ids=ALL_OPTIMIZERS.keys())
def test_schedule_is_called_with_step_numbers_from_one(optimizer):
    calls = []

    def schedule(t):
        calls.append(t)
        return 0.1 / t

    scheduled = dataclasses.replace(optimizer, lr=schedule)
    replay(scheduled, np.ones((4, 2)))
    assert calls == [1, 2, 3, 4]


@pytest.mark.parametrize("optimizer", ALL_OPTIMIZERS.values(), ids=ALL_OPTIMIZERS.keys())
def test_zero_learning_rate_never_moves(optimizer):
    frozen = dataclasses.replace(optimizer, lr=0.0)
    xs, _ = replay(frozen, np.random.default_rng(0).normal(size=(5, 2)), x0=[1.0, 2.0])
    np.testing.assert_array_equal(xs, np.tile([1.0, 2.0], (6, 1)))


# Bad input: every check names the parameter and the value received.

FACTORIES_WITH_LR = [ol.sgd, ol.ewma_momentum, ol.adagrad, ol.rmsprop, ol.adam, ol.adamw]


@pytest.mark.parametrize("factory", FACTORIES_WITH_LR, ids=lambda f: f.__name__)
@pytest.mark.parametrize("lr", [-0.1, math.nan, math.inf, -math.inf])
def test_bad_learning_rate_is_rejected(factory, lr):
    with pytest.raises(ValueError, match=rf"^lr must be a finite number >= 0; got {lr!r}$"):
        factory(lr=lr)


@pytest.mark.parametrize("factory", FACTORIES_WITH_LR, ids=lambda f: f.__name__)
def test_non_numeric_learning_rate_is_rejected(factory):
    with pytest.raises(ValueError, match=r"^lr must be a number; got 'big'$"):
        factory(lr="big")


BAD_ARGUMENTS = [
    (ol.sgd, "momentum", -0.1), (ol.sgd, "momentum", 1.0), (ol.sgd, "momentum", math.nan),
    (ol.sgd, "dampening", -0.5), (ol.sgd, "dampening", 1.5),
    (ol.sgd, "weight_decay", -1e-3), (ol.sgd, "weight_decay", math.inf),
    (ol.ewma_momentum, "beta", 1.0), (ol.ewma_momentum, "beta", -0.2),
    (ol.adagrad, "lr_decay", -0.1), (ol.adagrad, "weight_decay", -0.1),
    (ol.adagrad, "initial_accumulator_value", -1.0), (ol.adagrad, "eps", -1e-10),
    (ol.rmsprop, "alpha", 1.0), (ol.rmsprop, "alpha", -0.01), (ol.rmsprop, "alpha", 1.5),
    (ol.rmsprop, "eps", -1e-8), (ol.rmsprop, "weight_decay", -0.1),
    (ol.rmsprop, "momentum", 1.0), (ol.rmsprop, "momentum", -0.5),
    (ol.adam, "eps", -1e-8), (ol.adam, "eps", math.nan), (ol.adam, "weight_decay", -0.1),
    (ol.adamw, "eps", -1.0), (ol.adamw, "weight_decay", -0.01),
]


@pytest.mark.parametrize("factory, name, value", BAD_ARGUMENTS,
                         ids=[f"{f.__name__}-{n}={v}" for f, n, v in BAD_ARGUMENTS])
def test_bad_hyperparameter_is_rejected_naming_it_and_its_value(factory, name, value):
    kwargs = {} if factory in (ol.adagrad, ol.rmsprop, ol.adam, ol.adamw) else {"lr": 0.1}
    with pytest.raises(ValueError, match=rf"^{name} must .*; got {value!r}$"):
        factory(**kwargs, **{name: value})


@pytest.mark.parametrize("factory", [ol.adam, ol.adamw], ids=lambda f: f.__name__)
@pytest.mark.parametrize("index, betas", [(0, (1.0, 0.999)), (0, (-0.1, 0.999)),
                                          (1, (0.9, 1.0)), (1, (0.9, 1.5)),
                                          (1, (0.9, math.nan))])
def test_betas_outside_the_unit_interval_are_rejected(factory, index, betas):
    value = betas[index]
    with pytest.raises(ValueError, match=rf"^betas\[{index}\] must .*; got {value!r}$"):
        factory(betas=betas)


@pytest.mark.parametrize("betas", [0.9, (0.9,), (0.9, 0.99, 0.999)])
def test_betas_that_are_not_a_pair_are_rejected(betas):
    with pytest.raises(ValueError, match=r"^betas must be a pair \(beta1, beta2\); got"):
        ol.adam(betas=betas)


@pytest.mark.parametrize("momentum, dampening", [(0.0, 0.0), (0.9, 0.1)])
def test_nesterov_needs_momentum_and_no_dampening(momentum, dampening):
    with pytest.raises(ValueError, match=rf"nesterov=True requires momentum > 0 and dampening "
                                         rf"= 0; got momentum={momentum!r}, "
                                         rf"dampening={dampening!r}"):
        ol.sgd(lr=0.1, momentum=momentum, dampening=dampening, nesterov=True)


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
@pytest.mark.parametrize("optimizer", ALL_OPTIMIZERS.values(), ids=ALL_OPTIMIZERS.keys())
def test_schedule_returning_a_bad_rate_raises_naming_the_step(optimizer, bad):
    scheduled = dataclasses.replace(optimizer, lr=lambda t: 0.1 if t < 3 else bad)
    x, state = np.ones(2), optimizer.init(np.ones(2))
    for _ in range(2):
        x, state = scheduled.step(x, np.ones(2), state)
    with pytest.raises(ValueError, match=rf"^lr schedule returned {bad!r} at step t=3"):
        scheduled.step(x, np.ones(2), state)
