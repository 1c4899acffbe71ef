"""optimlab reproduces torch.optim: every optimizer and option against PyTorch's trajectories.

The trajectories in ``tests/reference/*.json`` (``torch_trajectories.json``, one
``family_*.json`` per part of Adam's family, and ``keywords_maximize_decoupled.json`` for
torch's ``maximize`` and Adam's ``decoupled_weight_decay``) were computed by PyTorch, or the
named reference package, in float64 (``tests/reference/generate.py`` regenerates them and names
the versions). Each case is rerun here with optimlab from the same start, with the same
hyperparameters, schedule and clipping, on the same function written in numpy, and must agree to
a relative 1e-10 (absolute 1e-10 times the size of the trajectory where a coordinate has decayed
to near zero). A case whose start is a matrix runs on that matrix (Adafactor's factored path,
Muon). Schedule-Free AdamW's cases also record what its reference's ``eval()`` gives after each
step, which ``run(..., points="evaluation")`` must give. Muon's cases (``"precision":
"bfloat16"``: torch runs its Newton-Schulz iteration in bfloat16) are compared in
tests/test_reference_muon.py instead, within the README's tolerance. Adafactor's exact cases are convex problems: its step is relative
to the RMS of the parameters, so rounding differences of about one ulp a step grow on a chaotic
function (3e-3 after 300 steps on Rosenbrock's) without saying anything about the rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import rosen_der

import optimlab as ol
from optimlab.optimizers import catalogue, from_options

FIXTURES = sorted((Path(__file__).parent / "reference").glob("*.json"))
CATALOGUE = catalogue()["optimizers"]
CASES = [case for fixture in FIXTURES for case in json.loads(fixture.read_text())["cases"]]
EXACT = [case for case in CASES if case.get("precision") != "bfloat16"]
TOLERANCE = 1e-10
# The optimizer's name in optimlab (its function's) from the reference's class name.
NAME_OF = {entry["class"]: name for name, entry in CATALOGUE.items()}


def gradient_of(function: dict):
    """The numpy gradient of the function a case names."""
    name = function["name"]
    if name == "diagonal_quadratic":
        curvatures = np.array(function["curvatures"])
        return lambda x: curvatures * x
    if name == "matrix_least_squares":  # 0.5 ||A X - B||^2
        a, b = np.array(function["A"]), np.array(function["B"])
        return lambda x: a.T @ (a @ x - b)
    if name == "rosenbrock_chain":
        return rosen_der
    return getattr(ol.functions, name).grad


def schedule_of(spec: dict):
    return ol.schedules.from_options({"schedule": spec["name"], **spec["arguments"]})


def optimizer_of(case: dict):
    options = dict(case["kwargs"])
    if "schedule" in case:
        options["lr"] = {"schedule": case["schedule"]["name"], **case["schedule"]["arguments"]}
    return from_options(NAME_OF[case["optimizer"]], options)


def clipped(grad, clip: dict | None):
    if clip is None:
        return grad
    if clip["kind"] == "norm":
        return ol.clip_by_global_norm(grad, clip["max_norm"])
    return ol.clip_by_value(grad, clip["clip_value"])


def rerun(case: dict, points: str = "gradient") -> np.ndarray:
    grad = clipped(gradient_of(case["function"]), case.get("clip"))
    optimizer = optimizer_of(case)
    if np.ndim(case["x0"]) <= 2:
        return ol.run(optimizer, grad, case["x0"], case["steps"], points=points)
    x = np.array(case["x0"], dtype=float)  # a stack of matrices (Adafactor's)
    xs, state = [x], optimizer.init(x)
    for _ in range(case["steps"]):
        x, state = optimizer.step(x, grad(x), state)
        xs.append(x)
    return np.array(xs)


def assert_close_to_torch(actual, expected):
    expected = np.asarray(expected)
    np.testing.assert_allclose(actual, expected, rtol=TOLERANCE,
                               atol=TOLERANCE * np.abs(expected).max())


def test_fixture_covers_every_optimizer_and_option():
    seen = {(case["optimizer"], key) for case in CASES for key in case["kwargs"]}
    expected = {
        ("SGD", "momentum"), ("SGD", "dampening"), ("SGD", "nesterov"), ("SGD", "weight_decay"),
        ("Adagrad", "lr_decay"), ("Adagrad", "initial_accumulator_value"),
        ("Adagrad", "weight_decay"), ("Adagrad", "eps"),
        ("RMSprop", "alpha"), ("RMSprop", "centered"), ("RMSprop", "momentum"),
        ("RMSprop", "weight_decay"), ("RMSprop", "eps"),
        ("Adam", "amsgrad"), ("Adam", "weight_decay"), ("Adam", "eps"), ("Adam", "betas"),
        ("AdamW", "amsgrad"), ("AdamW", "weight_decay"),
        ("NAdam", "betas"), ("NAdam", "eps"), ("NAdam", "weight_decay"),
        ("NAdam", "momentum_decay"), ("NAdam", "decoupled_weight_decay"),
        ("RAdam", "betas"), ("RAdam", "eps"), ("RAdam", "weight_decay"),
        ("RAdam", "decoupled_weight_decay"),
        ("Adamax", "betas"), ("Adamax", "eps"), ("Adamax", "weight_decay"),
        ("Lion", "betas"), ("Lion", "weight_decay"),
        ("Adafactor", "lr"), ("Adafactor", "beta2_decay"), ("Adafactor", "eps"),
        ("Adafactor", "d"), ("Adafactor", "weight_decay"),
        ("ADOPT", "lr"), ("ADOPT", "betas"), ("ADOPT", "eps"), ("ADOPT", "weight_decay"),
        ("ADOPT", "decouple"),
    }
    assert expected <= seen
    assert {case["schedule"]["name"] for case in CASES if "schedule" in case} == {
        "step_decay", "exponential_decay", "cosine_decay", "warmup_cosine"}
    assert {case["clip"]["kind"] for case in CASES if "clip" in case} == {"norm", "value"}
    assert {len(case["x0"]) for case in CASES} >= {2, 3, 5}
    # Adafactor's vector path (through run) and its factored path (matrices, and a stack of
    # them factored over the last two axes, through step).
    assert {np.ndim(case["x0"]) for case in CASES if case["optimizer"] == "Adafactor"} == {
        1, 2, 3}


def test_each_option_of_adams_family_is_checked_on_two_functions_one_not_in_2d():
    family = ("NAdam", "RAdam", "Adamax", "Lion")
    for name, key in {(c["optimizer"], k) for c in CASES for k in c["kwargs"]}:
        if name in family:
            uses = [c for c in CASES if c["optimizer"] == name and key in c["kwargs"]]
            assert len({json.dumps(c["function"]) for c in uses}) >= 2, (name, key)
            assert any(len(c["x0"]) != 2 for c in uses), (name, key)


@pytest.mark.parametrize("case", EXACT, ids=[case["name"] for case in EXACT])
def test_trajectory_matches_torch(case):
    xs = rerun(case)
    assert xs.shape == (case["steps"] + 1, *np.shape(case["x0"]))
    assert_close_to_torch(xs, case["trajectory"])


EVALUATED = [case for case in CASES if "evaluated" in case]


@pytest.mark.parametrize("case", EVALUATED, ids=[case["name"] for case in EVALUATED])
def test_the_evaluation_points_are_what_the_references_eval_gives(case):
    evaluated = rerun(case, points="evaluation")
    assert_close_to_torch(evaluated, case["evaluated"])
    assert not np.allclose(evaluated, case["trajectory"])  # y and x differ


def test_schedule_free_adamw_records_its_evaluation_points_in_every_case():
    assert {c["name"] for c in EVALUATED} == {c["name"] for c in CASES
                                              if c["optimizer"] == "ScheduleFreeAdamW"}


@pytest.mark.parametrize("case", [c for c in CASES if "schedule" in c],
                         ids=[c["name"] for c in CASES if "schedule" in c])
def test_schedule_matches_torch_learning_rates(case):
    schedule = schedule_of(case["schedule"])
    ours = [schedule(t) for t in range(1, case["steps"] + 1)]
    np.testing.assert_allclose(ours, case["lrs"], rtol=TOLERANCE, atol=1e-15)


def as_json(value):
    return [as_json(v) for v in value] if isinstance(value, tuple) else value


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_optimlab_takes_every_setting_the_reference_held_with_its_default(case):
    """Each case records every hyperparameter the reference optimizer held (the arguments
    given, the reference's defaults for the rest): optimlab must take each, by the same name,
    and its own default must be the reference's. So a default changed in optimlab alone fails
    here (and torch's fixtures cannot be regenerated to hide it)."""
    name = NAME_OF[case["optimizer"]]
    defaults = {h["name"]: h["default"] for h in CATALOGUE[name]["hyperparameters"]}
    made = optimizer_of(case)
    for key, held in case["settings"].items():
        assert hasattr(made, key), f"{name} has no {key}, which {case['optimizer']} holds"
        if key == "lr" and "schedule" in case:
            continue  # the schedule's rate at the start, not an argument
        ours = case["kwargs"][key] if key in case["kwargs"] else \
            defaults.get(key, as_json(getattr(made, key)))
        assert ours == held and isinstance(ours, bool) == isinstance(held, bool), (
            name, key, ours, held)
    assert set(defaults) <= set(case["settings"]), set(defaults) - set(case["settings"])


ADDED_KEYWORDS = {(name, "maximize") for name in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW",
                                                  "NAdam", "RAdam", "Adamax", "Adafactor",
                                                  "ADOPT")} | {("Adam", "decoupled_weight_decay")}


def test_every_hyperparameter_of_every_optimizer_with_a_reference_is_exercised():
    seen = {(case["optimizer"], key) for case in CASES for key in case["kwargs"]}
    for name, entry in CATALOGUE.items():
        if entry["reference"].startswith("optimlab's own"):
            continue
        for hyperparameter in entry["hyperparameters"]:
            assert (entry["class"], hyperparameter["name"]) in seen, (name, hyperparameter)


@pytest.mark.parametrize("name, key", sorted(ADDED_KEYWORDS))
def test_torchs_keywords_added_with_the_catalogue_are_checked_on_a_vector_and_a_matrix(name,
                                                                                      key):
    uses = [c for c in CASES if c["optimizer"] == name and c["kwargs"].get(key) is True]
    shapes = {np.shape(c["x0"]) for c in uses}
    assert any(len(shape) == 1 and shape != (2,) for shape in shapes), (name, key, shapes)
    assert any(len(shape) == 2 for shape in shapes), (name, key, shapes)


@pytest.mark.parametrize("name", ["ScheduleFreeAdamW", "AdEMAMix", "Muon"])
def test_part_4s_optimizers_are_checked_off_the_running_example(name):
    shapes = {np.shape(c["x0"]) for c in CASES if c["optimizer"] == name}
    assert any(len(shape) == 2 and min(shape) > 1 for shape in shapes), (name, shapes)
    if name == "Muon":  # torch takes matrices only: a vector is a 1 x d matrix
        assert {(1, 2), (1, 5)} <= shapes, shapes
    else:
        assert any(len(shape) == 1 and shape != (2,) for shape in shapes), (name, shapes)
