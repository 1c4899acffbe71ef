"""Build the student edition, the site without the exercises' solutions, into _build/student/html
(``make student``), for instructors to publish.

1. ``make book`` (with ``REPO`` when given), so that every page is executed into the execution
   cache exactly as for the site; nothing is executed twice.
2. Jupyter Book renders the same pages, warnings as errors, with the configuration of that build
   plus _ext/student_edition.py (which removes every solution from the pages, the notebooks
   offered for download and Colab, and the MyST sources offered for download) and the title
   marked "student edition"; its outputs come from the same execution cache. Jupyter Book writes
   into _build/student/_build/, from where the site is moved to _build/student/html and its
   notebooks to _build/student/notebooks.

``make book`` is unchanged: its configuration never loads the student extension. Prints a line
per step, the number of pages and of solutions removed, and the time taken.

Usage: python tools/build_student.py [--repo owner/name] [--verbose]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
STUDENT = BUILD / "student"
CONFIG = BUILD / "_config.student.yml"


def say(message: str) -> None:
    print(f"build_student: {message}", flush=True)


def student_config(config: dict, source: Path, target: Path) -> dict:
    """The configuration `config` (read from `source`) for the student edition, written to
    `target`: the student extension loaded, the title marked, the site's execution cache used,
    local extensions found from the new place."""
    config = dict(config)
    config["title"] = f"{config.get('title', 'The book')} (student edition)"
    execute = dict(config.get("execute") or {})
    execute["cache"] = str(BUILD / ".jupyter_cache")
    config["execute"] = execute
    sphinx = dict(config.get("sphinx") or {})
    # Jupyter Book finds local extensions relative to the configuration file, which moves.
    folders = {name: (source.parent / folder).resolve()
               for name, folder in (sphinx.get("local_extensions") or {}).items()}
    folders["student_edition"] = ROOT / "_ext"
    sphinx["local_extensions"] = {name: os.path.relpath(folder, target.parent.resolve())
                                  for name, folder in folders.items()}
    config["sphinx"] = sphinx
    return config


def count_solutions(site: Path) -> int:
    return sum(path.read_text(encoding="utf-8").count('class="solution')
               for path in site.rglob("*.html"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=None, help="owner/name, as for make book REPO=...")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    start = time.monotonic()
    sys.path.insert(0, str(ROOT / "tools"))
    from build_book import book_command, duration, origin_repository

    if args.repo is None:
        args.repo = origin_repository(ROOT) or ""
    args.repo = args.repo.strip()
    say("building the site and executing what changed (make book)")
    made = subprocess.run(["make", "book", f"REPO={args.repo}",
                           *(["VERBOSE=1"] if args.verbose else ["VERBOSE=", "--no-print-directory"])],
                          cwd=ROOT)
    if made.returncode != 0:
        return made.returncode
    source = BUILD / "_config.repo.yml" if args.repo else ROOT / "_config.yml"
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    CONFIG.write_text("# Written by tools/build_student.py; do not edit.\n"
                      + yaml.safe_dump(student_config(config, source, CONFIG), sort_keys=False,
                                       allow_unicode=True), encoding="utf-8")
    say("rendering the student edition (warnings are errors)")
    output = STUDENT / "_build"
    command = [*book_command(str(CONFIG), args.verbose), "--path-output", str(STUDENT)]
    result = subprocess.run(command, cwd=ROOT, text=True,
                            stdout=None if args.verbose else subprocess.PIPE,
                            stderr=subprocess.STDOUT if not args.verbose else None)
    if result.returncode != 0:
        if not args.verbose:
            sys.stdout.write(result.stdout[-20000:])
        say("the student edition failed to build (see above)")
        return 1
    if "Executing notebook" in (result.stdout or ""):
        say("warning: the student edition executed pages the site's cache did not have")
    for name in ("html", "notebooks"):
        shutil.rmtree(STUDENT / name, ignore_errors=True)
        if (output / name).exists():
            shutil.move(str(output / name), STUDENT / name)
    site = STUDENT / "html"
    pages = len(list(site.rglob("*.html")))
    removed = count_solutions(BUILD / "html") - count_solutions(site)
    say(f"built {pages} HTML files into {site.relative_to(ROOT)}, {count_solutions(site)} "
        f"solutions left ({removed} removed), in {duration(time.monotonic() - start)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
