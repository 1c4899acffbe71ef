"""Figures and animations of optimizer trajectories on the two-dimensional test functions.

Five entry points, all drawn with matplotlib's object-oriented API (no pyplot state, so a
figure never shows up twice in a notebook and animations leak no figures):

* :func:`animate` renders trajectories over a contour plot into a small H.264 video, shown
  inline by Jupyter and by the book through :meth:`Animation._repr_html_`.
* :func:`animate_figure` encodes any figure, redrawn by a callback per frame, with the same
  encoder (for pictures other than trajectories).
* :func:`plot_paths` draws the same picture as the last frame of the animation, for print.
* :func:`plot_surface` draws the function as a 3-D surface over its own window.
* :func:`plot_loss` draws ``f(x_t) - f*`` (or the distance to the nearest minimum) per step on a
  log scale.

Every optimizer has one colour throughout (:func:`colour_for`, :func:`colours_for`), and every
figure keeps its text legible on a phone and records its smallest text size in its PNG
(:func:`figure_png`, :func:`register_png_formatter`).

``trajectories`` is a dict ``{label: array of shape (T + 1, 2)}``, row ``t`` being the iterate
after step ``t``, as returned by :func:`optimlab.run`. A single array is accepted too and is
labelled ``"trajectory"``.

The modules: :mod:`~optimlab.plotting.scene` draws the contour picture that :func:`animate` and
:func:`plot_paths` share; :mod:`~optimlab.plotting.video` holds the encoder and
:class:`Animation`; :mod:`~optimlab.plotting.animations` makes animations;
:mod:`~optimlab.plotting.stills` makes still figures; :mod:`~optimlab.plotting.colours` holds
the palette; :mod:`~optimlab.plotting.legibility` sizes and measures text.

Why not ``matplotlib.animation.FuncAnimation``: it redraws every contour line for every frame
and hands frames to a system ffmpeg. Here the static background is drawn once, each frame
restores it from a saved bitmap and draws only the moving artists (blitting), and the raw
frames are piped to the ffmpeg binary shipped by the ``imageio-ffmpeg`` wheel. On the running
example this is several times faster and gives a video of a few tens of kilobytes
(``benchmarks/animation.py`` measures both).

Example:
    >>> import optimlab as ol
    >>> q = ol.functions.ill_conditioned_quadratic
    >>> xs = ol.run(ol.adam(lr=0.2), q.grad, q.start, 20)
    >>> movie = ol.animate(q, {"Adam": xs}, width=320, fps=10)
    >>> movie.frames, movie.width, movie.height
    (31, 320, 176)
    >>> "<video" in movie._repr_html_(), movie.png[1:4]
    (True, b'PNG')
"""

from .animations import (
    DEFAULT_FPS,
    DEFAULT_HOLD_FRAMES,
    DEFAULT_MAX_FRAMES,
    DEFAULT_MIN_DURATION,
    animate,
    animate_figure,
)
from .colours import OPTIMIZER_COLOURS, SWEEP_COLOURS, colour_for, colours_for, sweep_colours
from .legibility import (
    MIN_TEXT_CSS_PX,
    PHONE_COLUMN_CSS_PX,
    css_text_px,
    figure_png,
    legible_text_pt,
    png_width,
    recorded_text_px,
    register_png_formatter,
    smallest_text_px,
)
from .scene import DEFAULT_WIDTH
from .series import drawn_series, recorded_series
from .stills import plot_loss, plot_paths, plot_surface
from .video import Animation

__all__ = [
    "Animation",
    "animate",
    "animate_figure",
    "plot_paths",
    "plot_surface",
    "plot_loss",
    "OPTIMIZER_COLOURS",
    "colour_for",
    "colours_for",
    "SWEEP_COLOURS",
    "sweep_colours",
    "drawn_series",
    "recorded_series",
    "MIN_TEXT_CSS_PX",
    "PHONE_COLUMN_CSS_PX",
    "legible_text_pt",
    "smallest_text_px",
    "figure_png",
    "recorded_text_px",
    "png_width",
    "css_text_px",
    "register_png_formatter",
]
