"""Gradient clipping wrappers, with the semantics of torch.nn.utils.clip_grad_norm_/value_.

torch's rule for norm clipping: scale by min(1, max_norm / (||g|| + 1e-6)). Trajectories with
clipping are also compared with torch itself in test_reference.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import optimlab as ol
from optimlab.functions import cliff

vectors = arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e4, 1e4))
thresholds = st.floats(min_value=1e-3, max_value=1e3)


def constant(g):
    return lambda x: np.array(g, dtype=float)


@settings(max_examples=60, deadline=None)
@given(g=vectors, max_norm=thresholds)
def test_norm_clipping_scales_by_torchs_coefficient(g, max_norm):
    clipped = ol.clip_by_global_norm(constant(g), max_norm)(np.zeros_like(g))
    coefficient = min(1.0, max_norm / (np.linalg.norm(g) + 1e-6))
    np.testing.assert_allclose(clipped, coefficient * g, rtol=1e-12, atol=0)
    assert np.linalg.norm(clipped) <= max_norm * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(g=vectors, max_norm=thresholds)
def test_norm_clipping_leaves_small_gradients_untouched(g, max_norm):
    if np.linalg.norm(g) + 1e-6 > max_norm:
        g = g * (0.5 * max_norm / (np.linalg.norm(g) + 1e-6))
    clipped = ol.clip_by_global_norm(constant(g), max_norm)(np.zeros_like(g))
    np.testing.assert_array_equal(clipped, g)


def test_norm_clipping_keeps_the_direction_and_caps_the_length():
    clipped = ol.clip_by_global_norm(constant([30.0, -40.0]), max_norm=5.0)(np.zeros(2))
    np.testing.assert_allclose(clipped, [3.0, -4.0], rtol=1e-6)
    assert np.linalg.norm(clipped) == pytest.approx(5.0 * 50 / (50 + 1e-6), rel=1e-14)


def test_gradient_exactly_at_the_threshold_is_scaled_by_the_epsilon_as_in_torch():
    clipped = ol.clip_by_global_norm(constant([3.0, 4.0]), max_norm=5.0)(np.zeros(2))
    np.testing.assert_allclose(clipped, np.array([3.0, 4.0]) * 5.0 / (5.0 + 1e-6), rtol=1e-15)
    assert np.linalg.norm(clipped) < 5.0


@settings(max_examples=60, deadline=None)
@given(g=vectors, clip_value=thresholds)
def test_value_clipping_clamps_each_coordinate(g, clip_value):
    clipped = ol.clip_by_value(constant(g), clip_value)(np.zeros_like(g))
    assert np.all(np.abs(clipped) <= clip_value)
    inside = np.abs(g) <= clip_value
    np.testing.assert_array_equal(clipped[inside], g[inside])
    np.testing.assert_array_equal(clipped[~inside], clip_value * np.sign(g[~inside]))


def test_value_clipping_can_turn_the_gradient_while_norm_clipping_cannot():
    g = [0.5, -40.0]
    by_value = ol.clip_by_value(constant(g), 1.0)(np.zeros(2))
    by_norm = ol.clip_by_global_norm(constant(g), 1.0)(np.zeros(2))
    np.testing.assert_array_equal(by_value, [0.5, -1.0])
    assert by_norm[0] / by_norm[1] == pytest.approx(g[0] / g[1], rel=1e-14)
    assert by_value[0] / by_value[1] != pytest.approx(g[0] / g[1], rel=0.1)


@pytest.mark.parametrize("wrap", [lambda f: ol.clip_by_global_norm(f, 1.0),
                                  lambda f: ol.clip_by_value(f, 1.0)], ids=["norm", "value"])
def test_clipping_passes_x_through_and_never_edits_the_wrapped_gradient(wrap):
    shared = np.array([30.0, -40.0])
    seen = []

    def grad(x):
        seen.append(np.array(x))
        return shared

    clipped = wrap(grad)(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(seen, [[1.0, 2.0]])
    np.testing.assert_array_equal(shared, [30.0, -40.0])
    assert clipped.dtype == np.float64 and clipped.shape == (2,)


def test_clipped_sgd_never_steps_further_than_lr_times_max_norm_on_the_cliff():
    lr, max_norm = 0.5, 1.0
    start = [-0.05, 2.0]  # on the wall's flank
    unclipped = ol.run(ol.sgd(lr=lr), cliff.grad, start, 40)
    clipped = ol.run(ol.sgd(lr=lr), ol.clip_by_global_norm(cliff.grad, max_norm), start, 40)
    step_lengths = np.linalg.norm(np.diff(clipped, axis=0), axis=1)
    assert np.all(step_lengths <= lr * max_norm * (1 + 1e-12))
    # Without clipping, the wall's gradient of about 100 throws the iterate far away.
    assert np.linalg.norm(np.diff(unclipped, axis=0), axis=1).max() > 10 * lr * max_norm


@pytest.mark.parametrize("wrap, name", [(ol.clip_by_global_norm, "max_norm"),
                                        (ol.clip_by_value, "clip_value")])
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan, math.inf])
def test_non_positive_or_non_finite_threshold_is_rejected(wrap, name, value):
    with pytest.raises(ValueError, match=rf"^{name} must be a finite number > 0; got {value!r}$"):
        wrap(cliff.grad, value)


@pytest.mark.parametrize("wrap, name", [(ol.clip_by_global_norm, "max_norm"),
                                        (ol.clip_by_value, "clip_value")])
def test_non_numeric_threshold_and_non_callable_grad_are_rejected(wrap, name):
    with pytest.raises(ValueError, match=rf"^{name} must be a number; got 'one'$"):
        wrap(cliff.grad, "one")
    with pytest.raises(ValueError, match=r"^grad must be callable; got \[1, 2\]$"):
        wrap([1, 2], 1.0)


def test_norm_clipping_under_run_grid_clips_each_run_like_a_separate_run():
    q = ol.functions.ill_conditioned_quadratic
    clipped = ol.clip_by_global_norm(q.grad, max_norm=1.0)
    optimizers = [ol.sgd(lr=lr) for lr in (0.05, 0.1, 0.15)]
    batch = ol.run_grid(optimizers, clipped, q.start, 30)
    for k, opt in enumerate(optimizers):
        np.testing.assert_array_equal(batch[:, k], ol.run(opt, clipped, q.start, 30))
