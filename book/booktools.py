"""Bookkeeping for the book's pages: glue numbers into the prose, check identities, report claims.

Every page imports what it needs in a ``remove-cell`` cell, so that the visible cells teach::

    from booktools import check, claim, glue

* :func:`check` is for identities that hold whatever the Try-it values are (the bias-corrected
  average of a constant gradient equals it). A failure stops the page with the message.
* :func:`claim` is for statements the prose makes about the page's own settings ("Adam ends
  nearest"). A reader who changes the Try-it values is told whether the statement still holds;
  the book build, which runs the page as shipped, stops instead, so that the prose can never
  disagree with its own numbers.
* :func:`glue` hands a number to the prose (``{glue:text}`name:.3f```).
* :func:`table` shows results as a table that fits a phone's column (the decisive column first).

Importing the module in a notebook also makes every matplotlib figure the page shows record its
smallest text size in its PNG (:func:`optimlab.plotting.register_png_formatter`), which the
browser tests use to check that no figure's text is too small to read on a phone.

The book build (``tools/build_book.py``) sets ``OPTIMLAB_BOOK_BUILD=1`` in the environment of
the kernels it starts; anywhere else (Jupyter, Binder, the edit test) claims are only reported.

A page's Try-it cell declares its settings one per line, each with what it means and the range
the page is written for, in this form (read by :func:`try_it_settings` and by the test that
re-runs every page at the ends of its ranges)::

    LR = 0.2       # η, the learning rate; try 0.01 to 0.5
    STEPS = 100    # number of steps; try 20 to 400
    AMSGRAD = False  # use the running maximum of v; try one of False, True
"""

from __future__ import annotations

import ast
import html
import math
import numbers
import os
import re
import textwrap
from dataclasses import dataclass
from typing import Any

__all__ = ["CheckFailed", "ClaimFailed", "check", "claim", "glue", "in_book_build",
           "Setting", "Table", "table", "try_it_settings"]


