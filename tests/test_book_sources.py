"""What the pages show of the package: every included object exists and is public.

The pages show the package's own code with ``literalinclude`` and ``:pyobject:``. Sphinx only
warns when an object is missing, and nothing stops a page from showing a private helper that
may change without notice; these checks make renaming an included object a deliberate act.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r"^```\{literalinclude\}\s+(?P<path>\S+)\s*\n(?P<options>(?::[^\n]*\n)*)",
                     re.MULTILINE)


def included_objects() -> list[tuple[str, Path, str]]:
    """(page, included file, dotted object name) for every :pyobject: include in book/."""
    found = []
    for page in sorted((ROOT / "book").glob("*.md")):
        for match in INCLUDE.finditer(page.read_text(encoding="utf-8")):
            target = re.search(r"^:pyobject:\s*(\S+)", match["options"], re.MULTILINE)
            if target:
                found.append((page.name, (page.parent / match["path"]).resolve(), target[1]))
    return found


def defined_names(tree: ast.Module) -> set[str]:
    """Every dotted name a :pyobject: option can point at: module-level functions and
    classes, and the methods of those classes."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{item.name}" for item in node.body
                      if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def test_pages_include_package_source():
    assert len(included_objects()) >= 10, "the pages stopped including the package's code?"


@pytest.mark.parametrize("page, path, name", included_objects(),
                         ids=lambda value: value if isinstance(value, str) else None)
def test_every_included_object_exists_and_is_public(page, path, name):
    assert path.is_relative_to(ROOT / "src"), f"{page} includes {path} from outside src/"
    assert path.exists(), f"{page} includes {path.relative_to(ROOT)}, which does not exist"
    private = [part for part in name.split(".") if _private(part)]
    assert not private, f"{page} includes {name}, whose part {private[0]} is private"
    module = path.relative_to(ROOT / "src").with_suffix("")
    assert not any(_private(part) for part in module.parts), (
        f"{page} includes {name} from the private module {module}")
    names = defined_names(ast.parse(path.read_text(encoding="utf-8")))
    assert name in names, f"{page} includes {name}, which {path.relative_to(ROOT)} does not define"
