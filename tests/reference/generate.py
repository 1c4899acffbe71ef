"""Regenerate the reference trajectories: every ``*.json`` fixture in this folder,
``torch_trajectories.json`` (torch.optim's classic optimizers) and one ``family_*.json`` per part
of Adam's family.

Run by hand, in an environment that has PyTorch (never the book's or the package's
environment: torch is not a dependency of optimlab, and the tests only read the fixtures):

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchvenv/bin/pip install lion-pytorch==0.2.5 torch-adopt==0.1.0
    /tmp/torchvenv/bin/pip install schedulefree==1.4.1 pytorch-optimizer==4.1.0
    /tmp/torchvenv/bin/python tests/reference/generate.py            # every fixture
    /tmp/torchvenv/bin/python tests/reference/generate.py family_nadam_radam_adamax_lion.json

(``torch-adopt`` is the ADOPT authors' package, imported as ``adopt``; the PyPI package named
``adopt`` is an unrelated one.) ``family_adafactor_adopt.json`` was produced with torch
2.13.0+cpu and torch-adopt 0.1.0, float64. ``keywords_maximize_decoupled.json`` (torch's
``maximize`` on the nine torch.optim rules and on ADOPT, and Adam's ``decoupled_weight_decay``,
on 2-D problems, a 5-vector and a 3x4 matrix) was produced with torch 2.13.0+cpu and
torch-adopt 0.1.0 under Python 3.11, float64; all four fixtures were regenerated then, with
the same versions, to record each case's ``settings`` (their trajectories did not change).

The fixtures were produced with PyTorch 2.13.0 (CPU build), float64 throughout;
``family_nadam_radam_adamax_lion.json`` (NAdam, RAdam, Adamax from torch.optim, Lion from
lion-pytorch 0.2.5, which needs torch and is its reference implementation) also records the
lion-pytorch version. Each case runs
one ``torch.optim`` optimizer on one function, with the gradient computed by autograd, and
records every iterate. The case also records everything ``tests/test_reference.py`` needs to
repeat the run with optimlab: the optimizer's name and keyword arguments (the same names in
both libraries), the function (an optimlab test function by name, or a function the test
defines by the same formula: ``diagonal_quadratic`` with its curvatures, the
``rosenbrock_chain`` of scipy.optimize.rosen in ``dimension`` variables), the start, the number
of steps, the learning-rate schedule and the gradient clipping, if any, and the learning rate
torch used at every step. It records too, as ``settings``, every hyperparameter the reference
optimizer held when the case started (its parameter group, without the implementation flags
``foreach``, ``fused``, ``capturable`` and ``differentiable``): the given keyword arguments and
the reference's defaults for the rest. tests/test_reference.py requires optimlab to take each
of them, with the same default, so a default changed in optimlab alone fails there.

Part 4's optimizers (``part4_cases.py`` lists their cases): ``part4_schedule_free_ademamix.json``
(Schedule-Free AdamW from schedulefree 1.4.1's ``AdamWScheduleFreeReference``, run in ``train()``
mode and recording, after each step, what its ``eval()`` gives as ``evaluated``; AdEMAMix from
pytorch-optimizer 4.1.0) and ``part4_muon.json`` (torch.optim.Muon, whose Newton-Schulz iteration
runs in bfloat16 whatever the parameters' dtype: its cases say ``"precision": "bfloat16"`` and are
compared within the tolerance the README states, and the file also holds torch's Newton-Schulz
on its own, ``newton_schulz``), produced with torch 2.13.0+cpu under Python 3.11.

Schedules: ``step_decay``, ``exponential_decay`` and ``cosine_decay`` are driven here by
torch's own ``StepLR``, ``ExponentialLR`` and ``CosineAnnealingLR`` (so the fixture also shows
that optimlab's formulas equal torch's schedulers); ``warmup_cosine`` has no torch scheduler
and is written out below from its definition, setting ``group["lr"]`` before each step.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import part4_cases

try:
    import torch
except ImportError:  # pytest --doctest-modules imports this file where torch is absent
    torch = None

FOLDER = Path(__file__).parent

QUADRATIC = {"name": "ill_conditioned_quadratic"}
ROSENBROCK = {"name": "rosenbrock"}
CLIFF = {"name": "cliff"}
DIAGONAL_5D = {"name": "diagonal_quadratic", "curvatures": [0.05, 0.5, 1.0, 4.0, 20.0]}
CHAIN_3D = {"name": "rosenbrock_chain", "dimension": 3}


def objective(function: dict, x: torch.Tensor) -> torch.Tensor:
    """The function named in a case, written in torch for autograd."""
    name = function["name"]
    if name == "ill_conditioned_quadratic":
        return 0.1 * x[0] ** 2 + 5.0 * x[1] ** 2
    if name == "rosenbrock":
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    if name == "cliff":
        return 0.05 * ((x[0] - 3) ** 2 + x[1] ** 2) + 5.0 * (1 - torch.tanh(20.0 * x[0]))
    if name == "diagonal_quadratic":  # curvatures and x0 may be matrices (Adafactor's path)
        curvatures = torch.tensor(function["curvatures"], dtype=torch.float64)
        return 0.5 * torch.sum(curvatures * x**2)
    if name == "matrix_least_squares":  # 0.5 ||A X - B||_F^2 for a matrix X
        a, b = (torch.tensor(function[k], dtype=torch.float64) for k in ("A", "B"))
        return 0.5 * torch.sum((a @ x - b) ** 2)
    if name == "rosenbrock_chain":
        return torch.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    raise ValueError(f"unknown function {name!r}")


def warmup_cosine(peak, warmup_steps, total_steps, min_lr=0.0):
    """Linear warm-up over ``warmup_steps`` steps, then half a cosine down to ``min_lr``."""

    def rate(t):
        if t <= warmup_steps:
            return peak * t / warmup_steps
        fraction = min(t - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)
        return min_lr + (peak - min_lr) * (1 + math.cos(math.pi * fraction)) / 2

    return rate


TORCH_SCHEDULERS = {
    "step_decay": ("StepLR", lambda a: {"step_size": a["step_size"], "gamma": a["gamma"]}),
    "exponential_decay": ("ExponentialLR", lambda a: {"gamma": a["gamma"]}),
    "cosine_decay": ("CosineAnnealingLR",
                     lambda a: {"T_max": a["total_steps"], "eta_min": a.get("min_lr", 0.0)}),
}


def optimizer_class_of(name: str):
    """torch.optim's class of that name, lion-pytorch's ``Lion``, or ADOPT from the authors'
    ``torch-adopt``."""
    if name == "Lion":
        from lion_pytorch import Lion
        return Lion
    if name == "ADOPT":
        from adopt import ADOPT
        return ADOPT
    if name == "ScheduleFreeAdamW":
        from schedulefree import AdamWScheduleFreeReference
        return AdamWScheduleFreeReference
    if name == "AdEMAMix":
        from pytorch_optimizer import AdEMAMix
        return AdEMAMix
    return getattr(torch.optim, name)


# Parameter-group entries that choose how torch computes, not what: they change no trajectory.
# Schedule-Free's reference also keeps its step counter, running sums and mode in the group.
IMPLEMENTATION_FLAGS = {"params", "foreach", "fused", "capturable", "differentiable",
                        "k", "train_mode", "weight_sum", "lr_max", "scheduled_lr"}


def as_json(value):
    """A hyperparameter as JSON (tuples as lists, a 0-d tensor as its number)."""
    if isinstance(value, (tuple, list)):
        return [as_json(v) for v in value]
    if torch is not None and isinstance(value, torch.Tensor):
        return value.item()
    return value


def settings_of(optimizer) -> dict:
    """Every hyperparameter of the reference optimizer's one parameter group (and
    pytorch-optimizer's ``maximize``, which it keeps on the optimizer, not in the group)."""
    settings = {key: as_json(value) for key, value in optimizer.param_groups[0].items()
                if key not in IMPLEMENTATION_FLAGS}
    if type(optimizer).__module__.startswith("pytorch_optimizer"):
        settings.setdefault("maximize", optimizer.maximize)
    return settings


