"""book/booktools.py, the pages' bookkeeping: checks, claims, the Try-it grammar and its check."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
import booktools  # noqa: E402
from booktools import (CheckFailed, ClaimFailed, SettingError, Table, check,  # noqa: E402
                       check_settings, claim, limits_in, table, try_it_settings)

CELL = ("# ---- Try it ----\n"
        "LR = 0.2       # η, the learning rate; try 0.01 to 0.5\n"
        "STEPS = 100    # number of steps; try 20 to 400\n"
        "AMSGRAD = False  # the running maximum; try one of False, True\n")
LIMITS = {"LR": "> 0", "STEPS": ">= 1"}


def test_the_module_examples_hold():
    assert doctest.testmod(booktools).failed == 0


def test_a_failed_check_carries_its_message():
    with pytest.raises(CheckFailed, match="^m_hat differs from g at step 3$"):
        check(False, "m_hat differs from g at step 3")


def test_a_claim_that_holds_shows_nothing(monkeypatch, capsys):
    monkeypatch.delenv("OPTIMLAB_BOOK_BUILD", raising=False)
    assert claim(True, "Adam ends nearest", "RMSProp ends nearest") is True
    assert capsys.readouterr().out == ""


def test_a_false_claim_is_reported_to_a_learner_with_what_holds_instead(monkeypatch, capsys):
    monkeypatch.delenv("OPTIMLAB_BOOK_BUILD", raising=False)
    assert claim(False, "Adam ends nearest", "RMSProp ends nearest") is False
    assert capsys.readouterr().out == (
        "No longer true with your settings:\n"
        "  - Adam ends nearest: no longer true (RMSProp ends nearest).\n")
    assert claim(False, "Adam ends nearest", show=False) is False
    assert capsys.readouterr().out == ""


def test_a_false_claim_stops_the_book_build(monkeypatch):
    monkeypatch.setenv("OPTIMLAB_BOOK_BUILD", "1")
    with pytest.raises(ClaimFailed, match="'Adam ends nearest'.*RMSProp ends nearest"):
        claim(False, "Adam ends nearest", "RMSProp ends nearest")
    assert claim(True, "Adam ends nearest", show=False) is True


def test_a_long_claim_is_wrapped_to_the_column(monkeypatch, capsys):
    monkeypatch.delenv("OPTIMLAB_BOOK_BUILD", raising=False)
    claim(False, "the tuned heavy ball ends nearest to the minimum on every rotation",
          "Adam ends nearest at 15 degrees and RMSProp at 0 degrees")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 2 and max(map(len, lines)) <= 76
    assert all(line.startswith("    ") for line in lines[2:])


def test_a_table_prints_aligned_plain_text_outside_a_notebook(capsys):
    table([("Adam", 0.001234567, 100), ("SGD", 2.5, 7)], ["optimizer", "distance", "steps"],
          formats={"distance": ".2e"}, caption="After 100 steps")
    assert capsys.readouterr().out == ("After 100 steps\n"
                                       "optimizer  distance  steps\n"
                                       "---------  --------  -----\n"
                                       "Adam       1.23e-03    100\n"
                                       "SGD        2.50e+00      7\n")


def test_one_format_for_a_whole_table_applies_to_its_numbers_only():
    shown = Table.of([("Adam", 0.5, 3, True)], ["optimizer", "distance", "steps", "tuned"],
                     formats=".2f")
    assert shown.rows == (("Adam", "0.50", "3.00", "True"),)


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



class FakeKernel:
    """What claim() needs of a notebook kernel: the number of the running cell."""

    def __init__(self):
        self.execution_count = 1
        self.kernel = object()


def test_in_a_notebook_the_claims_a_cell_breaks_share_one_warning_box(monkeypatch):
    monkeypatch.delenv("OPTIMLAB_BOOK_BUILD", raising=False)
    shell, shown = FakeKernel(), []

    class Handle:
        def __init__(self, box):
            self.versions = [box._repr_html_()]

        def update(self, box):
            self.versions.append(box._repr_html_())

    def display(box, display_id=None):
        assert display_id is True
        shown.append(Handle(box))
        return shown[-1]

    monkeypatch.setattr(booktools, "_kernel", lambda: shell)
    monkeypatch.setattr("IPython.display.display", display)
    claim(False, "Adam ends nearest", "RMSProp does")
    claim(True, "GD ends farthest")
    claim(False, "x2 < 1e-3 at the end", "x2 = 0.02")
    shell.execution_count = 2                  # the next cell opens a box of its own
    claim(False, "the noise floor is lower")
    assert len(shown) == 2
    first = shown[0].versions[-1]
    assert first.count("<li>") == 2 and 'role="note"' in first
    assert "<em>Adam ends nearest</em>: no longer true (RMSProp does)." in first
    assert "x2 = 0.02" in first and "GD ends farthest" not in first
    assert shown[1].versions[-1].count("<li>") == 1


def test_try_it_settings_read_ranges_choices_and_limits():
    settings = try_it_settings(CELL + "adam = ol.adam(lr=LR)\n", limits=LIMITS)
    assert [(s.name, s.value, s.ends(), s.limit) for s in settings] == [
        ("LR", 0.2, (0.01, 0.5), "> 0"), ("STEPS", 100, (20, 400), ">= 1"),
        ("AMSGRAD", False, (False, True), "")]
    assert settings[0].meaning == "η, the learning rate"
    assert settings[1].whole and not settings[0].whole
    assert limits_in('check_settings(globals(), LR="> 0",\n               STEPS=">= 1")') == LIMITS


@pytest.mark.parametrize("line, limits, problem", [
    ("LR = 0.2  # the learning rate", {}, "without"),
    ("LR = 0.9  # η; try 0.01 to 0.5", {}, "outside its own range"),
    ("LR = 0.2  # η; try 0.01 to 0.5", {"LR": "> 0.1"}, "breaks its limit"),
    ("LR = 0.2  # η; try 0.01 to 0.5", {"ETA": "> 0"}, "does not declare: ..ETA"),
    ("LR = 0.2  # η; try 0.01 to 0.5", {"LR": "positive"}, "a limit must read"),
])
def test_a_setting_without_a_valid_range_or_limit_is_refused(line, limits, problem):
    with pytest.raises(ValueError, match=problem):
        try_it_settings(line, limits=limits)


def test_values_inside_their_ranges_pass_silently(capsys):
    check_settings({"LR": 0.01, "STEPS": 400, "AMSGRAD": True}, CELL, **LIMITS)
    assert capsys.readouterr().out == ""


def test_values_outside_their_ranges_are_named_once_and_the_page_runs_on(capsys):
    check_settings({"LR": 0.6, "STEPS": 10, "AMSGRAD": False}, CELL, **LIMITS)
    text = capsys.readouterr().out
    assert text.count("Outside the range this page is written for") == 1
    assert "LR = 0.6: the text is written for 0.01 to 0.5." in text
    assert "STEPS = 10: the text is written for 20 to 400." in text


@pytest.mark.parametrize("values, message", [
    ({"LR": -0.1}, r"^LR = -0.1 cannot run: η, the learning rate must be > 0 \(the page is "
                   r"written for 0.01 to 0.5\)$"),
    ({"LR": 0}, "^LR = 0 cannot run: .* must be > 0"),
    ({"LR": "0.2"}, "^LR = '0.2' cannot run: .* must be a number, like 0.01"),
    ({"LR": float("nan")}, "^LR = nan cannot run: .* not NaN"),
    ({"STEPS": 0}, "^STEPS = 0 cannot run: number of steps must be >= 1"),
    ({"STEPS": 100.0}, "^STEPS = 100.0 cannot run: number of steps must be a whole number"),
    ({"AMSGRAD": 1}, "^AMSGRAD = 1 cannot run: the running maximum must be one of False, True"),
])
def test_a_value_the_page_cannot_run_with_raises_an_error_naming_the_setting(values, message):
    namespace = {"LR": 0.2, "STEPS": 100, "AMSGRAD": False, **values}
    with pytest.raises(SettingError, match=message):
        check_settings(namespace, CELL, **LIMITS)


def test_a_setting_the_cell_no_longer_sets_is_named():
    with pytest.raises(SettingError, match="^STEPS is not set"):
        check_settings({"LR": 0.2, "AMSGRAD": False}, CELL, **LIMITS)


@pytest.mark.parametrize("limit, inside, outside", [
    ("in [0, 1)", [0, 0.5, 0.999], [-0.1, 1, 1.5]),
    ("in (0, 0.2]", [0.1, 0.2], [0, 0.3]),
    ("< 1", [-5, 0.9], [1]),
    ("<= 1", [1], [1.01]),
    (">= 2", [2, 3], [1.9]),
])
def test_limits_read_as_written(limit, inside, outside):
    (setting,) = try_it_settings("B = 0.1  # b; try 0.1 to 0.2", as_shipped=False,
                                 limits={"B": limit})
    assert [setting.problem(v) for v in inside] == [None] * len(inside)
    assert all(setting.problem(v) == f"must be {limit}" for v in outside)


def test_an_edited_cell_is_read_leniently():
    edited = CELL.replace("LR = 0.2", "LR = 0.1 * 3").replace("STEPS = 100    # number of steps;"
                                                               " try 20 to 400", "STEPS = 100")
    settings = try_it_settings(edited, as_shipped=False)
    assert [(s.name, s.value) for s in settings] == [("LR", None), ("AMSGRAD", False)]


def test_a_notebook_shows_a_refused_value_as_its_message_without_a_traceback():
    with pytest.raises(SettingError) as refused:
        check_settings({"LR": -1.0, "STEPS": 100, "AMSGRAD": False}, CELL, **LIMITS)
    assert refused.value._render_traceback_() == [
        f"SettingError: {refused.value}",
        "Change it in the Try-it cell above, then run the page again."]
