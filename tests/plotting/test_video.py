"""Videos of trajectories: they decode, embed deterministically, stay small, save as GIF."""

from __future__ import annotations

import base64
import html
import io
import re

import imageio
import numpy as np
import pytest

import optimlab as ol
from optimlab import plotting
from optimlab.plotting import video

QUADRATIC = ol.functions.ill_conditioned_quadratic
SMALL = dict(width=320, fps=10, hold_frames=3, min_duration=0)  # 320 px wide: fast to encode


@pytest.fixture(scope="module")
def movie(adam_path):
    return ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)


def test_video_decodes_with_one_frame_per_step_plus_the_held_end(movie, adam_path, decode):
    frames = decode(movie.mp4)
    assert len(frames) == len(adam_path) + 3 == movie.frames
    assert {frame.shape for frame in frames} == {(movie.height, 320, 3)}
    assert (movie.width, movie.steps) == (320, len(adam_path) - 1) and movie.height % 2 == 0
    # The held frames repeat the last one; the path moves between the first and the last.
    def changed_pixels(a, b):  # coding noise stays well below 80 levels; moving markers do not
        return int((np.abs(a.astype(int) - b.astype(int)) > 80).any(axis=-1).sum())

    assert changed_pixels(frames[-1], frames[-4]) == 0
    assert changed_pixels(frames[0], frames[-1]) > 20


def test_html_is_a_video_element_carrying_the_mp4_and_its_description(movie):
    page = movie._repr_html_()
    assert page.startswith('<div class="optimlab-video"') and page.endswith("</video></div>")
    opening = re.search(r"<video [^>]*>", page).group(0)
    assert f'width="{movie.width}" height="{movie.height}"' in opening
    for attribute in ("controls", "muted", "playsinline", "loop"):
        assert f" {attribute}" in opening
    encoded = re.search(r'src="data:video/mp4;base64,([A-Za-z0-9+/=]+)#', page).group(1)
    assert base64.b64decode(encoded) == movie.mp4
    described = html.escape(movie.description, quote=True)
    assert f'aria-label="{described}"' in opening
    assert f"<p>{described}</p></video>" in page
    assert "Adam" in movie.description and "12 steps" in movie.description


def test_two_renders_of_the_same_inputs_are_byte_identical(adam_path, movie):
    again = ol.animate(QUADRATIC, {"Adam": adam_path.copy()}, **SMALL)
    assert again._repr_html_() == movie._repr_html_()


def test_paths_of_different_lengths_and_outside_the_window_render(decode):
    paths = {
        "Adam": ol.run(ol.adam(lr=0.5), QUADRATIC.grad, QUADRATIC.start, 20),
        "short": ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 5),
        # SGD with lr = 0.25 overshoots along x2 (curvature 10) and leaves the window fast.
        "leaves": ol.run(ol.sgd(lr=0.25), QUADRATIC.grad, QUADRATIC.start, 15),
    }
    assert np.abs(paths["leaves"][-1, 1]) > 100  # far outside x2 in [-4, 4]
    movie = ol.animate(QUADRATIC, paths, **SMALL)
    assert len(decode(movie.mp4)) == 21 + 3 == movie.frames
    assert "3 optimizer paths (Adam, short, leaves)" in movie.description
    assert "over 20 steps" in movie.description
    assert "after 5 steps" in movie.description
    assert "outside the plotted window" in movie.description


def test_long_runs_are_subsampled_to_max_frames(decode):
    xs = ol.run(ol.adam(lr=0.2), QUADRATIC.grad, QUADRATIC.start, 100)
    movie = ol.animate(QUADRATIC, xs, max_frames=20, **SMALL)
    assert movie.frames == 20 + 3 and movie.steps == 100
    assert len(decode(movie.mp4)) == movie.frames
    assert "one optimizer path (trajectory)" in movie.description  # a single array's label


def test_a_default_animation_of_five_100_step_paths_embeds_in_at_most_60_kb():
    optimizers = {"GD": ol.sgd(lr=0.1), "Momentum": ol.ewma_momentum(lr=0.1, beta=0.9),
                  "AdaGrad": ol.adagrad(lr=0.5), "RMSProp": ol.rmsprop(lr=0.1, alpha=0.9),
                  "Adam": ol.adam(lr=0.2)}
    paths = {name: ol.run(optimizer, QUADRATIC.grad, QUADRATIC.start, 100)
             for name, optimizer in optimizers.items()}
    movie = ol.animate(QUADRATIC, paths)
    assert (movie.width, movie.frames) == (800, 111)
    assert len(movie._repr_html_()) <= 60 * 1024


