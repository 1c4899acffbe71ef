"""Sphinx extension: the student edition (``make student``, tools/build_student.py), without solutions.

The book marks each exercise's solution with sphinx-exercise's gated directives
(``{solution-start} label`` ... ``{solution-end}``, a dropdown with the code cells between them)
or, for a short one, ``{solution} label``. sphinx-exercise's own ``hide_solutions`` drops only the
opening directive of a gated solution and leaves its body and code cells on the page, so this
extension removes the solutions itself, everywhere a reader could find them:

- the page: every solution node, after sphinx-exercise has gathered a gated solution's content
  (prose, code cells and their outputs, glued numbers) into it;
- the notebook offered for download (and for Colab): every cell, and every part of a Markdown
  cell, between a solution's start and its end, and the glued values no remaining cell refers
  to (myst-nb keeps them in the outputs of the cells that computed them);
- the MyST source offered for download (_sources/<page>.md): the same lines.

It is loaded only by the student edition's configuration; ``make book`` does not load it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes

START = re.compile(r"^\s*(`{3,}|:{3,})\{solution-start\}")
END = re.compile(r"^\s*(`{3,}|:{3,})\{solution-end\}")
WHOLE = re.compile(r"^\s*(`{3,}|:{3,})\{solution\}")
GLUE_REFERENCE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`:]+)")


class Stripper:
    """Drops the lines of solutions from a stream of lines (state kept across notebook cells)."""

    def __init__(self):
        self.inside = False  # between a solution-start and its solution-end
        self.closing = None  # the fence that closes the directive being dropped

    def keep(self, line: str) -> bool:
        if self.closing is not None:
            if line.strip() == self.closing:
                self.closing = None
            return False
        if not self.inside:
            start, whole = START.match(line), WHOLE.match(line)
            if start:
                self.inside, self.closing = True, start[1]
                return False
            if whole:
                self.closing = whole[1]
                return False
            return True
        end = END.match(line)
        if end:
            self.inside, self.closing = False, end[1]
        return False

    @property
    def dropping(self) -> bool:
        return self.inside or self.closing is not None


def without_solutions(text: str) -> str:
    """MyST text without its solutions (see the module)."""
    stripper = Stripper()
    return "".join(line for line in text.splitlines(keepends=True) if stripper.keep(line))


def notebook_without_solutions(notebook: dict) -> dict:
    """A notebook (as JSON) without its solutions' cells and text, nor the glued values only
    they used."""
    stripper = Stripper()
    cells = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            kept = "".join(line for line in source.splitlines(keepends=True) if stripper.keep(line))
            if kept.strip():
                cells.append({**cell, "source": kept})
        elif not stripper.dropping:
            cells.append(cell)
    used = {name for cell in cells if cell["cell_type"] == "markdown"
            for name in GLUE_REFERENCE.findall("".join(cell["source"]))}
    for cell in cells:
        if cell["cell_type"] == "code":
            cell["outputs"] = [output for output in cell.get("outputs", [])
                               if output.get("metadata", {}).get("scrapbook", {}).get("name", None)
                               in (None, *used)]
    return {**notebook, "cells": cells}


def _remove_solutions(app, doctree):
    from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

    for kind in (solution_node, solution_start_node, solution_end_node):
        for node in list(doctree.findall(kind)):
            node.parent.remove(node)
    # sphinx-exercise's registry must not offer links to solutions that are gone
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for label in [label for label, entry in registry.items()
                  if str(entry.get("type", "")).startswith("solution") and entry.get("docname") == app.env.docname]:
        del registry[label]


def _strip_offered_notebook(app, pagename, templatename, context, doctree):
    """After _ext/notebook_links.py (priority 400) has written the page's notebook."""
    path = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    if context.get("ipynb_source") and path.is_file():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        stripped = notebook_without_solutions(notebook)
        path.write_text(json.dumps(stripped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _strip_sources(app, exception):
    if exception is not None:
        return
    for path in sorted((Path(app.outdir) / "_sources").rglob("*.md*")):
        path.write_text(without_solutions(path.read_text(encoding="utf-8")), encoding="utf-8")


def setup(app):
    app.connect("doctree-read", _remove_solutions, priority=900)
    app.connect("html-page-context", _strip_offered_notebook, priority=450)
    app.connect("build-finished", _strip_sources, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
