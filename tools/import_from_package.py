"""Rewrite the pages' imports of their helpers from ``booktools`` to ``optimlab.book``.

The helpers the pages import (check, check_settings, claim, glue, table) moved into the package
as optimlab.book, so that a page's notebook runs wherever optimlab is installed (Colab, a fresh
Jupyter) with no file of the repository beside it; book/booktools.py stays as the same module
under its old name, so a page not yet rewritten still builds. Safe to run again, e.g. after
merging a branch that adds or edits pages: only lines still importing ``booktools`` change.

    from booktools import check, glue   ->  from optimlab.book import check, glue
    import booktools                     ->  import optimlab.book as booktools

Usage: python tools/import_from_package.py [--check] [PAGE.md ...]   (default: book/*.md)
--check changes nothing and exits 1 if a page still imports booktools.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FROM_IMPORT = re.compile(r"^([ \t]*)from booktools import\b", re.MULTILINE)
PLAIN_IMPORT = re.compile(r"^([ \t]*)import booktools[ \t]*$", re.MULTILINE)


def rewritten(text: str) -> str:
    text = FROM_IMPORT.sub(r"\1from optimlab.book import", text)
    return PLAIN_IMPORT.sub(r"\1import optimlab.book as booktools", text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    pages = [Path(a) for a in argv if a != "--check"] or sorted((ROOT / "book").glob("*.md"))
    changed = lines = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        new = rewritten(text)
        if new == text:
            continue
        changed += 1
        lines += sum(a != b for a, b in zip(text.splitlines(), new.splitlines()))
        if check:
            print(f"{page}: still imports booktools")
        else:
            page.write_text(new, encoding="utf-8")
    verb = "import booktools" if check else "rewritten"
    print(f"import_from_package: {changed} of {len(pages)} pages {verb} ({lines} lines)")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
