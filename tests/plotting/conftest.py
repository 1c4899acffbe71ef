"""Fixtures of the plotting tests: a short Adam run on the running example, a video decoder."""

from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

import optimlab as ol

QUADRATIC = ol.functions.ill_conditioned_quadratic


@pytest.fixture(scope="session")
def adam_path() -> np.ndarray:
    return ol.run(ol.adam(lr=0.5), QUADRATIC.grad, QUADRATIC.start, 12)


@pytest.fixture
def decode(tmp_path):
    """``decode(mp4)``: every frame of the video, decoded by imageio-ffmpeg's binary.

    imageio_ffmpeg.read_frames would do, but it leaves its pipes open after a complete read
    (a ResourceWarning under ``-W error``), so the decoder is called directly.
    """

    def frames_of(mp4: bytes) -> list[np.ndarray]:
        path = tmp_path / "decoded.mp4"
        path.write_bytes(mp4)
        frame_count, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
        reader = imageio_ffmpeg.read_frames(str(path))
        width, height = next(reader)["size"]
        reader.close()  # stopped early, it closes its pipes
        raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i",
                              str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True).stdout
        frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
        assert len(frames) == frame_count
        return list(frames)

    return frames_of
