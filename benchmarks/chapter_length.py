"""How long each chapter is, in desktop screens: scrollHeight / 800 at 1280 x 800 px.

Issue 21 asks that no chapter be longer than about 15 desktop screens (momentum was 29). The
built site (_build/html, or --site) is served from 127.0.0.1 and every page of the table of
contents is opened once in Debian's Chromium (Playwright, never a downloaded browser) at
1280 x 800 px; the page's full height (document.scrollingElement.scrollHeight, with every
dropdown and hidden input left as the reader first sees them: closed) divided by 800 is its
length in screens. Prints one line per page, longest first, and the pages over the limit.

Run from the repository root after `make book`:

    OPTIMLAB_CHROMIUM=/usr/bin/chromium .venv/bin/python benchmarks/chapter_length.py [--site DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
VIEWPORT = {"width": 1280, "height": 800}
LIMIT = 15  # screens (issue 21)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def toc_pages() -> list[str]:
    """The pages in the table of contents, root first, in reading order (book/intro, ...)."""
    return list(parse_toc_yaml(ROOT / "_toc.yml"))


def measure(site: Path, pages: list[str], executable: str) -> dict[str, float]:
    """Each page's height in screens of VIEWPORT."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    heights = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page(viewport=VIEWPORT)
            for page in pages:
                tab.goto(f"{base}/{page}.html", wait_until="load")
                tab.evaluate("document.fonts.ready")
                height = tab.evaluate("document.scrollingElement.scrollHeight")
                heights[page] = height / VIEWPORT["height"]
            browser.close()
    finally:
        server.shutdown()
    return heights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=SITE, help="the built site (_build/html)")
    args = parser.parse_args()
    executable = os.environ.get("OPTIMLAB_CHROMIUM") or shutil.which("chromium")
    if not executable:
        raise SystemExit("no Chromium: set OPTIMLAB_CHROMIUM or install Debian's chromium")
    pages = [page for page in toc_pages() if (args.site / f"{page}.html").exists()]
    heights = measure(args.site, pages, executable)
    print(f"{'page':28s} screens (1280 x 800)")
    for page, screens in sorted(heights.items(), key=lambda item: -item[1]):
        print(f"{page:28s} {screens:6.1f}")
    over = [page for page, screens in heights.items() if screens > LIMIT]
    print(f"{len(heights)} pages; longest {max(heights.values()):.1f} screens; "
          f"over {LIMIT}: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
