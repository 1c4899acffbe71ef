"""Figures and animations of optimizer trajectories on the two-dimensional test functions.

Five entry points, all drawn with matplotlib's object-oriented API (no pyplot state, so a
figure never shows up twice in a notebook and animations leak no figures):

* :func:`animate` renders trajectories over a contour plot into a small H.264 video, shown
  inline by Jupyter and by the book through :meth:`Animation._repr_html_`.
* :func:`plot_paths` draws the same picture as the last frame of the animation, for print.
* :func:`plot_surface` draws the function as a 3-D surface over its own window.
* :func:`plot_loss` draws ``f(x_t) - f*`` (or the distance to the nearest minimum) per step on a
  log scale.
* :func:`animate_figure` encodes any figure, redrawn by a callback per frame, with the same
  encoder (for pictures other than trajectories).

``trajectories`` is a dict ``{label: array of shape (T + 1, 2)}``, row ``t`` being the iterate
after step ``t``, as returned by :func:`optimlab.run`. A single array is accepted too and is
labelled ``"trajectory"``.

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
    (31, 320, 192)
    >>> movie._repr_html_().startswith("<video")
    True
"""

from __future__ import annotations

import base64
import html
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.transforms import IdentityTransform, blended_transform_factory

from .functions import TestFunction

__all__ = ["Animation", "animate", "animate_figure", "plot_paths", "plot_surface", "plot_loss"]

DEFAULT_FPS = 20
"""Frames per second of :func:`animate`: 100 steps play in five seconds."""

DEFAULT_WIDTH = 800
"""Video width in pixels of :func:`animate`; the height is 0.6 times the width."""

DEFAULT_MAX_FRAMES = 200
"""Longer runs are subsampled to this many frames (the path itself keeps every step)."""

DEFAULT_HOLD_FRAMES = 10
"""How many times :func:`animate` repeats the last frame, so that the end can be seen."""

_FIGURE_INCHES = (8.0, 4.8)  # text sizes are fixed in inches, so they scale with the width
_ASPECT = _FIGURE_INCHES[1] / _FIGURE_INCHES[0]
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#7f7f7f", "#bcbd22")
_CONTOUR_LEVELS = 12
_GRID_RESOLUTION = 160
_LOSS_FLOOR = 1e-12

# Encoder settings. A single keyframe and 'tune animation' suit a video whose background never
# moves; yuv420p and even dimensions are what browsers decode; the bitexact flags, no metadata
# and one thread make the bytes a function of the frames alone.
_X264_ARGS = (
    "-c:v", "libx264", "-preset", "veryfast", "-tune", "animation", "-crf", "31",
    "-pix_fmt", "yuv420p", "-g", "1000", "-threads", "1",
    "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
    "-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact",
    "-map_metadata", "-1",
)


# --------------------------------------------------------------------------------------------
# Argument checks


def _check_function(function) -> TestFunction:
    if not isinstance(function, TestFunction):
        raise ValueError(f"function must be an optimlab TestFunction; got {function!r}")
    return function


def _check_trajectories(trajectories, *, allow_empty: bool) -> dict[str, np.ndarray]:
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
    if len(checked) > len(_COLOURS):
        raise ValueError(f"trajectories may hold at most {len(_COLOURS)} paths; "
                         f"got {len(checked)}")
    return checked


def _check_int_range(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
        low <= value <= high
    ):
        raise ValueError(f"{name} must be an integer from {low} to {high}; got {value!r}")
    return int(value)


def _check_title(title) -> str | None:
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be a string or None; got {title!r}")
    return title


# --------------------------------------------------------------------------------------------
# The picture shared by animate and plot_paths


def _contour_levels(function: TestFunction, values: np.ndarray) -> np.ndarray:
    """Log-spaced levels above the minimum, or levels spaced like concentric quadratic rings."""
    low, high = float(values.min()), float(values.max())
    if function.log_levels:
        floor = min(function.minimum_value, low)
        gaps = values - floor
        smallest = max(float(np.quantile(gaps, 0.002)), (high - floor) * 1e-6)
        return floor + np.geomspace(smallest, high - floor, _CONTOUR_LEVELS)
    # Squared spacing puts equally spaced rings around a quadratic bowl's minimum.
    return low + (high - low) * np.linspace(0.0, 1.0, _CONTOUR_LEVELS + 1)[1:] ** 2


