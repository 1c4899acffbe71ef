"""Build the book into _build/html, re-executing only what can have changed (``make book``).

Jupyter Book's execution cache keys a page on its own code cells, so an edit in ``src/`` (or a
new toolchain) would leave old outputs in the pages. This script keeps two records in _build:

``.inputs-hash``
    what every executed output was computed with: the package (``src/``), the toolchain
    (requirements.txt, pyproject.toml, package-lock.json if there is one) and book/booktools.py,
    which pages import. When it differs, the cache and everything rendered from it are dropped
    and every page runs again. It is written *before* the pages are executed, as soon as the
    cache is known to hold only outputs of these inputs: a build interrupted half-way keeps the
    pages it finished, and the next one executes only the rest.
``.config-hash``
    the configuration the HTML was rendered with (the effective _config.yml, _toc.yml and the
    extensions in _ext/). When it differs (another REPO, an edited configuration), the HTML and
    Sphinx's environment are dropped so that no page keeps links of the old one; executed
    outputs stay, as they do not depend on it. It is written after a successful build only.

An execution cache that cannot be read (an emptied or damaged global.db, a record without its
notebook) is dropped with a one-line message and rebuilt, instead of failing the build with
jupyter-cache's "it may need to be cleared".

The repository the launch, repository, issue and edit buttons point at is ``--repo owner/name``
(``make book REPO=owner/name``; an empty value builds without them); without ``--repo`` it is
read from ``git remote get-url origin`` when that is a GitHub address, and the buttons are left
out otherwise (see tools/book_config.py).

What it prints: a line per phase, one per page (``[7/23] adam  17.6 s`` or ``cached``, from
tools/execute_pages.py) and a summary (pages executed and cached, warnings, where the site is,
the time taken). Sphinx runs with ``--quiet``: its progress lines are off, while every warning
and error it writes reaches the terminal in full; Jupyter Book's banner is shown only when the
build fails. A failing cell stops the build before Sphinx, naming the page, the cell and its
line, with the traceback. ``--verbose`` (``make book VERBOSE=1``) shows everything the tools
print, as they print it.

Usage: python tools/build_book.py [--repo owner/name] [--verbose]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What executed outputs depend on besides the pages' own code (files or folders, from the root).
INPUTS = ("src", "requirements.txt", "pyproject.toml", "package-lock.json", "book/booktools.py")
# Generated files inside those folders that are not inputs.
NOT_INPUTS = re.compile(r"(^|/)(__pycache__|[^/]*\.egg-info)(/|$)|\.pyc$")

# Folders of _build, by what they are made from.
EXECUTED = (".jupyter_cache", "jupyter_execute")
RENDERED = (".doctrees", "html")
CACHE = ".jupyter_cache"
CACHE_DATABASE = "global.db"  # jupyter_cache.cache.db.DB_NAME
CACHE_TABLES = {"nbcache", "nbproject", "settings"}
INPUTS_RECORD = ".inputs-hash"
CONFIG_RECORD = ".config-hash"
REPO_CONFIG = "_config.repo.yml"
EXECUTION_REPORT = ".execution-report.json"

# A line of Sphinx's warning stream that starts a warning or an error ("path:12: WARNING: ...").
PROBLEM = re.compile(r"(?:^|: )(?:WARNING|ERROR|CRITICAL|SEVERE):")

# The address forms `git remote get-url origin` gives for a GitHub repository.
GITHUB_REMOTE = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|(?:ssh://)?git@github\.com[:/])"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)


def input_files(root: Path) -> list[Path]:
    """Every file the executed outputs depend on, in a fixed order (those missing are left out)."""
    found = []
    for entry in INPUTS:
        path = root / entry
        candidates = path.rglob("*") if path.is_dir() else [path]
        for candidate in candidates:
            relative = candidate.relative_to(root).as_posix()
            if candidate.is_file() and not NOT_INPUTS.search(relative):
                found.append(candidate)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def digest(root: Path, files: list[Path]) -> str:
    """SHA-256 of the files' names (relative to `root`) and contents: a rename changes it too."""
    total = hashlib.sha256()
    for path in files:
        total.update(path.relative_to(root).as_posix().encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def inputs_hash(root: Path) -> str:
    """The hash recorded in _build/.inputs-hash (see the module's docstring)."""
    return digest(root, input_files(root))


def config_hash(root: Path, config: Path) -> str:
    """The hash of what the HTML is rendered with: `config`, _toc.yml and every file in _ext/
    (its modules, and the scripts and styles they render with or copy)."""
    extensions = sorted(path for path in (root / "_ext").rglob("*")
                        if path.is_file() and not NOT_INPUTS.search(path.as_posix()))
    files = [config, root / "_toc.yml", *extensions]
    total = hashlib.sha256()
    for path in files:
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def cache_problem(cache: Path) -> str | None:
    """Why the execution cache folder `cache` cannot be used, or None if it can (or is absent)."""
    if not cache.exists():
        return None
    database = cache / CACHE_DATABASE
    if not database.is_file():
        return f"it has no {CACHE_DATABASE}"
    try:
        with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
            (status,) = db.execute("PRAGMA quick_check").fetchone()
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
            missing = CACHE_TABLES - tables
            hashkeys = [] if missing else [key for (key,) in db.execute("SELECT hashkey FROM nbcache")]
    except sqlite3.DatabaseError as error:
        return f"its {CACHE_DATABASE} cannot be read ({error})"
    if status != "ok":
        return f"its {CACHE_DATABASE} is damaged ({status})"
    if missing:
        return f"its {CACHE_DATABASE} has no {', '.join(sorted(missing))} table"
    for key in hashkeys:
        if not (cache / "executed" / key / "base.ipynb").is_file():
            return f"an executed notebook it records is missing (executed/{key})"
    return None


def invalidated(inputs_changed: bool, config_changed: bool, cache_unreadable: bool) -> list[str]:
    """The folders of _build to drop before building.

    New inputs or an unreadable cache drop the cache and everything built from it; a new
    configuration drops only what is rendered, as executed outputs do not depend on it.
    """
    if inputs_changed or cache_unreadable:
        return [*EXECUTED, *RENDERED]
    if config_changed:
        return list(RENDERED)
    return []


def read_record(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def write_record(path: Path, value: str) -> None:
    """Replace a record in one step, so that an interruption leaves the old one or the new one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(value + "\n", encoding="utf-8")
    partial.replace(path)


def remove(build: Path, names: list[str]) -> None:
    for name in names:
        path = build / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def github_repository(remote: str) -> str | None:
    """``owner/name`` of a GitHub remote address, or None for any other address."""
    match = GITHUB_REMOTE.match(remote.strip())
    return None if match is None else f"{match['owner']}/{match['name']}"


def origin_repository(root: Path) -> str | None:
    """The GitHub repository `root`'s git remote ``origin`` points at, if it is one."""
    try:
        result = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                                capture_output=True, text=True)
    except FileNotFoundError:  # no git
        return None
    return github_repository(result.stdout) if result.returncode == 0 else None


def book_command(config: str, verbose: bool = False, builder: str = "html") -> list[str]:
    """Jupyter Book's build of the current folder: warnings are errors (broken references too),
    and every error is reported before it stops; without `verbose`, no progress lines.

    Every page is read and written again (`--all`, Sphinx's fresh environment; the execution
    cache still spares the kernels): an incremental Sphinx build keeps the old search index for
    the pages it does not write, so that it lost their search entries and kept terms of text
    since removed, and differed from a clean build (tests/test_site.py)."""
    executable = Path(sys.executable).with_name("jupyter-book")
    return [str(executable), "build", ".", "--builder", builder, "--config", config, "--all",
            "--warningiserror", "--nitpick", "--keep-going", *([] if verbose else ["--quiet"])]


def run_book_build(command: list[str], verbose: bool) -> tuple[int, int]:
    """Run `command` (a `book_command`); return its exit status and the number of warnings and
    errors it wrote.

    Its standard error (Sphinx's warnings and errors, tracebacks) is passed through line by line
    as it comes, and counted. Its standard output (Jupyter Book's banner and, with `verbose`,
    Sphinx's progress) is passed through with `verbose`; otherwise it is held back and shown
    only if the build fails, so that no line a failure prints is lost.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as held:
        process = subprocess.Popen(command, stdout=None if verbose else held,
                                   stderr=subprocess.PIPE, text=True)
        problems = 0
        for line in process.stderr:
            sys.stderr.write(line)
            sys.stderr.flush()
            problems += bool(PROBLEM.search(line))
        status = process.wait()
        if status != 0 and not verbose:
            held.seek(0)
            sys.stdout.write(held.read())
            sys.stdout.flush()
    return status, problems


def duration(seconds: float) -> str:
    """``41.2 s`` or ``2 min 25 s``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def count(number: int, noun: str) -> str:
    """``1 warning``, ``0 warnings``, ``2 warnings or errors``."""
    return f"{number} {noun if number == 1 else noun.replace(' or ', 's or ') + 's'}"


def summary(report: dict, problems: int, output: str, seconds: float) -> str:
    """The build's last line."""
    return (f"built {count(report['pages'], 'page')} ({report['executed']} executed, "
            f"{report['cached']} cached), {count(problems, 'warning')}, into {output} in "
            f"{duration(seconds)}")


def say(message: str) -> None:
    print(f"build_book: {message}", flush=True)


def prepare(root: Path, config: Path) -> tuple[str, str]:
    """Drop what is stale in root/_build and record the inputs; return the two hashes."""
    build = root / "_build"
    build.mkdir(exist_ok=True)
    inputs, configuration = inputs_hash(root), config_hash(root, config)
    inputs_changed = read_record(build / INPUTS_RECORD) != inputs
    problem = None if inputs_changed else cache_problem(build / CACHE)
    if inputs_changed:
        say("optimlab, booktools or the toolchain changed: re-executing every page")
    elif problem is not None:
        say(f"the execution cache cannot be read ({problem}): rebuilding it")
    config_changed = read_record(build / CONFIG_RECORD) != configuration
    remove(build, invalidated(inputs_changed, config_changed, problem is not None))
    write_record(build / INPUTS_RECORD, inputs)
    return inputs, configuration


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="owner/name on GitHub; empty: no repository buttons "
                        "(default: git's origin, if it is on GitHub)")
    parser.add_argument("--verbose", action="store_true",
                        help="show every line the tools print (Sphinx's progress included)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    os.chdir(ROOT)  # the generated configuration names its source relative to the root
    os.environ["OPTIMLAB_BOOK_BUILD"] = "1"  # a false claim fails its page (book/booktools.py)
    repository = origin_repository(ROOT) if args.repo is None else args.repo.strip()
    config = "_config.yml"
    if repository:
        if args.repo is None:
            say(f"repository buttons point at {repository} (git's origin; REPO= leaves them out)")
        config = f"_build/{REPO_CONFIG}"
        sys.path.insert(0, str(ROOT / "tools"))
        import book_config

        if book_config.main(["_config.yml", repository, config]) != 0:
            return 2
    build = ROOT / "_build"
    inputs, configuration = prepare(ROOT, ROOT / config)
    # Pages run one per core into the execution cache first (tools/execute_pages.py):
    # Jupyter Book alone runs them one after another, leaving the other cores idle.
    report_file = build / EXECUTION_REPORT
    report_file.unlink(missing_ok=True)
    executed = subprocess.run([sys.executable, str(ROOT / "tools" / "execute_pages.py"),
                               "--report", str(report_file)])
    if executed.returncode != 0:
        if report_file.is_file():
            failed = json.loads(report_file.read_text(encoding="utf-8"))["failed"]
            say(f"stopped: {', '.join(failed)} failed to run (see above); nothing was rendered, "
                "and the next build executes only the pages that are not cached")
        return 1
    report = json.loads(report_file.read_text(encoding="utf-8"))
    report_file.unlink()
    say("rendering the site with Sphinx (warnings are errors)")
    # Sphinx starts from the search index it finds in the output and keeps the words of text
    # since removed (with no page left); without it, the pages it writes (all of them) make the
    # whole index, as a clean build does.
    (build / "html" / "searchindex.js").unlink(missing_ok=True)
    status, problems = run_book_build(book_command(config, args.verbose), args.verbose)
    if status != 0:
        say(f"Sphinx failed (warnings are errors): {count(problems, 'warning or error')} "
            "reported above")
        return 1
    if inputs_hash(ROOT) != inputs:
        # Pages executed during the build may have imported either version: run them again.
        say("the inputs changed during the build: the next build re-executes every page")
        (build / INPUTS_RECORD).unlink()
        return 1
    write_record(build / CONFIG_RECORD, configuration)
    say(summary(report, problems, "_build/html", time.monotonic() - start))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(130)
