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
import os
import re
import textwrap
from dataclasses import dataclass
from typing import Any

__all__ = ["CheckFailed", "ClaimFailed", "check", "claim", "glue", "in_book_build",
           "Setting", "try_it_settings"]


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