def _draw_background(ax: Axes, function: TestFunction, starts: list[np.ndarray],
                     title: str | None) -> list:
    """Draw contours, minima, starts, labels on ``ax``; return legend handles for minima/starts."""
    x1, x2, values = function.grid(_GRID_RESOLUTION)
    levels = _contour_levels(function, values)
    ax.contourf(x1, x2, values, levels=np.concatenate([[values.min()], levels]),
                cmap="Blues_r", alpha=0.28, antialiased=False, extend="max")
    ax.contour(x1, x2, values, levels=levels, colors="#5b6f8a", linewidths=0.6, alpha=0.8)
    (a, b), (c, d) = function.window
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    # The padding leaves room for a border marker of a path that left through the top.
    ax.set_title(function.name if title is None else title, pad=10)
    minima = np.asarray(function.minima)
    minimum = ax.plot(minima[:, 0], minima[:, 1], linestyle="none", marker="*", markersize=13,
                      color="gold", markeredgecolor="black", markeredgewidth=0.8,
                      label="minimum" if len(minima) == 1 else "minima", zorder=4)[0]
    handles = [minimum]
    if starts:
        points = np.unique(np.array(starts), axis=0)
        start = ax.plot(points[:, 0], points[:, 1], linestyle="none", marker="o",
                        markersize=7, color="white", markeredgecolor="black",
                        markeredgewidth=1.2, label="start", zorder=4)[0]
        handles.append(start)
    return handles


def _edge_position(ax: Axes, point: np.ndarray) -> tuple[float, float, float] | None:
    """For a point outside the axes: the nearest point of their border, (u, v) in axes
    coordinates, and the on-screen angle in degrees from there towards the point; None for a
    point inside."""
    (a, b), (c, d) = ax.get_xlim(), ax.get_ylim()
    u, v = (point[0] - a) / (b - a), (point[1] - c) / (d - c)
    if 0.0 <= u <= 1.0 and 0.0 <= v <= 1.0:
        return None
    edge_u, edge_v = min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0)
    # Only the sign of each overshoot matters: straight out through a side, 45° at a corner.
    dx, dy = np.sign(u - edge_u), np.sign(v - edge_v)
    return edge_u, edge_v, float(np.degrees(np.arctan2(dy, dx)))


@dataclass
class _Scene:
    """The moving artists of one picture, updated to show the state after a given step."""

    ax: Axes
    paths: dict[str, np.ndarray]
    lines: list[Line2D] = field(default_factory=list)
    heads: list[Line2D] = field(default_factory=list)
    edges: list[Line2D] = field(default_factory=list)
    ends: list[Line2D] = field(default_factory=list)
    counter: object = None
    counter_frame: object = None  # animations: the static "step ___ / T" around the number

    @property
    def steps(self) -> int:
        return max(len(xs) for xs in self.paths.values()) - 1

    def artists(self) -> list:
        return [*self.lines, *self.ends, *self.heads, *self.edges, self.counter]

    def show_step(self, k: int) -> None:
        for xs, line, head, edge, end in zip(self.paths.values(), self.lines, self.heads,
                                             self.edges, self.ends):
            last = min(k, len(xs) - 1)
            line.set_data(xs[: last + 1, 0], xs[: last + 1, 1])
            outside = _edge_position(self.ax, xs[last])
            stopped = len(xs) - 1 < self.steps and k >= len(xs) - 1
            head.set_data([xs[last, 0]], [xs[last, 1]])
            head.set_visible(outside is None and not stopped)
            end.set_visible(outside is None and stopped)
            edge.set_visible(outside is not None)
            if outside is not None:
                u, v, angle = outside
                edge.set_data([u], [v])
                edge.set_marker(MarkerStyle((3, 0, angle - 90.0)))
        self.counter.set_text(f"{k}" if self.counter_frame else f"step {k} / {self.steps}")

    def place_counter(self, renderer) -> None:
        """Right-align the step number in the blank of the drawn "step ___ / T" text.

        Drawing text is the costliest part of a frame; drawing the digits alone, over a
        frame that sits in the background, roughly quarters that cost.
        """
        frame = self.counter_frame
        text = frame.get_text()
        box = frame.get_window_extent(renderer)
        right = box.x0 + box.width * (len("step ") + len(str(self.steps))) / len(text)
        self.counter.set_transform(blended_transform_factory(IdentityTransform(),
                                                             self.ax.transAxes))
        self.counter.set_x(right)


