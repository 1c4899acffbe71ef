"""The contour picture that :func:`~optimlab.plotting.animate` and
:func:`~optimlab.plotting.plot_paths` share: a function's contours, its minima, the starts, and
the moving artists of each trajectory (its line, the marker at its current iterate, a cross where
a shorter path stopped, a triangle on the border for an iterate outside the window).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.transforms import IdentityTransform, blended_transform_factory

from ..functions import TestFunction
from .legibility import legible_text_pt

DEFAULT_WIDTH = 800
"""Video width in pixels of :func:`animate`; the height follows the function's window."""

FIGURE_WIDTH_INCHES = 6.4
"""Every frame and new still is this wide in inches, whatever its pixels: with 12-point text
this keeps text at 9 CSS px or more on a phone (see
:mod:`~optimlab.plotting.legibility`); on a wider figure (a page's own) text grows with it."""

AUTO_HEIGHT = 0.6
"""Height over width of a frame whose axes are not drawn to equal scale."""

_HEIGHT_RANGE = (0.3, 0.85)  # an equal-aspect frame is never flatter or taller than this
_EQUAL_ASPECT_RANGE = (0.5, 4.0)  # window width / height for which equal scale stays readable
_LEGEND_BELOW_FROM = 1.5  # windows at least this much wider than high get the legend below
_CONTOUR_LEVELS = 12
_GRID_RESOLUTION = 160


def window_ratio(function: TestFunction) -> float:
    """The window's width over its height, in data units."""
    (a, b), (c, d) = function.window
    return (b - a) / (d - c)


def default_aspect(function: TestFunction) -> str:
    """``"equal"`` (one unit is as long on both axes, so ellipses keep their true shape and
    gradients look perpendicular to contours) unless the window is so wide or so tall that an
    equal-scale plot would be a sliver; then ``"auto"``."""
    low, high = _EQUAL_ASPECT_RANGE
    return "equal" if low <= window_ratio(function) <= high else "auto"


def contour_levels(function: TestFunction, values: np.ndarray) -> np.ndarray:
    """Log-spaced levels above the minimum, or levels spaced like concentric quadratic rings."""
    low, high = float(values.min()), float(values.max())
    if function.log_levels:
        floor = min(function.minimum_value, low)
        gaps = values - floor
        smallest = max(float(np.quantile(gaps, 0.002)), (high - floor) * 1e-6)
        return floor + np.geomspace(smallest, high - floor, _CONTOUR_LEVELS)
    # Squared spacing puts equally spaced rings around a quadratic bowl's minimum.
    return low + (high - low) * np.linspace(0.0, 1.0, _CONTOUR_LEVELS + 1)[1:] ** 2


def legend_below(function: TestFunction) -> bool:
    """Whether a figure of its own puts the legend under the plot: for windows at least 1.5
    times wider than high, which then get the figure's whole width."""
    return window_ratio(function) >= _LEGEND_BELOW_FROM


def draw_background(ax: Axes, function: TestFunction, starts: list[np.ndarray],
                     title: str | None, text_pt: float, *, animated: bool) -> list:
    """Draw contours, minima, starts, labels on ``ax``; return legend handles for minima/starts.

    The minima are drawn above every path's markers (in an animation, as a moving artist drawn
    after them), so that a path ending on the minimum does not hide it."""
    x1, x2, values = function.grid(_GRID_RESOLUTION)
    levels = contour_levels(function, values)
    ax.contourf(x1, x2, values, levels=np.concatenate([[values.min()], levels]),
                cmap="Blues_r", alpha=0.28, antialiased=False, extend="max")
    ax.contour(x1, x2, values, levels=levels, colors="#5b6f8a", linewidths=0.6, alpha=0.8)
    (a, b), (c, d) = function.window
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_xlabel(r"$x_1$", fontsize=text_pt)
    ax.set_ylabel(r"$x_2$", fontsize=text_pt)
    ax.tick_params(labelsize=text_pt)
    # The padding leaves room for a border marker of a path that left through the top.
    ax.set_title(function.name if title is None else title, pad=10, fontsize=text_pt + 1)
    minima = np.asarray(function.minima)
    minimum = ax.plot(minima[:, 0], minima[:, 1], linestyle="none", marker="*", markersize=13,
                      color="gold", markeredgecolor="black", markeredgewidth=0.8,
                      label="minimum" if len(minima) == 1 else "minima", zorder=7.5,
                      animated=animated)[0]
    handles = [minimum]
    if starts:
        points = np.unique(np.array(starts), axis=0)
        start = ax.plot(points[:, 0], points[:, 1], linestyle="none", marker="o",
                        markersize=7, color="white", markeredgecolor="black",
                        markeredgewidth=1.2, label="start", zorder=4)[0]
        handles.append(start)
    return handles


