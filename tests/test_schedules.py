"""Learning-rate schedules: values, bounds, monotonicity and argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol
from optimlab.schedules import (
    constant,
    cosine_decay,
    exponential_decay,
    step_decay,
    warmup_cosine,
)

rates = st.floats(min_value=1e-6, max_value=10.0)
factors = st.floats(min_value=0.01, max_value=1.0)
step_counts = st.integers(min_value=1, max_value=500)
times = st.integers(min_value=1, max_value=5000)


def values(schedule, last):
    return np.array([schedule(t) for t in range(1, last + 1)])


@settings(max_examples=40, deadline=None)
@given(lr=rates, t=times)
def test_constant_returns_its_rate_at_every_step(lr, t):
    assert constant(lr)(t) == lr


@settings(max_examples=40, deadline=None)
@given(lr=rates, step_size=step_counts, gamma=factors, t=times)
def test_step_decay_is_lr_times_gamma_to_the_completed_periods(lr, step_size, gamma, t):
    rate = step_decay(lr, step_size, gamma)(t)
    assert rate == pytest.approx(lr * gamma ** ((t - 1) // step_size), rel=1e-12)
    assert 0 <= rate <= lr


@settings(max_examples=40, deadline=None)
@given(lr=rates, step_size=st.integers(1, 30), gamma=factors)
def test_step_decay_is_constant_within_a_period_and_never_increases(lr, step_size, gamma):
    series = values(step_decay(lr, step_size, gamma), 4 * step_size)
    assert np.all(np.diff(series) <= 0)
    assert np.all(series[:step_size] == lr)
    assert np.all(series[step_size:2 * step_size] == series[step_size])


@settings(max_examples=40, deadline=None)
@given(lr=rates, gamma=factors, t=times)
def test_exponential_decay_stays_in_bounds(lr, gamma, t):
    schedule = exponential_decay(lr, gamma)
    assert 0 <= schedule(t) <= lr
    assert schedule(t + 1) <= schedule(t)
    assert schedule(1) == lr


@settings(max_examples=40, deadline=None)
@given(lr=rates, fraction=st.floats(0.0, 1.0), total=step_counts, t=times)
def test_cosine_decay_stays_between_min_lr_and_lr(lr, fraction, total, t):
    min_lr = fraction * lr
    schedule = cosine_decay(lr, total, min_lr)
    tolerance = 1e-12 * lr
    assert min_lr - tolerance <= schedule(t) <= lr + tolerance
    assert schedule(t + 1) <= schedule(t) + tolerance


@settings(max_examples=40, deadline=None)
@given(lr=rates, fraction=st.floats(0.0, 1.0), total=step_counts)
def test_cosine_decay_starts_at_lr_halves_midway_and_then_holds_min_lr(lr, fraction, total):
    min_lr = fraction * lr
    schedule = cosine_decay(lr, total, min_lr)
    assert schedule(1) == pytest.approx(lr, rel=1e-12)
    assert schedule(total + 1) == pytest.approx(min_lr, rel=1e-12, abs=1e-15 * lr)
    assert schedule(total + 50) == schedule(total + 1)
    if total % 2 == 0:
        assert schedule(total // 2 + 1) == pytest.approx((lr + min_lr) / 2, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(peak=rates, warmup=st.integers(1, 100), extra=st.integers(1, 400),
       fraction=st.floats(0.0, 1.0), t=times)
def test_warmup_cosine_stays_between_zero_and_peak(peak, warmup, extra, fraction, t):
    schedule = warmup_cosine(peak, warmup, warmup + extra, fraction * peak)
    assert 0 <= schedule(t) <= peak * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(peak=rates, warmup=st.integers(1, 50), extra=st.integers(1, 100),
       fraction=st.floats(0.0, 1.0))
def test_warmup_cosine_rises_linearly_to_peak_then_decays_to_min_lr(peak, warmup, extra, fraction):
    min_lr = fraction * peak
    total = warmup + extra
    schedule = warmup_cosine(peak, warmup, total, min_lr)
    series = values(schedule, total + 20)
    np.testing.assert_allclose(series[:warmup], peak * np.arange(1, warmup + 1) / warmup,
                               rtol=1e-12)
    assert series[warmup - 1] == pytest.approx(peak, rel=1e-15)
    assert np.all(np.diff(series[:warmup]) > 0)
    assert np.all(np.diff(series[warmup - 1:]) <= 1e-12 * peak)
    np.testing.assert_allclose(series[total - 1:], min_lr, rtol=1e-12, atol=1e-15 * peak)


def test_warmup_cosine_example_values():
    schedule = warmup_cosine(peak=1.0, warmup_steps=4, total_steps=8)
    expected = [0.25, 0.5, 0.75, 1.0] + [(1 + math.cos(math.pi * k / 4)) / 2 for k in (1, 2, 3, 4)]
    np.testing.assert_allclose(values(schedule, 8), expected, rtol=1e-12, atol=1e-16)


def test_schedule_drives_the_optimizer_learning_rate():
    schedule = step_decay(0.5, step_size=2, gamma=0.1)
    tr = ol.trace(ol.sgd(lr=schedule), lambda x: np.ones_like(x), [0.0], 5)
    # With a constant gradient of 1, each SGD step moves by exactly the learning rate.
    np.testing.assert_allclose(-np.diff(tr.xs[:, 0]), [schedule(t) for t in range(1, 6)],
                               rtol=1e-12)


@pytest.mark.parametrize("t", [0, -1, 1.5, True, "1"])
def test_schedules_reject_a_step_that_is_not_a_positive_integer(t):
    with pytest.raises(ValueError, match=rf"t must be a step number >= 1; got {t!r}"):
        cosine_decay(1.0, 10)(t)


@pytest.mark.parametrize(
    "make, name, value",
    [
        (lambda v: constant(v), "lr", -0.1),
        (lambda v: constant(v), "lr", math.nan),
        (lambda v: step_decay(v, 10), "lr", -1.0),
        (lambda v: step_decay(1.0, v), "step_size", 0),
        (lambda v: step_decay(1.0, v), "step_size", 2.5),
        (lambda v: step_decay(1.0, 10, v), "gamma", 0.0),
        (lambda v: step_decay(1.0, 10, v), "gamma", 1.5),
        (lambda v: exponential_decay(1.0, v), "gamma", -0.5),
        (lambda v: exponential_decay(1.0, v), "gamma", 2.0),
        (lambda v: exponential_decay(v, 0.9), "lr", math.inf),
        (lambda v: cosine_decay(v, 10), "lr", -1.0),
        (lambda v: cosine_decay(1.0, v), "total_steps", 0),
        (lambda v: cosine_decay(1.0, 10, v), "min_lr", -0.1),
        (lambda v: cosine_decay(1.0, 10, v), "min_lr", 2.0),
        (lambda v: warmup_cosine(v, 5, 10), "peak", -1.0),
        (lambda v: warmup_cosine(1.0, v, 10), "warmup_steps", 0),
        (lambda v: warmup_cosine(1.0, 5, v), "total_steps", 5),
        (lambda v: warmup_cosine(1.0, 5, v), "total_steps", 3),
        (lambda v: warmup_cosine(1.0, 5, 10, v), "min_lr", 1.5),
        (lambda v: warmup_cosine(1.0, 5, 10, v), "min_lr", -0.5),
    ],
)
def test_bad_schedule_arguments_raise_naming_parameter_and_value(make, name, value):
    with pytest.raises(ValueError, match=rf"^{name} must .*got {value!r}$"):
        make(value)


def test_numpy_integers_are_step_numbers_and_step_counts():
    schedule = step_decay(1.0, step_size=np.int64(2), gamma=0.5)
    assert [schedule(t) for t in np.arange(1, 6)] == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert warmup_cosine(1.0, np.int32(2), np.int64(4))(np.int64(2)) == 1.0


def test_non_numeric_schedule_argument_is_a_value_error():
    with pytest.raises(ValueError, match="lr must be a number; got 'fast'"):
        constant("fast")
