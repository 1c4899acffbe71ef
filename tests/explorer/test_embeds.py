"""Each chapter's explorer starts from the chapter's own settings (the values in its {explorer}
block are the defaults of its Try-it cell, and the build's checks accept them); its controls
and addresses keep to the package's catalogue; its exercises' links open the states their
solutions compute."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import normalised
from registry import ROWS
from optimlab.optimizers import catalogue, from_options

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "book"))
sys.path.insert(0, str(ROOT / "_ext"))
import booktools  # noqa: E402
import explorer as explorer_ext  # noqa: E402

BLOCK = re.compile(r"```\{explorer\}\n(?::[a-z]+:[^\n]*\n)*(.*?)\n```", re.S)

# page -> {path in the explorer's settings: the Try-it setting it must equal}
PRESETS = {
    "momentum": {("runs", 0, "lr"): "LR", ("runs", 0, "beta"): "BETA",
                 ("runs", 1, "lr"): "LR_GD", ("steps",): "STEPS"},
    "rmsprop": {("runs", 0, "lr"): "LR", ("runs", 0, "alpha"): "ALPHA", ("steps",): "STEPS"},
    "adam": {("runs", 0, "lr"): "LR", ("runs", 0, "betas", 0): "BETA1",
             ("runs", 0, "betas", 1): "BETA2", ("runs", 0, "eps"): "EPS", ("steps",): "STEPS"},
    "comparison": {("runs", 0, "lr"): "GD_LR", ("runs", 1, "lr"): "MOMENTUM_LR",
                   ("runs", 1, "beta"): "MOMENTUM_BETA", ("runs", 2, "lr"): "ADAGRAD_LR",
                   ("runs", 3, "lr"): "RMSPROP_LR", ("runs", 3, "alpha"): "RMSPROP_ALPHA",
                   ("runs", 4, "lr"): "ADAM_LR", ("steps",): "STEPS"},
    "sensitivity": {("steps",): "QUADRATIC_STEPS", ("runs", 0, "betas", 1): "FIXED_BETA2"},
    "nadam_radam": {**{("runs", r, "lr"): "LR" for r in range(3)},
                    **{("runs", r, "betas", 0): "BETA1" for r in range(3)},
                    **{("runs", r, "betas", 1): "BETA2" for r in range(3)},
                    ("runs", 1, "momentum_decay"): "MOMENTUM_DECAY", ("steps",): "STEPS"},
    "adamax_lion": {("runs", 0, "lr"): "LR", ("runs", 1, "lr"): "LR",
                    ("runs", 0, "betas", 0): "BETA1", ("runs", 1, "betas", 1): "BETA2",
                    ("runs", 1, "betas", 0): "BETA1", ("runs", 0, "betas", 1): "BETA2",
                    ("runs", 2, "lr"): "LION_LR", ("steps",): "STEPS"},
    "adafactor": {("runs", 0, "lr"): "LR", ("runs", 1, "lr"): "LR", ("steps",): "STEPS"},
    "adopt": {("runs", 0, "lr"): "LR", ("runs", 1, "lr"): "LR", ("steps",): "STEPS"},
}


def try_it(page: str) -> dict:
    text = (ROOT / "book" / f"{page}.md").read_text()
    cell = re.search(r"```\{code-cell\} ipython3\n(# ---- Try it.*?)```", text, re.S).group(1)
    return {s.name: s.value for s in booktools.try_it_settings(cell)}


def value(settings: dict, path: tuple):
    if path[0] == "runs":
        node = settings["runs"][path[1]]["options"][path[2]]
        return node[path[3]] if len(path) > 3 else node
    return settings[path[0]]


@pytest.mark.parametrize("page", PRESETS)
def test_the_explorer_starts_from_the_pages_try_it_settings(page):
    blocks = BLOCK.findall((ROOT / "book" / f"{page}.md").read_text())
    assert len(blocks) == 1
    settings = explorer_ext._check_settings(json.loads(blocks[0]), page)
    defaults = try_it(page)
    for path, name in PRESETS[page].items():
        assert value(settings, path) == defaults[name], (page, path, name)


def test_a_bad_setting_is_refused_with_the_packages_message():
    with pytest.raises(ValueError, match=r"betas\[0\]"):
        explorer_ext._check_settings({"runs": [{"optimizer": "adam",
                                                "options": {"betas": [1.5, 0.9]}}]}, "page")
    with pytest.raises(ValueError, match="function"):
        explorer_ext._check_settings({"function": "sphere"}, "page")


# ---- the controls: one UI table, inside the catalogue's bounds ----

def offered(check: dict, name: str):
    """(name, check) of every value the explorer has a control for: each entry of a pair
    separately, the check behind an optional."""
    if check["kind"] == "tuple":
        for entry in check["entries"]:
            yield from offered(entry, entry["name"])
    elif check["kind"] == "optional":
        yield from offered(check["check"], name)
    else:
        yield name, check


def every_parameter():
    entries = catalogue()
    in_explorer = {row.name for row in ROWS if row.explorer}
    for owner, entry in entries["optimizers"].items():
        if owner not in in_explorer:  # Part 4's, not yet offered (tests/registry.py)
            continue
        for parameter in entry["hyperparameters"]:
            yield owner, parameter
    for name in ("warmup_steps", "step_size", "gamma"):
        for owner, entry in entries["schedules"].items():
            for parameter in entry["parameters"]:
                if parameter["name"] == name:
                    yield owner, parameter


def inside(check: dict, value: float) -> bool:
    low, high = check.get("low"), check.get("high")
    above = low is None or (value >= low if check.get("low_inclusive", True) else value > low)
    below = high is None or (value <= high if check.get("high_inclusive") else value < high)
    return above and below


def test_every_parameter_the_explorer_offers_has_a_ui_row_inside_its_bounds(in_node):
    rows = in_node("ui")["rows"]
    checked = set()
    for owner, parameter in every_parameter():
        for name, check in offered(parameter["check"], parameter["name"]):
            assert name in rows, f"{owner}.{name} has no row in explorer_controls.js's UI table"
            row = rows[name]
            assert row["label"], name
            if check["kind"] == "flag":
                continue
            assert inside(check, row["min"]) and inside(check, row["max"]), \
                f"{owner}.{name}: the slider's [{row['min']}, {row['max']}] leaves {check}"
            assert row["min"] < row["max"]
            checked.add(name)
    assert {"lr", "betas[1]", "eps[0]", "beta2_decay", "d", "gamma"} <= checked
    steps = explorer_ext.settings_checks()["steps"]
    assert steps.low <= rows["steps"]["min"] < rows["steps"]["max"] <= steps.high


def test_every_optimizer_of_the_catalogue_has_a_javascript_rule(in_node):
    # every one the registry offers in the explorer (Part 4's three are not yet: registry.py)
    assert sorted(in_node("rules")) == sorted(row.name for row in ROWS if row.explorer)
    assert {row.name for row in ROWS} == set(catalogue()["optimizers"])


def test_the_drawing_reads_no_global():
    """explorer_draw.js is a pure function of its arguments: no window, document or shared
    optimlab state is read (only the export at the end names optimlab)."""
    source = (ROOT / "_ext" / "explorer_static" / "explorer_draw.js").read_text()
    body = source[source.index("\"use strict\";"):source.rindex("ol.explorerDraw =")]
    body = re.sub(r"//[^\n]*|/\*.*?\*/", "", body, flags=re.S)  # comments
    names = r"(?<![.\w])(window|document|globalThis|location|getComputedStyle|ol)\b"
    assert not re.findall(names, body)


# ---- what a page gets: the packed data and the served scripts behave as the sources ----

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    for path in explorer_ext.STATIC.iterdir():
        (folder / path.name).write_text(explorer_ext.served(path.read_text()))
    data = explorer_ext.packed(explorer_ext.landscape_data())
    (folder / explorer_ext.DATA).write_text(
        "window.optimlab = Object.assign(window.optimlab || {}, " + json.dumps(data) + ");\n")
    return folder


def served_node(served, mode, *args):
    result = subprocess.run(["node", str(HERE / "compare.js"), str(served / explorer_ext.DATA),
                             mode, *map(str, args)], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "EXPLORER_STATIC": str(served)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_page_unpacks_the_catalogue_itself(served, in_node):
    data = explorer_ext.landscape_data()
    got = served_node(served, "catalogue")
    assert got["catalogue"] == json.loads(json.dumps(data["catalogue"]))
    assert got["settings"] == json.loads(json.dumps(data["settings"]))


def test_the_served_scripts_run_the_fixtures_as_the_sources_do(served):
    results = served_node(served, "fixtures", HERE / "fixtures.json")
    assert results and all(r["worst"] <= 1e-10 and r["diverged_at"][0] == r["diverged_at"][1]
                           for r in results)


def test_serving_drops_comments_and_indentation_only():
    text = "/* a\n   header */\nfunction f() {\n  // why\n  return 1; // kept\n}\n"
    assert explorer_ext.served(text) == "function f() {\nreturn 1; // kept\n}\n"
    for path in explorer_ext.STATIC.iterdir():
        for line in path.read_text().splitlines():
            stripped = line.strip()
            # a block comment starts its own line and ends one: no code before or after it
            assert not (stripped.startswith("/*") and "*/" in stripped
                        and not stripped.endswith("*/")), (path.name, line)


# ---- addresses: partial, malformed, out of range, old; merged with the package's messages ----

PAGE = {"function": "ill_conditioned_quadratic", "x0": [9, -3], "steps": 100,
        "runs": [{"optimizer": "sgd", "options": {"lr": 0.01, "momentum": 0.9}},
                 {"optimizer": "adam", "options": {"lr": 0.2}}]}
OLD = ("#explorer=%7B%22function%22%3A%22rosenbrock%22%2C%22steps%22%3A50%2C%22runs%22%3A%5B%7B"
       "%22optimizer%22%3A%22adam%22%2C%22options%22%3A%7B%22lr%22%3A0.05%2C%22betas%22%3A%5B"
       "0.8%2C0.99%5D%7D%7D%5D%2C%22schedule%22%3A%7B%22kind%22%3A%22warmup_cosine%22%2C"
       "%22warmup_steps%22%3A5%7D%2C%22t%22%3Anull%7D")
# address -> (what the state must hold, the notes' keys and the value each refused)
ADDRESSES = {
    "#adam.lr=0.05&function=rosenbrock": ({"function": "rosenbrock", "x0": [-1.5, 2.5],
                                          "adam.lr": 0.05, "sgd.lr": 0.01}, {}),
    "#function=sphere": ({"function": "ill_conditioned_quadratic"}, {"function=sphere": "sphere"}),
    "#adam.lr=-1": ({"adam.lr": 0.2}, {"adam.lr=-1": -1}),
    "#adam.lr=fast": ({"adam.lr": 0.2}, {"adam.lr=fast": "fast"}),
    "#adam.betas=0.9": ({"adam.betas": [0.9, 0.999]}, {"adam.betas=0.9": [0.9]}),
    "#adam.beta1=0.5": ({}, {"adam.beta1=0.5": "beta1"}),
    "#adamm.lr=0.1": ({}, {"adamm.lr=0.1": "adamm"}),
    "#sgd.nesterov=true&sgd.momentum=0": ({"sgd.momentum": 0.9, "sgd.nesterov": False},
                                          {"sgd": None}),
    "#schedule=nope": ({"schedule": "constant"}, {"schedule=nope": "nope"}),
    "#schedule=warmup_cosine&schedule.warmup_steps=200": ({"schedule": "constant"},
                                                          {"schedule": None}),
    "#t=500": ({"t": 100}, {"t=500": None}),
    "#steps=0": ({"steps": 100}, {"steps=0": 0}),
    "#bogus=1": ({}, {"bogus=1": "bogus"}),
    "#adam.lr": ({}, {"adam.lr": None}),
    "#explorer={bad": ({}, {"explorer={bad": None}),
    "#exercises": ({"function": "ill_conditioned_quadratic"}, {}),
    OLD: ({"function": "rosenbrock", "x0": [-1.5, 2.5], "steps": 50, "runs": ["adam"],
           "adam.lr": 0.05, "adam.betas": [0.8, 0.99], "schedule": "warmup_cosine"}, {}),
    "#runs=adam,lion&lion.lr=0.001&view=zoom": ({"runs": ["adam", "lion"], "lion.lr": 0.001,
                                                 "view": "zoom"}, {}),
}


def state_value(state: dict, key: str):
    if key == "runs":
        return [run["optimizer"] for run in state["runs"]]
    if key == "schedule":
        return state["schedule"]["kind"]
    if "." in key:
        head, name = key.split(".")
        ids = explorer_ext.run_ids(state["runs"])
        return state["runs"][ids.index(head)]["options"][name]
    return state[key]


@pytest.fixture(scope="module")
def read(in_node):
    answers = in_node("addresses", [[hash_, PAGE, 0] for hash_ in ADDRESSES])
    return dict(zip(ADDRESSES, answers))


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_merges_over_the_page_and_says_what_it_ignored(address, read):
    want, refused = ADDRESSES[address]
    got = read[address]
    for key, value in want.items():
        assert state_value(got["state"], key) == value, key
    assert [note[0] for note in got["notes"]] == list(refused)
    for (what, why), value in zip(got["notes"], refused.values()):
        assert why, what
        if value is not None:
            assert json.dumps(value) in why or str(value) in why, why
    # what is kept runs: every run the state holds passes the package's checks
    for run in got["state"]["runs"]:
        from_options(run["optimizer"], run["options"])


def test_an_out_of_range_value_gets_the_packages_message(read):
    (what, why), = read["#adam.lr=-1"]["notes"]
    with pytest.raises(ValueError) as python:
        from_options("adam", {"lr": -1})
    assert normalised(why) == normalised(str(python.value))
    (what, why), = read["#sgd.nesterov=true&sgd.momentum=0"]["notes"]
    with pytest.raises(ValueError) as python:
        from_options("sgd", {"lr": 0.01, "momentum": 0, "nesterov": True})
    assert normalised(why) == normalised(str(python.value))


def test_an_address_read_and_written_again_is_the_same_state(read, in_node):
    again = in_node("addresses", [["#" + answer["address"], PAGE, 0]
                                  for answer in read.values()])
    for (address, answer), second in zip(read.items(), again):
        assert second["state"] == answer["state"], address
        assert second["notes"] == [], address
        assert len(answer["address"]) < 200, answer["address"]


# ---- links that teach: every chapter's exercise opens the state its solution computes ----

LINK = re.compile(r"\{explore\}`[^`<]*<([^>`]+)>`")
EXERCISE = re.compile(r"`{3,4}\{exercise\}[^\n]*\n:label: (\S+)\n(.*?)\n`{3,4}\n", re.S)


def solution_code(text: str, label: str) -> str:
    start = re.search(r"\{solution-start\} " + re.escape(label) + r"\n", text)
    end = text.index("{solution-end}", start.end())
    cells = re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text[start.end():end], re.S)
    return "\n".join(cell for cell in cells if ":tags: [remove-cell]" not in cell)


def literals(code: str) -> dict[str, list]:
    """Every keyword argument given a literal value in the code, and every function named."""
    found: dict[str, list] = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.keyword) and node.arg:
            try:
                found.setdefault(node.arg, []).append(ast.literal_eval(node.value))
            except ValueError:
                pass
        elif isinstance(node, ast.Attribute):
            found.setdefault("function", []).append(node.attr)
        elif isinstance(node, ast.Call):
            for argument in node.args:
                try:
                    found.setdefault("x0", []).append(ast.literal_eval(argument))
                except ValueError:
                    pass
    return found


def same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("page", PRESETS)
def test_an_exercise_asks_to_predict_then_opens_the_explorer_in_its_state(page):
    text = (ROOT / "book" / f"{page}.md").read_text()
    settings = explorer_ext._check_settings(json.loads(BLOCK.findall(text)[0]), page)
    teaching = 0
    for label, body in EXERCISE.findall(text):
        links = LINK.findall(body)
        if not links:
            continue
        assert "redict" in body, f"{label}: the exercise should ask for a prediction"
        code = literals(solution_code(text, label))
        for link in links:
            explorer_ext.merge_link(settings, link, f"{page}:{label}")
            for part in link.split("&"):
                key, value = part.split("=", 1)
                name = key.split(".")[-1]
                if key in ("view", "t", "cell", "runs"):
                    continue
                value = explorer_ext._value(value)
                assert any(same(value, seen) for seen in code.get(name, [])), \
                    f"{page} {label}: the solution computes no run with {key}={value}"
        teaching += 1
    assert teaching >= 1, f"{page}: no exercise opens the explorer"
