"""The reference cases of Part 4's optimizers, for tests/reference/generate.py (which runs them):
Schedule-Free AdamW (schedulefree 1.4.1's AdamWScheduleFreeReference) and AdEMAMix
(pytorch-optimizer 4.1.0), compared to 1e-10; Muon (torch.optim.Muon, torch 2.13), whose
Newton-Schulz iteration torch runs in bfloat16, compared within the README's tolerance.

Every option of each on the running example and on problems that are not 2-D (a 5-vector, a
3-variable Rosenbrock chain, matrices); a schedule for each.
"""

from __future__ import annotations

import math

QUADRATIC = {"name": "ill_conditioned_quadratic"}
ROSENBROCK = {"name": "rosenbrock"}
DIAGONAL_5D = {"name": "diagonal_quadratic", "curvatures": [0.05, 0.5, 1.0, 4.0, 20.0]}
CONCAVE_5 = {"name": "diagonal_quadratic", "curvatures": [-0.05, -0.5, -1.0, -4.0, -20.0]}
CHAIN_3D = {"name": "rosenbrock_chain", "dimension": 3}
MATRIX_4x3 = {"name": "diagonal_quadratic",
              "curvatures": [[0.1, 1.0, 4.0], [0.5, 2.0, 0.2], [3.0, 0.3, 1.5], [1.0, 8.0, 0.05]]}
MATRIX_3x4 = {"name": "diagonal_quadratic",
              "curvatures": [[0.1, 1.0, 4.0, 0.5], [2.0, 0.2, 3.0, 0.3], [1.5, 8.0, 0.05, 1.2]]}
# The running example, 0.1 x1^2 + 5 x2^2, as a 1 x 2 matrix (torch's Muon takes matrices only).
QUADRATIC_1x2 = {"name": "diagonal_quadratic", "curvatures": [[0.2, 10.0]]}
DIAGONAL_1x5 = {"name": "diagonal_quadratic", "curvatures": [DIAGONAL_5D["curvatures"]]}


def least_squares(rows: int, inner: int, columns: int, rank_two: bool = False) -> dict:
    """0.5 ||A X - B||^2 for X of shape (inner, columns), with A and B of full rank fixed by
    sines (or, ``rank_two``, A of rank 2: sin(u + v) = sin u cos v + cos u sin v)."""
    mixed = 0.0 if rank_two else 0.4
    return {"name": "matrix_least_squares",
            "A": [[math.sin(1.0 + 0.7 * i + 1.3 * j + mixed * i * j) for j in range(inner)]
                  for i in range(rows)],
            "B": [[math.cos(0.5 + 1.1 * i - 0.6 * j + 0.3 * i * j) for j in range(columns)]
                  for i in range(rows)]}


Q0, R0, C0 = [9.0, -3.0], [-1.2, 1.0], [-1.2, 1.0, 0.8]
D0 = [3.0, -2.0, 1.5, -1.0, 0.5]
M0 = [[1.0, -2.0, 0.5], [3.0, 0.2, -1.0], [-0.7, 1.5, 2.0], [0.3, -0.4, 1.2]]
W0 = [[1.0, -2.0, 0.5, 0.8], [3.0, 0.2, -1.0, -0.6], [-0.7, 1.5, 2.0, 0.4]]
COSINE = {"name": "cosine_decay", "arguments": {"lr": 0.3, "total_steps": 60, "min_lr": 0.01}}


