"""The built pages fit the screen: nothing scrolls sideways at 1280 px, and at 390 px (a phone)
the page itself never scrolls sideways, no equation runs into its number, and every table keeps
its first (key) column in view.

At 1280 px every code cell, output, table and display equation must fit the text column: a
reader should never have to scroll a block to read it. At 390 px code and wide equations may
scroll inside their own boxes, but the page may not. Each page is opened once per width in
Debian's Chromium (see test_browser.py for how it is found) and measured in the page itself.
"""

from __future__ import annotations

import base64
import functools
import http.server
import threading

import pytest

from test_book import toc_pages
from test_browser import CHROMIUM_ARGS, _chromium

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Runs in the page: every block that does not fit, and why.
MEASURE = """
() => {
  const problems = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push({kind: "page", what: "the page scrolls sideways",
                   excess: doc.scrollWidth - window.innerWidth});
  }
  const label = (el) => {
    const text = (el.innerText || el.textContent || "").trim().split("\\n")[0];
    return text.slice(0, 70);
  };
  const scrolls = (el) => el.scrollWidth > el.clientWidth + 1 &&
    el.getBoundingClientRect().width > 0;
  const blocks = [
    ["code", "div.cell_input pre, div.highlight pre"],
    ["output", "div.cell_output pre, div.output pre"],
    ["table", "table"],
    ["maths", "div.math, div.math > mjx-container, div.math .katex-display"],
  ];
  for (const [kind, selector] of blocks) {
    for (const el of document.querySelectorAll(`article ${selector}`)) {
      // a block scrolls if it or the box that wraps it overflows
      let box = el, overflowing = scrolls(el);
      for (let up = el.parentElement, i = 0; up && i < 3 && !overflowing; i++, up = up.parentElement) {
        if (scrolls(up)) { overflowing = true; box = up; }
      }
      if (overflowing) {
        problems.push({kind, what: label(el), excess: box.scrollWidth - box.clientWidth});
      }
    }
  }
  // Equation numbers: the number's box must not overlap the rendered equation.
  for (const math of document.querySelectorAll("article div.math")) {
    const number = math.querySelector(".eqno");
    if (!number) continue;
    const n = number.getBoundingClientRect();
    for (const child of math.querySelectorAll("mjx-container, .katex-display, svg, math")) {
      const c = child.getBoundingClientRect().toJSON();
      // what shows of a drawing inside a box that scrolls sideways is what that box shows
      const clip = child.parentElement.closest("mjx-container");
      if (clip) {
        const k = clip.getBoundingClientRect();
        c.left = Math.max(c.left, k.left); c.right = Math.min(c.right, k.right);
        c.width = Math.max(0, c.right - c.left);
      }
      if (c.width === 0) continue;
      const verticalOverlap = Math.min(c.bottom, n.bottom) - Math.max(c.top, n.top);
      const horizontalOverlap = Math.min(c.right, n.right) - Math.max(c.left, n.left);
      if (verticalOverlap > 1 && horizontalOverlap > 1) {
        problems.push({kind: "equation number", what: math.id,
                       excess: Math.round(horizontalOverlap)});
        break;
      }
    }
  }
  // Tables keep their first column on screen (at scroll 0 of any box that wraps them).
  for (const table of document.querySelectorAll("article table")) {
    const first = table.querySelector("tr > :first-child");
    if (!first) continue;
    const r = first.getBoundingClientRect();
    if (r.left < -1 || r.right > window.innerWidth + 1) {
      problems.push({kind: "table key column", what: label(table), excess: Math.round(r.right - window.innerWidth)});
    }
  }
  // Figures: what the phone legibility check needs (see test_figure_text_...).
  const figures = [];
  for (const img of document.querySelectorAll("article div.cell_output img, article figure img")) {
    const r = img.getBoundingClientRect();
    figures.push({src: img.getAttribute("src"), rendered: r.width, natural: img.naturalWidth});
  }
  for (const video of document.querySelectorAll("article video")) {
    const r = video.getBoundingClientRect();
    figures.push({video: true, rendered: r.width, natural: Number(video.getAttribute("width")),
                  recorded: Number(video.dataset.smallestTextPx || "NaN")});
  }
  return {problems, figures};
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def measurements(built_site):
    """{(page, width): [problems]} for every page of the table of contents at both widths."""
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=CHROMIUM_ARGS)
            for name, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                for doc in toc_pages():
                    page.goto(f"http://127.0.0.1:{server.server_address[1]}/{doc}.html")
                    page.wait_for_load_state("load")
                    page.wait_for_function(
                        "() => !window.MathJax || !MathJax.startup || "
                        "MathJax.startup.promise !== undefined", timeout=15000)
                    page.evaluate("() => window.MathJax && MathJax.startup ? "
                                  "MathJax.startup.promise : null")
                    found[doc, name] = page.evaluate(MEASURE)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return found


def _problems(measurements, page, width):
    return measurements[page, width]["problems"]


def _report(problems) -> str:
    return "; ".join(f"{p['kind']}: {p['what']!r} (+{p['excess']} px)" for p in problems)


@pytest.mark.parametrize("page", toc_pages())
def test_every_block_fits_the_text_column_at_1280_px(measurements, page):
    problems = _problems(measurements, page, "desktop")
    assert not problems, f"{page} at 1280 px: {_report(problems)}"


@pytest.mark.parametrize("page", toc_pages())
def test_at_390_px_the_page_never_scrolls_sideways_and_equations_and_tables_stay_readable(
        measurements, page):
    kinds = ("page", "equation number", "table key column")
    problems = [p for p in _problems(measurements, page, "phone") if p["kind"] in kinds]
    assert not problems, f"{page} at 390 px: {_report(problems)}"


@pytest.mark.parametrize("page", toc_pages())
def test_figure_text_is_at_least_9_css_px_on_a_phone(measurements, built_site, page):
    """Every figure records its smallest text in its PNG (or a video in its data attribute);
    at 390 px that text, scaled to the width the figure is shown at, is at least 9 CSS px."""
    from optimlab.plotting.legibility import MIN_TEXT_CSS_PX, css_text_px, recorded_text_px

    small = []
    for figure in measurements[page, "phone"]["figures"]:
        if figure.get("video"):
            recorded, where = figure["recorded"], "video"
        else:
            src = figure["src"]
            if src.startswith("data:"):
                data = base64.b64decode(src.split(",", 1)[1])
            else:
                data = (built_site / page).parent.joinpath(src).read_bytes()
            recorded, where = recorded_text_px(data), src.rsplit("/", 1)[-1][:40]
        if recorded is None or recorded != recorded:  # no record, or NaN
            small.append(f"{where}: no recorded text size")
            continue
        shown = css_text_px(recorded, figure["rendered"], figure["natural"])
        if shown < MIN_TEXT_CSS_PX - 0.05:
            small.append(f"{where}: {shown:.1f} CSS px")
    assert not small, f"{page} at 390 px, text too small: {'; '.join(small)}"
