"""Phone-legible text: the sizes the package draws, and the PNG record that a browser checks."""

from __future__ import annotations

import re
import types

import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.figure import Figure

import optimlab as ol
from optimlab.plotting import (
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

QUADRATIC = ol.functions.ill_conditioned_quadratic


def small_text_figure(label_pt: float) -> Figure:
    figure = Figure(figsize=(8, 4), dpi=100)
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], label="line")
    ax.tick_params(labelsize=14)
    ax.set_xlabel("x", fontsize=14)
    ax.legend(fontsize=label_pt)
    return figure


def test_the_smallest_visible_text_is_found_and_recorded_in_the_png():
    figure = small_text_figure(7)
    assert smallest_text_px(figure) == pytest.approx(7 * 100 / 72)
    png = figure_png(figure)
    assert recorded_text_px(png) == pytest.approx(7 * 100 / 72, abs=0.01)
    assert png_width(png) == 800
    # Saved at twice the dpi, the text is twice as many of the PNG's pixels.
    assert recorded_text_px(figure_png(figure, dpi=200)) == pytest.approx(2 * 7 * 100 / 72,
                                                                          abs=0.01)
    plain = Figure()
    plain.add_subplot().plot([1, 2])
    plain.canvas.draw()
    import io

    buffer = io.BytesIO()
    plain.savefig(buffer, format="png")
    assert recorded_text_px(buffer.getvalue()) is None  # a PNG that records nothing


def test_css_size_is_the_recorded_size_scaled_as_the_browser_scales_the_image():
    assert css_text_px(20.0, 358, 800) == pytest.approx(8.95)
    assert css_text_px(16.0, 640, 640) == 16.0
    with pytest.raises(ValueError, match="^natural_width"):
        css_text_px(10.0, 300, 0)
    with pytest.raises(ValueError, match="^png"):
        recorded_text_px(b"GIF89a")


def test_wider_figures_need_larger_text():
    assert legible_text_pt(Figure(figsize=(6.4, 4))) == 12.0
    wide = legible_text_pt(Figure(figsize=(10, 4), dpi=100))
    assert wide * 100 / 72 / 1000 * PHONE_COLUMN_CSS_PX >= MIN_TEXT_CSS_PX  # 1000 px shown 350
    small = legible_text_pt(Figure(figsize=(3.2, 2), dpi=100))  # 320 px: shown at its own size
    assert small * 100 / 72 >= MIN_TEXT_CSS_PX


def phone_css_px(png: bytes) -> float:
    return css_text_px(recorded_text_px(png), min(PHONE_COLUMN_CSS_PX, png_width(png)),
                       png_width(png))


def test_the_packages_figures_keep_every_text_at_9_css_px_on_a_phone():
    paths = {"gradient descent": ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 30),
             "Adam": ol.run(ol.adam(lr=0.2), QUADRATIC.grad, QUADRATIC.start, 30)}
    for figure in (ol.plot_paths(QUADRATIC, paths), ol.plot_paths(ol.functions.rosenbrock, {}),
                   ol.plot_loss(QUADRATIC, paths), ol.plot_surface(QUADRATIC)):
        assert phone_css_px(figure._repr_png_()) >= MIN_TEXT_CSS_PX
    for width in (320, 800):
        movie = ol.animate(QUADRATIC, paths, width=width, fps=10, min_duration=0)
        recorded = float(re.search(r'data-smallest-text-px="([0-9.]+)"',
                                   movie._repr_html_()).group(1))
        assert css_text_px(recorded, PHONE_COLUMN_CSS_PX, movie.width) >= MIN_TEXT_CSS_PX
        assert phone_css_px(movie.png) >= MIN_TEXT_CSS_PX
    # On a page's own wide figure the package's text grows with the figure.
    wide = Figure(figsize=(10, 3.8), layout="constrained")
    ol.plot_loss(QUADRATIC, paths, ax=wide.add_subplot())
    assert phone_css_px(figure_png(wide)) >= MIN_TEXT_CSS_PX


def test_registered_formatter_gives_every_figure_a_png_with_its_text_size():
    shell = types.SimpleNamespace(display_formatter=DisplayFormatter())
    register_png_formatter(shell)
    figure = small_text_figure(8)
    data, _ = shell.display_formatter.format(figure)
    assert recorded_text_px(data["image/png"]) == pytest.approx(8 * 100 / 72, abs=0.01)
    assert shell.display_formatter.format(Figure())[0].get("image/png") is None  # empty
    with pytest.raises(RuntimeError, match="IPython"):
        register_png_formatter()  # no IPython is running under pytest


def test_a_figure_without_text_records_nothing():
    figure = Figure(figsize=(2, 2))
    ax = figure.add_subplot()
    ax.set_axis_off()
    assert smallest_text_px(figure) == np.inf
    assert recorded_text_px(figure_png(figure)) is None
