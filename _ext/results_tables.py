"""Sphinx extension: printed outputs and results tables fit the column of text, on a phone too.

A page's printed output (``print``) wraps its lines at the column's edge instead of scrolling
inside its box: a reader on a phone sees every number without scrolling. Results the prose reads
are shown with ``booktools.table`` (book/booktools.py), which writes an HTML table whose cells
wrap between words; a table whose columns do not fit even then (its ``data-fits-em``, the width
it needs in em of its text, is more than the column has) becomes one card per row, headed by its
first cell, each value preceded by its column's name. The container queries that make this
choice are written here from ``booktools.TABLE_WIDTHS_EM``, the widths a table can ask for.

Only pages with notebook output link the stylesheet (_ext/page_assets.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

from svg_icons import add_generated_stylesheet

STYLESHEET = "results_tables.css"
BOOKTOOLS = Path(__file__).resolve().parent.parent / "book" / "booktools.py"

BASE = """\
/* Printed output wraps at the column's edge (written by _ext/results_tables.py). */
div.cell_output pre, div.output pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}

/* Results tables (booktools.table): cells wrap between words, numbers line up. */
div.results-table {
  container-type: inline-size;
  font-size: 0.875em;
  margin: 0.25em 0 0.75em;
}
div.results-table table {
  border-collapse: collapse;
  table-layout: auto;
  width: auto;
  max-width: 100%;
  margin: 0;
  font-size: 1em;
  color: var(--pst-color-text-base);
  font-variant-numeric: tabular-nums;
}
div.results-table caption {
  caption-side: top;
  text-align: left;
  color: var(--pst-color-text-base);
  padding: 0 0 0.25em;
}
div.results-table :is(th, td) {
  padding: 0.2em 0.5em;
  text-align: left;
  vertical-align: bottom;
  white-space: normal;
  border: none;
  max-width: none;
}
div.results-table thead th {
  border-bottom: 1px solid var(--pst-color-border);
}
div.results-table tbody th {
  font-weight: 600;
}
div.results-table .number {
  text-align: right;
}

/* Other tables a cell shows (a Markdown table, say) take less room on a phone. */
@media (max-width: 540px) {
  div.cell_output table.table {
    font-size: 0.875em;
  }
  div.cell_output table.table :is(th, td) {
    padding: 0.25em 0.4em;
  }
}
"""

# One card per row: the row's name as a heading, then each value after its column's name. The
# header row stays in the page for screen readers, out of sight.
CARDS = """\
@container (width < {width}em) {{
  div.results-table[data-fits-em="{width}"] thead {{
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  }}
  div.results-table[data-fits-em="{width}"] :is(table, tbody, tr, th, td) {{
    display: block; text-align: left;
  }}
  div.results-table[data-fits-em="{width}"] tr {{
    padding: 0.3em 0; border-top: 1px solid var(--pst-color-border);
  }}
  div.results-table[data-fits-em="{width}"] td::before {{
    content: attr(data-label) ": "; color: var(--pst-color-text-muted);
  }}
}}
"""


def table_widths_em() -> tuple[int, ...]:
    """booktools.TABLE_WIDTHS_EM, read from the book's own module (without importing it); none
    for a book without booktools (the one-page books of the tests), which has no such table."""
    if not BOOKTOOLS.is_file():
        return ()
    for statement in ast.parse(BOOKTOOLS.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Assign) and any(
                getattr(target, "id", None) == "TABLE_WIDTHS_EM" for target in statement.targets):
            return tuple(ast.literal_eval(statement.value))
    raise LookupError(f"{BOOKTOOLS} defines no TABLE_WIDTHS_EM")


def stylesheet() -> str:
    return BASE + "".join(CARDS.format(width=width) for width in table_widths_em())


def _write_stylesheet(app):
    add_generated_stylesheet(app, STYLESHEET, stylesheet())


def setup(app):
    app.connect("builder-inited", _write_stylesheet)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