def run_case(case: dict) -> dict:
    x = torch.tensor(case["x0"], dtype=torch.float64, requires_grad=True)
    optimizer_class_ = optimizer_class_of(case["optimizer"])
    kwargs = dict(case["kwargs"])
    schedule = case.get("schedule")
    rate = None
    scheduler = None
    if schedule is not None:
        arguments = schedule["arguments"]
        if schedule["name"] in TORCH_SCHEDULERS:
            scheduler_name, translate = TORCH_SCHEDULERS[schedule["name"]]
            kwargs["lr"] = arguments["lr"]
        else:
            rate = warmup_cosine(**arguments)
            kwargs["lr"] = rate(1)
    optimizer = optimizer_class_([x], **kwargs)
    settings = settings_of(optimizer)
    schedule_free = case["optimizer"] == "ScheduleFreeAdamW"
    if schedule_free:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints each switch of mode
            optimizer.train()  # gradients are taken at y, in train mode
    evaluated = [x.detach().tolist()]
    if schedule is not None and rate is None:
        scheduler = getattr(torch.optim.lr_scheduler, scheduler_name)(
            optimizer, **translate(schedule["arguments"]))
    clip = case.get("clip")
    trajectory = [x.detach().tolist()]
    rates = []
    for t in range(1, case["steps"] + 1):
        if rate is not None:
            optimizer.param_groups[0]["lr"] = rate(t)
        optimizer.zero_grad()
        objective(case["function"], x).backward()
        if clip is not None and clip["kind"] == "norm":
            torch.nn.utils.clip_grad_norm_([x], clip["max_norm"])
        elif clip is not None and clip["kind"] == "value":
            torch.nn.utils.clip_grad_value_([x], clip["clip_value"])
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        trajectory.append(x.detach().tolist())
        if schedule_free:
            with contextlib.redirect_stdout(io.StringIO()):  # it prints each switch of mode
                optimizer.eval()
                evaluated.append(x.detach().tolist())
                optimizer.train()
    result = {**case, "settings": settings, "lrs": rates, "trajectory": trajectory}
    return {**result, "evaluated": evaluated} if schedule_free else result


