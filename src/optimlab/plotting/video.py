"""The video side: frames drawn on demand, the H.264 encoder (the ffmpeg binary of the
``imageio-ffmpeg`` wheel) and :class:`Animation`, the encoded result that shows itself in
Jupyter and in the book.

How an animation shows itself in a page, and why:

* Before it is played it shows its last frame, where the paths have been drawn (frame 0 has
  every optimizer on the start). The video's address ends in a media fragment ``#t=<duration>``,
  which makes the browser load it positioned at its end; pressing play starts from the
  beginning. This costs no bytes; a poster image of the last frame would add about half the
  video's size again (a WebP of an 800-px frame is 20 kB for a 38 kB video).
* The player's controls never cover the picture: the video element is 64 CSS px taller than
  the picture, which sits at its top, so the control bar (and, in Chromium, its shading, which
  is switched off) falls on a dark strip below it.
* It also carries a PNG of its last frame (``image/png``), which builders that cannot play
  video, such as Sphinx's LaTeX builder, show instead.
"""

from __future__ import annotations

import base64
import html
import io
import math
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
from matplotlib.figure import Figure

from .legibility import METADATA_KEY, smallest_text_px
from .series import SERIES_KEY, series_metadata

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

    ``prepare()`` sets the picture up and returns its figure and ``draw(key)``, which brings the
    picture to the state ``key`` and returns the canvas's RGBA buffer; each key makes one frame,
    then the last frame is repeated ``hold_frames`` times. The buffer is overwritten by the
    next frame, so a consumer must use (or copy) a frame before asking for the next one.
    """

    prepare: Callable[[], tuple[Figure, Callable[[int], memoryview]]]
    keys: Sequence[int]
    hold_frames: int

    @property
    def frames(self) -> int:
        return len(self.keys) + self.hold_frames

    def render(self) -> tuple[Figure, Iterator[memoryview]]:
        """Set the picture up; return its figure and an iterator over the frames."""
        figure, draw = self.prepare()

        def frames() -> Iterator[memoryview]:
            frame = None
            for key in self.keys:
                frame = draw(int(key))
                yield frame
            for _ in range(self.hold_frames):
                yield frame

        return figure, frames()

    def __iter__(self) -> Iterator[memoryview]:
        return self.render()[1]


CONTROLS_CSS_PX = 64
"""Height of the strip below the picture that holds the player's controls."""

# Chromium shades the picture under its controls; the bar sits on the dark strip instead.
_STYLE = ("<style>.optimlab-video video::-webkit-media-controls-panel "
          "{ background-image: none; }</style>")


