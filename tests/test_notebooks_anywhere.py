"""Notebooks that run anywhere (issue 26): the pages' helpers come with the package
(optimlab.book; book/booktools.py is the same module under its old name), every offered notebook
starts with a guarded cell that installs optimlab where it is missing (_ext/notebook_links.py),
and the pages' imports are rewritten by tools/import_from_package.py.

`make notebooks-check` (tools/run_notebooks.py) runs the built notebooks in a fresh venv with
only their install cell, against a local wheel; it is too slow for `make test`. Here: the
install cell's logic, without a network, and every notebook of the built site starts with it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

import optimlab
import optimlab.book

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
import import_from_package  # noqa: E402
import notebook_links  # noqa: E402


class Shell:
    """What the install cell calls in a kernel: get_ipython().run_line_magic."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


def run_install_cell(monkeypatch, importable: bool) -> list:
    code = TransformerManager().transform_cell(notebook_links.install_cell("1.2.3").source)
    shell = Shell()
    if not importable:
        monkeypatch.setitem(sys.modules, "optimlab", None)  # import optimlab raises ImportError
    exec(code, {"get_ipython": lambda: shell})
    return shell.magics


def test_the_install_cell_does_nothing_where_optimlab_is_installed(monkeypatch):
    assert run_install_cell(monkeypatch, importable=True) == []


def test_the_install_cell_installs_the_books_version_where_optimlab_is_missing(monkeypatch):
    assert run_install_cell(monkeypatch, importable=False) == [
        ("pip", "install --quiet optimlab==1.2.3")]


def test_the_install_cell_is_first_once_with_a_fixed_id():
    notebook = notebook_links.nbformat.v4.new_notebook(
        cells=[notebook_links.nbformat.v4.new_code_cell("import optimlab as ol")])
    once = notebook_links.with_install_cell(notebook, "0.1.0")
    twice = notebook_links.with_install_cell(once, "0.1.0")
    assert [c.source for c in twice.cells] == [c.source for c in once.cells]
    assert len(once.cells) == 2 and once.cells[1].source == "import optimlab as ol"
    assert once.cells[0].id == notebook_links.INSTALL_TAG
    assert notebook_links.INSTALL_TAG in once.cells[0].metadata["tags"]
    notebook_links.nbformat.validate(once)


def test_the_old_module_name_is_the_package_module():
    sys.path.insert(0, str(ROOT / "book"))
    try:
        booktools = importlib.import_module("booktools")
    finally:
        sys.path.remove(str(ROOT / "book"))
    assert booktools is optimlab.book
    assert booktools.CheckFailed is optimlab.book.CheckFailed


def test_glue_works_without_the_books_toolchain(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb raises ImportError
    assert optimlab.book.glue("x", 2.5) == 2.5
    numpy = pytest.importorskip("numpy")
    value = optimlab.book.glue("y", numpy.float64(0.5))
    assert value == 0.5 and type(value) is float


def test_optimlab_book_is_documented_public_and_ships_in_the_package():
    assert optimlab.book.__doc__ and "Colab" in optimlab.book.__doc__
    for name in optimlab.book.__all__:
        assert getattr(optimlab.book, name).__doc__, name
    assert Path(optimlab.book.__file__).parent == Path(optimlab.__file__).parent


@pytest.mark.parametrize("before, after", [
    ("from booktools import check, glue\n", "from optimlab.book import check, glue\n"),
    ("x = 1\n  from booktools import claim\n", "x = 1\n  from optimlab.book import claim\n"),
    ("import booktools\n", "import optimlab.book as booktools\n"),
    ("The booktools module\nfrom booktools_extra import x\n",
     "The booktools module\nfrom booktools_extra import x\n"),
])
def test_the_import_rewrite_changes_imports_only(before, after):
    assert import_from_package.rewritten(before) == after
    assert import_from_package.rewritten(after) == after  # safe to run again


def test_the_import_rewrite_check_mode_changes_nothing(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```{code-cell}\nfrom booktools import check\n```\n")
    assert import_from_package.main(["--check", str(page)]) == 1
    assert "booktools" in page.read_text()
    assert import_from_package.main([str(page)]) == 0
    assert import_from_package.main(["--check", str(page)]) == 0


def test_every_offered_notebook_starts_with_the_install_cell(built_site):
    notebooks = sorted((built_site / "_sources").rglob("*.ipynb"))
    assert notebooks, "the site offers no notebook"
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        tagged = [i for i, c in enumerate(cells)
                  if notebook_links.INSTALL_TAG in c.get("metadata", {}).get("tags", [])]
        assert tagged == [0], f"{path.name}: install cell at {tagged}"
        assert f"optimlab=={optimlab.__version__}" in "".join(cells[0]["source"])
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        assert not any("booktools" in s for s in sources), f"{path.name} imports booktools"


def test_every_page_imports_its_helpers_from_the_package():
    """A page that imports `booktools` needs the repository's book/ folder beside its notebook:
    `python tools/import_from_package.py` rewrites it (run it after merging a branch that adds
    or edits pages)."""
    assert import_from_package.main(["--check"]) == 0, (
        "run `python tools/import_from_package.py` to import from optimlab.book")
