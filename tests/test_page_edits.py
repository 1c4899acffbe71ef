"""A learner's edit never breaks a page: every page re-run with its Try-it values at the ends of
their stated ranges runs to the end without an exception.

Each page's Try-it cell (the code cell with the line ``# ---- Try it``) declares its settings as
``NAME = value  # meaning; try LOW to HIGH`` or ``...; try one of A, B, C`` (see
``book/booktools.py``). Three variants of every such page are executed as a learner would run
them in Jupyter (claims reported, not binding): every setting at the low end, every setting at
the high end, and the ends alternated. The pages run in parallel, one per core.
"""

from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from test_book import toc_pages

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))
from booktools import Setting, try_it_settings  # noqa: E402

pytestmark = pytest.mark.book

MARKER = "# ---- Try it"
# A page runs an optimizer if its code calls one of these.
RUNS_AN_OPTIMIZER = re.compile(r"\bol\.(run|trace|replay|run_grid|animate)\(")
VARIANTS = ("low", "high", "alternating")


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


def try_it_cell(nb):
    cells = [cell for cell in nb.cells if cell.cell_type == "code" and MARKER in cell.source]
    return cells[0] if cells else None


def edited(source: str, settings: list[Setting], variant: str) -> str:
    """The Try-it cell's source with every setting moved to an end of its range."""
    values = {}
    for index, setting in enumerate(settings):
        low, high = setting.ends()
        pick_low = {"low": True, "high": False, "alternating": index % 2 == 0}[variant]
        values[setting.name] = low if pick_low else high
    lines = []
    for line in source.splitlines():
        match = re.match(r"^(\s*)([A-Z][A-Z0-9_]*)(\s*=\s*)([^#]+?)(\s*#.*)$", line)
        if match and match[2] in values:
            line = f"{match[1]}{match[2]}{match[3]}{values[match[2]]!r}{match[5]}"
        lines.append(line)
    return "\n".join(lines)


def run_variant(page: str, variant: str) -> str | None:
    """Execute one edited page; None if it ran to the end, else the error."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = notebook(page)
    cell = try_it_cell(nb)
    try:
        cell.source = edited(cell.source, try_it_settings(cell.source), variant)
    except ValueError as error:
        return f"its Try-it cell cannot be read: {error}"
    os.environ.pop("OPTIMLAB_BOOK_BUILD", None)
    result = single_nb_execution(nb, cwd=str(ROOT / "book"), allow_errors=False, timeout=600,
                                 meta_override=True)
    if result.err is None:
        return None
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(result.err))
    return f"{type(result.err).__name__}: {message[-3000:]}"


def editable_pages() -> list[str]:
    return [page for page in toc_pages() if MARKER in page_source(page)]


@pytest.fixture(scope="module")
def outcomes(request) -> dict[tuple[str, str], str | None]:
    """Run every selected (page, variant) at once, in parallel."""
    jobs = [(item.callspec.params["page"], item.callspec.params["variant"])
            for item in request.session.items
            if getattr(item, "originalname", "") == "test_the_page_runs_to_the_end_with_edited_settings"]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {job: pool.submit(run_variant, *job) for job in jobs}
        return {job: future.result() for job, future in futures.items()}


def test_every_page_that_runs_an_optimizer_opens_with_a_try_it_cell():
    missing = [page for page in toc_pages()
               if RUNS_AN_OPTIMIZER.search(page_source(page)) and MARKER not in page_source(page)]
    assert not missing, f"pages that run optimizers without a Try-it cell: {missing}"


@pytest.mark.parametrize("page", editable_pages())
def test_every_try_it_setting_states_its_range(page):
    nb = notebook(page)
    cell = try_it_cell(nb)
    settings = try_it_settings(cell.source)
    assert settings, f"{page}'s Try-it cell declares no settings"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code.index(cell) <= 1, f"{page}: the Try-it cell must open the page (after imports)"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("page", editable_pages())
def test_the_page_runs_to_the_end_with_edited_settings(outcomes, page, variant):
    error = outcomes[(page, variant)]
    if error is not None:
        pytest.fail(f"{page} with every setting at its {variant} end failed: {error}",
                    pytrace=False)
