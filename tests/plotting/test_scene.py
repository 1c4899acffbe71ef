"""The contour picture shared by animate and plot_paths: levels, markers, border triangles."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import optimlab as ol
from optimlab.plotting import scene as scenes
from optimlab.plotting._checks import check_trajectories
from optimlab.plotting.animations import trajectory_renderer
from optimlab.plotting.colours import colours_for

QUADRATIC = ol.functions.ill_conditioned_quadratic


def test_an_iterate_outside_the_window_is_shown_on_the_border_pointing_out():
    xs = np.array([[9.0, -3.0], [5.0, 0.0], [30.0, 2.0]])  # leaves through the right side
    figure = ol.plot_paths(QUADRATIC, {"out": xs})
    ax = figure.axes[0]
    on_border = [line for line in ax.lines
                 if line.get_visible() and line.get_transform() == ax.transAxes]
    assert len(on_border) == 1
    (u,), (v,) = on_border[0].get_data()
    assert u == pytest.approx(1.0) and 0.0 < v < 1.0
    # No marker is drawn at the out-of-window point as if it were inside.
    assert not any(line.get_visible() and line.get_transform() != ax.transAxes
                   and len(line.get_xdata()) == 1 and line.get_xdata()[0] == 30.0
                   for line in ax.lines)


def test_plot_paths_is_the_animations_last_frame(adam_path):
    paths = {"Adam": adam_path, "SGD": ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 6)}
    figure = ol.plot_paths(QUADRATIC, paths, width=320)
    figure.canvas.draw()
    still = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    renderer = trajectory_renderer(QUADRATIC, check_trajectories(paths, allow_empty=False),
                                   None, 320, np.arange(13), 0, colours_for(paths), "equal")
    last = [np.asarray(frame)[:, :, :3].astype(int) for frame in renderer][-1]
    assert still.shape == last.shape
    # Only anti-aliasing of the step counter may differ.
    assert np.mean(np.abs(still - last) > 40) < 0.002


def test_log_levels_functions_get_log_spaced_contours():
    function = ol.functions.rosenbrock
    levels = scenes.contour_levels(function, function.grid(100)[2])
    ratios = np.diff(levels - function.minimum_value)
    assert np.all(ratios > 0)
    gaps = levels - function.minimum_value
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], gaps[1] / gaps[0])
    assert matplotlib.get_backend()  # importing the module did not break the backend


def test_a_path_that_stopped_early_ends_in_a_cross_and_loses_its_head():
    long = ol.run(ol.adam(lr=0.5), QUADRATIC.grad, QUADRATIC.start, 10)
    short = np.array([[9.0, -3.0], [7.0, -1.0]])
    ax = ol.plot_paths(QUADRATIC, {"long": long, "short": short}).axes[0]
    visible_at = [line for line in ax.lines if line.get_visible()
                  and len(line.get_xdata()) == 1 and line.get_xdata()[0] == 7.0]
    assert [line.get_marker() for line in visible_at] == ["X"]
    assert any(text.get_text() == "step 10 / 10" for text in ax.texts)


def test_a_path_leaving_through_a_corner_points_diagonally_out():
    xs = np.array([[9.0, -3.0], [14.0, -9.0]])
    ax = ol.plot_paths(QUADRATIC, {"out": xs}).axes[0]
    (edge,) = [line for line in ax.lines
               if line.get_visible() and line.get_transform() == ax.transAxes]
    assert [float(edge.get_xdata()[0]), float(edge.get_ydata()[0])] == [1.0, 0.0]
    # The triangle marker's angle: -45° (down and to the right), minus 90° for '^' pointing up.
    assert edge.get_marker() == (3, 0, -135.0)


def test_during_the_run_every_path_shows_its_head_and_no_end_cross():
    paths = {"long": ol.run(ol.adam(lr=0.5), QUADRATIC.grad, QUADRATIC.start, 10),
             "short": ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 4)}
    figure, ax = scenes.new_figure(320)
    scene = scenes.build_scene(ax, QUADRATIC, paths, None, colours_for(paths), animated=True,
                               aspect="equal", legend_below=True)
    for k, short_stopped in [(2, False), (4, True), (7, True), (10, True)]:
        scene.show_step(k)
        assert scene.heads[0].get_visible() and not scene.ends[0].get_visible()
        assert scene.heads[1].get_visible() is not short_stopped
        assert scene.ends[1].get_visible() is short_stopped
        assert len(scene.lines[0].get_xdata()) == k + 1


def gold_pixels(rgb: np.ndarray) -> int:
    return int((np.abs(rgb.astype(int) - [255, 215, 0]).sum(axis=-1) < 60).sum())


def last_frame(paths) -> np.ndarray:
    paths = check_trajectories(paths, allow_empty=False)
    renderer = trajectory_renderer(QUADRATIC, paths, None, 400, np.arange(3), 0,
                                   colours_for(paths), "equal")
    return [np.asarray(frame)[:, :, :3].copy() for frame in renderer][-1]


def test_the_minimums_star_is_drawn_over_a_path_that_ends_on_it():
    at_minimum = np.array([[9.0, -3.0], [4.0, 1.0], [0.0, 0.0]])
    elsewhere = np.array([[9.0, -3.0], [4.0, 1.0], [5.0, 2.0]])
    star = gold_pixels(last_frame({"Adam": elsewhere}))
    assert star > 30
    # The head marker of a path sitting on the minimum hides none of the star.
    assert gold_pixels(last_frame({"Adam": at_minimum})) >= star - 2
    still = ol.plot_paths(QUADRATIC, {"Adam": at_minimum}, width=400)
    still.canvas.draw()
    assert gold_pixels(np.asarray(still.canvas.buffer_rgba())[:, :, :3]) >= star - 2


def axes_shape(figure) -> tuple[float, float]:
    figure.canvas.draw()
    box = figure.axes[0].get_window_extent()
    return box.width, box.height


def test_contours_are_drawn_to_equal_scale_and_fill_the_frame():
    figure = ol.plot_paths(QUADRATIC, {"Adam": ol.run(ol.adam(lr=0.2), QUADRATIC.grad,
                                                      QUADRATIC.start, 30)})
    width, height = axes_shape(figure)
    # One unit is as long on both axes: the 20 x 8 window is drawn 2.5 times wider than high,
    # so the ellipses keep their true 7.1 : 1 shape (sqrt(10 / 0.2)).
    assert width / height == pytest.approx(20 / 8, rel=0.01)
    assert width >= 0.8 * figure.bbox.width  # no blank bands beside the plot
    # The frame's height follows; a free aspect keeps the old 0.6 of the width.
    free = ol.plot_paths(QUADRATIC, {}, aspect="auto")
    assert free.bbox.height == pytest.approx(0.6 * free.bbox.width, abs=1)
    width, height = axes_shape(free)
    assert width / height != pytest.approx(2.5, rel=0.05)


def test_windows_too_wide_for_equal_scale_keep_a_free_aspect():
    from dataclasses import replace

    sliver = replace(QUADRATIC, window=((-20.0, 20.0), (-2.0, 2.0)))  # 10 times wider than high
    assert scenes.default_aspect(sliver) == "auto"
    assert scenes.default_aspect(QUADRATIC) == "equal"
    assert scenes.default_aspect(ol.functions.rosenbrock) == "equal"
    assert ol.plot_paths(sliver, {}).axes[0].get_aspect() == "auto"
