"""What a figure draws in which colour: the labelled curves of a figure, recorded in its PNG.

Every figure and animation of the book is meant to draw each optimizer in its own colour
(:func:`~optimlab.plotting.colour_for`), a sweep in :func:`~optimlab.plotting.sweep_colours`,
and two curves of one colour in different line styles. To let a test check that on the built
book, :func:`drawn_series` lists the labelled curves of a figure (the lines, markers, bars and
bands a legend can name, and the entries of its legends), and
:func:`~optimlab.plotting.figure_png` and :func:`~optimlab.animate`'s PNG write that list into
the PNG (a ``tEXt`` chunk named :data:`SERIES_KEY`, JSON), where :func:`recorded_series` reads it.

Example:
    >>> from matplotlib.figure import Figure
    >>> from optimlab.plotting import figure_png
    >>> figure = Figure()
    >>> ax = figure.add_subplot()
    >>> _ = ax.plot([0, 1], [1, 0], color="#d55e00", label="Adam")
    >>> _ = ax.plot([0, 1], [1, 0.5], "--", color="#d55e00", label="Adam, no bias correction")
    >>> _ = ax.plot([0, 1], [0, 0], color="grey")          # no label: not a series
    >>> [(s["label"], s["colour"], s["style"]) for s in recorded_series(figure_png(figure))]
    [('Adam', '#d55e00', '-'), ('Adam, no bias correction', '#d55e00', '--')]
"""

from __future__ import annotations

import json

from matplotlib.collections import Collection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .legibility import png_text

__all__ = ["SERIES_KEY", "drawn_series", "series_metadata", "recorded_series"]

SERIES_KEY = "optimlab:series"
"""The PNG text chunk that lists a figure's labelled curves (JSON, ASCII)."""


def _colour(artist) -> str | None:
    """The colour a reader sees for ``artist``: a line's colour, else a face or an edge."""
    if isinstance(artist, Line2D):
        colour = artist.get_color()
        if artist.get_linestyle() in ("None", "", " ") and artist.get_marker() not in (
                None, "None", "", " "):
            face = artist.get_markerfacecolor()
            colour = face if face not in ("none", "None") else artist.get_markeredgecolor()
        return to_hex(colour)
    if isinstance(artist, Collection):
        for colours in (artist.get_facecolor(), artist.get_edgecolor()):
            if len(colours) and colours[0][3] > 0:
                return to_hex(colours[0], keep_alpha=False)
        return None
    if isinstance(artist, Patch):
        face = artist.get_facecolor()
        return to_hex(face if face[3] > 0 else artist.get_edgecolor(), keep_alpha=False)
    return None


def _style(artist) -> tuple[str, str, str]:
    """(kind, line style, marker) of an artist: a ``"line"``, ``"points"`` (a scatter), an
    ``"area"`` (a band, bars); a style ``"-"``, ``"--"``, ``":"``, ``"-."`` or ``"none"``."""
    if isinstance(artist, Line2D):
        style = artist.get_linestyle()
        marker = artist.get_marker()
        return ("line", "none" if style in ("None", "", " ") else style,
                "none" if marker in (None, "None", "", " ") else str(marker))
    if isinstance(artist, PathCollection):
        return ("points", "none", "o")
    if isinstance(artist, Collection):
        styles = artist.get_linestyle()
        dashed = bool(styles) and styles[0][1] is not None
        return ("area" if len(artist.get_facecolor()) else "line", "--" if dashed else "-",
                "none")
    return ("area", "-" if artist.get_linestyle() == "solid" else artist.get_linestyle(),
            "none")


def _entry(axes: int, label: str, artist) -> dict | None:
    colour = _colour(artist)
    if colour is None:
        return None
    kind, style, marker = _style(artist)
    return {"axes": axes, "label": label, "colour": colour, "kind": kind, "style": style,
            "marker": marker}


def drawn_series(figure: Figure) -> list[dict]:
    """The labelled curves of ``figure``: ``{"axes", "label", "colour", "kind", "style",
    "marker"}``
    for every visible line, collection, bar set or patch whose label does not start with an
    underscore, and for every legend entry not already among them (proxy handles), per axes in
    the figure's order (a figure legend counts for the first axes)."""
    series = []
    for index, ax in enumerate(figure.axes):
        seen = set()
        grouped = set()
        for container in ax.containers:
            label = container.get_label()
            if isinstance(container, (BarContainer, ErrorbarContainer)):
                grouped.update(id(child) for child in container.get_children())
            if label and not label.startswith("_"):
                first = next((c for c in container.get_children() if _colour(c)), None)
                if first is not None and (entry := _entry(index, label, first)):
                    series.append(entry)
                    seen.add(label)
        for artist in [*ax.lines, *ax.collections, *ax.patches]:
            label = artist.get_label()
            if (id(artist) in grouped or not artist.get_visible() or not label
                    or label.startswith("_")):
                continue
            if entry := _entry(index, label, artist):
                series.append(entry)
                seen.add(label)
        legends = [ax.get_legend()] + (list(figure.legends) if index == 0 else [])
        for legend in filter(None, legends):
            for text, handle in zip(legend.get_texts(), legend.legend_handles):
                label = text.get_text()
                if label and label not in seen and handle is not None:
                    if entry := _entry(index, label, handle):
                        series.append(entry)
                        seen.add(label)
    return series


def series_metadata(figure: Figure) -> str:
    """:func:`drawn_series` as the ASCII JSON written into a PNG."""
    return json.dumps(drawn_series(figure), ensure_ascii=True, separators=(",", ":"))


def recorded_series(png: bytes) -> list[dict] | None:
    """The curves a PNG records (:data:`SERIES_KEY`), or None if it records none."""
    text = png_text(png, SERIES_KEY)
    return None if text is None else json.loads(text)
