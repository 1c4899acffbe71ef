"""A learner's edit never breaks a page, and an edit beyond its ranges is named at the top.

Each page's Try-it cell (the code cell that starts with ``# ---- Try it``) declares its settings as
``NAME = value  # meaning; try LOW to HIGH`` or ``...; try one of A, B, C`` (see
``book/booktools.py``), and the cell right under it calls ``check_settings(globals(), ...)``
with the limit of every setting that has a range (``LR="> 0"``). The
pages are run as a learner runs them in Jupyter (claims reported, not binding), each page in one
kernel that re-runs the whole page for every edit (as "Run all" does), the pages in parallel:

* inside the ranges: every setting at its low end, every setting at its high end, and the ends
  alternated; each must run to the end;
* beyond the ranges: every setting just below its range (by a tenth of its width, or half
  the low end for a range over decades), then every setting just above it, then every setting
  far below it (half its low end), where the setting's limit leaves room; each must run to the
  end with the box under the Try-it cell naming every setting that is outside. If one of these
  runs fails, each setting is run alone to name the culprit. ``OPTIMLAB_EDITS=each`` runs
  every setting alone anyway (five times as many runs);
* refused values: for every setting, a value of the wrong kind, and a value just beyond each
  limit (a list's choices are its limit); each must stop at the cell under the Try-it cell
  with a ``SettingError`` that names the setting, and nothing before it may fail. These runs
  stop there, so they cost little.
"""

from __future__ import annotations

import copy
import math
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from test_book import toc_pages

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))
from booktools import MARKER, Setting, limits_in, try_it_settings  # noqa: E402

pytestmark = pytest.mark.book

# A page runs an optimizer if its code calls one of these.
RUNS_AN_OPTIMIZER = re.compile(r"\bol\.(run|trace|replay|run_grid|animate)\(")
INSIDE = ("low", "high", "alternating")
BEYOND = ("below", "above", "far_below")
EACH = os.environ.get("OPTIMLAB_EDITS") == "each"


def page_source(page: str) -> str:
    return (ROOT / f"{page}.md").read_text(encoding="utf-8")


def notebook(page: str):
    """The notebook myst-nb executes for a page (as tools/execute_pages.py reads it)."""
    sys.path.insert(0, str(ROOT / "tools"))
    from execute_pages import read_page
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    extensions = config.get("parse", {}).get("myst_enable_extensions", [])
    return read_page(ROOT / f"{page}.md", extensions)


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def try_it_cell(nb):
    cells = [cell for cell in code_cells(nb) if cell.source.lstrip().startswith(MARKER)]
    return cells[0] if cells else None


def page_settings(page: str) -> list[Setting]:
    """The Try-it settings of a page, with the limits its check gives them."""
    nb = notebook(page)
    cells = code_cells(nb)
    cell = try_it_cell(nb)
    check = cells[cells.index(cell) + 1].source
    return try_it_settings(cell.source, limits=limits_in(check) if "check_settings" in check
                           else {})


def edited(source: str, values: dict) -> str:
    """The Try-it cell's source with the settings in ``values`` changed."""
    lines = []
    for line in source.splitlines():
        match = re.match(r"^(\s*)([A-Z][A-Z0-9_]*)(\s*=\s*)([^#]+?)(\s*#.*)$", line)
        if match and match[2] in values:
            line = f"{match[1]}{match[2]}{match[3]}{values[match[2]]!r}{match[5]}"
        lines.append(line)
    return "\n".join(lines)


def inside(settings: list[Setting], variant: str) -> dict:
    """Every setting at an end of its range: all low, all high, or alternated."""
    values = {}
    for index, setting in enumerate(settings):
        low, high = setting.ends()
        pick_low = {"low": True, "high": False, "alternating": index % 2 == 0}[variant]
        values[setting.name] = low if pick_low else high
    return values