def edge_position(ax: Axes, point: np.ndarray) -> tuple[float, float, float] | None:
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
class Scene:
    """The moving artists of one picture, updated to show the state after a given step."""

    ax: Axes
    paths: dict[str, np.ndarray]
    minimum: Line2D | None = None
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
        """The artists to draw over the background, in drawing order."""
        return [*self.lines, *self.ends, *self.heads, self.minimum, *self.edges, self.counter]

    def show_step(self, k: int) -> None:
        for xs, line, head, edge, end in zip(self.paths.values(), self.lines, self.heads,
                                             self.edges, self.ends):
            last = min(k, len(xs) - 1)
            line.set_data(xs[: last + 1, 0], xs[: last + 1, 1])
            outside = edge_position(self.ax, xs[last])
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


def build_scene(ax: Axes, function: TestFunction, paths: dict[str, np.ndarray],
                title: str | None, colours: dict[str, str], *, animated: bool, aspect: str,
                legend_below: bool, linestyles: dict[str, str] | None = None) -> Scene:
    """Draw the picture on ``ax``: the background, then one set of moving artists per path.

    ``aspect`` is ``"equal"`` or ``"auto"``; ``legend_below`` puts the legend under the axes
    (in as many columns as fit the figure's width) instead of to their right; ``linestyles``
    gives some paths a dashed or dotted line (default solid)."""
    figure = ax.figure
    text_pt = legible_text_pt(figure)
    handles = draw_background(ax, function, [xs[0] for xs in paths.values()], title, text_pt,
                              animated=animated)
    ax.set_aspect(aspect, adjustable="box")
    scene = Scene(ax, paths, minimum=handles[0])
    for label, xs in paths.items():
        # Moving artists take no part in the layout, which is made once, for the background.
        style = dict(color=colours[label], animated=animated, in_layout=False)
        line = ax.plot([], [], linewidth=1.6, marker="o", markersize=2.5, label=label,
                       zorder=5, linestyle=(linestyles or {}).get(label, "-"), **style)[0]
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
        text = dict(transform=ax.transAxes, va="top", fontsize=text_pt, family="monospace",
                    zorder=9, in_layout=False)
        box = dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor="#888888", alpha=0.9)
        if animated:
            blank = " " * len(str(scene.steps))
            scene.counter_frame = ax.text(0.015, 0.975, f"step {blank} / {scene.steps}",
                                          ha="left", bbox=box, **text)
            scene.counter = ax.text(0.015, 0.975, "", ha="right", animated=True, **text)
        else:
            scene.counter = ax.text(0.015, 0.975, "", ha="left", bbox=box, **text)
    style = dict(handles=handles, frameon=False, fontsize=text_pt, handlelength=1.5)
    if legend_below:
        _legend_below(figure, style)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **style)
    return scene


def _legend_below(figure: Figure, style: dict) -> None:
    """A figure legend under the axes, in the most columns that fit the figure's width."""
    renderer = figure.canvas.get_renderer()
    for columns in range(len(style["handles"]), 0, -1):
        legend = figure.legend(loc="outside lower center", ncols=columns, columnspacing=1.2,
                               **style)
        if columns == 1 or legend.get_window_extent(renderer).width <= 0.96 * figure.bbox.width:
            return
        legend.remove()


def new_figure(width_px: int, kind: type[Figure] = Figure) -> tuple[Figure, Axes]:
    """A pyplot-free figure ``width_px`` pixels and :data:`FIGURE_WIDTH_INCHES` wide, of height
    :data:`AUTO_HEIGHT` times that until :func:`fit_height` sets it, with an Agg canvas."""
    dpi = width_px / FIGURE_WIDTH_INCHES
    figure = kind(figsize=(FIGURE_WIDTH_INCHES, _even_height(width_px * AUTO_HEIGHT) / dpi),
                  dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _even_height(height_px: float) -> float:
    # Even for H.264; the 0.01 px keeps Agg's truncation to whole pixels from losing a row.
    return 2 * round(height_px / 2) + 0.01


def fit_height(figure: Figure, ax: Axes) -> None:
    """Give an equal-aspect ``ax`` the figure height at which it fills the width of its slot.

    The figure is laid out once with the aspect free, so that constrained layout puts the
    titles, ticks and legend in margins around a slot; the figure is then made as much taller
    or shorter as the slot's height differs from the height equal scale gives the slot's width
    (within 0.3 to 0.85 times the figure's width; beyond, blank bands remain). The margins, in
    inches, stay as they were."""
    aspect = ax.get_aspect()
    if aspect == "auto":
        return
    ax.set_aspect("auto")
    figure.draw_without_rendering()
    slot = ax.get_position()
    ax.set_aspect(aspect, adjustable="box")
    width, height = figure.get_size_inches()
    (a, b), (c, d) = ax.get_xlim(), ax.get_ylim()
    wanted = height + slot.width * width * (d - c) / (b - a) - slot.height * height
    low, high = _HEIGHT_RANGE
    wanted = min(max(wanted, low * width), high * width)
    figure.set_size_inches(width, _even_height(wanted * figure.dpi) / figure.dpi)
