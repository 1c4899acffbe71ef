"""animate_figure: any figure, redrawn per frame, encoded as a video."""

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from optimlab.plotting import Animation, animate_figure


def moving_dot_figure(width_inches=3.2, height_inches=2.4):
    figure = Figure(figsize=(width_inches, height_inches), dpi=100)
    ax = figure.add_subplot()
    ax.set(xlim=(0, 10), ylim=(0, 1))
    dot = ax.plot([], [], "o")[0]
    return figure, dot


def test_update_is_called_once_per_frame_in_order_and_sizes_are_reported():
    figure, dot = moving_dot_figure()
    seen = []

    def update(k):
        seen.append(k)
        dot.set_data([k], [0.5])

    movie = animate_figure(figure, update, 7, description="a dot moving right", hold_frames=3)
    assert isinstance(movie, Animation)
    assert seen == list(range(7))
    assert (movie.frames, movie.steps, movie.width, movie.height) == (10, 7, 320, 240)
    assert movie.mp4[4:8] == b"ftyp"
    html = movie._repr_html_()
    assert "<video " in html and 'aria-label="a dot moving right"' in html


def test_the_same_frames_give_the_same_bytes_and_different_frames_do_not():
    def render(speed):
        figure, dot = moving_dot_figure()
        return animate_figure(figure, lambda k: dot.set_data([speed * k], [0.5]), 6,
                              description="dot", hold_frames=0).mp4

    assert render(1.0) == render(1.0)
    assert render(1.0) != render(1.5)


def test_odd_pixel_sizes_and_bad_arguments_are_rejected():
    odd, dot = moving_dot_figure(width_inches=3.21)
    with pytest.raises(ValueError, match=r"even number of pixels.*321x240"):
        animate_figure(odd, lambda k: None, 2, description="x")
    figure, _ = moving_dot_figure()
    with pytest.raises(ValueError, match="figure must be a matplotlib Figure"):
        animate_figure("figure", lambda k: None, 2, description="x")
    with pytest.raises(ValueError, match="update must be a callable"):
        animate_figure(figure, None, 2, description="x")
    with pytest.raises(ValueError, match="frames must be an integer from 1 to 2000; got 0"):
        animate_figure(figure, lambda k: None, 0, description="x")
    with pytest.raises(ValueError, match="description must be a non-empty string"):
        animate_figure(figure, lambda k: None, 2, description="  ")
    with pytest.raises(ValueError, match="fps"):
        animate_figure(figure, lambda k: None, 2, description="x", fps=0)


def test_a_figure_without_an_agg_canvas_gets_one():
    figure, dot = moving_dot_figure()
    assert not isinstance(figure.canvas, FigureCanvasAgg)  # a bare Figure has a base canvas
    movie = animate_figure(figure, lambda k: dot.set_data([k], [0.2]), 2, description="d",
                           hold_frames=0)
    assert isinstance(figure.canvas, FigureCanvasAgg)
    assert (movie.width, movie.height, movie.frames) == (320, 240, 2)