def schedule_free_ademamix_cases(case) -> list[dict]:
    """Schedule-Free AdamW and AdEMAMix: each option on the running example, and on Rosenbrock's
    function, a 5-vector, a 3-variable chain and a 4 x 3 matrix."""
    out = []
    schedule_free = {
        "default": {"lr": 0.5},
        "betas": {"lr": 0.5, "betas": [0.5, 0.99]},
        "eps": {"lr": 0.5, "eps": 0.1},
        "weight_decay": {"lr": 0.5, "weight_decay": 0.2},
        "decay_at_z": {"lr": 0.5, "weight_decay": 0.2, "decay_at_z": True},
        "warmup_steps": {"lr": 0.5, "warmup_steps": 10},
        "r": {"lr": 0.5, "warmup_steps": 10, "r": 1.0},
        "weight_lr_power": {"lr": 0.5, "warmup_steps": 10, "weight_lr_power": 0.5},
    }
    for label, kwargs in schedule_free.items():
        out.append(case(f"schedule_free_adamw_{label}_quadratic", "ScheduleFreeAdamW", kwargs,
                        QUADRATIC, Q0, 80))
    out += [
        case("schedule_free_adamw_rosenbrock", "ScheduleFreeAdamW",
             {"lr": 0.02, "warmup_steps": 20}, ROSENBROCK, R0, 150),
        case("schedule_free_adamw_options_diagonal5", "ScheduleFreeAdamW",
             {"lr": 0.2, "betas": [0.8, 0.99], "weight_decay": 0.1, "warmup_steps": 5,
              "r": 0.5, "weight_lr_power": 1.0}, DIAGONAL_5D, D0, 60),
        case("schedule_free_adamw_decay_at_z_rosenbrock_chain3", "ScheduleFreeAdamW",
             {"lr": 0.01, "weight_decay": 0.05, "decay_at_z": True, "eps": 1e-6},
             CHAIN_3D, C0, 80),
        case("schedule_free_adamw_matrix_4x3", "ScheduleFreeAdamW",
             {"lr": 0.1, "warmup_steps": 8, "weight_decay": 0.1}, MATRIX_4x3, M0, 50),
        case("schedule_free_adamw_cosine_decay_quadratic", "ScheduleFreeAdamW",
             {"warmup_steps": 5}, QUADRATIC, Q0, 61, schedule=COSINE),
    ]
    ademamix = {
        "default": {"lr": 0.2},
        "betas_alpha": {"lr": 0.2, "betas": [0.8, 0.99, 0.999], "alpha": 2.0},
        "t_alpha_beta3": {"lr": 0.2, "betas": [0.9, 0.999, 0.999], "t_alpha_beta3": 50.0},
        "weight_decay": {"lr": 0.2, "weight_decay": 0.2},
        "weight_decouple": {"lr": 0.2, "weight_decay": 0.3, "weight_decouple": True},
        "fixed_decay": {"lr": 0.2, "weight_decay": 0.01, "weight_decouple": True,
                        "fixed_decay": True},
        "eps": {"lr": 0.2, "eps": 0.1},
        # beta3 = 1 is allowed: the slow average never moves from 0
        "beta3_one": {"lr": 0.2, "betas": [0.9, 0.999, 1.0], "t_alpha_beta3": 20.0},
    }
    for label, kwargs in ademamix.items():
        out.append(case(f"ademamix_{label}_quadratic", "AdEMAMix", kwargs, QUADRATIC, Q0, 80))
    out += [
        case("ademamix_rosenbrock", "AdEMAMix", {"lr": 0.01, "alpha": 2.0}, ROSENBROCK, R0, 150),
        case("ademamix_t_alpha_beta3_diagonal5", "AdEMAMix",
             {"lr": 0.1, "betas": [0.9, 0.99, 0.999], "t_alpha_beta3": 30.0, "alpha": 8.0},
             DIAGONAL_5D, D0, 60),
        case("ademamix_maximize_concave5", "AdEMAMix",
             {"lr": 0.1, "maximize": True, "weight_decay": 0.1}, CONCAVE_5, D0, 50),
        case("ademamix_weight_decouple_rosenbrock_chain3", "AdEMAMix",
             {"lr": 0.01, "weight_decay": 0.1, "weight_decouple": True,
              "betas": [0.9, 0.999, 0.99]}, CHAIN_3D, C0, 80),
        case("ademamix_matrix_4x3", "AdEMAMix",
             {"lr": 0.1, "t_alpha_beta3": 20.0, "betas": [0.9, 0.999, 0.995],
              "weight_decay": 0.05, "weight_decouple": True, "fixed_decay": True,
              "maximize": False}, MATRIX_4x3, M0, 50),
        case("ademamix_cosine_decay_quadratic", "AdEMAMix", {"alpha": 3.0}, QUADRATIC, Q0, 61,
             schedule=COSINE),
    ]
    return out


