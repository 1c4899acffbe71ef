"""What every optimizer shares: invariances, the interface, the schedule hook and the checks of
hyperparameters (however an optimizer is made).

Agreement with the reference implementations is in tests/test_reference.py; these tests check
properties that follow from the rules, over many random gradient sequences (hypothesis).
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from registry import ROWS, bad_values, ids
from strategies import gradient_sequences, learning_rates, replay


SCALE_FREE = [row for row in ROWS if row.scale_free is not None]


@pytest.mark.parametrize("row", SCALE_FREE, ids=ids(SCALE_FREE))
@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(), c=st.floats(1e-3, 1e3), lr=learning_rates)
def test_adaptive_steps_are_invariant_to_rescaling_the_gradient(row, gradients, c, lr):
    optimizer = row.make(**row.scale_free, lr=lr)
    xs, _ = replay(optimizer, gradients)
    scaled, _ = replay(optimizer, c * gradients)
    np.testing.assert_allclose(scaled, xs, rtol=1e-12, atol=1e-12 * lr * len(gradients))


COUPLED = [row for row in ROWS if row.coupled is not None]


@pytest.mark.parametrize("row", COUPLED, ids=ids(COUPLED))
@settings(max_examples=40, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0),
       x0=st.floats(-5.0, 5.0))
def test_coupled_weight_decay_adds_wd_times_x_to_the_gradient(row, gradients, wd, x0):
    decayed = row.make(**row.coupled, weight_decay=wd)
    plain = row.make(**row.coupled, weight_decay=0.0)
    x = np.full(gradients.shape[1], x0)
    s_decayed, s_plain = decayed.init(x), plain.init(x)
    for g in gradients:
        x_decayed, s_decayed = decayed.step(x, g, s_decayed)
        x_plain, s_plain = plain.step(x, g + wd * x, s_plain)
        np.testing.assert_allclose(x_decayed, x_plain, rtol=1e-12, atol=1e-12)
        x = x_decayed


DECOUPLED = [row for row in ROWS if row.decoupled is not None]


@pytest.mark.parametrize("row", DECOUPLED, ids=ids(DECOUPLED))
@settings(max_examples=30, deadline=None)
@given(gradients=gradient_sequences(max_steps=8), wd=st.floats(0.01, 2.0), lr=learning_rates,
       x0=st.floats(-5.0, 5.0))
def test_decoupled_weight_decay_shrinks_x_first_and_never_reaches_the_buffers(row, gradients,
                                                                              wd, lr, x0):
    decayed = row.make(**row.decoupled, lr=lr, weight_decay=wd)
    plain = row.make(**row.decoupled, lr=lr, weight_decay=0.0)
    x = np.full(gradients.shape[1], x0)
    s_decayed, s_plain = decayed.init(x), plain.init(x)
    for g in gradients:
        x_decayed, s_decayed = decayed.step(x, g, s_decayed)
        x_plain, s_plain = plain.step((1 - lr * wd) * x, g, s_plain)
        np.testing.assert_allclose(x_decayed, x_plain, rtol=1e-15, atol=1e-15)
        for name in s_plain.buffers:
            np.testing.assert_array_equal(s_decayed[name], s_plain[name])
        x = x_decayed


def test_every_weight_decay_is_checked_as_coupled_or_decoupled():
    """Adafactor's decay is decoupled but its step is relative to the RMS of the parameters
    before the decay, and Schedule-Free AdamW's shrinks z at y: their own test modules check
    them."""
    for row in ROWS:
        if "weight_decay" in row.hyperparameters() and row.name not in ("adafactor",
                                                                      "schedule_free_adamw"):
            assert row.coupled is not None or row.decoupled is not None, row.name


MAXIMIZING = [row for row in ROWS if "maximize" in row.hyperparameters()]


@pytest.mark.parametrize("row", MAXIMIZING, ids=ids(MAXIMIZING))
@pytest.mark.parametrize("settings_index", [0, 1])
def test_maximize_is_minimizing_with_the_gradient_negated_before_weight_decay(row,
                                                                              settings_index):
    """torch flips the gradient's sign as it arrives, before any weight decay is added: so a
    maximizing run is, bit for bit, the minimizing run handed -g."""
    options = {k: v for k, v in row.settings[settings_index].items() if k != "maximize"}
    up, down = row.make(**options, maximize=True), row.make(**options)
    gradients = np.random.default_rng(settings_index).normal(size=(6, 3))
    xs_up, _ = replay(up, gradients, x0=[1.0, -2.0, 0.5])
    xs_down, _ = replay(down, -gradients, x0=[1.0, -2.0, 0.5])
    np.testing.assert_array_equal(xs_up, xs_down)
    assert not np.array_equal(xs_up, replay(down, gradients, x0=[1.0, -2.0, 0.5])[0])


INTERFACE = [(row, options) for row in ROWS for options in row.settings]
INTERFACE_IDS = [f"{row.name}-{i}" for row in ROWS for i in range(len(row.settings))]


def test_every_option_that_changes_the_rule_is_switched_in_the_interface_settings():
    for row in ROWS:
        defaults = {h["name"]: h["default"] for h in row.entry["hyperparameters"]}
        for flag in row.hyperparameters("flag"):
            assert any(s.get(flag, defaults[flag]) != defaults[flag] for s in row.settings), (
                row.name, flag)


@pytest.mark.parametrize("row, options", INTERFACE, ids=INTERFACE_IDS)
def test_step_modifies_nothing_in_place_and_counts_steps(row, options):
    optimizer = row.make(**options)
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


@pytest.mark.parametrize("row, options", INTERFACE, ids=INTERFACE_IDS)
def test_schedule_is_called_with_step_numbers_from_one(row, options):
    calls = []

    def schedule(t):
        calls.append(t)
        return 0.1 / t

    scheduled = dataclasses.replace(row.make(**options), lr=schedule)
    replay(scheduled, np.ones((4, 2)))
    assert calls == [1, 2, 3, 4]


@pytest.mark.parametrize("row, options", INTERFACE, ids=INTERFACE_IDS)
def test_zero_learning_rate_never_moves(row, options):
    if options.get("fixed_decay"):  # AdEMAMix's fixed decay is 1 - lambda whatever the rate
        options = {**options, "weight_decay": 0.0}
    frozen = dataclasses.replace(row.make(**options), lr=0.0)
    xs, _ = replay(frozen, np.random.default_rng(0).normal(size=(5, 2)), x0=[1.0, 2.0])
    np.testing.assert_array_equal(xs, np.tile([1.0, 2.0], (6, 1)))


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
@pytest.mark.parametrize("lr", [-0.1, math.nan, math.inf, -math.inf])
def test_bad_learning_rate_is_rejected(row, lr):
    with pytest.raises(ValueError, match=rf"^lr must be a finite number >= 0; got {lr!r}$"):
        row.factory(lr=lr)


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_non_numeric_learning_rate_is_rejected(row):
    with pytest.raises(ValueError, match=r"^lr must be a number; got 'big'$"):
        row.factory(lr="big")


# Every bad value of every hyperparameter but lr, read from the catalogue's description of its
# check (tests/optimizers/test_catalogue.py holds the messages to the catalogue's).
BAD_ARGUMENTS = [(row, h["name"], value) for row in ROWS for h in row.entry["hyperparameters"]
                 if h["name"] != "lr" for value, _ in bad_values(h["check"])]
BAD_IDS = [f"{row.name}-{name}={value!r}" for row, name, value in BAD_ARGUMENTS]


def python_value(value):
    return tuple(value) if isinstance(value, list) else value


@pytest.mark.parametrize("row, name, value", BAD_ARGUMENTS, ids=BAD_IDS)
def test_bad_hyperparameter_is_rejected_naming_it_and_its_value(row, name, value):
    value = python_value(value)
    with pytest.raises(ValueError, match=rf"^{re.escape(name)}(\[\d\])? must .*; got "):
        row.factory(lr=0.1, **{name: value})


@pytest.mark.parametrize("row, name, value", BAD_ARGUMENTS, ids=BAD_IDS)
def test_a_bad_hyperparameter_is_rejected_however_the_optimizer_is_made(row, name, value):
    value = python_value(value)
    pattern = rf"^{re.escape(name)}(\[\d\])? must .*; got "
    with pytest.raises(ValueError, match=pattern):
        row.cls(lr=0.1, **{name: value})
    with pytest.raises(ValueError, match=pattern):
        dataclasses.replace(row.factory(lr=0.1), **{name: value})


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
@pytest.mark.parametrize("row, options", INTERFACE, ids=INTERFACE_IDS)
def test_schedule_returning_a_bad_rate_raises_naming_the_step(row, options, bad):
    optimizer = row.make(**options)
    scheduled = dataclasses.replace(optimizer, lr=lambda t: 0.1 if t < 3 else bad)
    x, state = np.ones(2), optimizer.init(np.ones(2))
    for _ in range(2):
        x, state = scheduled.step(x, np.ones(2), state)
    with pytest.raises(ValueError, match=rf"^lr schedule returned {bad!r} at step t=3"):
        scheduled.step(x, np.ones(2), state)


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


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_the_factory_has_the_classs_arguments_and_defaults(row):
    assert list(inspect.signature(row.factory).parameters.values()) == list(
        inspect.signature(row.cls).parameters.values())
    made = row.factory(lr=0.25)
    assert type(made) is row.cls and made == row.cls(lr=0.25)