def _build_scene(ax: Axes, function: TestFunction, paths: dict[str, np.ndarray],
                 title: str | None, *, animated: bool) -> _Scene:
    handles = _draw_background(ax, function, [xs[0] for xs in paths.values()], title)
    scene = _Scene(ax, paths)
    for colour, (label, xs) in zip(_COLOURS, paths.items()):
        style = dict(color=colour, animated=animated)
        line = ax.plot([], [], linewidth=1.6, marker="o", markersize=2.5, label=label,
                       zorder=5, **style)[0]
        scene.lines.append(line)
        scene.ends.append(ax.plot([xs[-1, 0]], [xs[-1, 1]], linestyle="none", marker="X",
                                  markersize=10, markeredgecolor="white", markeredgewidth=0.8,
                                  zorder=6, visible=False, **style)[0])
        scene.heads.append(ax.plot([], [], linestyle="none", marker="o", markersize=8,
                                   markeredgecolor="white", markeredgewidth=1.2, zorder=7,
                                   **style)[0])
        scene.edges.append(ax.plot([], [], linestyle="none", marker=(3, 0, 0), markersize=12,
                                   markeredgecolor="black", markeredgewidth=0.8, zorder=8,
                                   transform=ax.transAxes, clip_on=False, visible=False,
                                   **style)[0])
        handles.insert(len(handles) - 2, line)
    if paths:
        text = dict(transform=ax.transAxes, va="top", fontsize=11, family="monospace", zorder=9)
        box = dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="#888888", alpha=0.9)
        if animated:
            blank = " " * len(str(scene.steps))
            scene.counter_frame = ax.text(0.015, 0.975, f"step {blank} / {scene.steps}",
                                          ha="left", bbox=box, **text)
            scene.counter = ax.text(0.015, 0.975, "", ha="right", animated=True, **text)
        else:
            scene.counter = ax.text(0.015, 0.975, "", ha="left", bbox=box, **text)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=10, handlelength=1.5, borderaxespad=0.0)
    return scene


def _frame_size(width_px: int) -> tuple[int, int]:
    """The pixel size of a frame ``width_px`` wide: the height is even, for H.264."""
    return width_px, 2 * int(round(width_px * _ASPECT / 2))


