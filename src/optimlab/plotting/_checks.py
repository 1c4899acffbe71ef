"""Argument checks of the plotting functions, each raising a ValueError that names the argument.

They are kept here, private to the plotting subpackage, with the signatures the package-wide
checks are expected to have (name, value, bounds), so that they can be replaced by those in one
edit of the imports.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.colors import is_color_like

from .._checks import integer_between as check_int_range
from .._checks import number_between as check_number_range
from ..functions import TestFunction
from .colours import colours_for

MAX_PATHS = 10
"""The most trajectories one picture draws (each needs a colour of its own)."""


def check_function(function) -> TestFunction:
    if not isinstance(function, TestFunction):
        raise ValueError(f"function must be an optimlab TestFunction; got {function!r}")
    return function


def check_trajectories(trajectories, *, allow_empty: bool) -> dict[str, np.ndarray]:
    """Return ``{label: float array (T + 1, 2)}`` or raise ValueError naming the argument."""
    if isinstance(trajectories, np.ndarray) or (
        isinstance(trajectories, (list, tuple)) and len(trajectories) > 0
        and not isinstance(trajectories[0], str)
    ):
        trajectories = {"trajectory": trajectories}
    if not isinstance(trajectories, Mapping):
        raise ValueError("trajectories must be a dict {label: array of shape (T + 1, 2)} or one "
                         f"such array; got {type(trajectories).__name__}")
    if not trajectories and not allow_empty:
        raise ValueError("trajectories must hold at least one trajectory; got an empty dict")
    checked = {}
    for label, path in trajectories.items():
        try:
            xs = np.array(path, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"trajectories[{label!r}] must be an array of numbers; "
                             f"got {type(path).__name__}") from None
        if xs.ndim != 2 or xs.shape[1] != 2:
            raise ValueError(f"trajectories[{label!r}] must have shape (T + 1, 2); "
                             f"got shape {xs.shape}")
        if len(xs) == 0:
            raise ValueError(f"trajectories[{label!r}] is empty; it needs at least the start")
        bad = np.flatnonzero(~np.isfinite(xs).all(axis=1))
        if bad.size:
            raise ValueError(f"trajectories[{label!r}] has non-finite rows, the first at "
                             f"index {bad[0]}: {xs[bad[0]].tolist()}")
        checked[str(label)] = xs
    if len(checked) > MAX_PATHS:
        raise ValueError(f"trajectories may hold at most {MAX_PATHS} paths; "
                         f"got {len(checked)}")
    return checked


def check_title(title) -> str | None:
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be a string or None; got {title!r}")
    return title


def check_colours(colours, labels: list[str]) -> dict[str, str]:
    """``{label: colour}`` for every label: ``colours``'s where it has one, else
    :func:`~optimlab.plotting.colours_for`'s."""
    if colours is not None and not isinstance(colours, Mapping):
        raise ValueError(f"colours must be a dict {{label: colour}} or None; got {colours!r}")
    chosen = colours_for(labels)
    for label, colour in (colours or {}).items():
        if not is_color_like(colour):
            raise ValueError(f"colours[{label!r}] must be a matplotlib colour; got {colour!r}")
        if label in chosen:
            chosen[label] = colour
    return chosen


LINE_STYLES = ("-", "--", ":", "-.")
"""The line styles a path may take, to tell apart two paths drawn in one colour."""


def check_linestyles(linestyles, labels: list[str]) -> dict[str, str]:
    """``{label: line style}`` for every label: ``linestyles``'s where it has one, else solid."""
    if linestyles is not None and not isinstance(linestyles, Mapping):
        raise ValueError(f"linestyles must be a dict {{label: style}} or None; got {linestyles!r}")
    chosen = dict.fromkeys(labels, "-")
    for label, style in (linestyles or {}).items():
        if style not in LINE_STYLES:
            raise ValueError(f"linestyles[{label!r}] must be one of {', '.join(LINE_STYLES)}; "
                             f"got {style!r}")
        if label in chosen:
            chosen[label] = style
    return chosen


def check_aspect(aspect, default: str) -> str:
    if aspect is None:
        return default
    if aspect not in ("equal", "auto"):
        raise ValueError(f'aspect must be "equal", "auto" or None; got {aspect!r}')
    return aspect
