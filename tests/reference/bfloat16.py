"""torch.optim.Muon's Newton-Schulz iteration as torch 2.13 computes it on the CPU, in bfloat16,
emulated with numpy: every operation torch performs on a bfloat16 tensor is computed in float32
(as torch's CPU kernels do) and rounded to bfloat16 (8 significant bits, round to nearest even).

tests/test_reference_muon.py checks that it gives torch's results bit for bit on the matrices
of ``part4_muon.json``, so that it stands in for torch when the tests and
benchmarks/muon_precision.py ask how far optimlab's float64 iteration is from torch's.

Example:
    >>> float(to_bfloat16(1 + 2**-8)), float(to_bfloat16(1 + 3 * 2**-8))  # ties to even
    (1.0, 1.015625)
"""

from __future__ import annotations

import numpy as np

UNIT_ROUNDOFF = 2.0**-8
"""bfloat16's unit roundoff: 8 significant bits, so a rounding errs by at most 2^-8 relative."""


def to_bfloat16(a) -> np.ndarray:
    """``a`` rounded to float32, then to the nearest bfloat16 (ties to even), as float64."""
    bits = np.array(a, dtype=np.float32).view(np.uint32)
    bits = bits.astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000).astype(np.uint32)
    return rounded.view(np.float32).astype(np.float64)


def newton_schulz_bfloat16(update: np.ndarray, coefficients, steps: int, eps: float
                           ) -> np.ndarray:
    """torch.optim._muon._zeropower_via_newtonschulz on one matrix ``(m, n)``, emulated: the
    same operations as optimlab's float64 ``newton_schulz``, each result rounded to bfloat16
    (the norm's sum of squares and each product accumulated in float32)."""
    a, b, c = (float(np.float32(v)) for v in coefficients)
    x = to_bfloat16(update)
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    norm = to_bfloat16(np.sqrt(np.sum(np.float32(x) ** 2, dtype=np.float32)))
    x = to_bfloat16(x / max(float(norm), eps))
    for _ in range(steps):
        gram = to_bfloat16(np.float32(x) @ np.float32(x.T))
        combined = to_bfloat16(b * gram + c * (np.float32(gram) @ np.float32(gram)))
        x = to_bfloat16(a * x + np.float32(combined) @ np.float32(x))
    return x.T if tall else x
