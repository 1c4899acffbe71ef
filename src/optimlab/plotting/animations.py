"""The two ways to make an :class:`~optimlab.plotting.Animation`: :func:`animate` draws
trajectories over a contour plot, blitting the moving artists over a background drawn once;
:func:`animate_figure` redraws any figure through a callback per frame.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..functions import TestFunction
from ._checks import (
    check_aspect,
    check_colours,
    check_linestyles,
    check_function,
    check_int_range,
    check_number_range,
    check_title,
    check_trajectories,
)
from .scene import (
    DEFAULT_WIDTH,
    build_scene,
    default_aspect,
    fit_height,
    legend_below,
    new_figure,
)
from .video import Animation, Renderer, record

DEFAULT_FPS = 20
"""Frames per second of :func:`animate`: 100 steps play in five seconds."""

DEFAULT_MAX_FRAMES = 200
"""Longer runs are subsampled to this many frames (the path itself keeps every step)."""

DEFAULT_HOLD_FRAMES = 10
"""How many times :func:`animate` repeats the last frame, so that the end can be seen."""

DEFAULT_MIN_DURATION = 3.0
"""The shortest animation in seconds: a run of a few steps shows each for several frames."""


def _format_point(point) -> str:
    return "(" + ", ".join(f"{float(v):.3g}" for v in point) + ")"


def _describe(function: TestFunction, paths: dict[str, np.ndarray]) -> str:
    labels = list(paths)
    steps = max(len(xs) for xs in paths.values()) - 1
    if len(labels) == 1:
        subject = f"one optimizer path ({labels[0]})"
    else:
        subject = f"{len(labels)} optimizer paths ({', '.join(labels)})"
    starts = {_format_point(xs[0]) for xs in paths.values()}
    origin = (f"from {starts.pop()}" if len(starts) == 1 else
              "from " + ", ".join(f"{k} {_format_point(xs[0])}" for k, xs in paths.items()))
    (a, b), (c, d) = function.window
    finals = []
    for label, xs in paths.items():
        note = f"{label} {_format_point(xs[-1])}"
        if len(xs) - 1 < steps:
            note += f" after {len(xs) - 1} steps"
        if not (a <= xs[-1, 0] <= b and c <= xs[-1, 1] <= d):
            note += ", outside the plotted window"
        finals.append(note)
    minima = "; ".join(_format_point(m) for m in np.asarray(function.minima))
    return (f"Animation of {subject} on the {function.name} function over {steps} steps, "
            f"{origin}; final points: {'; '.join(finals)}. Minimum at {minima}.")


def shown_steps(steps: int, max_frames: int) -> np.ndarray:
    """The steps that get a frame: all of them, or ``max_frames`` spread evenly."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, max_frames).round().astype(int))


def slowed(shown: np.ndarray, fps: int, hold_frames: int, min_duration: float) -> np.ndarray:
    """``shown`` with each step repeated as often as it takes (the same number of times each)
    for the clip, held end included, to last ``min_duration`` seconds."""
    repeats = max(1, math.ceil((min_duration * fps - hold_frames) / len(shown)))
    return np.repeat(shown, repeats)


def trajectory_renderer(function: TestFunction, paths: dict[str, np.ndarray],
                        title: str | None, width: int, keys: np.ndarray, hold_frames: int,
                        colours: dict[str, str], aspect: str,
                        linestyles: dict[str, str] | None = None) -> Renderer:
    """The frames of :func:`animate`: the background is drawn once and saved; each frame
    restores it and draws only the moving artists."""

    def prepare():
        figure, ax = new_figure(width)
        scene = build_scene(ax, function, paths, title, colours, animated=True, aspect=aspect,
                            legend_below=legend_below(function), linestyles=linestyles)
        fit_height(figure, ax)
        canvas = figure.canvas
        canvas.draw()  # the static background, laid out once
        figure.set_layout_engine("none")
        scene.place_counter(canvas.get_renderer())
        background = canvas.copy_from_bbox(figure.bbox)

        def draw(step: int) -> memoryview:
            canvas.restore_region(background)
            scene.show_step(step)
            for artist in scene.artists():
                ax.draw_artist(artist)
            return canvas.buffer_rgba()

        return figure, draw

    return Renderer(prepare, keys, hold_frames)


