"""optimlab's Muon against torch.optim.Muon (torch 2.13), whose Newton-Schulz iteration runs in
bfloat16 whatever the parameters' dtype.

Three claims, from tests/reference/part4_muon.json (made by tests/reference/generate.py):

* torch's iteration is the float64 one rounded to bfloat16 after each operation: the emulation
  in tests/reference/bfloat16.py gives torch's results bit for bit;
* with that emulation in place of optimlab's float64 ``newton_schulz``, optimlab's Muon follows
  torch's trajectories to 1e-10: momentum, Nesterov, weight decay, the learning-rate adjustments
  and the schedule are torch's exactly, and only the iteration's precision differs;
* in float64, a step's update is within the README's tolerance of torch's, a relative 0.1 in the
  Frobenius norm (about 26 bfloat16 roundings), wherever the update's singular values lie within
  a factor 30 of its largest (below that, bfloat16's rounding noise is magnified by up to
  a^5 = 3.4445^5, about 485, and torch's update there is noise: see the README).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol
from reference.bfloat16 import UNIT_ROUNDOFF, newton_schulz_bfloat16
from test_reference import assert_close_to_torch, gradient_of, optimizer_of

FIXTURE = json.loads((Path(__file__).parent / "reference" / "part4_muon.json").read_text())
CASES = FIXTURE["cases"]
MUON = importlib.import_module("optimlab.optimizers.muon")
TOLERANCE = 0.1     # the README's: relative, Frobenius norm, for one step's update
SPREAD = 30.0       # ... where the update's singular values lie within this factor


def test_every_case_says_it_was_computed_in_bfloat16():
    assert CASES and all(case["precision"] == "bfloat16" for case in CASES)
    assert FIXTURE["newton_schulz"]


@pytest.mark.parametrize("index", range(len(FIXTURE["newton_schulz"])))
def test_the_emulated_iteration_is_torchs_bit_for_bit(index):
    case = FIXTURE["newton_schulz"][index]
    ours = newton_schulz_bfloat16(np.array(case["input"]), MUON.NEWTON_SCHULZ, 5, 1e-7)
    np.testing.assert_array_equal(ours, case["output"])


def emulated(update, coefficients, steps, eps):
    """The bfloat16 emulation on the stack of matrices Muon.step hands newton_schulz."""
    stack = update.reshape(-1, *update.shape[-2:])
    done = [newton_schulz_bfloat16(m, coefficients, steps, eps) for m in stack]
    return np.array(done).reshape(update.shape)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_with_torchs_rounding_muon_follows_torch_to_1e_10(case, monkeypatch):
    monkeypatch.setattr(MUON, "newton_schulz", emulated)
    xs = ol.run(optimizer_of(case), gradient_of(case["function"]), case["x0"], case["steps"])
    assert_close_to_torch(xs, case["trajectory"])


def steps_against_torch(case):
    """For each step of torch's trajectory: the spread of the update Muon orthogonalises
    (largest over smallest singular value) and the relative difference, in the Frobenius norm,
    between torch's step and optimlab's float64 step from the same point and momentum."""
    optimizer, grad = optimizer_of(case), gradient_of(case["function"])
    trajectory = np.array(case["trajectory"])
    state = optimizer.init(trajectory[0])
    for t in range(1, len(trajectory)):
        before = trajectory[t - 1]
        g = grad(before)
        ours, state = optimizer.step(before, g, state)
        buffer = state["momentum_buffer"]
        update = (1 - optimizer.momentum) * g + optimizer.momentum * buffer \
            if optimizer.nesterov else buffer
        singular = np.linalg.svd(update, compute_uv=False)
        decayed = before * (1 - optimizer.learning_rate(t) * optimizer.weight_decay)
        difference = np.linalg.norm(trajectory[t] - ours) / np.linalg.norm(ours - decayed)
        yield singular[0] / singular[-1], difference


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_in_float64_each_well_conditioned_step_is_within_the_readmes_tolerance(case):
    compared = [(spread, d) for spread, d in steps_against_torch(case) if spread <= SPREAD]
    if case["name"] != "muon_rank_deficient":
        assert len(compared) >= 10, case["name"]  # the test compares something
    assert all(d <= TOLERANCE for _, d in compared), max(d for _, d in compared)


def test_a_rank_deficient_update_is_noise_in_torch_where_float64_has_nothing():
    """Least squares with A of rank 2: optimlab's update has two singular values (the third is
    rounding, 1e-16 of the largest), torch's three: bfloat16's error, magnified."""
    case = next(c for c in CASES if c["name"] == "muon_rank_deficient")
    worst = max(d for _, d in steps_against_torch(case))
    assert worst > 0.5


@pytest.mark.parametrize("spread", [1.0, 3.0, 10.0, 30.0])
def test_the_float64_iteration_is_within_the_tolerance_of_torchs_on_random_matrices(spread):
    rng = np.random.default_rng(int(spread))
    for _ in range(50):
        rows, columns = rng.integers(2, 24, size=2)
        k = min(rows, columns)
        u, _ = np.linalg.qr(rng.normal(size=(rows, k)))
        v, _ = np.linalg.qr(rng.normal(size=(columns, k)))
        matrix = (u * np.logspace(0, -np.log10(spread), k)) @ v.T * rng.uniform(0.01, 100)
        ours = MUON.newton_schulz(matrix)
        torchs = newton_schulz_bfloat16(matrix, MUON.NEWTON_SCHULZ, 5, 1e-7)
        difference = np.linalg.norm(torchs - ours) / np.linalg.norm(ours)
        assert UNIT_ROUNDOFF / 8 < difference <= TOLERANCE, (rows, columns, difference)
