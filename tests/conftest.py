"""Shared fixtures: the built book, made once per test session with the README's command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_site() -> Path:
    """Build the book with `make book` (warnings as errors, every page executed) and return
    the folder of the built HTML. Set OPTIMLAB_SKIP_BUILD=1 to test an existing build.
    `REPO=` builds it without repository buttons even in a clone of GitHub (where `make book`
    would point them at git's origin): tests/test_repo_links.py builds its own copy with them."""
    if os.environ.get("OPTIMLAB_SKIP_BUILD") != "1":
        result = subprocess.run(["make", "book", "REPO="], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(
                "`make book` failed (exit {}):\n{}\n{}".format(
                    result.returncode, result.stdout[-6000:], result.stderr[-6000:]
                )
            )
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site at {HTML}")
    return HTML


# fixtures that build the book: the site, and tests/test_pdf.py's PDF edition
BUILDS_THE_BOOK = {"built_site", "pdf"}


def pytest_collection_modifyitems(config, items):
    """Mark `book` every test that needs the built site or the PDF (which `make pdf` builds
    after the site), directly or through another fixture (item.fixturenames is the closure of
    the fixtures it uses), so that `make check` (`pytest -m "not book"`) never builds the
    book."""
    for item in items:
        if BUILDS_THE_BOOK & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.book)
