"""tools/build_book.py: what the inputs hash covers, what is dropped when, an unreadable
execution cache found and rebuilt, and the repository read from git's origin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_book  # noqa: E402

ALL = [".jupyter_cache", "jupyter_execute", ".doctrees", "html"]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def book(tmp_path) -> Path:
    """A folder with the files a book build reads, and _build with every kind of output."""
    files = {
        "src/optimlab/__init__.py": "VALUE = 1\n",
        "src/optimlab/adam.py": "BETAS = (0.9, 0.999)\n",
        "requirements.txt": "numpy==2.4.6\n",
        "pyproject.toml": "[project]\nname = 'optimlab'\n",
        "book/booktools.py": "def check(): pass\n",
        "book/intro.md": "# Intro\n",
        "_config.yml": "title: A book\n",
        "_toc.yml": "format: jb-book\nroot: book/intro\n",
        "_ext/page_repairs.py": "def setup(app): pass\n",
        # Generated files that are no inputs.
        "src/optimlab/__pycache__/adam.cpython-311.pyc": "bytecode",
        "src/optimlab.egg-info/PKG-INFO": "Name: optimlab\n",
    }
    for name, text in files.items():
        write(tmp_path / name, text)
    return tmp_path


def fill_build(root: Path) -> None:
    for name in ALL:
        write(root / "_build" / name / "kept", "output")


def cache_with_one_notebook(folder: Path) -> str:
    """A real jupyter-cache holding one executed notebook; returns its hash key."""
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3",
                                                                 "display_name": "Python 3"}})
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    notebook.cells = [cell]
    record = get_cache(folder).cache_notebook_bundle(CacheBundleIn(notebook, "book/intro.md"),
                                                      check_validity=False)
    return record.hashkey


# --- the inputs hash --------------------------------------------------------------------------


def test_the_inputs_are_the_package_the_toolchain_and_booktools_without_generated_files(book):
    names = [path.relative_to(book).as_posix() for path in build_book.input_files(book)]
    assert names == ["book/booktools.py", "pyproject.toml", "requirements.txt",
                     "src/optimlab/__init__.py", "src/optimlab/adam.py"]
    write(book / "package-lock.json", "{}\n")
    assert "package-lock.json" in [p.name for p in build_book.input_files(book)]


def test_the_repositorys_own_inputs_include_the_package_and_booktools():
    names = {path.relative_to(ROOT).as_posix() for path in build_book.input_files(ROOT)}
    assert {"src/optimlab/__init__.py", "book/booktools.py", "requirements.txt",
            "pyproject.toml"} <= names
    assert not any("__pycache__" in name or ".egg-info" in name for name in names)
    assert not any(name.startswith(("book/", "_build/")) and name != "book/booktools.py"
                   for name in names), "pages are keyed by the execution cache itself"


@pytest.mark.parametrize("edit", [
    lambda root: write(root / "src/optimlab/adam.py", "BETAS = (0.9, 0.99)\n"),
    lambda root: write(root / "src/optimlab/new.py", ""),
    lambda root: (root / "src/optimlab/adam.py").rename(root / "src/optimlab/adam_rule.py"),
    lambda root: write(root / "book/booktools.py", "def check(): return 1\n"),
    lambda root: write(root / "requirements.txt", "numpy==2.4.7\n"),
    lambda root: write(root / "pyproject.toml", "[project]\nname = 'optimlab2'\n"),
    lambda root: write(root / "package-lock.json", "{}\n"),
], ids=["package edit", "new module", "renamed module", "booktools", "requirements",
        "pyproject", "package-lock"])
def test_an_edit_of_an_input_changes_the_inputs_hash(book, edit):
    before = build_book.inputs_hash(book)
    edit(book)
    assert build_book.inputs_hash(book) != before


@pytest.mark.parametrize("edit", [
    lambda root: write(root / "src/optimlab/__pycache__/adam.cpython-311.pyc", "other bytecode"),
    lambda root: write(root / "src/optimlab.egg-info/PKG-INFO", "Name: optimlab\nVersion: 2\n"),
    lambda root: write(root / "book/intro.md", "# Introduction\n"),
    lambda root: write(root / "_build/html/index.html", "<html></html>"),
], ids=["bytecode", "egg-info", "a page", "build output"])
def test_generated_files_and_pages_leave_the_inputs_hash_alone(book, edit):
    before = build_book.inputs_hash(book)
    edit(book)
    assert build_book.inputs_hash(book) == before


def test_the_config_hash_follows_the_configuration_the_toc_and_the_extensions(book):
    config = book / "_config.yml"
    hashes = {build_book.config_hash(book, config)}
    for name, text in [("_config.yml", "title: Another\n"), ("_toc.yml", "format: jb-book\n"),
                       ("_ext/page_repairs.py", "def setup(app): return {}\n"),
                       ("_ext/notebook_links.py", "")]:
        write(book / name, text)
        hashes.add(build_book.config_hash(book, config))
    assert len(hashes) == 5
    assert build_book.config_hash(book, config) == build_book.config_hash(book, config)


# --- what is dropped when ---------------------------------------------------------------------


@pytest.mark.parametrize(("inputs_changed", "config_changed", "unreadable", "dropped"), [
    (False, False, False, []),
    (False, True, False, [".doctrees", "html"]),
    (True, False, False, ALL),
    (True, True, False, ALL),
    (False, False, True, ALL),
    (False, True, True, ALL),
])
def test_what_is_dropped(inputs_changed, config_changed, unreadable, dropped):
    assert sorted(build_book.invalidated(inputs_changed, config_changed, unreadable)) == sorted(dropped)


def test_new_inputs_drop_every_output_and_are_recorded_before_any_page_runs(book):
    fill_build(book)
    write(book / "_build" / ".inputs-hash", "old\n")
    inputs, _ = build_book.prepare(book, book / "_config.yml")
    assert not any((book / "_build" / name).exists() for name in ALL)
    # Recorded now, not after the build: an interrupted build keeps what it executed.
    assert (book / "_build" / ".inputs-hash").read_text().strip() == inputs


def test_the_same_inputs_keep_the_cache_and_a_new_configuration_drops_only_the_rendering(book):
    inputs, _ = build_book.prepare(book, book / "_config.yml")  # a first build starts
    fill_build(book)
    cache_with_one_notebook(book / "_build" / ".jupyter_cache")
    write(book / "_build" / ".config-hash", build_book.config_hash(book, book / "_config.yml"))
    # An interrupted build: nothing rendered yet; the next one finds the same inputs.
    assert build_book.prepare(book, book / "_config.yml")[0] == inputs
    assert all((book / "_build" / name / "kept").exists() for name in ALL)

    write(book / "_config.yml", "title: Another title\n")
    build_book.prepare(book, book / "_config.yml")
    assert (book / "_build" / ".jupyter_cache" / "kept").exists()
    assert (book / "_build" / "jupyter_execute" / "kept").exists()
    assert not (book / "_build" / "html").exists() and not (book / "_build" / ".doctrees").exists()


# --- an unreadable execution cache ------------------------------------------------------------


def test_a_cache_that_jupyter_cache_reads_is_usable(tmp_path):
    assert build_book.cache_problem(tmp_path / "absent") is None
    cache_with_one_notebook(tmp_path / "cache")
    assert build_book.cache_problem(tmp_path / "cache") is None


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda db: db.write_bytes(b""), "has no nbcache, nbproject, settings table"),
    (lambda db: db.write_bytes(b"not a database " * 300), "cannot be read"),
    (lambda db: db.write_bytes(db.read_bytes()[:2048]), "global.db"),
], ids=["emptied", "overwritten", "truncated"])
def test_an_emptied_or_damaged_database_is_found_where_jupyter_cache_would_fail(tmp_path, damage,
                                                                                reason):
    cache_with_one_notebook(tmp_path)
    damage(tmp_path / "global.db")
    problem = build_book.cache_problem(tmp_path)
    assert problem is not None and reason in problem
    # This is the failure that used to stop the build.
    with pytest.raises(Exception, match="may need to be cleared|malformed|not a database"):
        get_cache(tmp_path).list_cache_records()


def test_a_record_without_its_notebook_or_a_cache_without_database_is_unusable(tmp_path):
    key = cache_with_one_notebook(tmp_path)
    shutil.rmtree(tmp_path / "executed" / key)
    assert "missing" in build_book.cache_problem(tmp_path)
    (tmp_path / "global.db").unlink()
    assert "no global.db" in build_book.cache_problem(tmp_path)


def test_an_unreadable_cache_is_dropped_with_one_line(book, capsys):
    inputs, _ = build_book.prepare(book, book / "_config.yml")
    fill_build(book)
    cache = book / "_build" / ".jupyter_cache"
    cache_with_one_notebook(cache)
    (cache / "global.db").write_bytes(b"")
    capsys.readouterr()

    assert build_book.prepare(book, book / "_config.yml")[0] == inputs
    assert not cache.exists() and not (book / "_build" / "html").exists()
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["build_book: the execution cache cannot be read (its global.db has no "
                     "nbcache, nbproject, settings table): rebuilding it"]


# --- the repository, from git's origin --------------------------------------------------------


@pytest.mark.parametrize(("remote", "repository"), [
    ("https://github.com/someone/adam-book.git", "someone/adam-book"),
    ("https://github.com/someone/adam-book", "someone/adam-book"),
    ("https://x-access-token@github.com/Some-One/adam.book.git\n", "Some-One/adam.book"),
    ("git@github.com:someone/adam-book.git", "someone/adam-book"),
    ("ssh://git@github.com/someone/adam-book.git", "someone/adam-book"),
    ("https://gitlab.com/someone/adam-book.git", None),
    ("https://github.com.evil.example/someone/adam-book", None),
    ("/work/main", None),
    ("", None),
])
def test_a_github_remote_gives_owner_and_name(remote, repository):
    assert build_book.github_repository(remote) == repository


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_the_repository_is_read_from_origin_only_when_it_is_on_github(tmp_path):
    git(tmp_path, "init", "-q")
    assert build_book.origin_repository(tmp_path) is None
    git(tmp_path, "remote", "add", "origin", "/somewhere/else")
    assert build_book.origin_repository(tmp_path) is None
    git(tmp_path, "remote", "set-url", "origin", "git@github.com:someone/adam-book.git")
    assert build_book.origin_repository(tmp_path) == "someone/adam-book"


# --- the whole build (slow) -------------------------------------------------------------------

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  name: python3
---
# Probe

```{code-cell} python3
print("probe ran")
```
"""


@pytest.mark.book
def test_make_book_rebuilds_an_emptied_cache_database_instead_of_failing(tmp_path):
    """A one-page book built twice: the second time after global.db was emptied."""
    for name in ("_config.yml", "Makefile", "requirements.txt", "pyproject.toml",
                 "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")  # the maths renderer's
    for folder in ("tools", "_ext"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    write(tmp_path / "book" / "probe.md", PAGE)
    shutil.copy2(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")
    write(tmp_path / "_toc.yml", "format: jb-book\nroot: book/probe\n")
    venv = ROOT / ".venv"

    def make_book() -> subprocess.CompletedProcess:
        return subprocess.run(["make", "-o", f"{venv}/.installed", "book", f"VENV={venv}"],
                              cwd=tmp_path, env=dict(os.environ), capture_output=True, text=True)

    first = make_book()
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    (tmp_path / "_build" / ".jupyter_cache" / "global.db").write_bytes(b"")
    second = make_book()
    output = second.stdout + second.stderr
    assert second.returncode == 0, output[-3000:]
    assert "the execution cache cannot be read" in output and "Traceback" not in output
    assert "execute_pages: book/probe.md executed" in output
    assert build_book.cache_problem(tmp_path / "_build" / ".jupyter_cache") is None
