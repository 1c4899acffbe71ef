"""Bookkeeping for the book's pages: glue numbers into the prose, check identities, report claims.

Every page imports what it needs in ``remove-cell`` cells, so that the visible cells teach::

    from booktools import check, check_settings, claim, glue

    check_settings(globals(), LR="> 0", STEPS=">= 1")   # right under the Try-it cell

* :func:`check_settings` checks the values of the page's Try-it cell as soon as it has run. A
  value outside the range the page is written for is reported once, in a box under the Try-it
  cell, and the page runs on; a value the page cannot run with (a wrong kind, a step count of
  0, a negative rate: anything beyond the limit the call gives the setting) stops the page
  there with a :class:`SettingError` that names the setting.
* :func:`check` is for identities that hold whatever the Try-it values are (the bias-corrected
  average of a constant gradient equals it). A failure stops the page with the message.
* :func:`claim` is for statements the prose makes about the page's own settings ("Adam ends
  nearest"). It shows nothing while the statement holds; when a reader's edit breaks it, one box
  under the cell lists what no longer holds and what is true instead. The book build, which runs
  the page as shipped, stops instead, so that the prose can never disagree with its own numbers.
* :func:`glue` hands a number to the prose (``{glue:text}`name:.3f```).
* :func:`table` shows results as a table that fits a phone's column (the decisive column first).

Importing the module in a notebook makes every figure record its smallest text and its curves'
colours in its PNG (:func:`optimlab.plotting.register_png_formatter`), for the book's tests.
The book build (``tools/build_book.py``) sets ``OPTIMLAB_BOOK_BUILD=1`` for the kernels it
starts; anywhere else (Jupyter, Binder, the edit test) claims are only reported.

A page's Try-it cell declares its settings one per line, each with what it means and the range
the page is written for (read by :func:`try_it_settings`)::

    LR = 0.2       # η, the learning rate; try 0.01 to 0.5
    STEPS = 100    # number of steps; try 20 to 400
    AMSGRAD = False  # use the running maximum of v; try one of False, True

A range of whole numbers (``20 to 400``) takes whole numbers only, a range written with a
decimal point any real number, a list of choices those values only. The limits beyond which a
page cannot run at all are the keyword arguments of its :func:`check_settings` call
(``"> 0"``, ``">= 1"``, ``"in [0, 1)"``), which keeps the Try-it cell's lines short.
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

__all__ = ["CheckFailed", "ClaimFailed", "SettingError", "check", "check_settings", "claim",
           "glue", "in_book_build", "Setting", "Table", "table", "try_it_settings", "limits_in"]

MARKER = "# ---- Try it"
"""The first line of a page's Try-it cell starts with this."""

_COLUMN = 76  # plain-text reports are wrapped to the width of the book's code column


def _kernel():
    """The running IPython kernel's shell, or None (plain Python, a terminal, a doctest)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def _measure_figures() -> None:
    """Register the PNG formatter that records each figure's text size and curves (in a kernel)."""
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


class SettingError(ValueError):
    """A Try-it value the page cannot run with (its message names the setting)."""

    def _render_traceback_(self) -> list[str]:
        """What a notebook shows instead of a traceback into this module: the message."""
        return [f"SettingError: {self}",
                "Change it in the Try-it cell above, then run the page again."]


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


@dataclass
class _Box:
    """A warning box: a title, a list of items and a closing sentence, shown as HTML in a
    notebook and as wrapped plain text elsewhere."""

    title: str
    items: list
    footer: str = ""

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{item}</li>" for item in self.items)
        footer = f'<p style="margin: 0.4em 0 0 0;">{self.footer}</p>' if self.footer else ""
        return ('<div role="note" class="optimlab-warning" style="border-left: 4px solid '
                '#c45500; background: rgba(230, 140, 0, 0.13); padding: 0.5em 0.9em; '
                'margin: 0.3em 0;"><p style="margin: 0 0 0.3em 0;"><strong>\u26a0 '
                f'{self.title}</strong></p><ul style="margin: 0; padding-left: 1.3em;">'
                f"{items}</ul>{footer}</div>")

    def __repr__(self) -> str:
        plain = [re.sub(r"<[^>]+>", "", html.unescape(item)) for item in self.items]
        lines = [f"{self.title}:"]
        lines += [textwrap.fill(item, _COLUMN, initial_indent="  - ", subsequent_indent="    ")
                  for item in plain]
        if self.footer:
            lines.append(textwrap.fill(re.sub(r"<[^>]+>", "", html.unescape(self.footer)),
                                       _COLUMN))
        return "\n".join(lines)


