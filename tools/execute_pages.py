"""Execute the book's pages in parallel into Jupyter Book's execution cache, before Sphinx runs.

`jupyter-book build` executes pages one after another, so on a machine with several cores all
but one idle through most of a clean build. This script fills the same cache the build reads
(``execute_notebooks: cache``) with the same notebooks the build would make from the pages, one
per core (or ``--jobs`` at a time), so the build itself only renders. Each page is cached as soon
as it finishes, so an interrupted run keeps the pages done so far.

It prints one line per page, ``[7/23] adam  17.6 s`` (or ``cached``), in the order they finish.
A page whose cell fails is left out of the cache and reported where it fails: the page, the
code cell and its line in the page, the cell's source and the traceback; the other pages still
run, and the exit status is 1. ``--report FILE`` writes the counts as JSON for
tools/build_book.py's summary.

The kernels talk to this process over Unix sockets in a private temporary folder rather than
over TCP on localhost: ipykernel (7.x) warns on every start that plain TCP is readable by anyone
on the machine, and the IPC transport is the remedy it names.

Usage: ``python tools/execute_pages.py [--jobs N] [--cache _build/.jupyter_cache] [--report FILE]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from sphinx_external_toc.parsing import parse_toc_yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]


def read_page(path: Path, extensions: list[str], source_map: bool = False):
    """The notebook myst-nb makes of a MyST Markdown page (what the cache is keyed on); with
    `source_map`, its metadata also lists the line each cell starts on."""
    config = MdParserConfig(enable_extensions=set(extensions))
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), config=config, path=path,
                                       add_source_map=source_map)


def kernel_config(sockets: str) -> Config:
    """Kernel manager settings: Unix sockets in the folder `sockets` instead of TCP (see the
    module's docstring). The sockets' path is absolute: by default jupyter-client makes it
    relative, and the kernel, started in the page's folder, would then listen elsewhere."""
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "kernel")}})


@dataclass(frozen=True)
class Failure:
    """Where a page's execution stopped, and why."""

    code_cell: int | None  # the failing code cell's number in the page, from 1
    line: int | None  # the line of its ``{code-cell}`` fence in the page, from 1
    message: str  # the cell's source and the traceback (nbclient's message), or the error


def failing_cell(notebook) -> int | None:
    """The index in ``notebook.cells`` of the cell an execution stopped in: the last code cell
    that started (nbclient numbers each one as it starts it), or None if none did."""
    started = [index for index, cell in enumerate(notebook.cells)
               if cell.cell_type == "code" and cell.get("execution_count") is not None]
    return started[-1] if started else None


def describe_failure(path: Path, notebook, extensions: list[str], error: BaseException | None,
                     traceback: str | None) -> Failure:
    """The failing cell of `notebook`, executed from the page `path`, and the error's text."""
    if isinstance(error, (CellExecutionError, CellTimeoutError)):
        message = str(error)  # the cell's source, then the kernel's traceback
    else:  # the kernel died or never started: this process's own traceback says where
        message = traceback or repr(error)
    index = failing_cell(notebook)
    if index is None:
        return Failure(None, None, message)
    code_cell = sum(cell.cell_type == "code" for cell in notebook.cells[: index + 1])
    # myst-nb's source map gives a code cell's line (its ``{code-cell}`` fence) counting from 1
    lines = read_page(path, extensions, source_map=True).metadata["source_map"]
    return Failure(code_cell, lines[index], message)


def execute(path: Path, extensions: list[str], timeout: int):
    notebook = read_page(path, extensions)
    with tempfile.TemporaryDirectory(prefix="optimlab-kernel-") as sockets:
        result = single_nb_execution(notebook, cwd=str(path.parent), allow_errors=False,
                                     timeout=timeout, meta_override=True,
                                     config=kernel_config(sockets))
    failure = None
    if result.err is not None:
        failure = describe_failure(path, notebook, extensions, result.err, result.exc_string)
    return path, notebook, result.time, failure


def ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the main process's to handle (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def cache_executed(cache, path: Path, notebook, seconds: float) -> None:
    """Cache one executed page; a Ctrl-C meanwhile waits until its record and its notebook
    are both written (jupyter-cache writes one, then the other)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds}),
            check_validity=False, overwrite=True)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def progress(number: int, total: int, page: Path, outcome: str) -> str:
    """One page's line: ``[7/23] adam  17.6 s``."""
    return f"[{number}/{total}] {page.stem}  {outcome}"


def failure_report(page: Path, seconds: float, failure: Failure) -> str:
    """What a failing page prints after its progress number: where, then the whole message."""
    where = page.relative_to(ROOT).as_posix()
    if failure.code_cell is not None:
        where = f"code cell {failure.code_cell}, {where} line {failure.line}"
    return f"FAILED after {seconds:.1f} s in {where}:\n{failure.message.rstrip()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cache", default=str(ROOT / "_build" / ".jupyter_cache"))
    parser.add_argument("--report", type=Path, help="write the counts here as JSON")
    args = parser.parse_args(argv)

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    extensions = config.get("parse", {}).get("myst_enable_extensions", [])
    timeout = int(config.get("execute", {}).get("timeout", 300))
    pages = [ROOT / f"{name}.md" for name in parse_toc_yaml(ROOT / "_toc.yml")]

    cache = get_cache(args.cache)
    todo = []
    for page in pages:
        try:
            cache.match_cache_notebook(read_page(page, extensions))
        except KeyError:
            todo.append(page)
    total, number = len(pages), 0
    for page in pages:
        if page not in todo:
            number += 1
            print(progress(number, total, page, "cached"), flush=True)

    failed, done = [], 0
    if todo:
        print(f"execute_pages: executing {len(todo)} of {total} pages with {args.jobs} workers",
              flush=True)
        pool = multiprocessing.Pool(max(1, args.jobs), initializer=ignore_interrupts)
        try:
            for page, notebook, seconds, failure in pool.imap_unordered(
                    partial(execute, extensions=extensions, timeout=timeout), todo):
                number += 1
                if failure is not None:
                    failed.append(page.relative_to(ROOT).as_posix())
                    print(progress(number, total, page, failure_report(page, seconds, failure)),
                          flush=True)
                    continue
                cache_executed(cache, page, notebook, seconds)
                done += 1
                print(progress(number, total, page, f"{seconds:.1f} s"), flush=True)
        except KeyboardInterrupt:
            # Neither terminate() nor a clean exit is safe here: a worker inside a library that
            # handles SIGTERM may never stop, and killing one that holds the task queue's lock
            # deadlocks terminate(). Every cached page is complete (see cache_executed), so the
            # workers are killed (their kernels exit with them) and the process leaves at once.
            for worker in multiprocessing.active_children():
                worker.kill()
            print(f"execute_pages: interrupted; the {done} pages executed so far stay cached",
                  flush=True)
            os._exit(130)
        except BaseException:
            pool.terminate()
            raise
        pool.close()
        pool.join()
    if args.report is not None:
        args.report.write_text(json.dumps({"pages": total, "cached": total - len(todo),
                                           "executed": done, "failed": failed}) + "\n",
                               encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
