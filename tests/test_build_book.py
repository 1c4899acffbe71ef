"""tools/build_book.py and tools/execute_pages.py: what the inputs hash covers, what is dropped
when, an unreadable execution cache found and rebuilt, the repository read from git's origin, and
what the build prints: a line per page and a summary, failures in full (the page, the cell and the
traceback; every Sphinx warning), everything with VERBOSE=1."""

from __future__ import annotations

import logging
import os
import re
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
import execute_pages  # noqa: E402

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


# --- what the build prints --------------------------------------------------------------------


def test_a_page_line_names_the_page_its_number_and_its_time_or_cached():
    page = ROOT / "book" / "adam.md"
    assert execute_pages.progress(7, 23, page, "17.6 s") == "[7/23] adam  17.6 s"
    assert execute_pages.progress(1, 23, page, "cached") == "[1/23] adam  cached"


def test_durations_counts_and_the_summary_read_as_english():
    assert [build_book.duration(s) for s in (0.04, 17.63, 59.9, 60.2, 145.4)] == [
        "0.0 s", "17.6 s", "59.9 s", "1 min 0 s", "2 min 25 s"]
    assert [build_book.count(n, "warning") for n in (0, 1, 2)] == [
        "0 warnings", "1 warning", "2 warnings"]
    assert build_book.count(3, "warning or error") == "3 warnings or errors"
    report = {"pages": 23, "executed": 20, "cached": 3, "failed": []}
    assert build_book.summary(report, 0, "_build/html", 145.4) == (
        "built 23 pages (20 executed, 3 cached), 0 warnings, into _build/html in 2 min 25 s")


def python_command(code: str) -> list[str]:
    return [sys.executable, "-c", code]


TALKATIVE = ("import sys; print('banner line'); "
             "print('page.md:3: WARNING: undefined label', file=sys.stderr); "
             "print('  more about it', file=sys.stderr); "
             "print('page.md:9: ERROR: Unknown directive', file=sys.stderr); ")


def test_a_successful_book_build_keeps_its_standard_output_back(capfd):
    status, problems = build_book.run_book_build(python_command("print('banner line')"),
                                                 verbose=False)
    assert (status, problems) == (0, 0)
    assert capfd.readouterr().out == ""


def test_a_failing_book_build_shows_every_line_and_counts_its_warnings_and_errors(capfd):
    status, problems = build_book.run_book_build(
        python_command(TALKATIVE + "sys.exit(1)"), verbose=False)
    out, err = capfd.readouterr()
    assert (status, problems) == (1, 2)
    assert out == "banner line\n"
    assert err.splitlines() == ["page.md:3: WARNING: undefined label", "  more about it",
                                "page.md:9: ERROR: Unknown directive"]


def test_a_warning_is_shown_even_when_the_build_succeeds_and_verbose_shows_the_rest(capfd):
    status, problems = build_book.run_book_build(python_command(TALKATIVE), verbose=True)
    out, err = capfd.readouterr()
    assert (status, problems) == (0, 2)
    assert out == "banner line\n" and "WARNING: undefined label" in err


# --- where a failing page stopped -------------------------------------------------------------

FAILING_PAGE = """---
kernelspec:
  display_name: Python 3
  name: python3
---
# A page

```{code-cell} python3
x = 1
```

Some prose.

```{code-cell} python3
y = x / 0
```

```{code-cell} python3
print(y)
```
"""


def test_the_failing_cell_is_the_last_one_that_started_with_its_number_and_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(FAILING_PAGE)
    notebook = execute_pages.read_page(page, [])
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code", "markdown",
                                                           "code", "code"]
    assert execute_pages.failing_cell(notebook) is None
    # What nbclient leaves when the second code cell raises: the cells it started are numbered.
    notebook.cells[1].execution_count = 1
    notebook.cells[3].execution_count = 2
    assert execute_pages.failing_cell(notebook) == 3
    failure = execute_pages.describe_failure(page, notebook, [], RuntimeError("boom"),
                                             "Traceback ...\nRuntimeError: boom")
    lines = FAILING_PAGE.splitlines()
    assert lines[failure.line - 1] == "```{code-cell} python3"
    assert lines[failure.line] == "y = x / 0"
    assert failure.code_cell == 2
    assert failure.message == "Traceback ...\nRuntimeError: boom"


