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
