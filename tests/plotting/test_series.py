"""Figures and animations record the colour and style of each labelled curve in their PNG."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

import optimlab as ol
from optimlab.plotting import colour_for, drawn_series, figure_png, recorded_series

QUADRATIC = ol.functions.ill_conditioned_quadratic


def paths(steps: int = 15) -> dict:
    return {"Adam": ol.run(ol.adam(lr=0.2), QUADRATIC.grad, QUADRATIC.start, steps),
            "Adam, no bias correction": ol.run(ol.adam(lr=0.2, betas=(0.9, 0.999)),
                                               QUADRATIC.grad, QUADRATIC.start, steps)}


def curves(series) -> dict:
    return {s["label"]: (s["colour"], s["style"]) for s in series
            if s["label"] not in ("minimum", "start")}


def test_an_animation_and_a_still_record_each_paths_colour_and_line_style():
    styles = {"Adam, no bias correction": "--"}
    colours = {label: colour_for("Adam") for label in paths()}
    expected = {"Adam": ("#d55e00", "-"), "Adam, no bias correction": ("#d55e00", "--")}
    movie = ol.animate(QUADRATIC, paths(), colours=colours, linestyles=styles, width=320,
                       hold_frames=0, min_duration=0)
    assert curves(recorded_series(movie.png)) == expected
    still = ol.plot_paths(QUADRATIC, paths(), colours=colours, linestyles=styles)
    assert curves(recorded_series(figure_png(still))) == expected
    loss = ol.plot_loss(QUADRATIC, paths(), colours=colours, linestyles=styles)
    assert curves(drawn_series(loss)) == expected


def test_a_pyplot_figure_records_lines_scatters_bars_and_bands_with_their_axes():
    figure, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [0, 1], ":", color="C0", label="Momentum")
    left.plot([0, 1], [1, 0], color="grey")                     # unlabelled: not a curve
    left.scatter([0], [0], color="#009e73", label="AdaGrad")
    right.bar([0, 1], [1, 2], color="#cc79a7", label="RMSProp")
    right.fill_between([0, 1], [0, 0], [1, 1], color="#d55e00", alpha=0.3, label="Adam band")
    right.legend(handles=[plt.Line2D([], [], color="black", linestyle="--", label="a proxy")])
    series = drawn_series(figure)
    plt.close(figure)
    assert [(s["axes"], s["label"], s["colour"], s["kind"], s["style"]) for s in series] == [
        (0, "Momentum", "#1f77b4", "line", ":"), (0, "AdaGrad", "#009e73", "points", "none"),
        (1, "RMSProp", "#cc79a7", "area", "-"), (1, "Adam band", "#d55e00", "area", "-"),
        (1, "a proxy", "#000000", "line", "--")]


def test_a_png_without_the_record_has_none():
    figure, ax = plt.subplots()
    buffer = __import__("io").BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    assert recorded_series(buffer.getvalue()) is None


@pytest.mark.parametrize("bad, message", [
    ({"Adam": "dashed-ish"}, r"linestyles\['Adam'\] must be one of -, --, :, -\."),
    (["--"], "linestyles must be a dict"),
])
def test_a_bad_line_style_is_refused_naming_the_argument(bad, message):
    with pytest.raises(ValueError, match=message):
        ol.plot_paths(QUADRATIC, paths(3), linestyles=bad)
