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

Usage: ``python tools/build_pdf.py [--repo owner/name]`` (``make pdf [REPO=owner/name]``).
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


def run(command: list[str], env: dict[str, str]) -> float:
    """Run ``command`` in the repository; stop with its exit status if it fails. Returns the
    seconds it took."""
    print("build_pdf:", " ".join(command), flush=True)
    start = time.monotonic()
    status = subprocess.run(command, cwd=ROOT, env=env).returncode
    if status != 0:
        sys.exit(f"build_pdf: `{' '.join(command)}` failed with exit status {status}")
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=None,
                        help="owner/name, as for make book REPO=... (default: git's origin, "
                             "if it is on GitHub, as make book decides)")
    args = parser.parse_args()
    if args.repo is None:  # the repository make book would pick, so both builds use one config
        sys.path.insert(0, str(ROOT / "tools"))
        from build_book import origin_repository
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
    make_book = ["make", "book", f"REPO={args.repo}"]
    config = BUILD / "_config.repo.yml" if args.repo else ROOT / "_config.yml"
    jupyter_book = str(Path(sys.executable).parent / "jupyter-book")

    book_seconds = run(make_book, env)
    LATEX_PDF.unlink(missing_ok=True)
    pdf_seconds = run([jupyter_book, "build", ".", "--builder", "pdflatex", "--config",
                       str(config), "--warningiserror", "--nitpick", "--keep-going"], env)
    if not LATEX_PDF.is_file():
        sys.exit(f"build_pdf: the LaTeX build wrote no {LATEX_PDF.relative_to(ROOT)}")
    PDF.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LATEX_PDF, PDF)
    link_seconds = run(make_book, {**env, "OPTIMLAB_PDF": str(PDF)})

    print(f"build_pdf: {PDF.relative_to(ROOT)}, {PDF.stat().st_size:,} bytes; make book "
          f"{book_seconds:.0f} s, LaTeX and PDF {pdf_seconds:.0f} s, site linked in "
          f"{link_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
