"""The two ways to make an :class:`~optimlab.plotting.Animation`: :func:`animate` draws
trajectories over a contour plot, blitting the moving artists over a background drawn once;
:func:`animate_figure` redraws any figure through a callback per frame.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..functions import TestFunction
from ._checks import check_function, check_int_range, check_title, check_trajectories
from .scene import DEFAULT_WIDTH, build_scene, new_figure
from .video import Animation, Renderer, record

DEFAULT_FPS = 20
"""Frames per second of :func:`animate`: 100 steps play in five seconds."""

DEFAULT_MAX_FRAMES = 200
"""Longer runs are subsampled to this many frames (the path itself keeps every step)."""

DEFAULT_HOLD_FRAMES = 10
"""How many times :func:`animate` repeats the last frame, so that the end can be seen."""


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


def trajectory_renderer(function: TestFunction, paths: dict[str, np.ndarray],
                        title: str | None, width: int, max_frames: int,
                        hold_frames: int) -> Renderer:
    """The frames of :func:`animate`: the background is drawn once and saved; each frame
    restores it and draws only the moving artists."""

    def prepare():
        figure, ax = new_figure(width)
        scene = build_scene(ax, function, paths, title, animated=True)
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

        return draw

    steps = max(len(xs) for xs in paths.values()) - 1
    return Renderer(prepare, shown_steps(steps, max_frames), hold_frames)


def animate(function: TestFunction, trajectories, *, title: str | None = None,
            fps: int = DEFAULT_FPS, width: int = DEFAULT_WIDTH,
            max_frames: int = DEFAULT_MAX_FRAMES,
            hold_frames: int = DEFAULT_HOLD_FRAMES) -> Animation:
    """Animate optimizer trajectories over the contour plot of ``function``.

    Each trajectory gets its own colour, a line through the iterates so far and a marker at the
    current one; a counter shows ``step k / T`` with ``T`` the longest trajectory's steps. A
    trajectory that ends early keeps a cross where it stopped; an iterate outside the window is
    shown as a triangle on the border pointing where it went. One frame per step (runs longer
    than ``max_frames`` are subsampled), then the last frame is held for ``hold_frames`` frames.
    The same inputs give byte-identical videos.

    Args:
        function: the :class:`~optimlab.functions.TestFunction` whose window and contours are
            drawn.
        trajectories: ``{label: array (T + 1, 2)}`` (at most 10), or a single array.
        title: the title above the plot (default: the function's name).
        fps: frames per second, 1 to 60 (default 20).
        width: video width in pixels, an even number from 240 to 1920 (default 800); the height
            is 0.6 times the width, rounded to an even number.
        max_frames: the most steps shown as frames, 2 to 2000 (default 200).
        hold_frames: how many times to repeat the last frame, 0 to 600 (default 10).

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
        >>> movie = ol.animate(q, paths, width=240, hold_frames=0)
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
    renderer = trajectory_renderer(function, paths, title, width, max_frames, hold_frames)

    def check_size(actual_width: int, height: int) -> None:
        if actual_width != width or height % 2:
            raise RuntimeError(f"the canvas is {actual_width}x{height} pixels, not {width} wide "
                               "with an even height")

    return record(renderer, fps, _describe(function, paths),
                  max(len(xs) for xs in paths.values()) - 1, check_size)


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

        return draw

    def check_size(width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"figure must be an even number of pixels wide and high (H.264); "
                             f"got {width}x{height}: adjust figsize or dpi")

    return record(Renderer(prepare, range(frames), hold_frames), fps, description, frames,
                  check_size)
