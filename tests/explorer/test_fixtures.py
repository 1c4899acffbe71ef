"""The explorer's JavaScript rules against optimlab: the same trajectories to 1e-10, the same
step of divergence, and the same arguments refused with the same message (a second copy of the
rules made one truth; its checks and messages are the package's catalogue's).

Runs the script in Node (`node` on PATH) through compare.js (conftest.py's in_node). The
fixtures come from optimlab.run; regenerate them with
`.venv/bin/python tests/explorer/generate_fixtures.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol
from conftest import normalised
from optimlab.optimizers import catalogue, from_options
from registry import ROWS

import explorer as explorer_ext  # noqa: E402 (_ext, on the path conftest.py sets)

HERE = Path(__file__).parent
CORE = HERE.parents[1] / "_ext" / "explorer_static" / "optimlab_core.js"
FIXTURES = HERE / "fixtures.json"
TOLERANCE = 1e-10


def node(script: str, *args: str) -> str:
    path = shutil.which("node")
    if path is None:
        pytest.skip("node is not installed (apt-get install nodejs)")
    result = subprocess.run([path, "-e", script, str(CORE), *args], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def comparison(in_node):
    return json.loads(FIXTURES.read_text()), in_node("fixtures", path=FIXTURES)


def test_fixtures_cover_every_optimizer_function_option_and_divergence(comparison):
    cases, _ = comparison
    specs = [case["spec"] for case in cases]
    assert {s["optimizer"] for s in specs} == {row.name for row in ROWS if row.explorer}
    assert {s["function"] for s in specs} == {f for f in ol.functions.__all__
                                             if getattr(ol.functions, f) in ol.functions.ALL}
    switched = {(s["optimizer"], k) for s in specs for k, v in s["options"].items() if v is True}
    assert {("sgd", "nesterov"), ("rmsprop", "centered"), ("adam", "amsgrad"),
            ("adamw", "amsgrad"), ("ewma_momentum", "bias_correction"),
            ("nadam", "decoupled_weight_decay"), ("radam", "decoupled_weight_decay"),
            ("adopt", "decouple"), ("adam", "decoupled_weight_decay")} <= switched
    # torch's maximize on every optimizer that takes it, a run that diverges among them
    in_explorer = {row.name for row in ROWS if row.explorer}
    takes = {name for name, entry in catalogue()["optimizers"].items()
             if name in in_explorer
             and any(p["name"] == "maximize" for p in entry["hyperparameters"])}
    assert len(takes) >= 9 and {name for name, _ in switched if _ == "maximize"} == takes
    assert any(case["spec"]["options"].get("maximize") and case["diverged_at"] is not None
               for case in cases)
    # Adafactor's eps[0]: None (float64's machine epsilon) and a number
    assert {s["options"]["eps"][0] is None for s in specs if s["optimizer"] == "adafactor"
            and "eps" in s["options"]} \
        == {True, False}
    # RAdam both with and without its adaptive step (rho_inf > 5 needs beta2 > 0.6)
    assert {s["options"]["betas"][1] > 0.6 for s in specs if s["optimizer"] == "radam"
            and "betas" in s["options"]} == {True, False}
    # every new optimizer diverges in some case
    assert {"nadam", "radam", "lion", "adafactor", "adopt"} <= \
        {case["spec"]["optimizer"] for case in cases if case["diverged_at"] is not None}
    kinds = {s["options"]["lr"]["schedule"] for s in specs if isinstance(s["options"].get("lr"), dict)}
    assert kinds == {"constant", "step_decay", "cosine_decay", "warmup_cosine"}
    assert sum(case["diverged_at"] is not None for case in cases) >= 10
    assert min(s["steps"] for s in specs) >= 100
    noisy = [s for s in specs if "noise" in s]
    assert {s["function"] for s in noisy} == {s["function"] for s in specs}
    assert {s["optimizer"] for s in noisy} == {s["optimizer"] for s in specs}


NORMALS = """
const noise = require(require("path").join(require("path").dirname(process.argv[1]),
                                           "optimlab_noise.js"));
