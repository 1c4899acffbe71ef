"""What every optimizer shares: invariances, the interface, the schedule hook and the checks of
hyperparameters (however an optimizer is made).

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import dataclasses
import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from strategies import gradient_sequences, learning_rates, replay


SCALE_FREE = {
    "adam": lambda lr: ol.adam(lr=lr, eps=0.0),
    "adam_amsgrad": lambda lr: ol.adam(lr=lr, eps=0.0, amsgrad=True, betas=(0.5, 0.9)),
    "adamw_no_decay": lambda lr: ol.adamw(lr=lr, eps=0.0, weight_decay=0.0),
    "rmsprop": lambda lr: ol.rmsprop(lr=lr, eps=0.0),
    "rmsprop_momentum": lambda lr: ol.rmsprop(lr=lr, eps=0.0, momentum=0.7),
    "adagrad": lambda lr: ol.adagrad(lr=lr, eps=0.0, lr_decay=0.1),
    "nadam": lambda lr: ol.nadam(lr=lr, eps=0.0, momentum_decay=0.1),
    "adamax": lambda lr: ol.adamax(lr=lr, eps=0.0, betas=(0.5, 0.9)),
    "lion": lambda lr: ol.lion(lr=lr),
}
# Adam's family
SCALE_FREE.update({
    "adafactor": lambda lr: ol.adafactor(lr=lr, eps=(0.0, 1e-3), weight_decay=0.1),
    "adopt": lambda lr: ol.adopt(lr=lr, eps=0.0, betas=(0.5, 0.9)),
})


@pytest.mark.parametrize("make", SCALE_FREE.values(), ids=SCALE_FREE.keys())
@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), c=st.floats(1e-3, 1e3), lr=learning_rates)
def test_adaptive_steps_are_invariant_to_rescaling_the_gradient(make, gradients, c, lr):
    optimizer = make(lr)
    xs, _ = replay(optimizer, gradients)
    scaled, _ = replay(optimizer, c * gradients)
    np.testing.assert_allclose(scaled, xs, rtol=1e-12, atol=1e-12 * lr * len(gradients))


COUPLED = {
    "sgd": lambda wd: ol.sgd(lr=0.05, momentum=0.9, weight_decay=wd),
    "adagrad": lambda wd: ol.adagrad(lr=0.1, weight_decay=wd),
    "rmsprop": lambda wd: ol.rmsprop(lr=0.01, centered=True, momentum=0.5, weight_decay=wd),
    "adam": lambda wd: ol.adam(lr=0.1, amsgrad=True, weight_decay=wd),
    "nadam": lambda wd: ol.nadam(lr=0.1, weight_decay=wd),
    "radam": lambda wd: ol.radam(lr=0.1, weight_decay=wd),
    "adamax": lambda wd: ol.adamax(lr=0.1, weight_decay=wd),
}
COUPLED["adopt"] = lambda wd: ol.adopt(lr=0.1, betas=(0.5, 0.9), weight_decay=wd)


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


DECOUPLED = {
    "adamw": lambda lr, wd: ol.adamw(lr=lr, weight_decay=wd, amsgrad=True),
    "nadam": lambda lr, wd: ol.nadam(lr=lr, weight_decay=wd, decoupled_weight_decay=True),
    "radam": lambda lr, wd: ol.radam(lr=lr, weight_decay=wd, decoupled_weight_decay=True),
    "lion": lambda lr, wd: ol.lion(lr=lr, weight_decay=wd),
}


@pytest.mark.parametrize("make", DECOUPLED.values(), ids=DECOUPLED.keys())
@settings(max_examples=30, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0), lr=learning_rates,
       x0=st.floats(-5.0, 5.0))
def test_decoupled_weight_decay_shrinks_x_first_and_never_reaches_the_buffers(make, gradients,
                                                                              wd, lr, x0):
    decayed, plain = make(lr, wd), make(lr, 0.0)
    x = np.full(gradients.shape[1], x0)
    s_decayed, s_plain = decayed.init(x), plain.init(x)
    for g in gradients:
        x_decayed, s_decayed = decayed.step(x, g, s_decayed)
        x_plain, s_plain = plain.step((1 - lr * wd) * x, g, s_plain)
        np.testing.assert_allclose(x_decayed, x_plain, rtol=1e-15, atol=1e-15)
        for name in s_plain.buffers:
            np.testing.assert_array_equal(s_decayed[name], s_plain[name])
        x = x_decayed


ALL_OPTIMIZERS = {
    "sgd": ol.sgd(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    "ewma": ol.ewma_momentum(lr=0.1),
    "adagrad": ol.adagrad(lr=0.1, weight_decay=0.1),
    "rmsprop": ol.rmsprop(lr=0.1, momentum=0.5, centered=True),
    "adam": ol.adam(lr=0.1, amsgrad=True),
    "adamw": ol.adamw(lr=0.1),
    "nadam": ol.nadam(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True),
    "radam": ol.radam(lr=0.1, weight_decay=0.1),
    "adamax": ol.adamax(lr=0.1, weight_decay=0.1),
    "lion": ol.lion(lr=0.1, weight_decay=0.1),
}
# Adam's family (ADOPT's first step leaves x where it is: the test below checks step 2)
ALL_OPTIMIZERS.update({
    "adafactor": ol.adafactor(lr=0.1, weight_decay=0.1),
    "adopt": ol.adopt(lr=0.1, weight_decay=0.1),
    "adopt_decouple": ol.adopt(lr=0.1, weight_decay=0.1, decouple=True),
})


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
    assert not np.array_equal(x2, x)


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


FACTORIES_WITH_LR = [ol.sgd, ol.ewma_momentum, ol.adagrad, ol.rmsprop, ol.adam, ol.adamw,
                     ol.nadam, ol.radam, ol.adamax, ol.lion, ol.adafactor, ol.adopt]


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
    (ol.nadam, "eps", -1e-8), (ol.nadam, "weight_decay", -0.1),
    (ol.nadam, "momentum_decay", -0.004), (ol.nadam, "momentum_decay", math.inf),
    (ol.nadam, "decoupled_weight_decay", 1), (ol.radam, "eps", math.nan),
    (ol.radam, "weight_decay", -1.0), (ol.radam, "decoupled_weight_decay", "yes"),
    (ol.adamax, "eps", -1e-8), (ol.adamax, "weight_decay", -0.1),
    (ol.lion, "weight_decay", -0.1), (ol.lion, "weight_decay", math.nan),
]
BAD_ARGUMENTS += [  # Adam's family
    (ol.adafactor, "beta2_decay", 0.5), (ol.adafactor, "d", 0.99),
    (ol.adafactor, "weight_decay", -0.1), (ol.adopt, "eps", -1e-6),
    (ol.adopt, "weight_decay", math.nan), (ol.adopt, "decouple", "yes"),
]


@pytest.mark.parametrize("factory, name, value", BAD_ARGUMENTS,
                         ids=[f"{f.__name__}-{n}={v}" for f, n, v in BAD_ARGUMENTS])
def test_bad_hyperparameter_is_rejected_naming_it_and_its_value(factory, name, value):
    kwargs = {} if factory in (ol.adagrad, ol.rmsprop, ol.adam, ol.adamw, ol.nadam, ol.radam,
                               ol.adamax, ol.lion, ol.adafactor, ol.adopt) else {"lr": 0.1}
    with pytest.raises(ValueError, match=rf"^{name} must .*; got {value!r}$"):
        factory(**kwargs, **{name: value})


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
@pytest.mark.parametrize("optimizer", ALL_OPTIMIZERS.values(), ids=ALL_OPTIMIZERS.keys())
def test_schedule_returning_a_bad_rate_raises_naming_the_step(optimizer, bad):
    scheduled = dataclasses.replace(optimizer, lr=lambda t: 0.1 if t < 3 else bad)
    x, state = np.ones(2), optimizer.init(np.ones(2))
    for _ in range(2):
        x, state = scheduled.step(x, np.ones(2), state)
    with pytest.raises(ValueError, match=rf"^lr schedule returned {bad!r} at step t=3"):
        scheduled.step(x, np.ones(2), state)


CLASSES = {ol.sgd: ol.SGD, ol.ewma_momentum: ol.EWMAMomentum, ol.adagrad: ol.Adagrad,
           ol.rmsprop: ol.RMSprop, ol.adam: ol.Adam, ol.adamw: ol.AdamW,
           ol.nadam: ol.NAdam, ol.radam: ol.RAdam, ol.adamax: ol.Adamax, ol.lion: ol.Lion}
CLASSES.update({ol.adafactor: ol.Adafactor, ol.adopt: ol.ADOPT})  # Adam's family


@pytest.mark.parametrize("factory, name, value", BAD_ARGUMENTS,
                         ids=[f"{f.__name__}-{n}={v}" for f, n, v in BAD_ARGUMENTS])
def test_a_bad_hyperparameter_is_rejected_however_the_optimizer_is_made(factory, name, value):
    pattern = rf"^{name} must .*; got {value!r}$"
    with pytest.raises(ValueError, match=pattern):
        CLASSES[factory](lr=0.1, **{name: value})
    with pytest.raises(ValueError, match=pattern):
        dataclasses.replace(factory(lr=0.1), **{name: value})


@pytest.mark.parametrize("make", [
    lambda: ol.optimizers.Adam(lr=-1.0, betas=(2.0, 5.0)),
    lambda: dataclasses.replace(ol.adam(), betas=(2, 0.5)),
    lambda: dataclasses.replace(ol.sgd(), momentum=1.5),
    lambda: dataclasses.replace(ol.sgd(momentum=0.9), nesterov=True, dampening=0.5),
    lambda: dataclasses.replace(ol.adam(), amsgrad="yes"),
], ids=["class", "replace-betas", "replace-momentum", "replace-nesterov", "replace-flag"])
def test_the_examples_of_the_redesign_issue_are_refused(make):
    with pytest.raises(ValueError, match=r"^(lr|betas\[0\]|momentum|nesterov|amsgrad)[ =]"):
        make()


@pytest.mark.parametrize("factory", CLASSES, ids=lambda f: f.__name__)
def test_the_factory_has_the_classs_arguments_and_defaults(factory):
    cls = CLASSES[factory]
    assert list(inspect.signature(factory).parameters.values()) == list(
        inspect.signature(cls).parameters.values())
    made = factory(lr=0.25)
    assert type(made) is cls and made == cls(lr=0.25)
