"""First visit of every page on a slow phone: bytes loaded, first paint, and when the maths is readable.

The built site (_build/html) is served from 127.0.0.1 and every page of the table of contents is
opened once in Debian's Chromium (Playwright, never a downloaded browser) with an empty cache,
under the profile of issue 16: a 390 x 844 px viewport, the CPU slowed 4x, 1 MB/s down, 0.375
MB/s up and 150 ms round trips (Chrome DevTools' network and CPU emulation). For each page it
prints:

- bytes: every response of the visit, uncompressed (the local server sends no compression;
  a data: URL inside the HTML counts as part of the HTML, not again as a response), until
  the network has been quiet for 1.5 s after the load event; and the page's own HTML among them;
- first paint: Chromium's first-contentful-paint;
- maths readable: the first moment the formulas on the first screen (those whose top lies within
  the first 844 px of the page; the page's first formula if none does) are all drawn: MathJax's
  or the build's output is in place, with a non-empty box, every glyph it refers to present, and
  every MathJax web font it uses loaded; and that time as a multiple of the first paint.

Targets (issue 16): under 1.2 MB per first visit, maths readable by 1.5x the first paint.
Absolute times depend on the machine; compare the ratios, measured in one run.

Run from the repository root after `make book`:

    OPTIMLAB_CHROMIUM=/usr/bin/chromium .venv/bin/python benchmarks/page_speed.py [--site DIR] [PAGE ...]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
import time
from pathlib import Path

from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
VIEWPORT = {"width": 390, "height": 844}
LATENCY_MS = 150
DOWN_BYTES_PER_S = 1_000_000
UP_BYTES_PER_S = 375_000
CPU_SLOWDOWN = 4
BYTES_TARGET = 1_200_000
RATIO_TARGET = 1.5
QUIET_S = 1.5

# Runs before the page's own scripts: on every animation frame, until it holds, checks whether
# the first screen's formulas are drawn and records the time (ms since navigation start).
WATCH_MATHS = """(() => {
  const screen = %d;
  const mathjaxFontsReady = () => [...document.fonts]
      .filter(face => face.family.includes("MJX")).every(face => face.status !== "loading");
  const drawn = math => {
    const out = math.querySelector("mjx-container");
    if (!out) return false;
    const box = out.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    return [...out.querySelectorAll("use")].every(use => {
      const ref = use.getAttribute("href") || use.getAttribute("xlink:href") || "";
      return !ref.startsWith("#") || document.getElementById(ref.slice(1)) !== null;
    });
  };
  window.__maths = {readable: null, count: 0, done: false};
  const check = () => {
    const all = [...document.querySelectorAll("article span.math, article div.math")];
    if (document.readyState !== "loading" && all.length === 0) {
      window.__maths.done = true;  // no maths on the page
      return;
    }
    let first = all.filter(math => math.getBoundingClientRect().top + window.scrollY < screen);
    if (first.length === 0 && all.length > 0) first = [all[0]];
    if (first.length > 0 && first.every(drawn) && mathjaxFontsReady()) {
      window.__maths = {readable: performance.now(), count: first.length, done: true,
                        onScreen: all.some(math => math.getBoundingClientRect().top + window.scrollY < screen)};
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();"""

RESULT = """() => ({
  maths: window.__maths,
  paint: (performance.getEntriesByName("first-contentful-paint")[0] || {}).startTime || null,
  load: performance.timing.loadEventEnd - performance.timing.navigationStart,
})"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".woff": "font/woff", ".woff2": "font/woff2", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


def serve(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def visit(browser, url: str) -> dict:
    """One first visit of url under the slow-phone profile."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.add_init_script(WATCH_MATHS % VIEWPORT["height"])
    cdp = context.new_cdp_session(page)
    received: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent",
           lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]))
    last = [time.monotonic()]

    def on_data(event):
        # a data: URL (a video or image inside the HTML) is no response: its bytes are the HTML's
        if urls.get(event["requestId"], "").startswith("data:"):
            return
        received[event["requestId"]] = received.get(event["requestId"], 0) + event["dataLength"]
        last[0] = time.monotonic()

    cdp.on("Network.dataReceived", on_data)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS, "downloadThroughput": DOWN_BYTES_PER_S,
        "uploadThroughput": UP_BYTES_PER_S})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until="load", timeout=180_000)
    page.wait_for_function("() => window.__maths && window.__maths.done", timeout=120_000)
    started = time.monotonic()
    while time.monotonic() - last[0] < QUIET_S and time.monotonic() - started < 60:
        page.wait_for_timeout(200)
    result = page.evaluate(RESULT)
    context.close()
    html = sum(size for request, size in received.items() if urls.get(request) == url)
    return {"bytes": sum(received.values()), "html": html, **result,
            "largest": sorted(((size, urls.get(request, "?").rsplit("/", 1)[-1].split("?")[0])
                               for request, size in received.items()), reverse=True)[:3]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="pages to visit (default: the whole toc)")
    parser.add_argument("--site", type=Path, default=SITE, help="the built site (_build/html)")
    args = parser.parse_args()
    pages = args.pages or list(parse_toc_yaml(ROOT / "_toc.yml"))
    executable = (os.environ.get("OPTIMLAB_CHROMIUM") or shutil.which("chromium")
                  or shutil.which("chromium-browser"))
    if not executable:
        sys.exit("no Chromium: install Debian's chromium or set OPTIMLAB_CHROMIUM")
    from playwright.sync_api import sync_playwright

    httpd, origin = serve(args.site)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--no-sandbox", "--disable-gpu"])
        for name in pages:
            rows.append((name, visit(browser, f"{origin}/{name}.html")))
            row = rows[-1][1]
            print(f"  {name}: {row['bytes'] / 1e6:.2f} MB, paint {row['paint']:.0f} ms, "
                  f"maths {row['maths']['readable']}", file=sys.stderr, flush=True)
        browser.close()
    httpd.shutdown()

    print(f"First visits: {VIEWPORT['width']} px, CPU /{CPU_SLOWDOWN}, "
          f"{DOWN_BYTES_PER_S / 1e6:g} MB/s down, {LATENCY_MS} ms RTT")
    print("| page | bytes (MB) | its HTML (KB) | first paint (ms) | maths readable (ms) "
          "| ratio | largest responses |")
    print("|---|---:|---:|---:|---:|---:|---|")
    over_bytes, over_ratio, ratios = [], [], []
    for name, row in rows:
        readable = row["maths"]["readable"]
        ratio = readable / row["paint"] if readable is not None and row["paint"] else None
        if ratio is not None:
            ratios.append(ratio)
            if ratio > RATIO_TARGET:
                over_ratio.append(name)
        if row["bytes"] >= BYTES_TARGET:
            over_bytes.append(name)
        largest = ", ".join(f"{file} {size / 1e3:.0f} KB" for size, file in row["largest"])
        print(f"| {name} | {row['bytes'] / 1e6:.2f} | {row['html'] / 1e3:.0f} "
              f"| {row['paint']:.0f} "
              f"| {'no maths' if readable is None else f'{readable:.0f}'}"
              f"{'' if row['maths'].get('onScreen', True) else ' (first formula below the first screen)'} "
              f"| {'' if ratio is None else f'{ratio:.2f}'} | {largest} |")
    sizes = [row["bytes"] for _, row in rows]
    print(f"bytes per first visit: {min(sizes) / 1e6:.2f}-{max(sizes) / 1e6:.2f} MB "
          f"(target < {BYTES_TARGET / 1e6:g} MB; over: {', '.join(over_bytes) or 'none'})")
    if ratios:
        print(f"maths readable at {min(ratios):.2f}-{max(ratios):.2f}x first paint "
              f"(target <= {RATIO_TARGET}x; over: {', '.join(over_ratio) or 'none'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
