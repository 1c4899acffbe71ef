"""Behaviour of the plotting module: videos that decode, deterministic HTML, static figures."""

from __future__ import annotations

import base64
import html
import re
import subprocess

import imageio
import imageio_ffmpeg
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import optimlab as ol
from optimlab import plotting

QUADRATIC = ol.functions.ill_conditioned_quadratic
SMALL = dict(width=320, fps=10, hold_frames=3)  # 320 x 192 px: fast to encode and decode


@pytest.fixture(scope="module")
def adam_path():
    return ol.run(ol.adam(lr=0.5), QUADRATIC.grad, QUADRATIC.start, 12)


@pytest.fixture(scope="module")
def movie(adam_path):
    return ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)


def decode(mp4: bytes, tmp_path) -> list[np.ndarray]:
    """Every frame of the video, decoded by imageio-ffmpeg's binary.

    imageio_ffmpeg.read_frames would do, but it leaves its pipes open after a complete read
    (a ResourceWarning under ``-W error``), so the decoder is called directly.
    """
    path = tmp_path / "decoded.mp4"
    path.write_bytes(mp4)
    frame_count, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    reader.close()  # stopped early, it closes its pipes
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path),
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    assert len(frames) == frame_count
    return list(frames)


def test_video_decodes_with_one_frame_per_step_plus_the_held_end(movie, adam_path, tmp_path):
    frames = decode(movie.mp4, tmp_path)
    assert len(frames) == len(adam_path) + 3 == movie.frames
    assert {frame.shape for frame in frames} == {(192, 320, 3)}
    assert (movie.width, movie.height, movie.steps) == (320, 192, len(adam_path) - 1)
    # The held frames repeat the last one; the path moves between the first and the last.
    def changed_pixels(a, b):  # coding noise stays well below 80 levels; moving markers do not
        return int((np.abs(a.astype(int) - b.astype(int)) > 80).any(axis=-1).sum())

    assert changed_pixels(frames[-1], frames[-4]) == 0
    assert changed_pixels(frames[0], frames[-1]) > 20


def test_html_is_a_video_element_carrying_the_mp4_and_its_description(movie):
    page = movie._repr_html_()
    assert page.startswith("<video") and page.endswith("</video>")
    opening = page[: page.index(">") + 1]
    for attribute in ("controls", "muted", "playsinline", "loop"):
        assert f" {attribute}" in opening
    encoded = re.search(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"', page).group(1)
    assert base64.b64decode(encoded) == movie.mp4
    described = html.escape(movie.description, quote=True)
    assert f'aria-label="{described}"' in opening
    assert f"<p>{described}</p></video>" in page
    assert "Adam" in movie.description and "12 steps" in movie.description


def test_two_renders_of_the_same_inputs_are_byte_identical(adam_path, movie):
    again = ol.animate(QUADRATIC, {"Adam": adam_path.copy()}, **SMALL)
    assert again._repr_html_() == movie._repr_html_()


def test_paths_of_different_lengths_and_outside_the_window_render(tmp_path):
    paths = {
        "Adam": ol.run(ol.adam(lr=0.5), QUADRATIC.grad, QUADRATIC.start, 20),
        "short": ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 5),
        # SGD with lr = 0.25 overshoots along x2 (curvature 10) and leaves the window fast.
        "leaves": ol.run(ol.sgd(lr=0.25), QUADRATIC.grad, QUADRATIC.start, 15),
    }
    assert np.abs(paths["leaves"][-1, 1]) > 100  # far outside x2 in [-4, 4]
    movie = ol.animate(QUADRATIC, paths, **SMALL)
    assert len(decode(movie.mp4, tmp_path)) == 21 + 3 == movie.frames
    assert "3 optimizer paths (Adam, short, leaves)" in movie.description
    assert "over 20 steps" in movie.description
    assert "after 5 steps" in movie.description
    assert "outside the plotted window" in movie.description


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


def test_long_runs_are_subsampled_to_max_frames(tmp_path):
    xs = ol.run(ol.adam(lr=0.2), QUADRATIC.grad, QUADRATIC.start, 100)
    movie = ol.animate(QUADRATIC, xs, max_frames=20, **SMALL)
    assert movie.frames == 20 + 3 and movie.steps == 100
    assert len(decode(movie.mp4, tmp_path)) == movie.frames
    assert "one optimizer path (trajectory)" in movie.description  # a single array's label


