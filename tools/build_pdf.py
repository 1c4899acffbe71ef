"""Build the book's PDF edition into _build/pdf/book.pdf and link it from every page of the site.

Steps, each the project's own command, so that no page is executed twice:

1. ``make book`` (with ``REPO`` when given): executes the pages into the execution cache when
   they or the package changed and builds the site, exactly as a plain build does.
2. ``jupyter-book build . --builder pdflatex`` with the same configuration, warnings as errors:
   Sphinx's LaTeX builder reads the executed outputs from the cache (the animations become their
   last frames, see _ext/pdf_edition.py) and latexmk runs xelatex into _build/latex/book.pdf,
   which is copied to _build/pdf/book.pdf.
3. ``make book`` again with ``OPTIMLAB_PDF`` naming that file: Sphinx rewrites every page (none is
   read or executed again) with the PDF in its download menu and copies the PDF into the site.

A later plain ``make book`` takes the link and the site's copy out again. Needs TeX (xelatex,
latexmk and the LaTeX packages in .ci/tex-packages.txt); see the README.

It prints what ``make book`` prints (a line per page and a summary), a line per step and the
PDF's size; the LaTeX step's own output (Sphinx's, latexmk's and xelatex's) is shown in full if
it fails, and not otherwise. ``--verbose`` (``make pdf VERBOSE=1``) shows everything as it comes.

Usage: ``python tools/build_pdf.py [--repo owner/name] [--verbose]``
(``make pdf [REPO=owner/name] [VERBOSE=1]``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
PDF = BUILD / "pdf" / "book.pdf"
LATEX_PDF = BUILD / "latex" / "book.pdf"
TEX_PROGRAMS = ("xelatex", "latexmk")


def run(command: list[str], env: dict[str, str], hold: bool = False) -> tuple[float, str]:
    """Run ``command`` in the repository; stop with its exit status if it fails. Returns the
    seconds it took and, with `hold`, its output (standard output and error together), which
    is then shown only if it fails."""
    start = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE if hold else None,
                            stderr=subprocess.STDOUT if hold else None)
    if result.returncode != 0:
        if hold:
            sys.stdout.write(result.stdout)
        sys.exit(f"build_pdf: `{' '.join(command)}` failed with exit status {result.returncode}")
    return time.monotonic() - start, result.stdout or ""


def say(message: str) -> None:
    print(f"build_pdf: {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=None,
                        help="owner/name, as for make book REPO=... (default: git's origin, "
                             "if it is on GitHub, as make book decides)")
    parser.add_argument("--verbose", action="store_true",
                        help="show every line the tools print, as make book VERBOSE=1 does")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tools"))
    from build_book import book_command, duration, origin_repository

    if args.repo is None:  # the repository make book would pick, so both builds use one config
        args.repo = origin_repository(ROOT) or ""
    args.repo = args.repo.strip()

    missing = [name for name in TEX_PROGRAMS if shutil.which(name) is None]
    if missing:
        sys.exit(f"build_pdf: {', '.join(missing)} not found: the PDF needs TeX "
                 "(see the README: apt-get install $(cat .ci/tex-packages.txt))")

    env = {key: value for key, value in os.environ.items() if key != "OPTIMLAB_PDF"}
    # The PDF's dates are the last commit's, so that the same sources give the same PDF.
    commit_time = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip()
    if commit_time and "SOURCE_DATE_EPOCH" not in env:
        env["SOURCE_DATE_EPOCH"] = commit_time
    # Stop at the first TeX error instead of waiting for input that never comes.
    env.setdefault("LATEXOPTS", "-interaction=nonstopmode -halt-on-error")
    make_book = ["make", "book", f"REPO={args.repo}",
                 *(["VERBOSE=1"] if args.verbose else ["VERBOSE=", "--no-print-directory"])]
    config = BUILD / "_config.repo.yml" if args.repo else ROOT / "_config.yml"

    say("building the site (make book)")
    book_seconds, _ = run(make_book, env)
    say("writing the PDF with Sphinx's LaTeX builder and xelatex")
    LATEX_PDF.unlink(missing_ok=True)
    pdf_seconds, output = run(book_command(str(config), args.verbose, builder="pdflatex"), env,
                              hold=not args.verbose)
    if not LATEX_PDF.is_file():
        sys.stdout.write(output)
        sys.exit(f"build_pdf: the LaTeX build wrote no {LATEX_PDF.relative_to(ROOT)}")
    PDF.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LATEX_PDF, PDF)
    say("linking the PDF from every page of the site (make book)")
    link_seconds, _ = run(make_book, {**env, "OPTIMLAB_PDF": str(PDF)})

    say(f"{PDF.relative_to(ROOT)}, {PDF.stat().st_size:,} bytes; make book "
        f"{duration(book_seconds)}, LaTeX and PDF {duration(pdf_seconds)}, site linked in "
        f"{duration(link_seconds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