@dataclass(frozen=True, repr=False)
class Animation:
    """An encoded animation: an H.264 MP4, a PNG of its last frame and its text description.

    Shown inline by Jupyter and by the book (as a ``<video>`` element with the MP4 embedded in
    base64) when it is the last expression of a cell; builders that show no HTML (Sphinx's
    LaTeX builder, for the PDF) take the PNG instead.

    Attributes:
        mp4: the MP4 file's bytes.
        png: a PNG of the last frame (with the trajectories drawn, as :func:`plot_paths`).
        description: a text description of what the animation shows (the video's aria-label,
            title and fallback text).
        frames: the number of frames in the video (shown steps, each repeated where a short
            run is slowed down, plus the held last frame).
        steps: the number of optimizer steps of the longest trajectory (for
            :func:`animate_figure`, the number of frames drawn).
        width: the video width in pixels.
        height: the video height in pixels.
        fps: frames per second.
        smallest_text_px: the size of the picture's smallest text in video pixels (the
            ``<video>`` element's ``data-smallest-text-px``, for the phone legibility check).
    """

    mp4: bytes
    png: bytes = field(repr=False)
    description: str
    frames: int
    steps: int
    width: int
    height: int
    fps: int
    smallest_text_px: float
    _renderer: Renderer = field(compare=False)

    @property
    def duration(self) -> float:
        """The video's length in seconds."""
        return self.frames / self.fps

    def _repr_html_(self) -> str:
        text = html.escape(self.description, quote=True)
        data = base64.b64encode(self.mp4).decode("ascii")
        # The element is the picture's height (a share of its width, in container units) plus
        # the strip; the picture keeps its shape at the top (object-fit, object-position).
        height = (f"height: auto; height: calc({100 * self.height / self.width:.4f}cqw + "
                  f"{CONTROLS_CSS_PX}px); object-fit: contain; object-position: top;")
        return (f'<div class="optimlab-video" style="max-width: {self.width}px; '
                f'container-type: inline-size;">{_STYLE}'
                f'<video width="{self.width}" height="{self.height}" controls muted playsinline '
                f'loop preload="auto" data-smallest-text-px="{self.smallest_text_px:.2f}" '
                f'style="display: block; width: 100%; {height} background: #1f1f1f;" '
                f'aria-label="{text}" title="{text}">'
                f'<source type="video/mp4" '
                f'src="data:video/mp4;base64,{data}#t={self.duration:.3f}">'
                f"<p>{text}</p></video></div>")

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return (f"<Animation {self.width}x{self.height}, {self.frames} frames at {self.fps} fps, "
                f"{len(self.mp4)} bytes: {self.description}>")

    def save(self, path) -> Path:
        """Write the animation to ``path``: ``.mp4`` (the embedded video), ``.gif``, or
        ``.png`` (the last frame).

        A GIF is rendered again from its source (not decoded from the lossy MP4) with one
        palette for the whole clip. Returns the path written.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".mp4":
            data = self.mp4
        elif suffix == ".png":
            data = self.png
        elif suffix == ".gif":
            data = encode(iter(self._renderer), self.width, self.height, self.fps, ".gif")
        else:
            raise ValueError(f"path must end in .mp4, .gif or .png; got {str(path)!r}")
        path.write_bytes(data)
        return path


def still_png(frame: np.ndarray, text_px: float, series: str = "") -> bytes:
    """A frame (RGBA pixels) as a PNG of at most 128 colours, recording its text size and its
    labelled curves (``series``, from :func:`~optimlab.plotting.series.series_metadata`).

    The frames are flat colours and anti-aliased lines, so a palette keeps them sharp at a
    quarter of a full-colour PNG's size."""
    from PIL import Image, PngImagePlugin

    image = Image.fromarray(np.ascontiguousarray(frame[:, :, :3]))
    image = image.quantize(colors=128, method=Image.Quantize.MAXCOVERAGE,
                           dither=Image.Dither.NONE)
    info = PngImagePlugin.PngInfo()
    if math.isfinite(text_px):
        info.add_text(METADATA_KEY, f"{text_px:.2f}")
    if series:
        info.add_text(SERIES_KEY, series)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()


def record(renderer: Renderer, fps: int, description: str, steps: int,
           check_size: Callable[[int, int], None]) -> Animation:
    """Render and encode ``renderer``'s frames; ``check_size(width, height)`` sees the size of
    the first frame before anything is encoded, and raises if the encoder cannot take it."""
    figure, frames = renderer.render()
    first = next(frames)
    height, width = np.asarray(first).shape[:2]
    check_size(width, height)
    last = [first]

    def every_frame() -> Iterator[memoryview]:
        yield first
        for frame in frames:
            last[0] = frame
            yield frame

    mp4 = encode(every_frame(), width, height, fps, ".mp4")
    final = np.array(last[0])  # a copy: measuring the text below lays the canvas out again
    text_px = smallest_text_px(figure)
    png = still_png(final, text_px, series_metadata(figure))
    return Animation(mp4=mp4, png=png, description=description,
                     frames=renderer.frames, steps=steps, width=width, height=height, fps=fps,
                     smallest_text_px=text_px, _renderer=renderer)
