"""Budgets and reproducibility of the built site: small pages, and the same bytes on every build."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE_BUDGET = 1_000_000  # bytes of HTML per page, embedded animations included

# What a second build leaves out of its copy of the repository: the environment, earlier builds,
# version control and caches. Everything else is copied, as a fresh clone would have it.
NOT_COPIED = shutil.ignore_patterns(
    ".venv", "_build", ".git", ".pytest_cache", ".hypothesis", "__pycache__", "*.egg-info",
    ".ipynb_checkpoints", "artifacts",
)

# Files of the built site that may differ between two clean builds, each with the reason it
# cannot be made identical. Every other file must be byte-identical.
ALLOWED_TO_DIFFER: dict[str, str] = {}


def test_every_page_fits_the_size_budget(built_site):
    sizes = {path.relative_to(built_site).as_posix(): path.stat().st_size
             for path in built_site.rglob("*.html")}
    assert sizes, f"no HTML in {built_site}"
    largest = max(sizes, key=sizes.get)
    print(f"{len(sizes)} HTML pages; the largest is {largest} with {sizes[largest]:,} bytes "
          f"(budget {PAGE_BUDGET:,})")
    over = {page: size for page, size in sizes.items() if size > PAGE_BUDGET}
    assert over == {}, f"pages over {PAGE_BUDGET:,} bytes"


def _differing_files(first: Path, second: Path) -> list[str]:
    """Relative paths present in only one of two trees, or present in both with other bytes."""
    differing = []

    def walk(comparison: filecmp.dircmp, prefix: str):
        differing.extend(prefix + name for name in comparison.left_only + comparison.right_only)
        differing.extend(prefix + name for name in comparison.funny_files)
        # dircmp's diff_files trusts equal sizes and times: compare the bytes instead.
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False)
        differing.extend(prefix + name for name in mismatch + errors)
        for name, sub in sorted(comparison.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(first, second), "")
    return sorted(differing)


@pytest.mark.book
def test_a_second_clean_build_produces_identical_files(built_site, tmp_path):
    """Build a fresh copy of the repository (empty execution cache, another folder, its own
    copy of the package on the kernel's path) and compare every file of the two sites."""
    copy = tmp_path / "clean_copy"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
    venv = ROOT / ".venv"
    env = dict(os.environ, PYTHONPATH=str(copy / "src"))
    result = subprocess.run(
        ["make", "-o", f"{venv}/.installed", "book", f"VENV={venv}"],
        cwd=copy, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    differing = _differing_files(built_site, copy / "_build" / "html")
    unexplained = [path for path in differing if path not in ALLOWED_TO_DIFFER]
    for path in differing:
        if path in ALLOWED_TO_DIFFER:
            print(f"differs, allowed: {path}: {ALLOWED_TO_DIFFER[path]}")
    assert unexplained == [], "files that differ between two clean builds"


def _page_repairs():
    import importlib
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        return importlib.import_module("page_repairs")
    finally:
        sys.path.remove(str(ROOT / "_ext"))


def test_split_stream_outputs_are_joined_text_for_text():
    from docutils import nodes

    def stream(text, kind="stream"):
        return nodes.literal_block(text, text, classes=["output", kind], language="myst-ansi")

    # A chunk that ends between a line and its newline, then a figure, then more output.
    output = nodes.container(classes=["cell_output"])
    output += [stream("eta = 1: x = 0.12"), stream("\neta = 2: x = 0.5\n"), nodes.image(uri="a.png"),
               stream("after\n"), stream("warning\n", kind="stderr")]
    document = nodes.section()
    document += output
    _page_repairs()._join_split_streams(None, document)

    texts = [(child.astext(), child["classes"][-1]) for child in output.children
             if isinstance(child, nodes.literal_block)]
    assert texts == [("eta = 1: x = 0.12\neta = 2: x = 0.5\n", "stream"), ("after\n", "stream"),
                     ("warning\n", "stderr")]
    assert output.children[0].rawsource == output.children[0].astext()  # still highlighted


def test_notebook_downloads_get_numbered_cells_and_joined_streams(tmp_path):
    import types

    import nbformat

    notebook = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print('a'); print('b')")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a"),
                    nbformat.v4.new_output("stream", name="stdout", text="\nb\n")]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Page"), code]
    path = tmp_path / "_sources" / "book" / "page.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(notebook, path)

    _page_repairs()._same_notebook_every_build(
        types.SimpleNamespace(outdir=str(tmp_path)), "book/page", "page.html", {}, None)

    written = nbformat.read(path, as_version=4)
    assert [cell.id for cell in written.cells] == ["cell-0", "cell-1"]
    assert [output.text for output in written.cells[1].outputs] == ["a\nb\n"]