def _measure_figures() -> None:
    """Register the PNG formatter that records each figure's smallest text (in a kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        from optimlab.plotting import register_png_formatter

        register_png_formatter()


_measure_figures()


class CheckFailed(AssertionError):
    """An identity that must hold for every setting did not."""


class ClaimFailed(AssertionError):
    """A statement the prose makes about the shipped settings is false in the book build."""


def in_book_build() -> bool:
    """Whether the page is being executed by the book build (claims are then binding)."""
    return os.environ.get("OPTIMLAB_BOOK_BUILD") == "1"


def check(condition, message: str) -> None:
    """Stop with ``message`` unless ``condition`` holds (for identities true for any setting).

    Example:
        >>> check(1 + 1 == 2, "arithmetic")
        >>> check(False, "the buffer m is not the weighted sum of the gradients")
        Traceback (most recent call last):
        ...
        booktools.CheckFailed: the buffer m is not the weighted sum of the gradients
    """
    if not bool(condition):
        raise CheckFailed(message)


def claim(holds, statement: str, otherwise: str = "", *, show: bool = True) -> bool:
    """Report whether ``statement`` (true for the shipped settings) holds for the current ones.

    Prints ``With these settings: <statement> - still true.`` or ``... - no longer true
    (<otherwise>).``, so a reader who edited the Try-it values sees what changed. In the book
    build a false claim raises :class:`ClaimFailed` instead: the prose states it as a fact.

    Args:
        holds: whether the statement is true for the current settings.
        statement: the claim in a few words, as the prose makes it.
        otherwise: what is true instead, for the reader (optional).
        show: print the line (default); ``False`` only records and returns the result.

    Returns:
        ``bool(holds)``, so a page can choose its wording from it.

    Example:
        >>> claim(True, "Adam ends nearest to the minimum")
        With these settings: Adam ends nearest to the minimum - still true.
        True
    """
    holds = bool(holds)
    if not holds and in_book_build():
        raise ClaimFailed(f"the page claims '{statement}' for its shipped settings, but it is "
                          f"false{': ' + otherwise if otherwise else ''}")
    if show:
        if holds:
            line = f"With these settings: {statement} - still true."
        else:
            line = (f"With these settings: {statement} - no longer true"
                    f"{' (' + otherwise + ')' if otherwise else ''}.")
        # wrapped to the width of the book's column, the continuation indented
        print(textwrap.fill(line, width=76, subsequent_indent="    "))
    return holds


def glue(name: str, value: Any) -> Any:
    """Hand ``value`` to the prose as ``{glue:text}`name```, without displaying it here.

    Numbers are glued as plain Python floats or ints (numpy scalars become them), so the
    prose's format spec (``:.3f``) applies. Returns ``value``.
    """
    from myst_nb import glue as myst_glue

    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    myst_glue(name, value, display=False)
    return value


# Results tables (:func:`table`). In the page a table whose columns do not fit its column of text
# is shown as one card per row; each table names the narrowest width at which it still reads as
# a table, rounded up to one of these (in em of the table's text), and _ext/results_tables.py
# writes one container query per width, so that the two can never disagree.
TABLE_WIDTHS_EM = (16, 20, 24, 28, 32, 36, 40, 48, 56, 64, 80)
# A character's width in em, at most, in the fonts a reader may have (DejaVu Sans's digits are
# 0.636 em wide, Liberation Sans's 0.556 em), and a cell's horizontal padding in em.
CHARACTER_EM = 0.64
CELL_PADDING_EM = 1.0


def _formatted(value, spec) -> str:
    if callable(spec):
        return str(spec(value))
    if spec is not None:
        return format(value, spec)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return format(float(value), ".4g")
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@dataclass(frozen=True, repr=False)
class Table:
    """Results, formatted: shown as HTML in the book and as aligned plain text in a terminal.

    Build it with :meth:`Table.of`, or let :func:`table` build and show it.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    caption: str = ""

    @classmethod
    def of(cls, rows, columns, *, formats=None, caption: str = "") -> "Table":
        """Format ``rows`` (sequences in the order of ``columns``, or mappings keyed by them);
        ``formats`` maps a column to a format spec (``".3g"``) or to a function of the value."""
        columns = tuple(str(name) for name in columns)
        if not columns:
            raise ValueError("columns must name at least one column, got none")
        formats = dict(formats or {})
        unknown = sorted(set(formats) - set(columns))
        if unknown:
            raise ValueError(f"formats names columns the table does not have: {unknown}")
        values = []
        for number, row in enumerate(rows):
            row = [row[name] for name in columns] if hasattr(row, "keys") else list(row)
            if len(row) != len(columns):
                raise ValueError(f"rows[{number}] has {len(row)} values for {len(columns)} "
                                 f"columns: {row!r}")
            values.append(row)
        numeric = tuple(bool(values) and all(_is_number(row[i]) for row in values)
                        for i in range(len(columns)))
        text = tuple(tuple(_formatted(value, formats.get(name)) for value, name in zip(row, columns))
                     for row in values)
        return cls(columns, text, numeric, caption)

    def needed_em(self) -> float:
        """How wide (in em of its text) the table must be to read as a table: every column as
        wide as its longest word (headers wrap between words, numbers never)."""
        total = 0.0
        for i, name in enumerate(self.columns):
            words = name.split() + [word for row in self.rows for word in row[i].split()]
            total += max(map(len, words), default=1) * CHARACTER_EM + CELL_PADDING_EM
        return total

    def fits_em(self) -> int:
        """:attr:`needed_em` rounded up to one of :data:`TABLE_WIDTHS_EM` (the largest if wider)."""
        needed = self.needed_em()
        return next((width for width in TABLE_WIDTHS_EM if width >= needed), TABLE_WIDTHS_EM[-1])

    def __str__(self) -> str:
        widths = [max([len(name)] + [len(row[i]) for row in self.rows])
                  for i, name in enumerate(self.columns)]

        def line(cells):
            return "  ".join(cell.rjust(width) if numeric else cell.ljust(width)
                             for cell, width, numeric in zip(cells, widths, self.numeric)).rstrip()

        lines = [self.caption] if self.caption else []
        lines += [line(self.columns), line(["-" * width for width in widths])]
        lines += [line(row) for row in self.rows]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        escape = html.escape

        def cell(tag, text, i, attributes=""):
            kind = ' class="number"' if self.numeric[i] else ""
            return f"<{tag}{attributes}{kind}>{escape(text)}</{tag}>"

        head = "".join(cell("th", name, i, ' scope="col"') for i, name in enumerate(self.columns))
        body = "".join(
            "<tr>" + "".join(
                cell("th" if i == 0 else "td", text, i,
                     (' scope="row"' if i == 0 else "")
                     + f' data-label="{escape(self.columns[i])}"')
                for i, text in enumerate(row)) + "</tr>"
            for row in self.rows)
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        return (f'<div class="results-table" data-fits-em="{self.fits_em()}"><table>{caption}'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def table(rows, columns, *, formats=None, caption: str = "") -> None:
    """Show results as a table: in the book, HTML that fits a phone's column (cells wrap between
    words; a table too wide even then becomes one card per row, headed by its first cell); in a
    terminal, aligned plain text.

    Put the row's name first and the decisive column (the one the prose's verdict reads) right
    after it, so that it is the first number a reader sees.

    Args:
        rows: one sequence of values per row, in the order of ``columns`` (or a mapping from
            column to value).
        columns: the column headers.
        formats: optional, column -> format spec (``".3g"``) or function of the value; by
            default integers print whole and other numbers with 4 significant digits.
        caption: optional, a line above the table.

    Example:
        >>> table([("Adam", 0.00123, 100), ("SGD", 2.5, 100)], ["optimizer", "distance", "steps"])
        optimizer  distance  steps
        ---------  --------  -----
        Adam        0.00123    100
        SGD             2.5    100
    """
    shown = Table.of(rows, columns, formats=formats, caption=caption)
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None  # noqa: N806
    if get_ipython is None or get_ipython() is None:
        print(shown)
        return
    from IPython.display import display

    display(shown)


@dataclass(frozen=True)
class Setting:
    """One constant of a Try-it cell: its shipped value and the values the page is written for.

    Attributes:
        name: the constant's name (upper case).
        value: the shipped value.
        meaning: what the comment says it is.
        low, high: the ends of ``try A to B`` (None for a list of choices).
        choices: the values of ``try one of A, B, C`` (empty for a range).
    """

    name: str
    value: Any
    meaning: str
    low: Any = None
    high: Any = None
    choices: tuple = ()

    def ends(self) -> tuple:
        """The two extreme values the page must survive: the ends of the range, or the first
        and the last choice."""
        return (self.choices[0], self.choices[-1]) if self.choices else (self.low, self.high)


_SETTING = re.compile(
    r"^(?P<name>[A-Z][A-Z0-9_]*)\s*=\s*(?P<value>[^#]+?)\s*#\s*(?P<meaning>.*?);\s*try\s+"
    r"(?:one of\s+(?P<choices>.+?)|(?P<low>\S+)\s+to\s+(?P<high>\S+?))\s*$")


def try_it_settings(source: str) -> list[Setting]:
    """The settings declared in a Try-it cell's source, in order (see the module docstring).

    Lines that assign an upper-case name without a ``; try ...`` comment are refused, so that
    every setting a reader may change says how far it may go.

    Example:
        >>> [s.ends() for s in try_it_settings("LR = 0.2  # η; try 0.01 to 0.5")]
        [(0.01, 0.5)]
    """
    settings = []
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if not re.match(r"^[A-Z][A-Z0-9_]*\s*=", stripped):
            continue
        match = _SETTING.match(stripped)
        if match is None:
            raise ValueError(f"line {number} of the Try-it cell sets a constant without "
                             f"'# meaning; try A to B' (or '; try one of A, B'): {stripped!r}")
        value = ast.literal_eval(match["value"])
        if match["choices"]:
            choices = tuple(ast.literal_eval(c.strip()) for c in match["choices"].split(","))
            settings.append(Setting(match["name"], value, match["meaning"], choices=choices))
        else:
            low, high = ast.literal_eval(match["low"]), ast.literal_eval(match["high"])
            if not low <= value <= high:
                raise ValueError(f"{match['name']} = {value!r} lies outside its own range "
                                 f"{low!r} to {high!r}")
            settings.append(Setting(match["name"], value, match["meaning"], low, high))
    return settings
