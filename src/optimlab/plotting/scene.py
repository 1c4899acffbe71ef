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

DEFAULT_WIDTH = 800
"""Video width in pixels of :func:`animate`; the height is 0.6 times the width."""

FIGURE_INCHES = (8.0, 4.8)  # text sizes are fixed in inches, so they scale with the width
ASPECT = FIGURE_INCHES[1] / FIGURE_INCHES[0]
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#7f7f7f", "#bcbd22")
_CONTOUR_LEVELS = 12
_GRID_RESOLUTION = 160


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


def draw_background(ax: Axes, function: TestFunction, starts: list[np.ndarray],
                     title: str | None) -> list:
    """Draw contours, minima, starts, labels on ``ax``; return legend handles for minima/starts."""
    x1, x2, values = function.grid(_GRID_RESOLUTION)
    levels = contour_levels(function, values)
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
                 title: str | None, *, animated: bool) -> Scene:
    handles = draw_background(ax, function, [xs[0] for xs in paths.values()], title)
    scene = Scene(ax, paths)
    for colour, (label, xs) in zip(COLOURS, paths.items()):
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


def frame_size(width_px: int) -> tuple[int, int]:
    """The pixel size of a frame ``width_px`` wide: the height is even, for H.264."""
    return width_px, 2 * int(round(width_px * ASPECT / 2))


def new_figure(width_px: int, kind: type[Figure] = Figure) -> tuple[Figure, Axes]:
    width_px, height_px = frame_size(width_px)
    dpi = width_px / FIGURE_INCHES[0]
    # The 0.01 px keeps Agg's truncation to whole pixels from losing a row.
    figure = kind(figsize=(FIGURE_INCHES[0], (height_px + 0.01) / dpi), dpi=dpi,
                  layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()
