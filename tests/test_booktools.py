"""book/booktools.py, the pages' bookkeeping: checks, claims and the Try-it grammar."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
import booktools  # noqa: E402
from booktools import CheckFailed, ClaimFailed, check, claim, try_it_settings  # noqa: E402


def test_the_module_examples_hold():
    assert doctest.testmod(booktools).failed == 0


def test_a_failed_check_carries_its_message():
    with pytest.raises(CheckFailed, match="^m_hat differs from g at step 3$"):
        check(False, "m_hat differs from g at step 3")


def test_a_false_claim_is_reported_to_a_learner(monkeypatch, capsys):
    monkeypatch.delenv("OPTIMLAB_BOOK_BUILD", raising=False)
    assert claim(False, "Adam ends nearest", "RMSProp ends nearest") is False
    assert capsys.readouterr().out == (
        "With these settings: Adam ends nearest - no longer true (RMSProp ends\n"
        "    nearest).\n")


def test_a_false_claim_stops_the_book_build(monkeypatch):
    monkeypatch.setenv("OPTIMLAB_BOOK_BUILD", "1")
    with pytest.raises(ClaimFailed, match="'Adam ends nearest'.*RMSProp ends nearest"):
        claim(False, "Adam ends nearest", "RMSProp ends nearest")
    assert claim(True, "Adam ends nearest", show=False) is True


def test_try_it_settings_read_ranges_and_choices_and_skip_other_lines():
    source = ("# ---- Try it ----\n"
              "LR = 0.2       # η, the learning rate; try 0.01 to 0.5\n"
              "STEPS = 100    # number of steps; try 20 to 400\n"
              "AMSGRAD = False  # the running maximum; try one of False, True\n"
              "adam = ol.adam(lr=LR)\n")
    settings = try_it_settings(source)
    assert [(s.name, s.value, s.ends()) for s in settings] == [
        ("LR", 0.2, (0.01, 0.5)), ("STEPS", 100, (20, 400)), ("AMSGRAD", False, (False, True))]
    assert settings[0].meaning == "η, the learning rate"


@pytest.mark.parametrize("line, problem", [
    ("LR = 0.2  # the learning rate", "without"),
    ("LR = 0.9  # η; try 0.01 to 0.5", "outside its own range"),
])
def test_a_setting_without_a_valid_range_is_refused(line, problem):
    with pytest.raises(ValueError, match=problem):
        try_it_settings(line)


def test_a_long_claim_is_wrapped_to_the_column(monkeypatch, capsys):
    monkeypatch.delenv("OPTIMLAB_BOOK_BUILD", raising=False)
    claim(False, "the tuned heavy ball ends nearest to the minimum on every rotation",
          "Adam ends nearest at 15 degrees and RMSProp at 0 degrees")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and max(map(len, lines)) <= 76
    assert all(line.startswith("    ") for line in lines[1:])
