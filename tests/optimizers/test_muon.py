"""Muon: momentum, orthogonalised by Newton-Schulz, for matrices (a vector as a 1 x d matrix).

The iteration is checked against its definition through the SVD: each singular value of the
normalised update passes through p(s) = a s + b s^3 + c s^5 ``ns_steps`` times, and the singular
vectors stay. Agreement with torch.optim.Muon (which runs the iteration in bfloat16) is in
tests/test_reference_muon.py.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optimlab as ol

MUON = importlib.import_module("optimlab.optimizers.muon")


def by_definition(matrix, coefficients=MUON.NEWTON_SCHULZ, steps=5):
    """U diag(p^k(s)) V^T from the SVD of the matrix divided by its Frobenius norm."""
    a, b, c = coefficients
    u, s, vt = np.linalg.svd(matrix / np.linalg.norm(matrix), full_matrices=False)
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return (u * s) @ vt


def random_matrix(rng, rows, columns, spread):
    k = min(rows, columns)
    u, _ = np.linalg.qr(rng.normal(size=(rows, k)))
    v, _ = np.linalg.qr(rng.normal(size=(columns, k)))
    return (u * np.logspace(0, -np.log10(spread), k)) @ v.T * rng.uniform(0.01, 100)


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 12), columns=st.integers(1, 12), spread=st.floats(1.0, 1e4),
       seed=st.integers(0, 2**32 - 1), steps=st.integers(0, 8))
def test_newton_schulz_passes_each_singular_value_through_p_and_keeps_the_vectors(
        rows, columns, spread, seed, steps):
    matrix = random_matrix(np.random.default_rng(seed), rows, columns, spread)
    np.testing.assert_allclose(MUON.newton_schulz(matrix, steps=steps),
                               by_definition(matrix, steps=steps), rtol=0, atol=1e-12)


def test_other_coefficients_are_another_polynomial_and_a_stack_is_each_matrix():
    rng = np.random.default_rng(1)
    stack = np.array([random_matrix(rng, 5, 3, 10.0) for _ in range(4)])
    cubic = (1.5, -0.5, 0.0)
    done = MUON.newton_schulz(stack, cubic, 7)
    for matrix, result in zip(stack, done):
        np.testing.assert_allclose(result, by_definition(matrix, cubic, 7), atol=1e-12)


def test_p_to_the_fifth_stays_within_its_band_on_zero_to_one():
    s = np.linspace(2e-3, 1.0, 20001)
    q = s
    for _ in range(5):
        q = 3.4445 * q - 4.7750 * q**3 + 2.0315 * q**5
    assert 0.68 < q.min() and q.max() < 1.21
    assert q[-1] == pytest.approx(0.6964, abs=1e-4)  # p^5(1), a vector's step


@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, 6), lr=st.floats(1e-3, 1.0), momentum=st.floats(0.0, 0.99),
       seed=st.integers(0, 2**32 - 1))
def test_on_a_vector_muon_is_normalised_nesterov_momentum_times_p5_of_1(d, lr, momentum, seed):
    rng = np.random.default_rng(seed)
    gradients = rng.normal(size=(4, d))
    optimizer = ol.muon(lr=lr, momentum=momentum, weight_decay=0.0)
    x, state, buffer = np.zeros(d), optimizer.init(np.zeros(d)), np.zeros(d)
    p5 = by_definition(np.ones((1, 1)))[0, 0]
    for g in gradients:
        buffer = momentum * buffer + (1 - momentum) * g
        update = (1 - momentum) * g + momentum * buffer
        expected = x - lr * p5 * update / np.linalg.norm(update)
        x, state = optimizer.step(x, g, state)
        np.testing.assert_allclose(x, expected, rtol=1e-12, atol=1e-14)


def test_a_vector_and_a_one_row_matrix_take_the_same_steps():
    q = ol.functions.ill_conditioned_quadratic
    optimizer = ol.muon(lr=0.3)
    as_vector = ol.run(optimizer, q.grad, q.start, 40)
    as_matrix = ol.run(optimizer, lambda w: q.grad(w[0])[None], [q.start], 40)
    np.testing.assert_array_equal(as_vector, as_matrix[:, 0])


@pytest.mark.parametrize("shape, original, rms_matched", [
    ((8, 2), 2.0, 0.2 * 8**0.5), ((2, 8), 1.0, 0.2 * 8**0.5), ((5, 5), 1.0, 0.2 * 5**0.5)])
def test_the_learning_rate_adjustments(shape, original, rms_matched):
    g = random_matrix(np.random.default_rng(2), *shape, 3.0)
    steps = {}
    for adjustment in (None, "original", "match_rms_adamw"):
        optimizer = ol.muon(lr=0.1, weight_decay=0.0, adjust_lr_fn=adjustment)
        x, _ = optimizer.step(np.zeros(shape), g, optimizer.init(np.zeros(shape)))
        steps[adjustment] = x
    unadjusted = -0.1 * MUON.newton_schulz(g)
    np.testing.assert_array_equal(steps[None], steps["original"])
    for adjustment, factor in (("original", original), ("match_rms_adamw", rms_matched)):
        np.testing.assert_allclose(steps[adjustment], factor * unadjusted, rtol=0,
                                   atol=1e-13 * np.abs(steps[adjustment]).max())


def test_matched_to_adamw_an_orthogonal_update_has_an_rms_of_a_fifth_of_the_rate():
    """Liu et al.'s adjustment: an m x n matrix with every singular value 1 has an RMS of
    1/sqrt(max(m, n)), which 0.2 sqrt(max(m, n)) turns into 0.2 (AdamW's typical RMS)."""
    for shape in ((6, 3), (3, 6), (4, 4)):
        optimizer = ol.muon(lr=0.1, weight_decay=0.0, adjust_lr_fn="match_rms_adamw",
                            ns_coefficients=(1.5, -0.5, 0.0), ns_steps=60)  # converges to 1
        g = random_matrix(np.random.default_rng(3), *shape, 5.0)
        x, _ = optimizer.step(np.zeros(shape), g, optimizer.init(np.zeros(shape)))
        assert np.sqrt(np.mean(x**2)) == pytest.approx(0.2 * 0.1, rel=1e-10)


def test_weight_decay_uses_the_unadjusted_rate():
    g = random_matrix(np.random.default_rng(4), 6, 2, 2.0)
    x0 = np.ones((6, 2))
    decayed = ol.muon(lr=0.1, weight_decay=0.5)
    plain = ol.muon(lr=0.1, weight_decay=0.0)
    x, _ = decayed.step(x0, g, decayed.init(x0))
    expected, _ = plain.step(x0 * (1 - 0.1 * 0.5), g, plain.init(x0))
    np.testing.assert_array_equal(x, expected)


def test_a_matrix_keeps_one_momentum_buffer_and_other_shapes_are_refused():
    assert ol.state_size(ol.muon(), (24, 10)) == 240
    assert ol.state_size(ol.muon(), (7,)) == 7
    with pytest.raises(ValueError, match=r"^x must be a vector or a matrix for muon; got "
                                         r"shape \(2, 3, 4\)$"):
        ol.muon().init(np.zeros((2, 3, 4)))


def test_run_grid_gives_each_matrix_run_what_run_gives_it():
    target = random_matrix(np.random.default_rng(5), 4, 3, 10.0)

    def grad(w):
        return w - target

    grid = [ol.muon(lr=lr, ns_steps=k, momentum=0.9) for lr in (0.02, 0.1) for k in (2, 5)]
    batch = ol.run_grid(grid, grad, np.zeros((4, 3)), 30)
    assert batch.shape == (31, 4, 4, 3)
    for k, optimizer in enumerate(grid):
        np.testing.assert_array_equal(batch[:, k], ol.run(optimizer, grad, np.zeros((4, 3)), 30))
