"""Still figures: the bare contour plot, the surface, the loss curves, drawing on given axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import optimlab as ol

QUADRATIC = ol.functions.ill_conditioned_quadratic
SMALL = dict(width=320, fps=10, hold_frames=3)


def test_plot_paths_of_no_trajectories_is_a_bare_contour_plot():
    figure = ol.plot_paths(ol.functions.rosenbrock, {})
    ax = figure.axes[0]
    assert (ax.get_xlim(), ax.get_ylim()) == ((-2.0, 2.0), (-1.0, 3.0))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["minimum"]
    assert not ax.texts


def test_plot_surface_spans_both_axes_of_a_non_square_window():
    function = ol.functions.cliff
    figure = ol.plot_surface(function)
    ax = figure.axes[0]
    assert ax.name == "3d"
    assert tuple(map(float, ax.get_xlim())) == function.window[0] == (-6.0, 8.0)
    assert tuple(map(float, ax.get_ylim())) == function.window[1] == (-4.0, 4.0)


def test_plot_loss_distance_is_the_distance_to_the_nearest_minimum():
    function = ol.functions.himmelblau
    xs = np.array([[0.0, 0.0], [2.0, 2.0], [3.0, 2.0]])  # the last one is a minimum exactly
    short = np.array([[-3.0, -3.0], [-3.5, -3.2]])
    figure = ol.plot_loss(function, {"a": xs, "b": short}, metric="distance", floor=1e-9)
    ax = figure.axes[0]
    assert ax.get_yscale() == "log"
    a = ax.lines[0].get_ydata()
    assert a[1] == pytest.approx(1.0)  # (2, 2) is 1 from the minimum (3, 2)
    assert a[2] == 1e-9  # zero is drawn at the floor ...
    assert any("1e-09" in t.get_text() for t in ax.get_legend().get_texts())  # ... and said so
    b = next(line for line in ax.lines if line.get_label() == "b").get_ydata()
    nearest = function.minima[2]
    assert b[1] == pytest.approx(np.linalg.norm(short[1] - nearest))


def test_plot_loss_is_f_minus_the_minimum_value_per_step(adam_path):
    figure = ol.plot_loss(QUADRATIC, {"Adam": adam_path})
    (line,) = [line for line in figure.axes[0].lines if line.get_label() == "Adam"]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(len(adam_path)))
    np.testing.assert_allclose(line.get_ydata(), np.maximum(QUADRATIC.f(adam_path), 1e-12))


def test_figures_are_drawn_on_a_given_axes(adam_path):
    figure = Figure()
    ax = figure.add_subplot()
    assert ol.plot_paths(QUADRATIC, {"Adam": adam_path}, ax=ax) is figure
    surface_axes = Figure().add_subplot(projection="3d")
    assert ol.plot_surface(QUADRATIC, ax=surface_axes) is surface_axes.figure
    with pytest.raises(ValueError, match="ax"):
        ol.plot_surface(QUADRATIC, ax=ax)
    with pytest.raises(ValueError, match="ax"):
        ol.plot_loss(QUADRATIC, {"Adam": adam_path}, ax=surface_axes)


def test_no_pyplot_figures_are_created_and_new_figures_show_as_png(adam_path):
    before = plt.get_fignums()
    ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)
    figures = [ol.plot_paths(QUADRATIC, {"Adam": adam_path}), ol.plot_surface(QUADRATIC),
               ol.plot_loss(QUADRATIC, {"Adam": adam_path})]
    assert plt.get_fignums() == before
    for figure in figures:
        assert figure._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
