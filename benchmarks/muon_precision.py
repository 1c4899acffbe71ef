"""How far optimlab's float64 Muon is from torch.optim.Muon, whose Newton-Schulz iteration runs
in bfloat16: the figures behind the README's tolerance.

Two measurements, printed as tables:

1. One Newton-Schulz call (5 steps of p(s) = 3.4445 s - 4.7750 s^3 + 2.0315 s^5) on random
   matrices with known singular values, shapes from 2 x 2 to 31 x 31, the singular values spread
   log-evenly over a factor ``spread``: the relative Frobenius difference between the float64
   iteration and torch's bfloat16 one (emulated by tests/reference/bfloat16.py, which
   tests/test_reference_muon.py holds to torch's results bit for bit), in units of bfloat16's
   unit roundoff u = 2^-8.
2. The steps of torch's reference trajectories (tests/reference/part4_muon.json): from each of
   torch's points, optimlab's float64 step against torch's, by the spread of the update that
   Newton-Schulz orthogonalised.

Run from the repository root (no torch needed):

    .venv/bin/python benchmarks/muon_precision.py [--matrices N]
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "reference")]

from bfloat16 import UNIT_ROUNDOFF, newton_schulz_bfloat16  # noqa: E402

MUON = importlib.import_module("optimlab.optimizers.muon")
SPREADS = (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)


def random_matrix(rng, spread: float) -> np.ndarray:
    rows, columns = rng.integers(2, 32, size=2)
    k = min(rows, columns)
    u, _ = np.linalg.qr(rng.normal(size=(rows, k)))
    v, _ = np.linalg.qr(rng.normal(size=(columns, k)))
    return (u * np.logspace(0, -np.log10(spread), k)) @ v.T * rng.uniform(0.01, 100)


def newton_schulz_table(matrices: int) -> None:
    print(f"One Newton-Schulz call, float64 against torch's bfloat16 ({matrices} random matrices "
          f"per spread; u = 2^-8 = {UNIT_ROUNDOFF:.3g})")
    print(f"{'spread':>8} {'median':>9} {'99th pct':>9} {'max':>9} {'max / u':>8}")
    rng = np.random.default_rng(0)
    for spread in SPREADS:
        differences = []
        for _ in range(matrices):
            matrix = random_matrix(rng, spread)
            ours = MUON.newton_schulz(matrix)
            torchs = newton_schulz_bfloat16(matrix, MUON.NEWTON_SCHULZ, 5, 1e-7)
            differences.append(np.linalg.norm(torchs - ours) / np.linalg.norm(ours))
        d = np.array(differences)
        print(f"{spread:>8g} {np.median(d):>9.2e} {np.quantile(d, 0.99):>9.2e} {d.max():>9.2e} "
              f"{d.max() / UNIT_ROUNDOFF:>8.1f}")


def trajectory_table() -> None:
    from test_reference_muon import CASES, steps_against_torch  # noqa: PLC0415

    steps = [step for case in CASES for step in steps_against_torch(case)]
    print(f"\nSteps of torch's trajectories ({len(CASES)} cases, {len(steps)} steps): "
          "optimlab's float64 step against torch's")
    print(f"{'spread at most':>15} {'steps':>6} {'max difference':>15} {'max / u':>8}")
    for bound in (*SPREADS, np.inf):
        within = [d for spread, d in steps if spread <= bound]
        worst = max(within)
        print(f"{bound:>15g} {len(within):>6} {worst:>15.2e} {worst / UNIT_ROUNDOFF:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matrices", type=int, default=300)
    newton_schulz_table(parser.parse_args().matrices)
    trajectory_table()


if __name__ == "__main__":
    main()
