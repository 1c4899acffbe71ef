"""The explorer's JavaScript rules against optimlab: the same trajectories to 1e-10, the same
step of divergence, and the same arguments refused (a second copy of the rules made one truth).

Runs the script in Node (`node` on PATH). The fixtures come from optimlab.run; regenerate them
with `.venv/bin/python tests/explorer/generate_fixtures.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import optimlab as ol
from optimlab.optimizers import from_options
from registry import ROWS

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
def comparison():
    cases = json.loads(FIXTURES.read_text())
    script = (HERE / "compare.js").read_text().replace("process.argv[2]", "process.argv[1]") \
        .replace("process.argv[3]", "process.argv[2]")
    return cases, json.loads(node(script, str(FIXTURES)))


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
            ("adopt", "decouple")} <= switched
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


CONTRACT = """
const core = require(process.argv[1]);
require(require("path").join(require("path").dirname(process.argv[1]), "optimlab_noise.js"));
const spec = JSON.parse(process.argv[2]);
try { const r = core.trajectory(spec); console.log(JSON.stringify({ok: r})); }
catch (e) { console.log(JSON.stringify({error: e.message})); }
"""

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


def contract(spec: dict) -> dict:
    return json.loads(node(CONTRACT, json.dumps(spec)))


@pytest.mark.parametrize("name, options, offending", REFUSED)
def test_values_the_factory_refuses_throw_an_error_naming_them(name, options, offending):
    with pytest.raises(ValueError, match=offending.replace("[", r"\[")):
        from_options(name, {"lr": 0.1, **options} if name != "ewma_momentum" else options)
    spec = {"optimizer": name, "options": options, "function": "rosenbrock",
            "x0": [0.5, 0.5], "steps": 3}
    if name != "ewma_momentum" and "lr" not in options:
        spec["options"] = {"lr": 0.1, **options}
    assert offending in contract(spec)["error"]


@pytest.mark.parametrize("field, value", [("optimizer", "adamm"), ("function", "sphere"),
                                          ("steps", -1), ("x0", [1.0])])
def test_unknown_names_and_bad_runs_are_refused_by_name(field, value):
    spec = {"optimizer": "adam", "options": {}, "function": "beale", "x0": [1.0, 1.5],
            "steps": 5, field: value}
    error = contract(spec)["error"]
    assert field in error and str(value if field != "x0" else "x0") in error


def test_the_issue_example_and_defaults():
    """The contract's own example; missing options take the factory's defaults."""
    spec = {"optimizer": "adam", "options": {"lr": 0.2, "betas": [0.9, 0.999], "eps": 1e-8},
            "function": "ill_conditioned_quadratic", "x0": [9, -3], "steps": 100}
    got = contract(spec)["ok"]
    want = ol.run(ol.adam(lr=0.2), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 100)
    assert got["diverged_at"] is None and len(got["xs"]) == 101
    assert max(abs(a - b) for row, ref in zip(got["xs"], want.tolist())
               for a, b in zip(row, ref)) < 1e-12
    default = contract({**spec, "options": {}, "steps": 5})["ok"]["xs"][-1]
    python = ol.run(ol.adam(), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 5)[-1]
    assert default == python.tolist()