const seeds = JSON.parse(process.argv[2]);
console.log(JSON.stringify(seeds.map(s => noise.normals(s, 5000).slice(0, 5000))));
"""


def test_noise_is_numpys_default_rng_standard_normal():
    """The explorer's draws are numpy's, seed for seed (tails and rejections included)."""
    seeds = [0, 1, 2**32 + 3, 987654321987]
    got = json.loads(node(NORMALS, json.dumps(seeds)))
    for seed, draws in zip(seeds, got):
        want = np.random.default_rng(seed).standard_normal(5000)
        assert np.allclose(draws, want, rtol=1e-13, atol=1e-13), seed


def test_javascript_matches_optimlab_to_1e_10(comparison):
    cases, results = comparison
    assert len(results) == len(cases)
    for case, result in zip(cases, results):
        assert result["diverged_at"][0] == result["diverged_at"][1], case["spec"]
        assert result["rows"][0] == result["rows"][1], case["spec"]
        assert result["worst"] <= TOLERANCE, (case["spec"], result["worst"])


def test_the_fixtures_are_exactly_what_the_generator_makes_now():
    """Every case made again: a changed rule or default fails here until
    `python tests/explorer/generate_fixtures.py` writes the fixtures again."""
    import generate_fixtures as generate  # noqa: PLC0415 (beside this file)

    fresh = json.loads(json.dumps(generate.fixtures()))
    stored = json.loads(FIXTURES.read_text())
    assert len(fresh) == len(stored)
    stale = [case["spec"] for case, old in zip(fresh, stored) if case != old]
    assert not stale, f"{len(stale)} stale cases, the first {stale[0]}; run " \
        "`.venv/bin/python tests/explorer/generate_fixtures.py`"


def test_every_optimizer_has_a_case_with_its_defaults():
    import generate_fixtures as generate  # noqa: PLC0415

    specs = [case["spec"] for case in json.loads(FIXTURES.read_text())]
    for name, entry in generate.OPTIMIZERS.items():
        required = {h["name"] for h in entry["hyperparameters"] if h["required"]}
        assert any(s["optimizer"] == name and set(s["options"]) == required for s in specs), name


REFUSED = [
    ("adam", {"betas": [1.0, 0.999]}, "betas[0]"),
    ("adam", {"betas": [0.9]}, "betas"),
    ("adam", {"lr": -0.1}, "lr"),
    ("adamw", {"eps": -1.0}, "eps"),
    ("adam", {"amsgrad": 1}, "amsgrad"),
    ("sgd", {"momentum": 1.0}, "momentum"),
    ("sgd", {"dampening": 1.5}, "dampening"),
    ("sgd", {"nesterov": True}, "nesterov"),
    ("rmsprop", {"alpha": 1.0}, "alpha"),
    ("rmsprop", {"weight_decay": -1.0}, "weight_decay"),
    ("adagrad", {"lr_decay": -1.0}, "lr_decay"),
    ("ewma_momentum", {}, "lr"),
    ("adam", {"lr": {"schedule": "warmup_cosine", "peak": 0.1, "warmup_steps": 10,
                     "total_steps": 5}}, "total_steps"),
    ("adam", {"lr": {"schedule": "step_decay", "lr": 0.1, "step_size": 0}}, "step_size"),
    ("adam", {"lr": {"schedule": "cosine_decay", "lr": 0.1, "total_steps": 10,
                     "min_lr": 1.0}}, "min_lr"),
    ("adam", {"beta1": 0.9}, "beta1"),
    ("nadam", {"momentum_decay": -0.1}, "momentum_decay"),
    ("nadam", {"decoupled_weight_decay": "yes"}, "decoupled_weight_decay"),
    ("radam", {"betas": [0.9, 1.0]}, "betas[1]"),
    ("adamax", {"eps": -1e-8}, "eps"),
    ("lion", {"betas": [0.9, 0.99, 0.999]}, "betas"),
    ("lion", {"eps": 1e-8}, "eps"),
    ("adafactor", {"beta2_decay": 0.5}, "beta2_decay"),
    ("adafactor", {"eps": [None, -1.0]}, "eps[1]"),
    ("adafactor", {"eps": [-1.0, 1e-3]}, "eps[0]"),
    ("adafactor", {"eps": 1e-3}, "eps"),
    ("adafactor", {"d": 0.5}, "d"),
    ("adopt", {"decouple": 1}, "decouple"),
    ("adopt", {"betas": [-0.1, 0.9999]}, "betas[0]"),
]


def refused_spec(name: str, options: dict) -> dict:
    spec = {"optimizer": name, "options": options, "function": "rosenbrock",
            "x0": [0.5, 0.5], "steps": 3}
    if name != "ewma_momentum" and "lr" not in options:
        spec["options"] = {"lr": 0.1, **options}
    return spec


@pytest.fixture(scope="module")
def refusals(in_node):
    return in_node("specs", [refused_spec(name, options) for name, options, _ in REFUSED])


@pytest.mark.parametrize("case", range(len(REFUSED)), ids=[f"{n}-{o}" for n, _, o in REFUSED])
def test_values_the_package_refuses_get_its_message_in_javascript(case, refusals):
    name, options, offending = REFUSED[case]
    spec = refused_spec(name, options)
    with pytest.raises(ValueError, match=offending.replace("[", r"\[")) as python:
        from_options(name, spec["options"])
    javascript = refusals[case]["error"]
    assert offending in javascript
    assert normalised(javascript) == normalised(str(python.value))


@pytest.mark.parametrize("field, value", [("optimizer", "adamm"), ("function", "sphere"),
                                          ("steps", -1), ("x0", [1.0])])
def test_unknown_names_and_bad_runs_are_refused_by_name(field, value, in_node):
    spec = {"optimizer": "adam", "options": {}, "function": "beale", "x0": [1.0, 1.5],
            "steps": 5, field: value}
    error = in_node("specs", [spec])[0]["error"]
    assert field in error and str(value if field != "x0" else "x0") in error


def test_a_start_without_a_finite_gradient_and_bad_noise_get_the_packages_messages(in_node):
    """optimlab.run's message for a start where the gradient overflows, and the explorer's
    settings check (explorer.py's, the build's) for noise: the JavaScript has none of its own."""
    r = ol.functions.rosenbrock
    spec = {"optimizer": "sgd", "options": {"lr": 0.1}, "function": "rosenbrock",
            "x0": [1e200, 1e200], "steps": 5}
    noisy = {**spec, "x0": [0.5, 0.5], "noise": {"scale": -1.0, "seed": 3}}
    overflow, noise = (answer["error"] for answer in in_node("specs", [spec, noisy]))
    with pytest.raises(ValueError) as python, np.errstate(all="ignore"):
        ol.run(ol.sgd(lr=0.1), r.grad, spec["x0"], 5)
    javascript = overflow.replace("Infinity", "inf").replace("NaN", "nan")
    assert normalised(javascript) == normalised(str(python.value))
    with pytest.raises(ValueError) as python:
        explorer_ext.settings_checks()["noise"].validate("noise", [-1.0, 3])
    assert normalised(noise) == normalised(str(python.value))


def test_the_issue_example_and_defaults(in_node):
    """The contract's own example; missing options take the factory's defaults."""
    spec = {"optimizer": "adam", "options": {"lr": 0.2, "betas": [0.9, 0.999], "eps": 1e-8},
            "function": "ill_conditioned_quadratic", "x0": [9, -3], "steps": 100}
    got, default = (answer["ok"] for answer in
                    in_node("specs", [spec, {**spec, "options": {}, "steps": 5}]))
    want = ol.run(ol.adam(lr=0.2), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 100)
    assert got["diverged_at"] is None and len(got["xs"]) == 101
    assert max(abs(a - b) for row, ref in zip(got["xs"], want.tolist())
               for a, b in zip(row, ref)) < 1e-12
    python = ol.run(ol.adam(), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 5)[-1]
    assert default["xs"][-1] == python.tolist()
