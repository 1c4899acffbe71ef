"""Text that stays legible when a figure is shrunk to a phone's column, and a way to check it.

A figure is drawn at its natural width (its PNG's width, or a video's) and shown at most that
wide: on a 390-px-wide phone the book's column is about 358 CSS px, so a figure 800 px wide is
shown at less than half size and 10-point text at 100 dpi (13.9 px) becomes 6 CSS px. The rule
the book keeps is that no text falls under :data:`MIN_TEXT_CSS_PX` (9) there.

To make that checkable in the built pages, the smallest text size of a figure, in the PNG's own
pixels, is written into the PNG (a ``tEXt`` chunk named :data:`METADATA_KEY`). A browser check
then computes, for each image, ``recorded px × rendered width / natural width`` with
:func:`css_text_px`. :func:`figure_png` writes such a PNG; :func:`register_png_formatter` makes
IPython use it for every matplotlib figure a page shows, so plain pyplot figures are measured
too. :func:`legible_text_pt` is the font size a figure of a given width needs.

Example:
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(6.4, 4.0), dpi=100)
    >>> ax = figure.add_subplot()
    >>> ax.tick_params(labelsize=12)
    >>> ax.set_title("twelve points", fontsize=12)
    Text(0.5, 1.0, 'twelve points')
    >>> png = figure_png(figure)
    >>> round(recorded_text_px(png), 2)       # 12 pt at 100 dpi
    16.67
    >>> round(css_text_px(recorded_text_px(png), 358, png_width(png)), 2)
    9.32
"""

from __future__ import annotations

import io
import math
import struct

from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = [
    "MIN_TEXT_CSS_PX",
    "PHONE_COLUMN_CSS_PX",
    "METADATA_KEY",
    "legible_text_pt",
    "smallest_text_px",
    "figure_png",
    "recorded_text_px",
    "png_width",
    "png_text",
    "css_text_px",
    "register_png_formatter",
]

MIN_TEXT_CSS_PX = 9.0
"""The smallest text, in CSS px, that a figure may show on a phone."""

PHONE_COLUMN_CSS_PX = 350.0
"""The width a figure is shown at on a 390-px-wide page (the column is 350 to 360 px)."""

METADATA_KEY = "optimlab:smallest-text-px"
"""The PNG text chunk that records a figure's smallest text size in the PNG's pixels."""

_BASE_TEXT_PT = 12.0  # what a figure 6.4 inches wide needs; wider figures need more
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def legible_text_pt(figure: Figure) -> float:
    """The smallest font size, in points, that keeps text of ``figure`` at 9 CSS px or more on a
    phone, where the figure is shown at its natural width or 350 CSS px, whichever is less: at
    least 12 pt, more for figures over 6.5 inches or under 650 pixels wide.

    Example:
        >>> from matplotlib.figure import Figure
        >>> [legible_text_pt(Figure(figsize=(w, 4), dpi=dpi)) for w, dpi in
        ...  [(6.4, 100), (10, 100), (6.4, 50)]]
        [12.0, 18.6, 13.0]
    """
    width_px = figure.get_figwidth() * figure.dpi
    needed_px = MIN_TEXT_CSS_PX * max(1.0, width_px / PHONE_COLUMN_CSS_PX)
    needed = needed_px * 72.0 / figure.dpi
    return max(_BASE_TEXT_PT, math.ceil(round(needed * 10.0, 6)) / 10.0)


def smallest_text_px(figure: Figure) -> float:
    """The size in pixels (at the figure's dpi) of the smallest visible, non-empty text of
    ``figure``: tick labels, axis labels, titles, legend entries, annotations. The figure is
    laid out first (without rendering), so tick labels exist. ``inf`` for a figure without
    text."""
    figure.draw_without_rendering()
    sizes = [text.get_fontsize() for text in figure.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    return min(sizes) * figure.dpi / 72.0 if sizes else math.inf


def figure_png(figure: Figure, **savefig_kwargs) -> bytes:
    """The figure as a PNG that records its smallest text size (:data:`METADATA_KEY`), in the
    PNG's pixels, and its labelled curves (:data:`~optimlab.plotting.series.SERIES_KEY`).
    ``savefig_kwargs`` go to :meth:`~matplotlib.figure.Figure.savefig` (for example
    ``bbox_inches="tight"``, or another ``dpi``)."""
    from .series import SERIES_KEY, series_metadata

    dpi = savefig_kwargs.get("dpi", "figure")
    scale = 1.0 if dpi == "figure" else float(dpi) / figure.dpi
    size = smallest_text_px(figure) * scale
    metadata = dict(savefig_kwargs.pop("metadata", None) or {})
    if math.isfinite(size):
        metadata[METADATA_KEY] = f"{size:.2f}"
    metadata[SERIES_KEY] = series_metadata(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=metadata, **savefig_kwargs)
    return buffer.getvalue()


def _chunks(png: bytes):
    if not isinstance(png, (bytes, bytearray)) or not png.startswith(_PNG_SIGNATURE):
        raise ValueError("png must be the bytes of a PNG file; got "
                         f"{type(png).__name__} starting {bytes(png[:8])!r}")
    at = len(_PNG_SIGNATURE)
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        yield kind, png[at + 8:at + 8 + length]
        at += 12 + length


def png_text(png: bytes, key: str) -> str | None:
    """The text a PNG's ``tEXt`` chunk named ``key`` holds, or None."""
    for kind, data in _chunks(png):
        if kind == b"tEXt":
            name, _, value = data.partition(b"\0")
            if name.decode("latin-1") == key:
                return value.decode("latin-1")
        if kind == b"IDAT":  # text chunks that matter come before the image data
            return None
    return None


def recorded_text_px(png: bytes) -> float | None:
    """The smallest text size a PNG records (:func:`figure_png`), or None if it records none."""
    text = png_text(png, METADATA_KEY)
    return None if text is None else float(text)


def png_width(png: bytes) -> int:
    """The natural width in pixels of a PNG (from its header)."""
    kind, data = next(_chunks(png))
    return struct.unpack(">I", data[:4])[0]


def css_text_px(recorded_px: float, rendered_width: float, natural_width: float) -> float:
    """The CSS size of text ``recorded_px`` pixels high in an image ``natural_width`` pixels
    wide that the browser shows ``rendered_width`` CSS px wide."""
    if not natural_width > 0:
        raise ValueError(f"natural_width must be positive; got {natural_width!r}")
    return recorded_px * rendered_width / natural_width


def _inline_png(figure: Figure) -> bytes | None:
    """What matplotlib's inline backend would show (a tight PNG), plus the text size."""
    if not figure.axes and not figure.lines:
        return None
    return figure_png(figure, bbox_inches="tight", facecolor=figure.get_facecolor(),
                      edgecolor=figure.get_edgecolor())


def register_png_formatter(shell=None) -> None:
    """Make IPython display every matplotlib figure with :func:`figure_png`.

    Call it once in a notebook (a page's bookkeeping module does): figures shown by
    ``plt.show()`` or as a cell's value then carry their smallest text size. pyplot's backend
    is started first, because the inline backend replaces the figure formatters when it starts
    (on the first figure, otherwise); a later ``%matplotlib`` magic would undo this.

    Args:
        shell: the IPython shell; default the running one.

    Raises:
        RuntimeError: outside IPython.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        raise RuntimeError("register_png_formatter needs a running IPython (a notebook kernel)")
    import matplotlib
    import matplotlib.pyplot as plt

    plt.switch_backend(matplotlib.get_backend())
    shell.display_formatter.formatters["image/png"].for_type(Figure, _inline_png)