def _new_figure(width_px: int, kind: type[Figure] = Figure) -> tuple[Figure, Axes]:
    width_px, height_px = _frame_size(width_px)
    dpi = width_px / _FIGURE_INCHES[0]
    # The 0.01 px keeps Agg's truncation to whole pixels from losing a row.
    figure = kind(figsize=(_FIGURE_INCHES[0], (height_px + 0.01) / dpi), dpi=dpi,
                  layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


# --------------------------------------------------------------------------------------------
# Video encoding


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


def _encode(frames: Iterator[memoryview], width: int, height: int, fps: int,
            suffix: str) -> bytes:
    """Pipe RGBA frames to the imageio-ffmpeg binary and return the encoded file's bytes."""
    import imageio_ffmpeg

    executable = imageio_ffmpeg.get_ffmpeg_exe()
    if suffix == ".mp4":
        codec = list(_X264_ARGS)
    else:  # a GIF with one palette for the whole clip, no dithering (flat colours stay flat)
        codec = ["-filter_complex",
                 "split[a][b];[a]palettegen=max_colors=128:stats_mode=full[p];"
                 "[b][p]paletteuse=dither=none", "-loop", "0", "-fflags", "+bitexact",
                 "-map_metadata", "-1"]
    with tempfile.TemporaryDirectory(prefix="optimlab-") as folder:
        output = Path(folder) / f"animation{suffix}"
        log = (Path(folder) / "ffmpeg.log").open("w+b")
        command = [executable, "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
                   "-r", str(fps), "-i", "pipe:0", "-an", *codec, str(output)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=log)
        broken = False
        try:
            for frame in frames:
                try:
                    process.stdin.write(frame)
                except BrokenPipeError:
                    broken = True
                    break
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                broken = True
            status = process.wait()
        log.seek(0)
        message = log.read().decode(errors="replace")[-2000:].strip()
        log.close()
        if status != 0 or broken or not output.exists():
            raise RuntimeError(f"ffmpeg ({executable}) failed with exit status {status} while "
                               f"encoding {suffix}: {message or 'no message'}")
        return output.read_bytes()


class _Renderer:
    """Draws the background once and yields one rgb24 frame per shown step (blitting)."""

    def __init__(self, function, paths, title, width, max_frames, hold_frames):
        self.function, self.paths, self.title = function, paths, title
        self.width, self.max_frames, self.hold_frames = width, max_frames, hold_frames
        steps = max(len(xs) for xs in paths.values()) - 1
        if steps + 1 <= max_frames:
            self.shown_steps = np.arange(steps + 1)
        else:
            self.shown_steps = np.unique(np.linspace(0, steps, max_frames).round().astype(int))
        self.frames = len(self.shown_steps) + hold_frames

    def __iter__(self) -> Iterator[memoryview]:
        """Yield each frame as the canvas's RGBA buffer; it is overwritten by the next frame,
        so a consumer must use (or copy) a frame before asking for the next one."""
        figure, ax = _new_figure(self.width)
        scene = _build_scene(ax, self.function, self.paths, self.title, animated=True)
        canvas = figure.canvas
        canvas.draw()  # the static background, laid out once
        figure.set_layout_engine("none")
        scene.place_counter(canvas.get_renderer())
        background = canvas.copy_from_bbox(figure.bbox)
        for k in self.shown_steps:
            canvas.restore_region(background)
            scene.show_step(int(k))
            for artist in scene.artists():
                ax.draw_artist(artist)
            yield canvas.buffer_rgba()
        for _ in range(self.hold_frames):
            yield canvas.buffer_rgba()


@dataclass(frozen=True, repr=False)
class Animation:
    """An encoded animation of trajectories: an H.264 MP4 and its text description.

    Shown inline by Jupyter and by the book (as a ``<video>`` element with the MP4 embedded in
    base64) when it is the last expression of a cell.

    Attributes:
        mp4: the MP4 file's bytes.
        description: a text description of what the animation shows (the video's aria-label,
            title and fallback text).
        frames: the number of frames in the video (shown steps plus the held last frame).
        steps: the number of optimizer steps of the longest trajectory.
        width: the video width in pixels.
        height: the video height in pixels.
        fps: frames per second.
    """

    mp4: bytes
    description: str
    frames: int
    steps: int
    width: int
    height: int
    fps: int
    _renderer: _Renderer = field(compare=False)

    def _repr_html_(self) -> str:
        text = html.escape(self.description, quote=True)
        data = base64.b64encode(self.mp4).decode("ascii")
        return (f'<video width="{self.width}" height="{self.height}" controls muted playsinline '
                f'loop preload="auto" style="max-width: 100%; height: auto;" '
                f'aria-label="{text}" title="{text}">'
                f'<source type="video/mp4" src="data:video/mp4;base64,{data}">'
                f"<p>{text}</p></video>")

    def __repr__(self) -> str:
        return (f"<Animation {self.width}x{self.height}, {self.frames} frames at {self.fps} fps, "
                f"{len(self.mp4)} bytes: {self.description}>")

    def save(self, path) -> Path:
        """Write the animation to ``path``: ``.mp4`` (the embedded video) or ``.gif``.

        A GIF is rendered again from the trajectories (not decoded from the lossy MP4) with one
        palette for the whole clip. Returns the path written.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".mp4":
            data = self.mp4
        elif suffix == ".gif":
            data = _encode(iter(self._renderer), self.width, self.height, self.fps, ".gif")
        else:
            raise ValueError(f"path must end in .mp4 or .gif; got {str(path)!r}")
        path.write_bytes(data)
        return path


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
    function = _check_function(function)
    paths = _check_trajectories(trajectories, allow_empty=False)
    title = _check_title(title)
    fps = _check_int_range("fps", fps, 1, 60)
    width = _check_int_range("width", width, 240, 1920)
    if width % 2:
        raise ValueError(f"width must be even (H.264 needs even dimensions); got {width!r}")
    max_frames = _check_int_range("max_frames", max_frames, 2, 2000)
    hold_frames = _check_int_range("hold_frames", hold_frames, 0, 600)
    renderer = _Renderer(function, paths, title, width, max_frames, hold_frames)
    frames = iter(renderer)
    first = next(frames)
    height, actual_width = np.asarray(first).shape[:2]
    if actual_width != width or height % 2:
        raise RuntimeError(f"the canvas is {actual_width}x{height} pixels, not {width} wide "
                           "with an even height")

    def all_frames():
        yield first
        yield from frames

    mp4 = _encode(all_frames(), width, height, fps, ".mp4")
    return Animation(mp4=mp4, description=_describe(function, paths), frames=renderer.frames,
                     steps=max(len(xs) for xs in paths.values()) - 1, width=width,
                     height=height, fps=fps, _renderer=renderer)


# --------------------------------------------------------------------------------------------
# Static figures


def _target_axes(ax, width_px: int, *, three_d: bool = False) -> tuple[Figure, Axes]:
    """The axes to draw on: ``ax`` if given (checked), else a new pyplot-free figure's."""
    if ax is None:
        if three_d:
            figure = _DisplayFigure(figsize=(7.0, 5.2), dpi=100, layout="constrained")
            FigureCanvasAgg(figure)
            return figure, figure.add_subplot(projection="3d")
        return _new_figure(width_px, _DisplayFigure)
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None; got {ax!r}")
    if three_d != (getattr(ax, "name", "") == "3d"):
        kind = "a 3-D Axes (projection='3d')" if three_d else "a 2-D Axes"
        raise ValueError(f"ax must be {kind}; got {ax!r}")
    return ax.figure, ax


class _DisplayFigure(Figure):
    """A Figure that Jupyter shows as a PNG through its own ``_repr_png_``.

    The plotting functions build figures without pyplot, so that a notebook never shows a
    figure twice (once as the cell's value, once when pyplot flushes its figures); this method
    makes the cell's value display even where pyplot's inline backend was never loaded.
    """

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def plot_paths(function: TestFunction, trajectories, *, title: str | None = None, ax=None,
               width: int = DEFAULT_WIDTH) -> Figure:
    """Draw trajectories over the contour plot of ``function``: the animation's last frame.

    The still equivalent of :func:`animate` (for print, PDF, and readers who do not play
    videos): contours, minima, starts, every path with a marker at its last iterate, a cross
    where a shorter path stopped, and a triangle on the border for a path that ended outside.
    ``plot_paths(function, {})`` is a bare contour plot.

    Args:
        function: the :class:`~optimlab.functions.TestFunction` to draw.
        trajectories: ``{label: array (T + 1, 2)}`` (may be empty), or a single array.
        title: the title (default: the function's name).
        ax: a 2-D matplotlib Axes to draw on; default a new figure.
        width: the new figure's width in pixels at its own dpi (default 800); ignored with
            ``ax``.

    Returns:
        The matplotlib Figure drawn on.

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> figure = ol.plot_paths(q, {"Adam": ol.run(ol.adam(lr=0.2), q.grad, q.start, 50)})
        >>> ax = figure.axes[0]
        >>> [float(v) for v in (*ax.get_xlim(), *ax.get_ylim())]
        [-10.0, 10.0, -4.0, 4.0]
    """
    function = _check_function(function)
    paths = _check_trajectories(trajectories, allow_empty=True)
    title = _check_title(title)
    width = _check_int_range("width", width, 240, 3840)
    figure, ax = _target_axes(ax, width)
    scene = _build_scene(ax, function, paths, title, animated=False)
    if paths:
        scene.show_step(scene.steps)
    return figure


def plot_surface(function: TestFunction, *, ax=None, title: str | None = None,
                 resolution: int = 80, cmap: str = "viridis") -> Figure:
    """Draw ``function`` as a 3-D surface over its own window.

    The first axis spans ``function.window[0]`` and the second ``function.window[1]``. Functions
    whose values span decades (``function.log_levels``) are coloured on a log scale.

    Args:
        function: the :class:`~optimlab.functions.TestFunction` to draw.
        ax: a 3-D matplotlib Axes (``projection="3d"``) to draw on; default a new figure.
        title: the title (default: the function's name).
        resolution: grid points per axis, 10 to 400 (default 80).
        cmap: a matplotlib colormap name (default ``"viridis"``).

    Returns:
        The matplotlib Figure drawn on.

    Example:
        >>> import optimlab as ol
        >>> figure = ol.plot_surface(ol.functions.cliff)
        >>> ax = figure.axes[0]
        >>> [float(v) for v in (*ax.get_xlim(), *ax.get_ylim())]
        [-6.0, 8.0, -4.0, 4.0]
    """
    import matplotlib

    function = _check_function(function)
    title = _check_title(title)
    resolution = _check_int_range("resolution", resolution, 10, 400)
    if cmap not in matplotlib.colormaps:
        raise ValueError(f"cmap must be a matplotlib colormap name; got {cmap!r}")
    figure, ax = _target_axes(ax, DEFAULT_WIDTH, three_d=True)
    x1, x2, values = function.grid(resolution)
    norm = None
    if function.log_levels:
        floor = min(function.minimum_value, float(values.min()))
        gaps = values - floor
        norm = LogNorm(vmin=max(float(np.quantile(gaps, 0.002)), float(gaps.max()) * 1e-6),
                       vmax=float(gaps.max()))
        colours = matplotlib.colormaps[cmap](norm(np.maximum(gaps, norm.vmin)))
        ax.plot_surface(x1, x2, values, facecolors=colours, rstride=1, cstride=1,
                        linewidth=0, antialiased=False, shade=False)
    else:
        ax.plot_surface(x1, x2, values, cmap=cmap, rstride=1, cstride=1, linewidth=0,
                        antialiased=False)
    minima = np.asarray(function.minima)
    ax.scatter(minima[:, 0], minima[:, 1], function.f(minima), marker="*", s=120,
               color="gold", edgecolor="black", depthshade=False, zorder=10)
    (a, b), (c, d) = function.window
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.set_zlabel(r"$f(x_1, x_2)$")
    ax.set_title(function.name if title is None else title)
    return figure


def _distance_to_minima(function: TestFunction, xs: np.ndarray) -> np.ndarray:
    minima = np.asarray(function.minima)
    return np.linalg.norm(xs[:, None, :] - minima[None, :, :], axis=-1).min(axis=1)


def plot_loss(function: TestFunction, trajectories, *, metric: str = "loss", ax=None,
              title: str | None = None, floor: float = _LOSS_FLOOR) -> Figure:
    """Plot, per step and on a log scale, how far each trajectory is from the minimum.

    ``metric="loss"`` plots ``f(x_t) - f*`` (``f*`` the minimum value); ``metric="distance"``
    plots the Euclidean distance from ``x_t`` to the nearest minimum. A log axis cannot show
    zero, so values below ``floor`` (an exact hit, or rounding below the minimum) are drawn at
    ``floor``; a dotted line marks it and the legend says so. Values too large for a float (a
    run far outside the window) are left out, as gaps. Trajectories may have different
    lengths; a shorter one ends in a cross.

    Args:
        function: the :class:`~optimlab.functions.TestFunction` the trajectories ran on.
        trajectories: ``{label: array (T + 1, 2)}`` (at least one), or a single array.
        metric: ``"loss"`` (default) or ``"distance"``.
        ax: a 2-D matplotlib Axes to draw on; default a new figure.
        title: the title (default: the function's name).
        floor: the smallest value drawn, > 0 (default 1e-12).

    Returns:
        The matplotlib Figure drawn on.

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> xs = ol.run(ol.adam(lr=0.2), q.grad, q.start, 100)
        >>> figure = ol.plot_loss(q, {"Adam": xs}, metric="distance")
        >>> figure.axes[0].get_yscale(), figure.axes[0].get_ylabel()
        ('log', 'distance to the nearest minimum')
    """
    function = _check_function(function)
    paths = _check_trajectories(trajectories, allow_empty=False)
    title = _check_title(title)
    if metric not in ("loss", "distance"):
        raise ValueError(f'metric must be "loss" or "distance"; got {metric!r}')
    if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not (
        0 < floor < np.inf
    ):
        raise ValueError(f"floor must be a positive finite number; got {floor!r}")
    figure, ax = _target_axes(ax, DEFAULT_WIDTH)
    clipped = False
    for colour, (label, xs) in zip(_COLOURS, paths.items()):
        with np.errstate(over="ignore", invalid="ignore"):  # far-off points overflow to inf
            if metric == "loss":
                values = function.f(xs) - function.minimum_value
            else:
                values = _distance_to_minima(function, xs)
        values = np.where(np.isfinite(values), values, np.nan)  # drawn as gaps
        clipped = clipped or bool((values < floor).any())
        ax.plot(np.arange(len(xs)), np.maximum(values, floor), color=colour, linewidth=1.6,
                label=label)
        if len(xs) - 1 < max(len(p) for p in paths.values()) - 1:
            ax.plot([len(xs) - 1], [max(values[-1], floor)], marker="X", markersize=9,
                    color=colour, markeredgecolor="white", linestyle="none")
    if clipped:
        ax.axhline(floor, color="#666666", linestyle=":", linewidth=1.0,
                   label=f"values below {floor:g} drawn at {floor:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$f(x_t) - f^\star$" if metric == "loss" else
                  "distance to the nearest minimum")
    ax.set_title(function.name if title is None else title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=10)
    return figure


# --------------------------------------------------------------------------------------------
# Any figure as a video


class _FigureRenderer:
    """Calls ``update(k)`` and redraws the whole figure for each frame; yields RGBA buffers."""

    def __init__(self, figure: Figure, update, count: int, hold_frames: int):
        self.figure, self.update, self.count = figure, update, count
        self.hold_frames = hold_frames
        self.frames = count + hold_frames

    def __iter__(self) -> Iterator[memoryview]:
        canvas = self.figure.canvas
        for k in range(self.count):
            self.update(k)
            canvas.draw()
            yield canvas.buffer_rgba()
        for _ in range(self.hold_frames):
            yield canvas.buffer_rgba()


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
    frames = _check_int_range("frames", frames, 1, 2000)
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"description must be a non-empty string; got {description!r}")
    fps = _check_int_range("fps", fps, 1, 60)
    hold_frames = _check_int_range("hold_frames", hold_frames, 0, 600)
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    renderer = _FigureRenderer(figure, update, frames, hold_frames)
    stream = iter(renderer)
    first = next(stream)
    height, width = np.asarray(first).shape[:2]
    if width % 2 or height % 2:
        raise ValueError(f"figure must be an even number of pixels wide and high (H.264); got "
                         f"{width}x{height}: adjust figsize or dpi")

    def all_frames():
        yield first
        yield from stream

    mp4 = _encode(all_frames(), width, height, fps, ".mp4")
    return Animation(mp4=mp4, description=description, frames=renderer.frames, steps=frames,
                     width=width, height=height, fps=fps, _renderer=renderer)