def _step(setting: Setting) -> dict:
    """The values "just outside" the range below and above, and "far below" it."""
    low, high = setting.low, setting.high
    if setting.whole:
        return {"below": low - 1, "above": high + 1, "far_below": low // 2}
    far = low / 2 if low > 0 else low - (high - low) / 2
    if low > 0 and high >= 10 * low:  # a range over decades: a factor of 2
        return {"below": low / 2, "above": high * 2, "far_below": low / 10}
    return {"below": low - (high - low) / 10, "above": high + (high - low) / 10,
            "far_below": far}


def beyond(setting: Setting, side: str):
    """A value outside the range on ``side`` ("below", "above" or "far_below": half the low
    end, a tenth for a range over decades) that the setting's limit allows (halfway to the
    limit if the limit is nearer), or None if the range reaches the limit there."""
    if setting.choices:
        return None
    end = setting.high if side == "above" else setting.low
    value = _step(setting)[side]
    if setting.problem(value):
        lowest, _, highest, _ = setting.bounds()
        bound = highest if side == "above" else lowest
        value = (end + bound) / 2
        if setting.whole:
            value = math.ceil(value) if side == "above" else math.floor(value)
        if value == end or setting.problem(value):
            return None
    return value if setting.outside(value) else None


def refused(setting: Setting) -> dict:
    """Values the page must refuse at its top: ``{why: value}``."""
    shipped = setting.value
    values = {"a string": str(shipped)}
    if setting.choices:
        numbers = [c for c in setting.choices if type(c) is int]
        values["not a choice"] = max(numbers) + 1 if numbers else None
        return values
    if setting.whole:
        values["not whole"] = shipped + 0.5
    lowest, low_in, highest, high_in = setting.bounds()
    for side, bound, included in (("below", lowest, low_in), ("above", highest, high_in)):
        if not math.isfinite(bound):
            continue
        if setting.whole:
            value = math.ceil(bound) - 1 if side == "below" else math.floor(bound) + 1
            if not included and bound == int(bound):
                value = int(bound)
        elif not included:
            value = bound
        else:
            width = (setting.high - setting.low) / 10
            value = bound - width if side == "below" else bound + width
        values[f"{side} its limit {setting.limit}"] = value
    return values


@dataclass
class Outcome:
    """What one edited run of a page did."""

    values: dict
    error_cell: int | None = None  # index among the code cells of the cell that failed
    error: str = ""
    notice: str = ""  # what the cell under the Try-it cell printed or displayed
    seconds: float = 0.0
    outputs: list = field(default_factory=list)

    def describe(self) -> str:
        where = "ran to the end" if self.error_cell is None else (
            f"failed in code cell {self.error_cell}: {self.error}")
        return f"{self.values}: {where}"


class PageKernel:
    """One kernel that runs a page again and again with edited Try-it values, as a learner's
    "Run all" would (the namespace is cleared between runs)."""

    def __init__(self, page: str):
        from nbclient import NotebookClient

        self.base = notebook(page)
        self.client = NotebookClient(copy.deepcopy(self.base), timeout=900,
                                     kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "book")}})

    def __enter__(self):
        os.environ.pop("OPTIMLAB_BOOK_BUILD", None)  # claims are reported, not binding
        self._kernel = self.client.setup_kernel()
        self._kernel.__enter__()
        return self

    def __exit__(self, *exc):
        return self._kernel.__exit__(*exc)

    def run(self, values: dict, *, until: int | None = None) -> Outcome:
        """Run the page with ``values`` in its Try-it cell, through code cell ``until`` (all by
        default); stop at the first error."""
        import nbformat
        from nbclient.exceptions import CellExecutionError

        nb = copy.deepcopy(self.base)
        cells = code_cells(nb)
        cell = try_it_cell(nb)
        cell.source = edited(cell.source, values)
        self.client.nb = nb
        outcome, started = Outcome(values), time.perf_counter()
        reset = nbformat.v4.new_code_cell(
            'import matplotlib.pyplot as _plt\n_plt.close("all")\n%reset -f')
        self.client.execute_cell(reset, 0)
        for index, cell in enumerate(cells[:None if until is None else until + 1]):
            try:
                self.client.execute_cell(cell, nb.cells.index(cell))
            except CellExecutionError as error:
                message = re.sub(r"\x1b\[[0-9;]*m", "", f"{error.ename}: {error.evalue}")
                outcome.error_cell, outcome.error = index, message
                break
        position = cells.index(try_it_cell(nb))
        if position + 1 < len(cells):
            outcome.notice = "\n".join(_text(output) for output in cells[position + 1].outputs)
        outcome.seconds = time.perf_counter() - started
        return outcome


def _text(output) -> str:
    if "text" in output:
        return output["text"]
    return output.get("data", {}).get("text/plain", "") or output.get("evalue", "")


def check_cell_index(page: str) -> int:
    """The index among the code cells of the cell that checks the Try-it values."""
    nb = notebook(page)
    return code_cells(nb).index(try_it_cell(nb)) + 1


def jobs_for(page: str, kinds: set[str]) -> list[tuple[str, str, dict, int | None]]:
    """``(kind, label, values, until)`` for every run of ``page`` the selected tests need."""
    settings = page_settings(page)
    jobs = []
    for kind in INSIDE:
        if kind in kinds:
            jobs.append((kind, kind, inside(settings, kind), None))
    for side in BEYOND:
        if side in kinds:
            values = {s.name: beyond(s, side) for s in settings if beyond(s, side) is not None}
            if EACH:
                jobs += [(side, name, {name: value}, None) for name, value in values.items()]
            elif values:
                jobs.append((side, "together", values, None))
    if "refused" in kinds:
        until = check_cell_index(page)
        for setting in settings:
            for why, value in refused(setting).items():
                jobs.append(("refused", f"{setting.name} {why}", {setting.name: value}, until))
    return jobs


