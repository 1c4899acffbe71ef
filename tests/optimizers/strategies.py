"""Hypothesis strategies and helpers shared by the optimizer tests."""

from __future__ import annotations

import numpy as np
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
    """``optimlab.replay``'s iterates, and its states with the initial one in front."""
    tr = ol.replay(optimizer, gradients, x0)
    assert tr.diverged_at is None, f"the replay diverged at step {tr.diverged_at}"
    return tr.xs, [optimizer.init(tr.xs[0]), *tr.states]


def assert_steps(xs, expected):
    """The steps x_t - x_{t-1} equal ``expected``, to rounding of the iterates themselves."""
    np.testing.assert_allclose(np.diff(xs, axis=0), expected, rtol=1e-9,
                               atol=1e-12 * np.abs(xs).max())
