"""Execute the book's pages in parallel into Jupyter Book's execution cache, before Sphinx runs.

`jupyter-book build` executes pages one after another, so on a machine with several cores all
but one idle through most of a clean build. This script fills the same cache the build reads
(``execute_notebooks: cache``) with the same notebooks the build would make from the pages, one
per core (or ``--jobs`` at a time), so the build itself only renders. Each page is cached as soon
as it finishes, so an interrupted run keeps the pages done so far. A page that fails here is left
out of the cache: the build then executes it again and reports the failure with its traceback.

Usage: ``python tools/execute_pages.py [--jobs N] [--cache _build/.jupyter_cache]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import time
from functools import partial
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]


def read_page(path: Path, extensions: list[str]):
    """The notebook myst-nb makes of a MyST Markdown page (what the cache is keyed on)."""
    config = MdParserConfig(enable_extensions=set(extensions))
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), config=config, path=path)


def execute(path: Path, extensions: list[str], timeout: int):
    notebook = read_page(path, extensions)
    result = single_nb_execution(notebook, cwd=str(path.parent), allow_errors=False,
                                 timeout=timeout, meta_override=True)
    return path, notebook, result.time, (None if result.err is None else repr(result.err))


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cache", default=str(ROOT / "_build" / ".jupyter_cache"))
    args = parser.parse_args()

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
    if not todo:
        print(f"execute_pages: all {len(pages)} pages are cached")
        return 0

    print(f"execute_pages: {len(pages) - len(todo)} of {len(pages)} pages are cached; executing "
          f"{len(todo)} with {args.jobs} workers", flush=True)
    start = time.perf_counter()
    failed, done = [], 0
    pool = multiprocessing.Pool(max(1, args.jobs), initializer=ignore_interrupts)
    try:
        for page, notebook, seconds, error in pool.imap_unordered(
                partial(execute, extensions=extensions, timeout=timeout), todo):
            name = page.relative_to(ROOT)
            if error is not None:
                failed.append(name)
                print(f"execute_pages: {name} failed ({error}); the build will report it")
                continue
            cache_executed(cache, page, notebook, seconds)
            done += 1
            print(f"execute_pages: {name} executed in {seconds:.1f} s", flush=True)
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
    print(f"execute_pages: {len(todo) - len(failed)} of {len(todo)} pages executed with "
          f"{args.jobs} workers in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