def animate(function: TestFunction, trajectories, *, title: str | None = None,
            fps: int = DEFAULT_FPS, width: int = DEFAULT_WIDTH,
            max_frames: int = DEFAULT_MAX_FRAMES, hold_frames: int = DEFAULT_HOLD_FRAMES,
            min_duration: float = DEFAULT_MIN_DURATION, colours=None, linestyles=None,
            aspect: str | None = None) -> Animation:
    """Animate optimizer trajectories over the contour plot of ``function``.

    Each trajectory gets its own colour (its optimizer's, see :func:`colours_for`), a line
    through the iterates so far and a marker at the current one; a counter shows ``step k / T``
    with ``T`` the longest trajectory's steps. A trajectory that ends early keeps a cross where
    it stopped; an iterate outside the window is shown as a triangle on the border pointing
    where it went; the minimum's star stays on top. One frame per step (runs longer than
    ``max_frames`` are subsampled; a run too short to last ``min_duration`` seconds shows each
    step for several frames), then the last frame is held for ``hold_frames`` frames. The
    video opens on its last frame. The same inputs give byte-identical videos.

    Both axes have the same scale where the window allows it (``aspect``), so that shapes and
    angles are true: the frame's height then follows from the window's shape (the running
    example's 20 x 8 window gives 800 x 480 pixels at the default width). Text is sized to
    stay legible on a phone.

    Args:
        function: the :class:`~optimlab.functions.TestFunction` whose window and contours are
            drawn.
        trajectories: ``{label: array (T + 1, 2)}`` (at most 10), or a single array.
        title: the title above the plot (default: the function's name).
        fps: frames per second, 1 to 60 (default 20).
        width: video width in pixels, an even number from 240 to 1920 (default 800); the height
            follows (0.6 times the width with ``aspect="auto"``), rounded to an even number.
        max_frames: the most steps shown as frames, 2 to 2000 (default 200).
        hold_frames: how many times to repeat the last frame, 0 to 600 (default 10).
        min_duration: the shortest clip in seconds, 0 to 60 (default 3).
        colours: ``{label: colour}`` for some or all labels (default :func:`colours_for`'s);
            pass one mapping to every figure of a page to colour each path alike.
        linestyles: ``{label: "-", "--", ":" or "-."}`` for some or all labels (default solid):
            two paths of one optimizer, drawn in its colour, differ in style.
        aspect: ``"equal"`` (the same scale on both axes), ``"auto"`` (each axis fills the
            frame), or None (default): equal unless the window is over 4 times wider than high
            or over twice as high as wide.

    Returns:
        An :class:`Animation`; it displays itself as an embedded ``<video>``.

    Raises:
        ValueError: for a bad argument (the message names it).
        RuntimeError: if ffmpeg fails (the message quotes its error output).

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> paths = {"SGD": ol.run(ol.sgd(lr=0.15), q.grad, q.start, 8),
        ...          "Adam": ol.run(ol.adam(lr=0.5), q.grad, q.start, 12)}
        >>> movie = ol.animate(q, paths, width=240, hold_frames=0, min_duration=0)
        >>> movie.frames, movie.steps
        (13, 12)
        >>> movie.description[:42]
        'Animation of 2 optimizer paths (SGD, Adam)'
        >>> "SGD (7.05, -0.0117) after 8 steps; Adam (3.26, 1.12)" in movie.description
        True
    """
    function = check_function(function)
    paths = check_trajectories(trajectories, allow_empty=False)
    title = check_title(title)
    fps = check_int_range("fps", fps, 1, 60)
    width = check_int_range("width", width, 240, 1920)
    if width % 2:
        raise ValueError(f"width must be even (H.264 needs even dimensions); got {width!r}")
    max_frames = check_int_range("max_frames", max_frames, 2, 2000)
    hold_frames = check_int_range("hold_frames", hold_frames, 0, 600)
    min_duration = check_number_range("min_duration", min_duration, 0, 60)
    colours = check_colours(colours, list(paths))
    linestyles = check_linestyles(linestyles, list(paths))
    aspect = check_aspect(aspect, default_aspect(function))
    steps = max(len(xs) for xs in paths.values()) - 1
    keys = slowed(shown_steps(steps, max_frames), fps, hold_frames, min_duration)
    renderer = trajectory_renderer(function, paths, title, width, keys, hold_frames, colours,
                                   aspect, linestyles)

    def check_size(actual_width: int, height: int) -> None:
        if actual_width != width or height % 2:
            raise RuntimeError(f"the canvas is {actual_width}x{height} pixels, not {width} wide "
                               "with an even height")

    return record(renderer, fps, _describe(function, paths), steps, check_size)