# The box of the cell that is running: the claims it breaks gather in one box.
_claims_box: dict = {"cell": None, "box": None, "handle": None}


def _report_claim(item: str) -> None:
    shell = _kernel()
    if shell is None:
        print(repr(_Box("No longer true with your settings", [item])))
        return
    from IPython.display import display

    if _claims_box["cell"] != shell.execution_count or _claims_box["handle"] is None:
        box = _Box("No longer true with your settings", [item],
                   "The text near this cell states these results for the page's own settings "
                   "(the Try-it cell as shipped); your values change them.")
        _claims_box.update(cell=shell.execution_count, box=box,
                           handle=display(box, display_id=True))
    else:
        _claims_box["box"].items.append(item)
        _claims_box["handle"].update(_claims_box["box"])


def claim(holds, statement: str, otherwise: str = "", *, show: bool = True) -> bool:
    """Check ``statement``, which the prose makes for the shipped settings, for the current ones.

    A statement that holds shows nothing. One that a reader's edit of the Try-it values breaks
    is listed, with ``otherwise`` (what is true instead), in a warning box under the cell (one
    box per cell, however many of its claims fail; plain text outside a notebook). In the book
    build a false claim raises :class:`ClaimFailed` instead: the prose states it as a fact.

    Args:
        holds: whether the statement is true for the current settings.
        statement: the claim in a few words, as the prose makes it.
        otherwise: what is true instead, for the reader (optional).
        show: report a broken claim (default); ``False`` only returns the result.

    Returns:
        ``bool(holds)``, so a page can choose its wording from it.

    Example:
        >>> claim(True, "Adam ends nearest to the minimum")
        True
        >>> claim(False, "Adam ends nearest to the minimum", "RMSProp does")
        No longer true with your settings:
          - Adam ends nearest to the minimum: no longer true (RMSProp does).
        False
    """
    holds = bool(holds)
    if not holds and in_book_build():
        raise ClaimFailed(f"the page claims '{statement}' for its shipped settings, but it is "
                          f"false{': ' + otherwise if otherwise else ''}")
    if show and not holds:
        instead = f" ({html.escape(otherwise)})" if otherwise else ""
        _report_claim(f"<em>{html.escape(statement)}</em>: no longer true{instead}.")
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
        ``formats`` maps a column to a format spec (``".3g"``) or to a function of the value,
        or is one format spec for every number of the table."""
        columns = tuple(str(name) for name in columns)
        if not columns:
            raise ValueError("columns must name at least one column, got none")
        if isinstance(formats, str):
            spec = formats
            formats = dict.fromkeys(columns, lambda value: (format(value, spec)
                                                            if _is_number(value) else value))
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
        formats: optional, column -> format spec (``".3g"``) or function of the value, or one
            format spec for every number; by default integers print whole and other numbers
            with 4 significant digits.
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
    """One constant of a Try-it cell: its value, the values the page is written for, and the
    limit beyond which the page cannot run.

    Attributes:
        name: the constant's name (upper case).
        value: the value in the cell's source (None if it is not a literal).
        meaning: what the comment says it is.
        low, high: the ends of ``try A to B`` (None for a list of choices).
        choices: the values of ``try one of A, B, C`` (empty for a range).
        limit: the condition beyond which the page cannot run, as :func:`check_settings` is
            given it (``"> 0"``, ``">= 1"``, ``"in [0, 1)"``), or ``""``: then any number of
            the range's kind runs.
    """

    name: str
    value: Any
    meaning: str
    low: Any = None
    high: Any = None
    choices: tuple = ()
    limit: str = ""

    def ends(self) -> tuple:
        """The two extreme values the page is written for: the ends of the range, or the first
        and the last choice."""
        return (self.choices[0], self.choices[-1]) if self.choices else (self.low, self.high)

    @property
    def whole(self) -> bool:
        """Whether the range takes whole numbers only (both ends written without a point)."""
        return not self.choices and isinstance(self.low, int) and isinstance(self.high, int)

    def bounds(self) -> tuple:
        """``(lowest, lowest_included, highest, highest_included)`` that the limit allows
        (``-inf`` and ``inf`` where it says nothing)."""
        return _bounds(self.limit)

    def written_for(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(repr, self.choices))
        return f"{self.low!r} to {self.high!r}"

    def problem(self, value) -> str | None:
        """Why the page cannot run with ``value`` (a wrong type, or beyond the limit), or None."""
        if self.choices:
            if not any(type(value) is type(c) and value == c for c in self.choices):
                return f"must be {self.written_for()}"
            return None
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return f"must be a number, like {self.low!r}"
        if self.whole and not isinstance(value, numbers.Integral):
            return f"must be a whole number, like {self.low!r}"
        if math.isnan(value):
            return "must be a number, not NaN"
        lowest, low_in, highest, high_in = self.bounds()
        if value < lowest or (value == lowest and not low_in) or value > highest or (
                value == highest and not high_in):
            return f"must be {self.limit}"
        return None

    def outside(self, value) -> bool:
        """Whether ``value`` lies outside the range the page is written for."""
        return not self.choices and not self.low <= value <= self.high


_NUMBER = r"[-+]?(?:inf|[0-9.]+(?:e[-+]?[0-9]+)?)"
_LIMIT = re.compile(rf"^(?:(?P<op>>=|≥|>|<=|≤|<)\s*(?P<bound>{_NUMBER})|in\s*(?P<open>[\[(])\s*"
                    rf"(?P<lo>{_NUMBER})\s*,\s*(?P<hi>{_NUMBER})\s*(?P<close>[\])]))$")


def _bounds(limit: str) -> tuple:
    inf = math.inf
    if not limit:
        return (-inf, False, inf, False)
    match = _LIMIT.match(limit.strip())
    if match is None:
        raise ValueError(f"a limit must read '> A', '>= A', '< B', '<= B' or 'in [A, B)' "
                         f"(round brackets for an open end); got {limit!r}")
    if match["op"]:
        op, bound = match["op"].replace("≥", ">=").replace("≤", "<="), float(match["bound"])
        if op.startswith(">"):
            return (bound, op == ">=", inf, False)
        return (-inf, False, bound, op == "<=")
    return (float(match["lo"]), match["open"] == "[", float(match["hi"]), match["close"] == "]")


_SETTING = re.compile(
    r"^(?P<name>[A-Z][A-Z0-9_]*)\s*=\s*(?P<value>[^#]+?)\s*#\s*(?P<meaning>.*?);\s*try\s+"
    r"(?:one of\s+(?P<choices>.+?)|(?P<low>\S+)\s+to\s+(?P<high>\S+?))\s*$")


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def try_it_settings(source: str, *, as_shipped: bool = True,
                    limits: dict | None = None) -> list[Setting]:
    """The settings declared in a Try-it cell's source, in order (see the module docstring),
    with their ``limits`` (``{name: "> 0"}``, as :func:`check_settings` takes them).

    With ``as_shipped`` (the default, for a page as the book ships it), lines that assign an
    upper-case name without a ``; try ...`` comment are refused, so that every setting a reader
    may change says how far it may go, and so is a value outside its own range or limit.
    Otherwise (a cell a reader may have edited) such lines are skipped and values not checked.

    Example:
        >>> [s.ends() for s in try_it_settings("LR = 0.2  # η; try 0.01 to 0.5")]
        [(0.01, 0.5)]
    """
    limits = dict(limits or {})
    settings = []
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if not re.match(r"^[A-Z][A-Z0-9_]*\s*=", stripped):
            continue
        match = _SETTING.match(stripped)
        if match is None:
            if not as_shipped:
                continue
            raise ValueError(f"line {number} of the Try-it cell sets a constant without "
                             f"'# meaning; try A to B' (or '; try one of A, B'): {stripped!r}")
        value = _literal(match["value"]) if not as_shipped else ast.literal_eval(match["value"])
        if match["choices"]:
            choices = tuple(ast.literal_eval(c.strip()) for c in match["choices"].split(","))
            setting = Setting(match["name"], value, match["meaning"], choices=choices)
        else:
            low, high = ast.literal_eval(match["low"]), ast.literal_eval(match["high"])
            setting = Setting(match["name"], value, match["meaning"], low, high,
                              limit=limits.pop(match["name"], "").strip())
            _bounds(setting.limit)  # refuses a limit it cannot read
            if as_shipped and (setting.problem(low) or setting.problem(high)):
                raise ValueError(f"{setting.name}'s range {low!r} to {high!r} breaks its limit "
                                 f"({setting.limit})")
        if as_shipped and (setting.problem(value) or setting.outside(value)):
            raise ValueError(f"{setting.name} = {value!r} lies outside its own range "
                             f"{setting.written_for()}")
        settings.append(setting)
    if limits:
        raise ValueError(f"limits name settings the Try-it cell does not declare: {sorted(limits)}")
    return settings


def limits_in(source: str) -> dict[str, str]:
    """The limits a cell's ``check_settings(globals(), NAME="> 0", ...)`` call gives.

    Example:
        >>> limits_in('check_settings(globals(), LR="> 0", BETA="in [0, 1)")')
        {'LR': '> 0', 'BETA': 'in [0, 1)'}
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_settings":
            return {k.arg: ast.literal_eval(k.value) for k in node.keywords
                    if k.arg not in ("namespace", "source")}
    raise ValueError("the cell does not call check_settings")


