"""Parity: every place that lists the optimizers lists the same ones.

The package (``optimlab.optimizers.__all__``, from which the catalogue is read), the test
registry (tests/registry.py), the explorer's JavaScript (the names its step functions are
registered under, read by running it in Node), the explorer's fixtures, the reference fixtures,
the palette (``optimlab.plotting.colour_for``), each optimizer's test module and the README's
table must agree; a new optimizer that misses one of them fails here, naming it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import optimlab as ol
from optimlab.optimizers import catalogue
from optimlab.plotting import OPTIMIZER_COLOURS, colour_for
from registry import ROWS

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = catalogue()["optimizers"]
# The package's optimizers, which every other place is compared with.
NAMES = list(CATALOGUE)
# The explorer runs these; the others join it later (tests/registry.py, Row.explorer).
IN_THE_EXPLORER = [row.name for row in ROWS if row.explorer]
CLASSES = {name: getattr(ol.optimizers, entry["class"]) for name, entry in CATALOGUE.items()}


def test_the_registry_has_a_row_for_each_optimizer_of_the_package_in_its_order():
    assert [row.name for row in ROWS] == NAMES


def test_every_optimizer_class_the_package_exports_has_its_function():
    exported = {getattr(ol.optimizers, name) for name in ol.optimizers.__all__}
    classes = {cls for cls in exported if isinstance(cls, type)
               and issubclass(cls, ol.Optimizer) and cls is not ol.Optimizer}
    assert classes == set(CLASSES.values())
    assert set(NAMES) <= set(ol.__all__)
    # Pages iterate the lowercase callables of __all__ as the optimizers' functions.
    assert [name for name in ol.optimizers.__all__ if name.islower()
            and callable(getattr(ol.optimizers, name))] == NAMES


def test_the_javascript_has_a_step_function_for_each_optimizer():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (apt-get install nodejs)")
    core = ROOT / "_ext" / "explorer_static" / "optimlab_core.js"
    script = ("const core = require(process.argv[1]);"
              "const rules = core.OPTIMIZERS || (globalThis.optimlab || {}).OPTIMIZERS;"
              "console.log(JSON.stringify(Object.keys(rules)));")
    result = subprocess.run([node, "-e", script, str(core)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(result.stdout)) == sorted(IN_THE_EXPLORER)


def test_the_explorer_fixtures_run_every_optimizer():
    cases = json.loads((ROOT / "tests" / "explorer" / "fixtures.json").read_text())
    assert {case["spec"]["optimizer"] for case in cases} == set(IN_THE_EXPLORER)


def test_every_optimizer_with_a_reference_has_reference_trajectories():
    cases = [case for fixture in sorted((ROOT / "tests" / "reference").glob("*.json"))
             for case in json.loads(fixture.read_text())["cases"]]
    with_reference = {name for name, entry in CATALOGUE.items()
                      if not entry["reference"].startswith("optimlab's own")}
    assert {case["optimizer"] for case in cases} == {CATALOGUE[n]["class"] for n in with_reference}


def test_every_optimizer_has_a_colour_of_its_own():
    colours = {name: colour_for(name) for name in NAMES}
    assert len(set(colours.values())) == len(NAMES), colours
    assert set(colours.values()) <= set(OPTIMIZER_COLOURS.values())


def test_every_optimizer_module_has_its_test_module():
    for name, cls in CLASSES.items():
        module = cls.__module__.rsplit(".", 1)[1]
        assert (ROOT / "tests" / "optimizers" / f"test_{module}.py").exists(), name


def readme_table() -> dict[str, list[str]]:
    """The README's optimizer table: function -> [class, follows, keyword arguments]."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## The optimizers and what they are checked against")[1]
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| (.+?) \| (.+?) \|$", section.split("\n## ")[0],
                      re.M)
    return {name: [cls, follows, keywords] for name, cls, follows, keywords in rows}


def test_the_readmes_table_lists_each_optimizer_with_its_reference_and_keywords():
    table = readme_table()
    assert list(table) == NAMES
    for name, (cls, follows, keywords) in table.items():
        entry = CATALOGUE[name]
        assert cls == entry["class"] and follows == entry["reference"], name
        assert keywords == ", ".join(f"`{h['name']}`" for h in entry["hyperparameters"]), name
