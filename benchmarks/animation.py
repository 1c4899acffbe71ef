"""Time and size of optimlab.animate against matplotlib's FuncAnimation.to_html5_video.

Both render the same picture (the running example's contour plot with Adam's path, lr = 0.2
from (9, -3), 100 steps: 101 frames plus the 10 repeated frames that hold the end) and encode
it with the same ffmpeg binary, the one shipped by imageio-ffmpeg. FuncAnimation redraws the
whole figure for every frame (blit=False, as to_html5_video does); animate draws the background
once and blits. Each is run a few times; the best wall-clock time and the CPU time (this
process plus ffmpeg) of that run are printed, with the embedded HTML sizes. Last, what opening
on the last frame costs (nothing with the media fragment animate uses; a poster image's size
otherwise) and the size of the PNG still an animation carries for the PDF.

Run from the repository root:

    .venv/bin/python benchmarks/animation.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import time

import imageio_ffmpeg
import matplotlib
from matplotlib.animation import FuncAnimation

import optimlab as ol
from optimlab import plotting
from optimlab.plotting import scene as scenes

SIZE_TARGET = 60 * 1024
SPEED_TARGET = 5.0


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(render, repeat: int) -> tuple[float, float, str]:
    """The best wall time of ``repeat`` calls, that call's CPU time, and its HTML."""
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), cpu_seconds()
        html = render()
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        if best is None or wall < best[0]:
            best = (wall, cpu, html)
    return best


def with_funcanimation(function, paths) -> str:
    """The same picture and frames, through FuncAnimation and matplotlib's ffmpeg writer."""
    figure, ax = scenes.new_figure(plotting.DEFAULT_WIDTH)
    scene = scenes.build_scene(ax, function, paths, None, plotting.colours_for(paths),
                               animated=False, aspect=scenes.default_aspect(function),
                               legend_below=scenes.legend_below(function))
    scenes.fit_height(figure, ax)
    # Lay the figure out once, as animate does: constrained layout on every frame would make
    # this baseline several times slower still, and the comparison is about redrawing.
    figure.canvas.draw()
    figure.set_layout_engine("none")
    steps = list(range(scene.steps + 1)) + [scene.steps] * plotting.DEFAULT_HOLD_FRAMES

    def update(k):
        scene.show_step(k)
        return scene.artists()

    movie = FuncAnimation(figure, update, frames=steps, interval=1000 / plotting.DEFAULT_FPS,
                          blit=False, repeat=False)
    return movie.to_html5_video()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (default 3)")
    repeat = parser.parse_args().repeat

    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    function = ol.functions.ill_conditioned_quadratic
    xs = ol.run(ol.adam(lr=0.2), function.grad, function.start, 100)
    paths = {"Adam": xs}

    # One untimed call of each warms up fonts and imports.
    movie = ol.animate(function, paths)
    base_wall, base_cpu, base_html = timed(lambda: with_funcanimation(function, paths), repeat)
    fast_wall, fast_cpu, fast_html = timed(lambda: ol.animate(function, paths)._repr_html_(),
                                           repeat)

    print(f"trajectory: Adam lr=0.2 from {function.start}, {len(xs) - 1} steps, "
          f"{len(xs)} frames + {plotting.DEFAULT_HOLD_FRAMES} held, "
          f"{movie.width}x{movie.height} px, "
          f"{plotting.DEFAULT_FPS} fps; ffmpeg {imageio_ffmpeg.get_ffmpeg_version()} "
          f"from imageio-ffmpeg; best of {repeat} runs")
    print(f"{'method':38s} {'wall s':>8s} {'CPU s':>8s} {'HTML bytes':>11s} {'HTML KB':>8s}")
    for name, wall, cpu, html in (
        ("FuncAnimation.to_html5_video()", base_wall, base_cpu, base_html),
        ("optimlab.animate()._repr_html_()", fast_wall, fast_cpu, fast_html),
    ):
        print(f"{name:38s} {wall:8.2f} {cpu:8.2f} {len(html):11d} {len(html) / 1024:8.1f}")
    speedup = base_wall / fast_wall
    print(f"speed-up (wall): {speedup:.1f}x   speed-up (CPU): {base_cpu / fast_cpu:.1f}x   "
          f"target >= {SPEED_TARGET:g}x: {'met' if speedup >= SPEED_TARGET else 'NOT met'}")
    print(f"embedded size: {len(fast_html) / 1024:.1f} KB   target <= {SIZE_TARGET / 1024:g} KB: "
          f"{'met' if len(fast_html) <= SIZE_TARGET else 'NOT met'}")
    poster = webp_poster_bytes(movie)
    print(f"opening on the last frame: media fragment +0 B; a WebP poster (quality 50) would "
          f"add {poster} B, {4 * -(-poster // 3)} B in base64 "
          f"({100 * 4 * -(-poster // 3) / len(fast_html):.0f} % of the HTML)")
    print(f"still PNG of the last frame (image/png, for the PDF; not in the HTML page): "
          f"{len(movie.png)} B, {4 * -(-len(movie.png) // 3)} B in base64")


def webp_poster_bytes(movie) -> int:
    """The size of the last frame as a WebP poster image: the alternative to the fragment."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(movie.png)).convert("RGB").save(buffer, format="WEBP", quality=50,
                                                          method=6)
    return len(buffer.getvalue())


if __name__ == "__main__":
    main()