def animate_figure(figure: Figure, update, frames: int, *, description: str,
                   fps: int = DEFAULT_FPS, hold_frames: int = DEFAULT_HOLD_FRAMES) -> Animation:
    """Encode any matplotlib figure as an :class:`Animation`, one full redraw per frame.

    For pictures that :func:`animate` does not draw (a decision boundary, a histogram that
    evolves): ``update(k)`` changes the figure's artists for frame ``k = 0, ..., frames - 1``,
    the figure is redrawn with Agg, and the frames go to the same H.264 encoder as
    :func:`animate`. Redrawing everything is simple and fast enough for small figures of a few
    artists; keep the figure small (a few hundred pixels) and the frames few (tens).

    Args:
        figure: a :class:`matplotlib.figure.Figure` (best made without pyplot, so it is not
            shown again as a still); its size in pixels must be even in both directions.
        update: a callable ``update(k)``; its return value is ignored.
        frames: the number of frames, 1 to 2000.
        description: what the animation shows, for screen readers (the video's aria-label).
        fps: frames per second, 1 to 60 (default 20).
        hold_frames: how many times to repeat the last frame, 0 to 600 (default 10).

    Returns:
        An :class:`Animation`; it displays itself as an embedded ``<video>``.

    Example:
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> figure = Figure(figsize=(3.2, 2.4), dpi=100)
        >>> ax = figure.add_subplot()
        >>> ax.set(xlim=(0, 6.3), ylim=(-1, 1))
        [(0.0, 6.3), (-1.0, 1.0)]
        >>> curve = ax.plot([], [])[0]
        >>> u = np.linspace(0, 6.3, 50)
        >>> movie = animate_figure(figure, lambda k: curve.set_data(u, np.sin(u + k / 2)), 8,
        ...                        description="A travelling sine wave", hold_frames=2)
        >>> movie.frames, movie.width, movie.height, movie.steps
        (10, 320, 240, 8)
    """
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure; got {figure!r}")
    if not callable(update):
        raise ValueError(f"update must be a callable of the frame number; got {update!r}")
    frames = check_int_range("frames", frames, 1, 2000)
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"description must be a non-empty string; got {description!r}")
    fps = check_int_range("fps", fps, 1, 60)
    hold_frames = check_int_range("hold_frames", hold_frames, 0, 600)
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)

    def prepare():
        canvas = figure.canvas

        def draw(k: int) -> memoryview:
            update(k)
            canvas.draw()
            return canvas.buffer_rgba()

        return figure, draw

    def check_size(width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"figure must be an even number of pixels wide and high (H.264); "
                             f"got {width}x{height}: adjust figsize or dpi")

    return record(Renderer(prepare, range(frames), hold_frames), fps, description, frames,
                  check_size)
