"""Speed and size of the in-page explorer (_ext/explorer.py, _ext/explorer_static/).

Speed: the built playground (book/playground.html) is opened in Chromium (headless, driven by
Playwright; OPTIMLAB_CHROMIUM or `chromium` on PATH), six optimizers are set to race for 1000
steps each, and the first run's learning-rate slider is moved many times. Each move is timed in
the page, from the input event to the end of the redraw: the six runs recomputed, the view on
screen drawn (the paths with their axes and markers; then, in a second series, the loss curve
tab), the legend, the run lines, the text alternative and the readout written, with a pixel read
from the canvas so that the drawing has really been done. The median and the 90th percentile are
printed, against one frame at 60 Hz (16.7 ms).

Size: the bytes of script, style and data the explorer adds to each page that has one (the
files its HTML names: the heat-map script only where there is a heat map, the noise only where
noisy gradients are offered), besides its HTML; the largest is held to 100 KB.

Build the book first (`make book`), then run from the repository root:

    .venv/bin/python benchmarks/explorer.py [--moves N]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import statistics
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
# What the explorer adds to a page: its data, scripts and style (see _ext/explorer.py).
ASSET = re.compile(r'(?:src|href)="\.\./_static/((?:optimlab|explorer)[a-z_]*\.(?:js|css))')

RACE = """() => {
  const e = optimlab.explorers[0];
  e.state.steps = 1000;
  e.state.runs = [
    {optimizer: "sgd", options: {lr: 0.01, momentum: 0.9}},
    {optimizer: "sgd", options: {lr: 0.01, momentum: 0.9, nesterov: true}},
    {optimizer: "adagrad", options: {lr: 0.5}},
    {optimizer: "rmsprop", options: {lr: 0.01, alpha: 0.9}},
    {optimizer: "adam", options: {lr: 0.05}},
    {optimizer: "adamw", options: {lr: 0.05}},
  ];
  e.state.runs.forEach(r => { r.options = optimlab.explorerState.complete(r.optimizer, r.options); });
  e.rebuild(); e.update(true);
  return e.results.map(r => r.xs.length);
}"""

VIEW = """(view) => { const e = optimlab.explorers[0]; e.state.view = view; e.layout(); e.draw(); }"""

MOVES = """(moves) => {
  const e = optimlab.explorers[0];
  const slider = document.getElementById(e.id + "-r0-lr");
  const times = [];
  for (let k = 0; k < moves; k++) {
    slider.value = String(-2.5 + (k % 20) * 0.05);
    const start = performance.now();
    slider.dispatchEvent(new Event("input"));
    (e.state.view === "loss" ? e.loss : e.canvas).getContext("2d").getImageData(0, 0, 1, 1);
    times.push(performance.now() - start);
  }
  return times;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _chromium() -> str:
    path = os.environ.get("OPTIMLAB_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise SystemExit("no Chromium: set OPTIMLAB_CHROMIUM or install Debian's chromium")
    return path


def speed(moves: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=_chromium(),
                                                 args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(f"http://127.0.0.1:{httpd.server_address[1]}/book/playground.html")
            tab.wait_for_function("window.optimlab && optimlab.explorers && optimlab.explorers.length")
            lengths = tab.evaluate(RACE)
            assert lengths == [1001] * 6, lengths
            tab.evaluate(MOVES, 5)  # warm-up: let the JIT compile the rules
            times = {}
            for view in ("paths", "loss"):
                tab.evaluate(VIEW, view)
                times[view] = tab.evaluate(MOVES, moves)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return times


def sizes() -> dict[str, dict[str, int]]:
    """For each page with an explorer, the bytes of each explorer file it loads."""
    pages = {}
    for page in sorted((SITE / "book").glob("*.html")):
        names = sorted(set(ASSET.findall(page.read_text(encoding="utf-8"))))
        if names:
            pages[page.stem] = {name: (SITE / "_static" / name).stat().st_size for name in names}
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    if not (SITE / "book" / "playground.html").exists():
        raise SystemExit(f"no built playground under {SITE}: run `make book` first")
    for view, times in speed(args.moves).items():
        times = sorted(times)
        median = statistics.median(times)
        p90 = times[int(0.9 * (len(times) - 1))]
        print(f"slider move, 6 optimizers x 1000 steps, recompute + redraw of the {view} view "
              f"({len(times)} moves):")
        print(f"  median {median:.2f} ms, 90th percentile {p90:.2f} ms, best {times[0]:.2f} ms "
              f"(one frame at 60 Hz: 16.7 ms; median is {median / 16.7:.2f} of a frame)")
    pages = sizes()
    print("bytes the explorer adds to a page (uncompressed, besides the HTML):")
    for name in sorted({name for files in pages.values() for name in files}):
        size = (SITE / "_static" / name).stat().st_size
        print(f"  {name:28s} {size:7d}")
    for page, files in pages.items():
        total = sum(files.values())
        print(f"  {page:28s} {total:7d}  ({total / 1024:.1f} KiB)")
    largest = max(pages, key=lambda page: sum(pages[page].values()))
    total = sum(pages[largest].values())
    print(f"  largest: {largest}, {total} B ({total / 1024:.1f} KiB; budget 100 KB = 102400 B: "
          f"{total / 102400:.2f} of it)")


if __name__ == "__main__":
    main()