def test_a_default_animation_of_five_100_step_paths_embeds_in_at_most_60_kb():
    optimizers = {"GD": ol.sgd(lr=0.1), "Momentum": ol.ewma_momentum(lr=0.1, beta=0.9),
                  "AdaGrad": ol.adagrad(lr=0.5), "RMSProp": ol.rmsprop(lr=0.1, alpha=0.9),
                  "Adam": ol.adam(lr=0.2)}
    paths = {name: ol.run(optimizer, QUADRATIC.grad, QUADRATIC.start, 100)
             for name, optimizer in optimizers.items()}
    movie = ol.animate(QUADRATIC, paths)
    assert (movie.width, movie.height, movie.frames) == (800, 480, 111)
    assert len(movie._repr_html_()) <= 60 * 1024


def test_save_writes_the_mp4_and_renders_a_gif(movie, adam_path, tmp_path):
    assert movie.save(tmp_path / "a.mp4").read_bytes() == movie.mp4
    gif = movie.save(tmp_path / "a.gif")
    assert gif.read_bytes()[:6] == b"GIF89a"
    frames = imageio.mimread(gif)
    assert len(frames) == movie.frames and frames[0].shape[:2] == (192, 320)
    with pytest.raises(ValueError, match="path"):
        movie.save(tmp_path / "a.webm")


def test_a_failing_ffmpeg_raises_runtime_error_with_its_message(adam_path, monkeypatch):
    monkeypatch.setattr(plotting, "_X264_ARGS", ("-c:v", "no_such_encoder"))
    with pytest.raises(RuntimeError, match="ffmpeg.*no_such_encoder"):
        ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)


def test_plot_paths_is_the_animations_last_frame(adam_path):
    paths = {"Adam": adam_path, "SGD": ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 6)}
    figure = ol.plot_paths(QUADRATIC, paths, width=320)
    figure.canvas.draw()
    still = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    renderer = plotting._Renderer(QUADRATIC, plotting._check_trajectories(paths,
                                                                          allow_empty=False),
                                  None, 320, 200, 0)
    last = [np.asarray(frame)[:, :, :3].astype(int) for frame in renderer][-1]
    assert still.shape == last.shape
    # Only anti-aliasing of the step counter may differ.
    assert np.mean(np.abs(still - last) > 40) < 0.002


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


GOOD = np.array([[1.0, 1.0], [0.5, 0.5]])


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ol.animate("quadratic", {"a": GOOD}), "function"),
        (lambda: ol.animate(QUADRATIC, {}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, 3.0), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": np.zeros((0, 2))}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": np.zeros((4, 3))}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": [[1.0, np.nan]]}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": [["x", "y"]]}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {str(i): GOOD for i in range(11)}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, fps=0), "fps"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, fps=2.5), "fps"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, width=100), "width"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, width=801), "width"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, max_frames=1), "max_frames"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, hold_frames=-1), "hold_frames"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, title=5), "title"),
        (lambda: ol.plot_paths(None, {}), "function"),
        (lambda: ol.plot_paths(QUADRATIC, {"a": np.ones(4)}), "trajectories"),
        (lambda: ol.plot_paths(QUADRATIC, {}, ax="axes"), "ax"),
        (lambda: ol.plot_surface(QUADRATIC, resolution=3), "resolution"),
        (lambda: ol.plot_surface(QUADRATIC, cmap="no-such-map"), "cmap"),
        (lambda: ol.plot_loss(QUADRATIC, {}), "trajectories"),
        (lambda: ol.plot_loss(QUADRATIC, {"a": GOOD}, metric="value"), "metric"),
        (lambda: ol.plot_loss(QUADRATIC, {"a": GOOD}, floor=0.0), "floor"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


def test_log_levels_functions_get_log_spaced_contours():
    function = ol.functions.rosenbrock
    levels = plotting._contour_levels(function, function.grid(100)[2])
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
    figure, ax = plotting._new_figure(320)
    scene = plotting._build_scene(ax, QUADRATIC, paths, None, animated=True)
    for k, short_stopped in [(2, False), (4, True), (7, True), (10, True)]:
        scene.show_step(k)
        assert scene.heads[0].get_visible() and not scene.ends[0].get_visible()
        assert scene.heads[1].get_visible() is not short_stopped
        assert scene.ends[1].get_visible() is short_stopped
        assert len(scene.lines[0].get_xdata()) == k + 1