def case(name, optimizer, kwargs, function, x0, steps, schedule=None, clip=None):
    spec = {"name": name, "optimizer": optimizer, "kwargs": kwargs, "function": function,
            "x0": x0, "steps": steps}
    if schedule is not None:
        spec["schedule"] = schedule
    if clip is not None:
        spec["clip"] = clip
    return spec


def cases() -> list[dict]:
    q0, r0, d0, c0 = [9.0, -3.0], [-1.2, 1.0], [3.0, -2.0, 1.5, -1.0, 0.5], [-1.2, 1.0, 0.8]
    out = []
    # SGD: every option, on the quadratic, Rosenbrock and the 5-D quadratic.
    sgd_options = {
        "plain": {"lr": 0.09},
        "momentum": {"lr": 0.02, "momentum": 0.9},
        "dampening": {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
        "nesterov": {"lr": 0.02, "momentum": 0.9, "nesterov": True},
        "weight_decay": {"lr": 0.05, "weight_decay": 0.1},
        "momentum_weight_decay": {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.2},
    }
    for label, kwargs in sgd_options.items():
        out.append(case(f"sgd_{label}_quadratic", "SGD", kwargs, QUADRATIC, q0, 60))
    out.append(case("sgd_momentum_rosenbrock", "SGD", {"lr": 1e-3, "momentum": 0.9},
                    ROSENBROCK, r0, 80))
    out.append(case("sgd_nesterov_diagonal5", "SGD",
                    {"lr": 0.04, "momentum": 0.7, "nesterov": True}, DIAGONAL_5D, d0, 50))
    # Adagrad.
    adagrad_options = {
        "default": {"lr": 0.5},
        "lr_decay": {"lr": 0.5, "lr_decay": 0.05},
        "initial_accumulator_value": {"lr": 0.5, "initial_accumulator_value": 2.0},
        "weight_decay": {"lr": 0.5, "weight_decay": 0.3},
        "eps": {"lr": 0.5, "eps": 0.5},
    }
    for label, kwargs in adagrad_options.items():
        out.append(case(f"adagrad_{label}_quadratic", "Adagrad", kwargs, QUADRATIC, q0, 60))
    out.append(case("adagrad_default_rosenbrock", "Adagrad", {"lr": 0.3}, ROSENBROCK, r0, 80))
    # RMSprop.
    rmsprop_options = {
        "default": {"lr": 0.05},
        "centered": {"lr": 0.05, "centered": True},
        "momentum": {"lr": 0.02, "momentum": 0.8},
        "centered_momentum": {"lr": 0.02, "momentum": 0.8, "centered": True, "alpha": 0.9},
        "weight_decay": {"lr": 0.05, "weight_decay": 0.2, "eps": 1e-4},
    }
    for label, kwargs in rmsprop_options.items():
        out.append(case(f"rmsprop_{label}_quadratic", "RMSprop", kwargs, QUADRATIC, q0, 60))
    out.append(case("rmsprop_centered_rosenbrock_chain3", "RMSprop",
                    {"lr": 0.005, "centered": True}, CHAIN_3D, c0, 60))
    # Adam and AdamW.
    adam_options = {
        "default": {"lr": 0.2},
        "amsgrad": {"lr": 0.2, "amsgrad": True},
        "weight_decay": {"lr": 0.2, "weight_decay": 0.5},
        "eps_betas": {"lr": 0.3, "betas": [0.5, 0.9], "eps": 0.1},
    }
    for label, kwargs in adam_options.items():
        out.append(case(f"adam_{label}_quadratic", "Adam", kwargs, QUADRATIC, q0, 60))
    out.append(case("adam_default_rosenbrock", "Adam", {"lr": 0.1}, ROSENBROCK, r0, 100))
    out.append(case("adam_amsgrad_rosenbrock_chain3", "Adam",
                    {"lr": 0.02, "amsgrad": True, "betas": [0.8, 0.99]}, CHAIN_3D, c0, 60))
    out.append(case("adam_default_diagonal5", "Adam", {"lr": 0.1}, DIAGONAL_5D, d0, 50))
    out.append(case("adamw_default_quadratic", "AdamW", {"lr": 0.2}, QUADRATIC, q0, 60))
    out.append(case("adamw_weight_decay_amsgrad_quadratic", "AdamW",
                    {"lr": 0.2, "weight_decay": 0.3, "amsgrad": True}, QUADRATIC, q0, 60))
    out.append(case("adamw_weight_decay_rosenbrock", "AdamW",
                    {"lr": 0.05, "weight_decay": 0.1}, ROSENBROCK, r0, 60))
    # Schedules: torch's schedulers where optimlab's formula is meant to match one.
    out.append(case("sgd_step_decay_quadratic", "SGD", {"momentum": 0.5}, QUADRATIC, q0, 60,
                    schedule={"name": "step_decay",
                              "arguments": {"lr": 0.09, "step_size": 15, "gamma": 0.5}}))
    out.append(case("adam_exponential_decay_quadratic", "Adam", {}, QUADRATIC, q0, 60,
                    schedule={"name": "exponential_decay",
                              "arguments": {"lr": 0.5, "gamma": 0.95}}))
    out.append(case("adam_cosine_decay_rosenbrock", "Adam", {}, ROSENBROCK, r0, 61,
                    schedule={"name": "cosine_decay",
                              "arguments": {"lr": 0.1, "total_steps": 60, "min_lr": 0.001}}))
    out.append(case("rmsprop_cosine_decay_quadratic", "RMSprop", {}, QUADRATIC, q0, 41,
                    schedule={"name": "cosine_decay",
                              "arguments": {"lr": 0.1, "total_steps": 40}}))
    out.append(case("adamw_warmup_cosine_quadratic", "AdamW", {"weight_decay": 0.05},
                    QUADRATIC, q0, 60,
                    schedule={"name": "warmup_cosine",
                              "arguments": {"peak": 0.5, "warmup_steps": 10,
                                            "total_steps": 50, "min_lr": 0.01}}))
    # Gradient clipping on the cliff, where it matters.
    out.append(case("sgd_clip_norm_cliff", "SGD", {"lr": 0.5}, CLIFF, [-0.3, 2.0], 60,
                    clip={"kind": "norm", "max_norm": 1.0}))
    out.append(case("adam_clip_norm_cliff", "Adam", {"lr": 0.1}, CLIFF, [-0.3, 2.0], 60,
                    clip={"kind": "norm", "max_norm": 2.0}))
    out.append(case("sgd_clip_value_cliff", "SGD", {"lr": 0.5}, CLIFF, [-0.3, 2.0], 60,
                    clip={"kind": "value", "clip_value": 0.5}))
    return out


def family_nadam_radam_adamax_lion_cases() -> list[dict]:
    """NAdam, RAdam, Adamax and Lion: every option on at least two functions, one of them
    in 3 or 5 dimensions, and a schedule for two of them."""
    q0, r0, d0, c0 = [9.0, -3.0], [-1.2, 1.0], [3.0, -2.0, 1.5, -1.0, 0.5], [-1.2, 1.0, 0.8]
    out = []
    nadam_options = {
        "default": {"lr": 0.2},
        "weight_decay": {"lr": 0.2, "weight_decay": 0.3},
        "decoupled_weight_decay": {"lr": 0.2, "weight_decay": 0.3,
                                   "decoupled_weight_decay": True},
        "momentum_decay_betas_eps": {"lr": 0.1, "momentum_decay": 0.05,
                                     "betas": [0.8, 0.99], "eps": 1e-3},
    }
    for label, kwargs in nadam_options.items():
        out.append(case(f"nadam_{label}_quadratic", "NAdam", kwargs, QUADRATIC, q0, 60))
    out.append(case("nadam_momentum_decay_rosenbrock", "NAdam",
                    {"lr": 0.05, "momentum_decay": 0.02, "eps": 1e-6}, ROSENBROCK, r0, 100))
    out.append(case("nadam_weight_decay_diagonal5", "NAdam",
                    {"lr": 0.1, "weight_decay": 0.1, "betas": [0.85, 0.995], "eps": 1e-4},
                    DIAGONAL_5D, d0, 50))
    out.append(case("nadam_decoupled_weight_decay_rosenbrock_chain3", "NAdam",
                    {"lr": 0.02, "weight_decay": 0.2, "decoupled_weight_decay": True,
                     "momentum_decay": 0.01}, CHAIN_3D, c0, 60))
    radam_options = {
        "default": {"lr": 0.2},
        "weight_decay": {"lr": 0.2, "weight_decay": 0.3},
        "decoupled_weight_decay": {"lr": 0.2, "weight_decay": 0.3,
                                   "decoupled_weight_decay": True},
        "betas_eps": {"lr": 0.1, "betas": [0.8, 0.9], "eps": 1e-2},
        # rho_inf = 3 <= 5: never rectified, bias-corrected momentum at every step.
        "low_beta2": {"lr": 0.02, "betas": [0.9, 0.5]},
    }
    for label, kwargs in radam_options.items():
        out.append(case(f"radam_{label}_quadratic", "RAdam", kwargs, QUADRATIC, q0, 60))
    out.append(case("radam_default_rosenbrock", "RAdam", {"lr": 0.002}, ROSENBROCK, r0, 100))
    out.append(case("radam_weight_decay_betas_diagonal5", "RAdam",
                    {"lr": 0.1, "weight_decay": 0.05, "betas": [0.85, 0.99], "eps": 1e-6},
                    DIAGONAL_5D, d0, 50))
    out.append(case("radam_decoupled_weight_decay_rosenbrock_chain3", "RAdam",
                    {"lr": 0.002, "weight_decay": 0.1, "decoupled_weight_decay": True},
                    CHAIN_3D, c0, 60))
    adamax_options = {
        "default": {"lr": 0.2},
        "weight_decay": {"lr": 0.2, "weight_decay": 0.3},
        "betas_eps": {"lr": 0.3, "betas": [0.5, 0.9], "eps": 0.1},
    }
    for label, kwargs in adamax_options.items():
        out.append(case(f"adamax_{label}_quadratic", "Adamax", kwargs, QUADRATIC, q0, 60))
    out.append(case("adamax_default_rosenbrock", "Adamax", {"lr": 0.05}, ROSENBROCK, r0, 100))
    out.append(case("adamax_weight_decay_eps_diagonal5", "Adamax",
                    {"lr": 0.1, "weight_decay": 0.1, "eps": 1e-3}, DIAGONAL_5D, d0, 50))
    out.append(case("adamax_betas_rosenbrock_chain3", "Adamax",
                    {"lr": 0.02, "betas": [0.8, 0.99]}, CHAIN_3D, c0, 60))
    lion_options = {
        "default": {"lr": 0.02},
        "weight_decay": {"lr": 0.02, "weight_decay": 1.0},
        "betas": {"lr": 0.05, "betas": [0.95, 0.98]},
    }
    for label, kwargs in lion_options.items():
        out.append(case(f"lion_{label}_quadratic", "Lion", kwargs, QUADRATIC, q0, 60))
    out.append(case("lion_default_rosenbrock", "Lion", {"lr": 0.005}, ROSENBROCK, r0, 100))
    out.append(case("lion_weight_decay_diagonal5", "Lion",
                    {"lr": 0.01, "weight_decay": 0.5}, DIAGONAL_5D, d0, 50))
    out.append(case("lion_betas_weight_decay_rosenbrock_chain3", "Lion",
                    {"lr": 0.005, "betas": [0.8, 0.9], "weight_decay": 0.1},
                    CHAIN_3D, c0, 60))
    # Schedules: Lion's decay uses the scheduled rate; NAdam's step too.
    out.append(case("lion_cosine_decay_quadratic", "Lion", {"weight_decay": 0.5},
                    QUADRATIC, q0, 61,
                    schedule={"name": "cosine_decay",
                              "arguments": {"lr": 0.1, "total_steps": 60, "min_lr": 0.001}}))
    out.append(case("nadam_warmup_cosine_quadratic", "NAdam",
                    {"weight_decay": 0.05, "decoupled_weight_decay": True}, QUADRATIC, q0, 60,
                    schedule={"name": "warmup_cosine",
                              "arguments": {"peak": 0.5, "warmup_steps": 10,
                                            "total_steps": 50, "min_lr": 0.01}}))
    return out


# Adam's family: Adafactor (torch.optim) and ADOPT (torch-adopt). Adafactor's exact cases are
# convex: its RMS-relative step makes rounding (about one ulp a step) grow on a chaotic function
# such as Rosenbrock's, to 3e-3 after 300 steps, which says nothing about the rule.
MATRIX_4x3 = {"name": "diagonal_quadratic",
              "curvatures": [[0.1, 1.0, 4.0], [0.5, 2.0, 0.2], [3.0, 0.3, 1.5], [1.0, 8.0, 0.05]]}
STACK_2x3x4 = {"name": "diagonal_quadratic",
               "curvatures": [[[0.1 * (1 + i + 2 * j + 3 * k) for k in range(4)]
                               for j in range(3)] for i in range(2)]}


def family_adafactor_adopt_cases() -> list[dict]:
    q0, d0, c0 = [9.0, -3.0], [3.0, -2.0, 1.5, -1.0, 0.5], [-1.2, 1.0, 0.8]
    m0 = [[1.0, -2.0, 0.5], [3.0, 0.2, -1.0], [-0.7, 1.5, 2.0], [0.3, -0.4, 1.2]]
    s0 = [[[math.sin(1.0 + i + 3 * j + 5 * k) for k in range(4)] for j in range(3)]
          for i in range(2)]
    out = []
    adafactor_options = {
        "default": {},
        "lr": {"lr": 0.2},
        "beta2_decay": {"lr": 0.1, "beta2_decay": -0.5},
        "eps": {"lr": 0.1, "eps": [1e-3, 0.5]},
        "d": {"lr": 0.3, "d": 2.0},
        "weight_decay": {"lr": 0.1, "weight_decay": 0.5},
    }
    for label, kwargs in adafactor_options.items():
        out.append(case(f"adafactor_{label}_quadratic", "Adafactor", kwargs, QUADRATIC, q0, 80))
    out.append(case("adafactor_weight_decay_diagonal5", "Adafactor",
                    {"lr": 0.05, "weight_decay": 0.2, "d": 1.5}, DIAGONAL_5D, d0, 60))
    out.append(case("adafactor_matrix_4x3", "Adafactor", {"lr": 0.1}, MATRIX_4x3, m0, 60))
    out.append(case("adafactor_matrix_4x3_options", "Adafactor",
                    {"lr": 0.2, "beta2_decay": -0.6, "eps": [1e-2, 1e-3], "d": 1.2,
                     "weight_decay": 0.1}, MATRIX_4x3, m0, 60))
    out.append(case("adafactor_stack_2x3x4", "Adafactor", {"lr": 0.05}, STACK_2x3x4, s0, 40))
    out.append(case("adafactor_exponential_decay_quadratic", "Adafactor",
                    {"weight_decay": 0.1}, QUADRATIC, q0, 60,
                    schedule={"name": "exponential_decay",
                              "arguments": {"lr": 0.3, "gamma": 0.97}}))
    adopt_options = {
        "default": {},
        "lr": {"lr": 0.1},
        "betas": {"lr": 0.1, "betas": [0.5, 0.9]},
        "eps": {"lr": 0.1, "eps": 0.5},
        "weight_decay": {"lr": 0.1, "weight_decay": 0.3},
        "decouple": {"lr": 0.1, "weight_decay": 0.3, "decouple": True},
    }
    for label, kwargs in adopt_options.items():
        out.append(case(f"adopt_{label}_quadratic", "ADOPT", kwargs, QUADRATIC, q0, 80))
    out.append(case("adopt_default_rosenbrock", "ADOPT", {"lr": 0.05}, ROSENBROCK, [-1.2, 1.0],
                    100))
    out.append(case("adopt_betas_rosenbrock_chain3", "ADOPT",
                    {"lr": 0.02, "betas": [0.8, 0.99]}, CHAIN_3D, c0, 80))
    out.append(case("adopt_decouple_diagonal5", "ADOPT",
                    {"lr": 0.05, "weight_decay": 0.1, "decouple": True}, DIAGONAL_5D, d0, 60))
    out.append(case("adopt_matrix_4x3", "ADOPT", {"lr": 0.1}, MATRIX_4x3, m0, 40))
    out.append(case("adopt_cosine_decay_quadratic", "ADOPT", {"betas": [0.9, 0.99]},
                    QUADRATIC, q0, 61,
                    schedule={"name": "cosine_decay",
                              "arguments": {"lr": 0.2, "total_steps": 60, "min_lr": 0.01}}))
    out.append(case("adopt_clip_norm_cliff", "ADOPT", {"lr": 0.1}, CLIFF, [-0.3, 2.0], 60,
                    clip={"kind": "norm", "max_norm": 2.0}))
    return out


# torch's keywords that change the maths, added with the catalogue: maximize (all nine
# torch.optim rules and ADOPT) and Adam's decoupled_weight_decay. Each on a 5-vector and a 3x4
# matrix as well as in 2-D. Maximizing a concave quadratic (negative curvatures) is minimizing a
# convex one, so these runs converge; with weight decay they check that the gradient's sign is
# flipped before the decay is added, as torch does it.
CONCAVE_5 = {"name": "diagonal_quadratic", "curvatures": [-0.05, -0.5, -1.0, -4.0, -20.0]}
CONCAVE_3x4 = {"name": "diagonal_quadratic",
               "curvatures": [[-0.1, -1.0, -4.0, -0.5], [-2.0, -0.2, -3.0, -0.3],
                              [-1.5, -8.0, -0.05, -1.2]]}
MATRIX_3x4 = {"name": "diagonal_quadratic",
              "curvatures": [[-c for c in row] for row in CONCAVE_3x4["curvatures"]]}
CONCAVE_2 = {"name": "diagonal_quadratic", "curvatures": [-0.2, -10.0]}


def keywords_cases() -> list[dict]:
    q0, d0 = [9.0, -3.0], [3.0, -2.0, 1.5, -1.0, 0.5]
    m0 = [[1.0, -2.0, 0.5, 0.8], [3.0, 0.2, -1.0, -0.6], [-0.7, 1.5, 2.0, 0.4]]
    out = []
    # (optimizer, learning rate, options for the vector case, options for the matrix case)
    maximizing = [
        ("SGD", 0.04, {"momentum": 0.9, "weight_decay": 0.1},
         {"momentum": 0.8, "dampening": 0.3}),
        ("SGD", 0.04, {"momentum": 0.7, "nesterov": True}, {}),
        ("Adagrad", 0.5, {"weight_decay": 0.2, "lr_decay": 0.01},
         {"initial_accumulator_value": 0.5}),
        ("RMSprop", 0.02, {"weight_decay": 0.1, "momentum": 0.5},
         {"centered": True, "alpha": 0.9}),
        ("Adam", 0.1, {"weight_decay": 0.2}, {"amsgrad": True, "betas": [0.8, 0.99]}),
        ("AdamW", 0.1, {"weight_decay": 0.2, "eps": 1e-4}, {"amsgrad": True}),
        ("NAdam", 0.1, {"weight_decay": 0.2}, {"decoupled_weight_decay": True,
                                               "weight_decay": 0.1}),
        ("RAdam", 0.1, {"weight_decay": 0.2}, {"decoupled_weight_decay": True,
                                               "weight_decay": 0.1}),
        ("Adamax", 0.1, {"weight_decay": 0.2}, {"betas": [0.8, 0.99]}),
        ("Adafactor", 0.1, {"weight_decay": 0.2}, {"d": 1.5, "beta2_decay": -0.6}),
        ("ADOPT", 0.1, {"weight_decay": 0.2}, {"decouple": True, "weight_decay": 0.1}),
    ]
    for index, (name, lr, vector, matrix) in enumerate(maximizing):
        label = name.lower() + ("_nesterov" if vector.get("nesterov") else "")
        out.append(case(f"{label}_maximize_concave5", name,
                        {"lr": lr, "maximize": True, **vector}, CONCAVE_5, d0, 50))
        if matrix or index == 0:
            out.append(case(f"{label}_maximize_concave_3x4", name,
                            {"lr": lr, "maximize": True, **matrix}, CONCAVE_3x4, m0, 40))
    out.append(case("adam_maximize_concave2", "Adam", {"lr": 0.2, "maximize": True},
                    CONCAVE_2, q0, 60))
    out.append(case("adafactor_maximize_concave2", "Adafactor", {"lr": 0.2, "maximize": True},
                    CONCAVE_2, q0, 60))
    # Adam(decoupled_weight_decay=True) is AdamW: in 2-D, on a 5-vector, on a 3x4 matrix, with
    # AMSGrad, with a schedule, and with maximize.
    decoupled = {"decoupled_weight_decay": True}
    out.append(case("adam_decoupled_weight_decay_quadratic", "Adam",
                    {"lr": 0.2, "weight_decay": 0.3, **decoupled}, QUADRATIC, q0, 60))
    out.append(case("adam_decoupled_weight_decay_amsgrad_diagonal5", "Adam",
                    {"lr": 0.1, "weight_decay": 0.1, "amsgrad": True, **decoupled},
                    DIAGONAL_5D, d0, 50))
    out.append(case("adam_decoupled_weight_decay_matrix_3x4", "Adam",
                    {"lr": 0.1, "weight_decay": 0.2, "betas": [0.8, 0.99], "eps": 1e-6,
                     **decoupled}, MATRIX_3x4, m0, 40))
    out.append(case("adam_decoupled_weight_decay_rosenbrock", "Adam",
                    {"lr": 0.05, "weight_decay": 0.1, **decoupled}, ROSENBROCK, [-1.2, 1.0], 80))
    out.append(case("adam_decoupled_weight_decay_maximize_concave5", "Adam",
                    {"lr": 0.1, "weight_decay": 0.2, "maximize": True, **decoupled},
                    CONCAVE_5, d0, 50))
    out.append(case("adam_decoupled_weight_decay_warmup_cosine_quadratic", "Adam",
                    {"weight_decay": 0.05, **decoupled}, QUADRATIC, q0, 60,
                    schedule={"name": "warmup_cosine",
                              "arguments": {"peak": 0.5, "warmup_steps": 10,
                                            "total_steps": 50, "min_lr": 0.01}}))
    # AdamW's betas and eps, which no case varied before.
    out.append(case("adamw_betas_eps_diagonal5", "AdamW",
                    {"lr": 0.1, "betas": [0.5, 0.9], "eps": 0.1, "weight_decay": 0.05},
                    DIAGONAL_5D, d0, 50))
    return out


# Each fixture file and the cases it holds.
FIXTURES = {
    "torch_trajectories.json": cases,
    "family_nadam_radam_adamax_lion.json": family_nadam_radam_adamax_lion_cases,
    "family_adafactor_adopt.json": family_adafactor_adopt_cases,
    "keywords_maximize_decoupled.json": keywords_cases,
    "part4_schedule_free_ademamix.json": lambda: part4_cases.schedule_free_ademamix_cases(case),
    "part4_muon.json": lambda: part4_cases.muon_cases(case),
}


def versions(specs: list[dict]) -> dict:
    """The versions of the reference libraries the cases use."""
    found = {"torch_version": torch.__version__}
    if any(spec["optimizer"] == "Lion" for spec in specs):
        from importlib.metadata import version
        found["lion_pytorch_version"] = version("lion-pytorch")
    if any(spec["optimizer"] == "ADOPT" for spec in specs):
        from importlib.metadata import version
        found["torch_adopt_version"] = version("torch-adopt")
    for optimizer, (key, package) in part4_cases.VERSIONS.items():
        if any(spec["optimizer"] == optimizer for spec in specs):
            from importlib.metadata import version
            found[key] = version(package)
    return found


def write(filename: str):
    specs = FIXTURES[filename]()
    fixture = {
        "generator": "tests/reference/generate.py",
        **versions(specs),
        "dtype": "float64",
        "cases": [run_case(spec) for spec in specs],
        **{key: make() for key, make in part4_cases.EXTRAS.get(filename, {}).items()},
    }
    output = FOLDER / filename
    output.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {len(fixture['cases'])} cases to {output} with "
          + ", ".join(f"{k} {v}" for k, v in versions(specs).items()))


def main(filenames: list[str]):
    if torch is None:
        raise SystemExit("generate.py needs PyTorch: see the instructions at its top")
    unknown = sorted(set(filenames) - set(FIXTURES))
    if unknown:
        raise SystemExit(f"unknown fixture {unknown}; the fixtures are {sorted(FIXTURES)}")
    torch.set_default_dtype(torch.float64)
    for filename in filenames or FIXTURES:
        write(filename)


if __name__ == "__main__":
    import sys
    main(sys.argv[1:])
