"""The book build is a test: every page runs, with warnings as errors, and never shows stale output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_pages() -> list[str]:
    """Every page named in _toc.yml, root first, in reading order (paths without suffix)."""
    return list(parse_toc_yaml(ROOT / "_toc.yml"))


def test_every_page_in_the_table_of_contents_is_built_and_executed(built_site):
    pages = toc_pages()
    assert pages[0] == "book/intro"
    for page in pages:
        html = built_site / f"{page}.html"
        assert html.exists(), f"{page} is in _toc.yml but {html} was not built"
        text = html.read_text(encoding="utf-8")
        assert "cell_output" in text or "{code-cell}" not in (ROOT / f"{page}.md").read_text(), (
            f"{page} has code cells but no outputs in its HTML"
        )
    reports = built_site / "reports"
    assert not reports.exists() or not any(reports.iterdir()), (
        f"execution reports exist (a cell failed): {sorted(p.name for p in reports.iterdir())}"
    )


def test_every_page_file_is_in_the_table_of_contents():
    listed = set(toc_pages())
    on_disk = {f"book/{p.stem}" for p in (ROOT / "book").glob("*.md")}
    assert on_disk - listed == set(), f"pages missing from _toc.yml: {sorted(on_disk - listed)}"


PROBE_PAGE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Probe

```{code-cell} ipython3
import optimlab
print("probe value:", optimlab.STALE_PROBE)
```
"""


def _build_copy(book: Path, env: dict[str, str]) -> str:
    venv = ROOT / ".venv"
    result = subprocess.run(
        ["make", "-o", f"{venv}/.installed", "book", f"VENV={venv}"],
        cwd=book, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return (book / "_build" / "html" / "book" / "probe.html").read_text(encoding="utf-8")


@pytest.mark.book  # builds a one-page book twice
def test_editing_the_package_re_executes_pages_on_the_next_build(tmp_path):
    """Jupyter Book's cache keys on a page's own code only; `make book` must still re-run a
    page whose code is unchanged when the package it imports has changed."""
    book = tmp_path / "book_copy"
    book.mkdir()
    for name in ("_config.yml", "Makefile", "requirements.txt", "pyproject.toml", "package.json",
                 "package-lock.json"):
        shutil.copy2(ROOT / name, book / name)
    (book / "node_modules").symlink_to(ROOT / "node_modules")  # the maths renderer's, not npm ci
    shutil.copytree(ROOT / "tools", book / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "src", book / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (book / "book").mkdir()
    shutil.copy2(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    (book / "book" / "probe.md").write_text(PROBE_PAGE)
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/probe\n")
    init = book / "src" / "optimlab" / "__init__.py"
    original = init.read_text()
    init.write_text(original + '\nSTALE_PROBE = "first version"\n')
    # The kernel must import this copy of the package, not the editable install.
    env = dict(os.environ, PYTHONPATH=str(book / "src"))

    assert "probe value: first version" in _build_copy(book, env)

    init.write_text(original + '\nSTALE_PROBE = "second version"\n')
    html = _build_copy(book, env)
    assert "probe value: second version" in html
    assert "first version" not in html