def _try_it_source() -> str:
    """The source of the Try-it cell the kernel ran last (from IPython's input history)."""
    from IPython import get_ipython

    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    for source in reversed(history):
        if source.lstrip().startswith(MARKER):
            return source
    raise RuntimeError("check_settings found no Try-it cell in this kernel's history; run the "
                       "page's Try-it cell first (or pass its source)")


def check_settings(namespace: dict | None = None, source: str | None = None,
                   **limits: str) -> None:
    """Check the Try-it values a page runs with; call it in the cell right under the Try-it cell.

    Every setting the Try-it cell declares is looked up in ``namespace``. A value of the wrong
    kind or beyond the setting's limit raises :class:`SettingError`, naming the setting, what
    it must be and the range the page is written for, so that the page stops at its top and
    not with an error from deep inside. Values that are only outside the range the page is
    written for are listed, once, in a warning box (plain text outside a notebook): the page
    runs on, and its claims report what no longer holds.

    Args:
        namespace: the page's variables (pass ``globals()``); default the notebook's.
        source: the Try-it cell's source; default the last one the kernel ran.
        **limits: for a setting the page cannot run with beyond some value, that limit:
            ``"> 0"``, ``">= 1"``, ``"< 1"``, ``"<= 1"``, or ``"in [0, 1)"`` (round brackets
            for an open end).

    Example:
        >>> cell = "LR = 0.2  # η; try 0.05 to 0.4"
        >>> check_settings({"LR": 0.2}, cell, LR="> 0")
        >>> check_settings({"LR": 0.6}, cell, LR="> 0")
        Outside the range this page is written for:
          - LR = 0.6: the text is written for 0.05 to 0.4.
        The page runs on with your values; any statement of the text that no longer
        holds is flagged in a box under the cell that checks it.
        >>> check_settings({"LR": -0.1}, cell, LR="> 0")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        booktools.SettingError: LR = -0.1 cannot run: η must be > 0 (the page is ...
    """
    if namespace is None:
        from IPython import get_ipython

        namespace = get_ipython().user_ns
    settings = try_it_settings(source if source is not None else _try_it_source(),
                               as_shipped=False, limits=limits)
    outside = []
    for setting in settings:
        if setting.name not in namespace:
            raise SettingError(f"{setting.name} is not set: the Try-it cell must give it a "
                               f"value ({setting.written_for()})")
        value = namespace[setting.name]
        problem = setting.problem(value)
        if problem:
            raise SettingError(f"{setting.name} = {value!r} cannot run: {setting.meaning} "
                               f"{problem} (the page is written for {setting.written_for()})")
        if setting.outside(value):
            outside.append(setting)
    if outside:
        box = _Box("Outside the range this page is written for",
                   [f"<code>{s.name} = {html.escape(repr(namespace[s.name]))}</code>: the text is "
                    f"written for {html.escape(s.written_for())}." for s in outside],
                   "The page runs on with your values; any statement of the text that no longer "
                   "holds is flagged in a box under the cell that checks it.")
        if _kernel() is None:
            print(repr(box))
        else:
            from IPython.display import display

            display(box)