def muon_cases(case) -> list[dict]:
    """Muon on matrices, tall and wide, on least squares, and on a vector as a 1 x d matrix:
    every option. torch runs Newton-Schulz in bfloat16, so the cases say so."""
    tall_problem, wide_problem = least_squares(6, 4, 3), least_squares(5, 3, 6)
    tall0 = [[0.5 * math.cos(i + 2 * j) for j in range(3)] for i in range(4)]
    wide0 = [[0.5 * math.sin(i - j) for j in range(6)] for i in range(3)]
    specs = [
        ("default_matrix_4x3", {"lr": 0.05}, MATRIX_4x3, M0, 60),
        ("default_matrix_3x4", {"lr": 0.05}, MATRIX_3x4, W0, 60),
        ("least_squares_tall", {"lr": 0.02, "weight_decay": 0.0}, tall_problem, tall0, 60),
        ("least_squares_wide", {"lr": 0.02, "momentum": 0.9}, wide_problem, wide0, 60),
        ("no_nesterov", {"lr": 0.05, "nesterov": False, "momentum": 0.8}, MATRIX_4x3, M0, 60),
        ("weight_decay", {"lr": 0.05, "weight_decay": 0.5}, MATRIX_3x4, W0, 60),
        ("ns_coefficients", {"lr": 0.05, "ns_coefficients": [2.0, -1.5, 0.5]}, tall_problem,
         tall0, 60),
        ("ns_steps", {"lr": 0.05, "ns_steps": 3}, MATRIX_4x3, M0, 60),
        ("no_ns_steps", {"lr": 0.05, "ns_steps": 0}, MATRIX_3x4, W0, 60),
        ("eps", {"lr": 0.05, "eps": 2.0}, MATRIX_4x3, M0, 60),
        ("original", {"lr": 0.05, "adjust_lr_fn": "original"}, tall_problem, tall0, 60),
        ("match_rms_adamw", {"lr": 0.02, "adjust_lr_fn": "match_rms_adamw"}, wide_problem,
         wide0, 60),
        ("quadratic_1x2", {"lr": 0.3}, QUADRATIC_1x2, [Q0], 60),
        ("diagonal_1x5", {"lr": 0.1, "adjust_lr_fn": "match_rms_adamw"}, DIAGONAL_1x5, [D0],
         60),
        # A of rank 2: the updates have a third singular value of zero, which bfloat16's
        # rounding turns into noise that Newton-Schulz magnifies (the README says how much)
        ("rank_deficient", {"lr": 0.02}, least_squares(6, 4, 3, rank_two=True), tall0, 60),
    ]
    out = [{**case(f"muon_{label}", "Muon", kwargs, function, x0, steps),
            "precision": "bfloat16"} for label, kwargs, function, x0, steps in specs]
    out.append({**case("muon_cosine_decay_matrix_3x4", "Muon", {"weight_decay": 0.05},
                       MATRIX_3x4, W0, 61, schedule={**COSINE, "arguments": {
                           **COSINE["arguments"], "lr": 0.1}}), "precision": "bfloat16"})
    return out


def newton_schulz_cases() -> list[dict]:
    """torch's Newton-Schulz alone (torch.optim._muon._zeropower_via_newtonschulz, bfloat16) on
    matrices with known singular values: U diag(s) V^T from seeded orthogonal factors."""
    import torch
    from torch.optim._muon import _zeropower_via_newtonschulz

    generator = torch.Generator().manual_seed(0)
    out = []
    shapes = [(2, 2), (4, 3), (3, 4), (8, 8), (16, 6), (6, 16), (32, 32), (1, 5)]
    for rows, columns in shapes:
        for spread in (1.0, 30.0, 1e3):
            k = min(rows, columns)
            u, _ = torch.linalg.qr(torch.randn(rows, k, generator=generator,
                                               dtype=torch.float64))
            v, _ = torch.linalg.qr(torch.randn(columns, k, generator=generator,
                                               dtype=torch.float64))
            singular = torch.logspace(0, -math.log10(spread), k, dtype=torch.float64)
            matrix = u @ torch.diag(singular) @ v.T
            result = _zeropower_via_newtonschulz(matrix, (3.4445, -4.7750, 2.0315), 5, 1e-7)
            out.append({"shape": [rows, columns], "spread": spread, "input": matrix.tolist(),
                        "output": result.double().tolist()})
    return out


VERSIONS = {"ScheduleFreeAdamW": ("schedulefree_version", "schedulefree"),
            "AdEMAMix": ("pytorch_optimizer_version", "pytorch-optimizer")}
# What a fixture holds besides its cases.
EXTRAS = {"part4_muon.json": {"newton_schulz": newton_schulz_cases}}
