"""book/booktools.py, the pages' bookkeeping: checks, claims and the Try-it grammar."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
import booktools  # noqa: E402
from booktools import (CheckFailed, ClaimFailed, Table, check, claim, table,  # noqa: E402
                       try_it_settings)


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


def test_a_table_prints_aligned_plain_text_outside_a_notebook(capsys):
    table([("Adam", 0.001234567, 100), ("SGD", 2.5, 7)], ["optimizer", "distance", "steps"],
          formats={"distance": ".2e"}, caption="After 100 steps")
    assert capsys.readouterr().out == ("After 100 steps\n"
                                       "optimizer  distance  steps\n"
                                       "---------  --------  -----\n"
                                       "Adam       1.23e-03    100\n"
                                       "SGD        2.50e+00      7\n")


def test_a_table_in_html_has_row_headers_labels_for_cards_and_escaped_text():
    shown = Table.of([{"optimizer": "<Adam>", "distance": 0.5}], ["optimizer", "distance"])
    page = shown._repr_html_()
    assert '<th scope="col">optimizer</th>' in page
    assert '<th scope="row" data-label="optimizer">&lt;Adam&gt;</th>' in page
    assert '<td data-label="distance" class="number">0.5</td>' in page
    assert f'data-fits-em="{shown.fits_em()}"' in page


def test_a_wider_table_asks_for_a_wider_column_before_it_becomes_cards():
    narrow = Table.of([("Adam", 0.5)], ["optimizer", "distance"])
    wide = Table.of([("Adam", 0.5, "lr 0.2, betas (0.9, 0.999)", 1e-8, 123456789)],
                    ["optimizer", "distance", "tuned settings", "eps", "steps to 1e-6"])
    assert narrow.needed_em() < wide.needed_em()
    assert narrow.fits_em() <= wide.fits_em()
    assert narrow.fits_em() in booktools.TABLE_WIDTHS_EM
    # every column as wide as its longest word: "distance" is 8 characters
    assert narrow.needed_em() == pytest.approx(
        2 * booktools.CELL_PADDING_EM + (9 + 8) * booktools.CHARACTER_EM)


def test_every_width_a_table_can_ask_for_has_its_container_query():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
    try:
        import results_tables
    finally:
        sys.path.pop(0)
    css = results_tables.stylesheet()
    for width in booktools.TABLE_WIDTHS_EM:
        assert f"@container (width < {width}em)" in css
        assert f'div.results-table[data-fits-em="{width}"] td::before' in css


@pytest.mark.parametrize("rows, columns, formats, problem", [
    ([("Adam", 1.0)], [], None, "columns"),
    ([("Adam",)], ["optimizer", "distance"], None, r"rows\[0\] has 1 values"),
    ([("Adam", 1.0)], ["optimizer", "distance"], {"steps": "d"}, "formats"),
])
def test_a_malformed_table_is_refused_naming_the_argument(rows, columns, formats, problem):
    with pytest.raises(ValueError, match=problem):
        Table.of(rows, columns, formats=formats)