def test_save_writes_the_mp4_and_renders_a_gif(movie, tmp_path):
    assert movie.save(tmp_path / "a.mp4").read_bytes() == movie.mp4
    gif = movie.save(tmp_path / "a.gif")
    assert gif.read_bytes()[:6] == b"GIF89a"
    frames = imageio.mimread(gif)
    assert len(frames) == movie.frames and frames[0].shape[:2] == (movie.height, 320)
    assert movie.save(tmp_path / "a.png").read_bytes() == movie.png
    with pytest.raises(ValueError, match="path"):
        movie.save(tmp_path / "a.webm")


def test_a_failing_ffmpeg_raises_runtime_error_with_its_message(adam_path, monkeypatch):
    monkeypatch.setattr(video, "X264_ARGS", ("-c:v", "no_such_encoder"))
    with pytest.raises(RuntimeError, match="ffmpeg.*no_such_encoder"):
        ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)


def test_the_video_opens_on_its_last_frame(movie, decode):
    """The source's media fragment starts the browser at the end, where the paths are drawn."""
    page = movie._repr_html_()
    start = float(re.search(r'#t=([0-9.]+)"', page).group(1))
    assert start == pytest.approx(movie.frames / movie.fps, abs=1e-3) == movie.duration
    frames = decode(movie.mp4)
    shown = frames[min(int(start * movie.fps), len(frames) - 1)]
    assert np.abs(shown.astype(int) - frames[-1].astype(int)).max() < 40
    assert (np.abs(shown.astype(int) - frames[0].astype(int)) > 80).any(axis=-1).sum() > 20


def test_the_controls_sit_on_a_strip_below_the_picture(movie):
    page = movie._repr_html_()
    wrapper = re.match(r'<div class="optimlab-video" style="([^"]*)">', page).group(1)
    assert "container-type: inline-size" in wrapper and f"max-width: {movie.width}px" in wrapper
    style = re.search(r'<video [^>]*style="([^"]*)"', page).group(1)
    share, strip = re.search(r"height: calc\(([0-9.]+)cqw \+ ([0-9]+)px\)", style).groups()
    # The element is the picture's height (its share of the width) plus the controls' strip,
    # and the picture keeps its shape at the top, so the strip is below it.
    assert float(share) == pytest.approx(100 * movie.height / movie.width, abs=1e-3)
    assert int(strip) == video.CONTROLS_CSS_PX >= 56
    assert "object-fit: contain" in style and "object-position: top" in style
    assert "::-webkit-media-controls-panel { background-image: none; }" in page


def test_a_short_diverging_run_lasts_long_enough_to_follow(decode):
    diverging = ol.run(ol.sgd(lr=0.21), QUADRATIC.grad, QUADRATIC.start, 8)
    movie = ol.animate(QUADRATIC, {"η = 0.21": diverging})
    assert movie.duration >= 3.0 and movie.steps == 8
    frames = decode(movie.mp4)
    assert len(frames) == movie.frames
    changes = [k for k in range(1, len(frames))  # a step moves a marker: many pixels change
               if (np.abs(frames[k].astype(int) - frames[k - 1].astype(int)) > 80).any(axis=-1)
               .sum() > 20]
    # Eight steps, each shown for the same number of frames, then the held end.
    assert len(changes) == 8
    assert len(set(np.diff([0, *changes]))) == 1
    assert len(frames) - changes[-1] >= plotting.DEFAULT_HOLD_FRAMES
    # A long run is not slowed down.
    long = ol.animate(QUADRATIC, ol.run(ol.sgd(lr=0.1), QUADRATIC.grad, QUADRATIC.start, 100))
    assert long.frames == 101 + plotting.DEFAULT_HOLD_FRAMES


def test_the_last_frame_is_carried_as_a_png_for_builders_without_video(movie, decode):
    from IPython.core.formatters import DisplayFormatter
    from PIL import Image

    bundle, _ = DisplayFormatter().format(movie)
    assert {"text/html", "image/png", "text/plain"} <= set(bundle)
    assert bundle["image/png"] == movie.png
    still = np.asarray(Image.open(io.BytesIO(movie.png)).convert("RGB")).astype(int)
    last = decode(movie.mp4)[-1].astype(int)
    assert still.shape == last.shape
    assert np.mean(np.abs(still - last) > 40) < 0.01  # the video's coding noise only


def test_an_animated_figure_also_opens_on_and_carries_its_last_frame():
    from matplotlib.figure import Figure
    from PIL import Image

    figure = Figure(figsize=(3.2, 2.4), dpi=100)
    ax = figure.add_subplot()
    ax.set(xlim=(0, 10), ylim=(0, 1))
    dot = ax.plot([], [], "o", markersize=12)[0]
    movie = ol.animate_figure(figure, lambda k: dot.set_data([k], [0.5]), 10, description="dot")
    assert f"#t={movie.duration:.3f}" in movie._repr_html_()
    figure.canvas.draw()  # the figure as update(9) left it
    expected = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    still = np.asarray(Image.open(io.BytesIO(movie._repr_png_())).convert("RGB")).astype(int)
    assert np.abs(still - expected).max() <= 24  # a 128-colour palette