def run_page(page: str, kinds: set[str]) -> dict:
    """Every run of one page, in one kernel: ``{(kind, label): Outcome}``. A run of settings
    together that fails is followed by a run of each of them alone."""
    results = {}
    with PageKernel(page) as kernel:
        jobs = sorted(jobs_for(page, kinds), key=lambda job: job[0] != "refused")  # cheap first
        for kind, label, values, until in jobs:
            outcome = kernel.run(values, until=until)
            results[(kind, label)] = outcome
            if label == "together" and outcome.error_cell is not None:
                for name, value in values.items():
                    results[(kind, name)] = kernel.run({name: value})
    return results


def editable_pages() -> list[str]:
    return [page for page in toc_pages() if MARKER in page_source(page)]


TESTS = {"test_the_page_runs_to_the_end_inside_its_ranges": "inside",
         "test_beyond_a_range_the_page_says_so_at_the_top_and_runs_to_the_end": "beyond",
         "test_a_value_the_page_cannot_run_with_stops_it_at_the_try_it_cell": "refused"}


@pytest.fixture(scope="module")
def outcomes(request) -> dict:
    """Run every selected page and kind of edit at once, a page per process."""
    wanted: dict[str, set[str]] = {}
    for item in request.session.items:
        kind = TESTS.get(getattr(item, "originalname", ""))
        if kind:
            params = item.callspec.params
            wanted.setdefault(params["page"], set()).add(params.get("variant", kind))
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {page: pool.submit(run_page, page, kinds) for page, kinds in wanted.items()}
        results = {page: future.result() for page, future in futures.items()}
    runs = sum(map(len, results.values()))
    print(f"\n{runs} edited runs of {len(results)} pages in {time.perf_counter() - started:.0f} s")
    return results


def test_every_page_that_runs_an_optimizer_opens_with_a_try_it_cell():
    missing = [page for page in toc_pages()
               if RUNS_AN_OPTIMIZER.search(page_source(page)) and MARKER not in page_source(page)]
    assert not missing, f"pages that run optimizers without a Try-it cell: {missing}"


@pytest.mark.parametrize("page", editable_pages())
def test_every_try_it_setting_states_its_range_and_is_checked_right_under_it(page):
    nb = notebook(page)
    cell = try_it_cell(nb)
    cells = code_cells(nb)
    position = cells.index(cell)
    assert position <= 1, f"{page}: the Try-it cell must open the page (after imports)"
    assert "check_settings(globals()" in cells[position + 1].source, (
        f"{page}: the cell under the Try-it cell must call check_settings(globals(), ...)")
    settings = page_settings(page)
    assert settings, f"{page}'s Try-it cell declares no settings"
    unlimited = [s.name for s in settings if not s.choices and not s.limit]
    assert not unlimited, (f"{page}: check_settings must give the limit of {unlimited} "
                           '(NAME="> 0", ">= 1", "in [0, 1)", ...)')
    code = [line for line in cell.source.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert len(code) == len(settings), (
        f"{page}: the Try-it cell must hold its settings only (the code that uses them comes "
        "after the check, so that a refused value stops the page there)")


@pytest.mark.parametrize("variant", INSIDE)
@pytest.mark.parametrize("page", editable_pages())
def test_the_page_runs_to_the_end_inside_its_ranges(outcomes, page, variant):
    outcome = outcomes[page][(variant, variant)]
    if outcome.error_cell is not None:
        pytest.fail(f"{page} with every setting at its {variant} end {outcome.describe()}",
                    pytrace=False)
    assert "Outside the range" not in outcome.notice, outcome.notice


@pytest.mark.parametrize("variant", BEYOND)
@pytest.mark.parametrize("page", editable_pages())
def test_beyond_a_range_the_page_says_so_at_the_top_and_runs_to_the_end(outcomes, page,
                                                                       variant):
    runs = {label: outcome for (kind, label), outcome in outcomes[page].items()
            if kind == variant}
    if not runs:
        pytest.skip(f"every range of {page} reaches its limit {variant}")
    single = {label: o for label, o in runs.items() if label != "together"}
    failures = [f"{page} with {o.describe()}" for label, o in single.items()
                if o.error_cell is not None]
    if "together" in runs and runs["together"].error_cell is not None and not failures:
        failures.append(f"{page} with {runs['together'].describe()} (each alone runs)")
    for outcome in runs.values():
        if outcome.error_cell is None:
            named = [f"{name} = {value!r}" for name, value in outcome.values.items()
                     if f"{name} = {value!r}" not in outcome.notice]
            if named or outcome.notice.count("Outside the range") != 1:
                failures.append(f"{page}: the box under the Try-it cell must name {named} "
                                f"once; it shows {outcome.notice!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("page", editable_pages())
def test_a_value_the_page_cannot_run_with_stops_it_at_the_try_it_cell(outcomes, page):
    check_at = check_cell_index(page)
    failures = []
    for (kind, label), outcome in outcomes[page].items():
        if kind != "refused":
            continue
        name = label.split()[0]
        if outcome.error_cell != check_at or not outcome.error.startswith("SettingError") \
                or name not in outcome.error:
            failures.append(f"{page}, {label}: {outcome.describe()}")
    assert not failures, "\n".join(failures)
