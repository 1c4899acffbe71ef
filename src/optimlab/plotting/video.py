"""The video side: frames drawn on demand, the H.264 encoder (the ffmpeg binary of the
``imageio-ffmpeg`` wheel) and :class:`Animation`, the encoded result that shows itself in
Jupyter and in the book.
"""

from __future__ import annotations

import base64
import html
import itertools
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

# Encoder settings. A single keyframe and 'tune animation' suit a video whose background never
# moves; yuv420p and even dimensions are what browsers decode; the bitexact flags, no metadata
# and one thread make the bytes a function of the frames alone.
X264_ARGS = (
    "-c:v", "libx264", "-preset", "veryfast", "-tune", "animation", "-crf", "31",
    "-pix_fmt", "yuv420p", "-g", "1000", "-threads", "1",
    "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
    "-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact",
    "-map_metadata", "-1",
)


def encode(frames: Iterator[memoryview], width: int, height: int, fps: int,
           suffix: str) -> bytes:
    """Pipe RGBA frames to the imageio-ffmpeg binary and return the encoded file's bytes."""
    import imageio_ffmpeg

    executable = imageio_ffmpeg.get_ffmpeg_exe()
    if suffix == ".mp4":
        codec = list(X264_ARGS)
    else:  # a GIF with one palette for the whole clip, no dithering (flat colours stay flat)
        codec = ["-filter_complex",
                 "split[a][b];[a]palettegen=max_colors=128:stats_mode=full[p];"
                 "[b][p]paletteuse=dither=none", "-loop", "0", "-fflags", "+bitexact",
                 "-map_metadata", "-1"]
    with tempfile.TemporaryDirectory(prefix="optimlab-") as folder:
        output = Path(folder) / f"animation{suffix}"
        log = (Path(folder) / "ffmpeg.log").open("w+b")
        command = [executable, "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
                   "-r", str(fps), "-i", "pipe:0", "-an", *codec, str(output)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=log)
        broken = False
        try:
            for frame in frames:
                try:
                    process.stdin.write(frame)
                except BrokenPipeError:
                    broken = True
                    break
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                broken = True
            status = process.wait()
        log.seek(0)
        message = log.read().decode(errors="replace")[-2000:].strip()
        log.close()
        if status != 0 or broken or not output.exists():
            raise RuntimeError(f"ffmpeg ({executable}) failed with exit status {status} while "
                               f"encoding {suffix}: {message or 'no message'}")
        return output.read_bytes()


@dataclass(frozen=True, eq=False)
class Renderer:
    """The frames of a video, drawn again each time it is iterated.

    ``prepare()`` sets the picture up and returns ``draw(key)``, which brings the picture to the
    state ``key`` and returns the canvas's RGBA buffer; each key of ``keys`` makes one frame,
    then the last frame is repeated ``hold_frames`` times. The buffer is overwritten by the
    next frame, so a consumer must use (or copy) a frame before asking for the next one.
    """

    prepare: Callable[[], Callable[[int], memoryview]]
    keys: Sequence[int]
    hold_frames: int

    @property
    def frames(self) -> int:
        return len(self.keys) + self.hold_frames

    def __iter__(self) -> Iterator[memoryview]:
        draw = self.prepare()
        frame = None
        for key in self.keys:
            frame = draw(int(key))
            yield frame
        for _ in range(self.hold_frames):
            yield frame


@dataclass(frozen=True, repr=False)
class Animation:
    """An encoded animation: an H.264 MP4 and its text description.

    Shown inline by Jupyter and by the book (as a ``<video>`` element with the MP4 embedded in
    base64) when it is the last expression of a cell.

    Attributes:
        mp4: the MP4 file's bytes.
        description: a text description of what the animation shows (the video's aria-label,
            title and fallback text).
        frames: the number of frames in the video (shown steps plus the held last frame).
        steps: the number of optimizer steps of the longest trajectory (for
            :func:`animate_figure`, the number of frames drawn).
        width: the video width in pixels.
        height: the video height in pixels.
        fps: frames per second.
    """

    mp4: bytes
    description: str
    frames: int
    steps: int
    width: int
    height: int
    fps: int
    _renderer: Renderer = field(compare=False)

    def _repr_html_(self) -> str:
        text = html.escape(self.description, quote=True)
        data = base64.b64encode(self.mp4).decode("ascii")
        return (f'<video width="{self.width}" height="{self.height}" controls muted playsinline '
                f'loop preload="auto" style="max-width: 100%; height: auto;" '
                f'aria-label="{text}" title="{text}">'
                f'<source type="video/mp4" src="data:video/mp4;base64,{data}">'
                f"<p>{text}</p></video>")

    def __repr__(self) -> str:
        return (f"<Animation {self.width}x{self.height}, {self.frames} frames at {self.fps} fps, "
                f"{len(self.mp4)} bytes: {self.description}>")

    def save(self, path) -> Path:
        """Write the animation to ``path``: ``.mp4`` (the embedded video) or ``.gif``.

        A GIF is rendered again from its source (not decoded from the lossy MP4) with one
        palette for the whole clip. Returns the path written.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".mp4":
            data = self.mp4
        elif suffix == ".gif":
            data = encode(iter(self._renderer), self.width, self.height, self.fps, ".gif")
        else:
            raise ValueError(f"path must end in .mp4 or .gif; got {str(path)!r}")
        path.write_bytes(data)
        return path


def record(renderer: Renderer, fps: int, description: str, steps: int,
           check_size: Callable[[int, int], None]) -> Animation:
    """Render and encode ``renderer``'s frames; ``check_size(width, height)`` sees the size of
    the first frame before anything is encoded, and raises if the encoder cannot take it."""
    frames = iter(renderer)
    first = next(frames)
    height, width = np.asarray(first).shape[:2]
    check_size(width, height)
    mp4 = encode(itertools.chain([first], frames), width, height, fps, ".mp4")
    return Animation(mp4=mp4, description=description, frames=renderer.frames, steps=steps,
                     width=width, height=height, fps=fps, _renderer=renderer)
