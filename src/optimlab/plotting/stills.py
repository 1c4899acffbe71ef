"""Still figures: :func:`plot_paths` (the animation's last frame, for print), :func:`plot_surface`
(a function as a 3-D surface) and :func:`plot_loss` (distance from the minimum per step).

Each draws on a given matplotlib Axes or on a new pyplot-free figure that Jupyter shows as a PNG.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from ..functions import TestFunction
from ._checks import (
    check_aspect,
    check_colours,
    check_linestyles,
    check_function,
    check_int_range,
    check_title,
    check_trajectories,
)
from .legibility import figure_png, legible_text_pt
from .scene import (
    DEFAULT_WIDTH,
    FIGURE_WIDTH_INCHES,
    build_scene,
    default_aspect,
    fit_height,
    legend_below,
    new_figure,
)

_LOSS_FLOOR = 1e-12


class _DisplayFigure(Figure):
    """A Figure that Jupyter shows as a PNG through its own ``_repr_png_``.

    The plotting functions build figures without pyplot, so that a notebook never shows a
    figure twice (once as the cell's value, once when pyplot flushes its figures); this method
    makes the cell's value display even where pyplot's inline backend was never loaded. The PNG
    records its smallest text size (:func:`~optimlab.plotting.figure_png`).
    """

    def _repr_png_(self) -> bytes:
        return figure_png(self)


def _target_axes(ax, width_px: int, *, three_d: bool = False) -> tuple[Figure, Axes]:
    """The axes to draw on: ``ax`` if given (checked), else a new pyplot-free figure's."""
    if ax is None:
        if three_d:
            figure = _DisplayFigure(figsize=(FIGURE_WIDTH_INCHES, FIGURE_WIDTH_INCHES * 0.75),
                                    dpi=100, layout="constrained")
            FigureCanvasAgg(figure)
            return figure, figure.add_subplot(projection="3d")
        return new_figure(width_px, _DisplayFigure)
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None; got {ax!r}")
    if three_d != (getattr(ax, "name", "") == "3d"):
        kind = "a 3-D Axes (projection='3d')" if three_d else "a 2-D Axes"
        raise ValueError(f"ax must be {kind}; got {ax!r}")
    return ax.figure, ax


def plot_paths(function: TestFunction, trajectories, *, title: str | None = None, ax=None,
               width: int = DEFAULT_WIDTH, colours=None, linestyles=None,
               aspect: str | None = None) -> Figure:
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
            ``ax``. The height follows as in :func:`animate`.
        colours: ``{label: colour}`` for some or all labels, as in :func:`animate`.
        linestyles: ``{label: style}`` for some or all labels, as in :func:`animate`.
        aspect: ``"equal"``, ``"auto"`` or None (default), as in :func:`animate`.

    Returns:
        The matplotlib Figure drawn on.

    Example:
        >>> import optimlab as ol
        >>> q = ol.functions.ill_conditioned_quadratic
        >>> figure = ol.plot_paths(q, {"Adam": ol.run(ol.adam(lr=0.2), q.grad, q.start, 50)})
        >>> figure.get_size_inches().round(2).tolist(), figure.axes[0].get_aspect()
        ([6.4, 3.46], 1.0)
        >>> ax = figure.axes[0]
        >>> [float(v) for v in (*ax.get_xlim(), *ax.get_ylim())]
        [-10.0, 10.0, -4.0, 4.0]
    """
    function = check_function(function)
    paths = check_trajectories(trajectories, allow_empty=True)
    title = check_title(title)
    width = check_int_range("width", width, 240, 3840)
    colours = check_colours(colours, list(paths))
    linestyles = check_linestyles(linestyles, list(paths))
    aspect = check_aspect(aspect, default_aspect(function))
    own = ax is None
    figure, ax = _target_axes(ax, width)
    scene = build_scene(ax, function, paths, title, colours, animated=False, aspect=aspect,
                        legend_below=own and legend_below(function), linestyles=linestyles)
    if own:
        fit_height(figure, ax)
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

    function = check_function(function)
    title = check_title(title)
    resolution = check_int_range("resolution", resolution, 10, 400)
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
    text_pt = legible_text_pt(figure)
    ax.tick_params(labelsize=text_pt)
    ax.set_xlabel(r"$x_1$", fontsize=text_pt)
    ax.set_ylabel(r"$x_2$", fontsize=text_pt)
    ax.set_zlabel(r"$f(x_1, x_2)$", fontsize=text_pt)
    ax.set_title(function.name if title is None else title, fontsize=text_pt + 1)
    return figure


def _distance_to_minima(function: TestFunction, xs: np.ndarray) -> np.ndarray:
    minima = np.asarray(function.minima)
    return np.linalg.norm(xs[:, None, :] - minima[None, :, :], axis=-1).min(axis=1)


def plot_loss(function: TestFunction, trajectories, *, metric: str = "loss", ax=None,
              title: str | None = None, floor: float = _LOSS_FLOOR, colours=None,
              linestyles=None) -> Figure:
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
        colours: ``{label: colour}`` for some or all labels, as in :func:`animate`.
        linestyles: ``{label: style}`` for some or all labels, as in :func:`animate`.

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
    function = check_function(function)
    paths = check_trajectories(trajectories, allow_empty=False)
    title = check_title(title)
    if metric not in ("loss", "distance"):
        raise ValueError(f'metric must be "loss" or "distance"; got {metric!r}')
    if isinstance(floor, bool) or not isinstance(floor, (int, float)) or not (
        0 < floor < np.inf
    ):
        raise ValueError(f"floor must be a positive finite number; got {floor!r}")
    colours = check_colours(colours, list(paths))
    linestyles = check_linestyles(linestyles, list(paths))
    figure, ax = _target_axes(ax, DEFAULT_WIDTH)
    clipped = False
    for label, xs in paths.items():
        colour = colours[label]
        with np.errstate(over="ignore", invalid="ignore"):  # far-off points overflow to inf
            if metric == "loss":
                values = function.f(xs) - function.minimum_value
            else:
                values = _distance_to_minima(function, xs)
        values = np.where(np.isfinite(values), values, np.nan)  # drawn as gaps
        clipped = clipped or bool((values < floor).any())
        ax.plot(np.arange(len(xs)), np.maximum(values, floor), color=colour, linewidth=1.6,
                linestyle=linestyles[label], label=label)
        if len(xs) - 1 < max(len(p) for p in paths.values()) - 1:
            ax.plot([len(xs) - 1], [max(values[-1], floor)], marker="X", markersize=9,
                    color=colour, markeredgecolor="white", linestyle="none")
    if clipped:
        ax.axhline(floor, color="#666666", linestyle=":", linewidth=1.0,
                   label=f"values below {floor:g} drawn at {floor:g}")
    text_pt = legible_text_pt(figure)
    ax.set_yscale("log")
    ax.tick_params(which="both", labelsize=text_pt)
    ax.set_xlabel("step $t$", fontsize=text_pt)
    ax.set_ylabel(r"$f(x_t) - f^\star$" if metric == "loss" else
                  "distance to the nearest minimum", fontsize=text_pt)
    ax.set_title(function.name if title is None else title, fontsize=text_pt + 1)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=text_pt)
    return figure
