"""Each chapter's explorer starts from the chapter's own settings: the values in its {explorer}
block are the defaults of its Try-it cell, and the build's checks accept them."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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