def test_a_kernel_that_never_started_a_cell_is_reported_without_a_cell(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(FAILING_PAGE)
    notebook = execute_pages.read_page(page, [])
    failure = execute_pages.describe_failure(page, notebook, [], RuntimeError("no kernel"), None)
    assert (failure.code_cell, failure.line) == (None, None)
    assert "no kernel" in failure.message


def test_the_kernels_use_unix_sockets_at_an_absolute_path(tmp_path):
    """TCP makes ipykernel warn on every start; a relative socket path would put the kernel's
    sockets (it starts in the page's folder) where the client does not look."""
    manager = execute_pages.kernel_config(str(tmp_path))["KernelManager"]
    assert manager["transport"] == "ipc"
    assert Path(manager["ip"]).is_absolute() and Path(manager["ip"]).parent == tmp_path


# --- fontTools' INFO lines --------------------------------------------------------------------


@pytest.fixture
def static_folder(tmp_path) -> Path:
    """The two files the icon font's cut reads: the theme's Font Awesome font, and a stylesheet
    that names one of its glyphs."""
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    font = next(theme.rglob("fa-solid-900.ttf"))
    webfonts = tmp_path / "vendor" / "fontawesome" / "webfonts"
    webfonts.mkdir(parents=True)
    shutil.copy2(font, webfonts / font.name)
    write(tmp_path / "styles" / "pydata-sphinx-theme.used.css", '.fa-angle-right:before{content:"\\f105"}')
    return tmp_path


@pytest.mark.parametrize("quiet", [True, False])
def test_fonttools_logs_the_icon_fonts_cut_only_when_sphinx_is_not_quiet(static_folder, caplog,
                                                                         quiet):
    sys.path.insert(0, str(ROOT / "_ext"))
    import page_assets

    caplog.set_level(logging.INFO)  # as accessible-pygments leaves the root logger
    page_assets._subset_icon_font(static_folder, quiet=quiet)
    assert (static_folder / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.used.woff").is_file()
    info = [record for record in caplog.records if record.name.startswith("fontTools")]
    assert (info == []) == quiet, [record.getMessage() for record in info[:3]]
    assert logging.getLogger("fontTools").level == logging.NOTSET  # as it was


# --- the whole build (slow) -------------------------------------------------------------------

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  name: python3
---
# {title}

```{{code-cell}} python3
print("probe ran")
```
"""


def book_copy(root: Path, pages: dict[str, str]) -> Path:
    """A book with the repository's configuration, tools and extensions, and `pages` (name ->
    MyST text; the first is the root), built by `make` with the repository's environment."""
    for name in ("_config.yml", "Makefile", "requirements.txt", "pyproject.toml",
                 "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # the maths renderer's
    for folder in ("tools", "_ext"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    write(root / "book" / "references.bib", (ROOT / "book" / "references.bib").read_text())
    for name, text in pages.items():
        write(root / "book" / f"{name}.md", text)
    first, *rest = pages
    toc = f"format: jb-book\nroot: book/{first}\n"
    if rest:
        toc += "chapters:\n" + "".join(f"- file: book/{name}\n" for name in rest)
    write(root / "_toc.yml", toc)
    return root


def make_book(root: Path, *variables: str) -> subprocess.CompletedProcess:
    venv = ROOT / ".venv"
    return subprocess.run(["make", "--no-print-directory", "-o", f"{venv}/.installed", "-o",
                           "node_modules/.package-lock.json", "book", f"VENV={venv}", *variables],
                          cwd=root, env=dict(os.environ), capture_output=True, text=True)


@pytest.mark.book
def test_make_book_rebuilds_an_emptied_cache_database_instead_of_failing(tmp_path):
    """A one-page book built twice: the second time after global.db was emptied."""
    book = book_copy(tmp_path, {"probe": PAGE.format(title="Probe")})
    first = make_book(book)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    (book / "_build" / ".jupyter_cache" / "global.db").write_bytes(b"")
    second = make_book(book)
    output = second.stdout + second.stderr
    assert second.returncode == 0, output[-3000:]
    assert "the execution cache cannot be read" in output and "Traceback" not in output
    assert re.search(r"^\[1/1\] probe  \d+\.\d s$", output, re.MULTILINE), output
    assert build_book.cache_problem(book / "_build" / ".jupyter_cache") is None


PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] (\w+)  (\d+\.\d s|cached)$")
# What must not reach the terminal of a quiet build: third-party INFO records (fontTools'), the
# kernel's transport warning, Sphinx's and Jupyter Book's progress.
CHATTER = ("INFO", "fontTools", "IPKernelApp", "without encryption", "Running Sphinx",
           "reading sources", "writing output", "build succeeded", "Finished generating HTML")


@pytest.fixture(scope="module")
def two_page_book(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A two-page book and its clean build."""
    root = tmp_path_factory.mktemp("two_page_book")
    book = book_copy(root, {"probe": PAGE.format(title="Probe"),
                            "second": PAGE.format(title="Second")})
    return book, make_book(book)


@pytest.mark.book
def test_a_clean_build_prints_a_line_per_page_and_a_summary_and_nothing_else(two_page_book):
    _, result = two_page_book
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    pages = [PROGRESS.match(line) for line in lines if PROGRESS.match(line)]
    assert sorted(match[3] for match in pages) == ["probe", "second"]
    assert sorted(int(match[1]) for match in pages) == [1, 2]
    assert {match[2] for match in pages} == {"2"}
    assert all(match[4].endswith(" s") for match in pages), "a clean build executes every page"
    assert lines[-1].startswith("build_book: built 2 pages (2 executed, 0 cached), 0 warnings, "
                                "into _build/html in ")
    others = [line for line in lines if not PROGRESS.match(line)]
    # one line per phase at most: inputs changed, executing, rendering; then the summary
    assert len(others) <= 4, others
    assert not [line for line in lines if any(word in line for word in CHATTER)]


@pytest.mark.book
def test_verbose_shows_sphinxs_progress_and_third_party_lines(two_page_book):
    book, clean = two_page_book
    assert clean.returncode == 0
    result = make_book(book, "VERBOSE=1")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "tools/build_book.py --verbose" in output  # make shows the command
    assert "Running Sphinx" in output and "build succeeded" in output
    assert re.search(r"INFO fontTools\.subset .*Retaining \d+ glyphs", output), output[-3000:]
    assert len([line for line in output.splitlines() if PROGRESS.match(line)]) == 2


@pytest.mark.book
def test_a_failing_cell_stops_the_build_naming_the_page_the_cell_and_its_traceback(tmp_path):
    book = book_copy(tmp_path, {"probe": PAGE.format(title="Probe"), "broken": FAILING_PAGE})
    result = make_book(book)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    line = FAILING_PAGE.splitlines().index("y = x / 0")  # the fence's line, counted from 1
    assert re.search(rf"^\[\d/2\] broken  FAILED after \d+\.\d s in code cell 2, "
                     rf"book/broken\.md line {line}:$", output, re.MULTILINE), output
    assert "y = x / 0" in output and "ZeroDivisionError" in output  # the source, the traceback
    assert "build_book: stopped: book/broken.md failed to run" in output
    assert re.search(r"^\[\d/2\] probe  \d+\.\d s$", output, re.MULTILINE), "the rest still run"
    assert not (book / "_build" / "html").exists(), "nothing is rendered"


@pytest.mark.book
def test_a_sphinx_warning_fails_the_build_and_is_shown_in_full(tmp_path):
    page = PAGE.format(title="Probe") + "\nSee {ref}`a-label-nobody-defined`.\n"
    book = book_copy(tmp_path, {"probe": page})
    result = make_book(book)
    assert result.returncode != 0
    assert re.search(r"book/probe\.md:\d+: WARNING: undefined label: 'a-label-nobody-defined'",
                     result.stderr), result.stderr
    assert "build_book: Sphinx failed (warnings are errors): 1 warning or error reported above" \
        in result.stdout
