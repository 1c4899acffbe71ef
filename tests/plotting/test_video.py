"""Videos of trajectories: they decode, embed deterministically, stay small, save as GIF."""

from __future__ import annotations

import base64
import html
import re

import imageio
import numpy as np
import pytest

import optimlab as ol
from optimlab.plotting import video

QUADRATIC = ol.functions.ill_conditioned_quadratic
SMALL = dict(width=320, fps=10, hold_frames=3)  # 320 x 192 px: fast to encode and decode


@pytest.fixture(scope="module")
def movie(adam_path):
    return ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)


def test_video_decodes_with_one_frame_per_step_plus_the_held_end(movie, adam_path, decode):
    frames = decode(movie.mp4)
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
    assert (movie.width, movie.height, movie.frames) == (800, 480, 111)
    assert len(movie._repr_html_()) <= 60 * 1024


def test_save_writes_the_mp4_and_renders_a_gif(movie, tmp_path):
    assert movie.save(tmp_path / "a.mp4").read_bytes() == movie.mp4
    gif = movie.save(tmp_path / "a.gif")
    assert gif.read_bytes()[:6] == b"GIF89a"
    frames = imageio.mimread(gif)
    assert len(frames) == movie.frames and frames[0].shape[:2] == (192, 320)
    with pytest.raises(ValueError, match="path"):
        movie.save(tmp_path / "a.webm")


def test_a_failing_ffmpeg_raises_runtime_error_with_its_message(adam_path, monkeypatch):
    monkeypatch.setattr(video, "X264_ARGS", ("-c:v", "no_such_encoder"))
    with pytest.raises(RuntimeError, match="ffmpeg.*no_such_encoder"):
        ol.animate(QUADRATIC, {"Adam": adam_path}, **SMALL)
