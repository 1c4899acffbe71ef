"""The built pages fit the screen: nothing scrolls sideways at 1280 px, and at 390 px (a phone)
the page itself never scrolls sideways, no display equation or output hides any part of itself,
no equation runs into its number, and every table keeps its first (key) column in view.

At 1280 px every code cell, output, table and display equation must fit the text column: a
reader should never have to scroll a block to read it. At 390 px only code may scroll inside its
box: a formula or a result that scrolls hides its end from a reader on a phone, who does not
scroll it. Each page is opened once per width in Debian's Chromium (see test_browser.py for how
it is found) and measured in the page itself.

Layout must not depend on the fonts of the machine: each measurement is made twice, with the
machine's own fonts (which, on a machine with TeX, include TeX's many fonts, Noto Sans among
them) and with only the DejaVu fonts that every Debian system has (fontconfig restricted to them
through FONTCONFIG_FILE), whose wide letters are what a reader's fallback font may be like.
"""

from __future__ import annotations

import base64
import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from test_book import toc_pages
from test_browser import CHROMIUM_ARGS, _chromium

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FONT_SETS = ("machine", "dejavu")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# fontconfig as the machine has it (its aliases: sans-serif is DejaVu Sans when Noto Sans is
# missing), with every font but DejaVu's refused
DEJAVU_ONLY = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <selectfont>
    <acceptfont><glob>{fonts}/*</glob></acceptfont>
    <rejectfont><glob>/*</glob></rejectfont>
  </selectfont>
</fontconfig>
"""

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
    ["output", "div.cell_output pre, div.output pre, div.cell_output table, div.results-table"],
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
  // A display formula's drawing that reaches past its box (which clips or lets it overflow)
  for (const math of document.querySelectorAll("article div.math")) {
    const box = math.getBoundingClientRect();
    for (const svg of math.querySelectorAll("mjx-container > svg")) {
      const r = svg.getBoundingClientRect();
      if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1)) {
        problems.push({kind: "maths", what: label(math),
                       excess: Math.round(Math.max(box.left - r.left, r.right - box.right))});
      }
    }
  }
  // Equation numbers: the number's box must not overlap the drawn equation (the drawings; not
  // the MathML for screen readers, which is in the page but clipped out of sight).
  for (const math of document.querySelectorAll("article div.math")) {
    const number = math.querySelector(".eqno");
    if (!number) continue;
    const n = number.getBoundingClientRect();
    for (const child of math.querySelectorAll("mjx-container > svg, .katex-display")) {
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


def _dejavu_only(folder: Path) -> Path:
    """A fontconfig file that shows Chromium the DejaVu fonts only."""
    if not (DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.skip(f"no DejaVu fonts in {DEJAVU} (Debian's fonts-dejavu-core) to restrict to")
    config = folder / "fonts.conf"
    config.write_text(DEJAVU_ONLY.format(fonts=DEJAVU, cache=folder / "cache"), encoding="utf-8")
    return config


# The fonts Chromium draws a paragraph, code and a printed output with (DevTools' platform fonts).
def _fonts_used(page) -> dict[str, list[str]]:
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    used = {}
    for what, selector in (("text", "article p"), ("code", "article div.cell_input pre"),
                           ("output", "article div.cell_output pre")):
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if node:
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            used[what] = sorted({font["familyName"] for font in fonts})
    session.detach()
    return used


@pytest.fixture(scope="module")
def measurements(built_site, tmp_path_factory):
    """{(page, width, fonts): {"problems": [...], "figures": [...]}} for every page of the
    table of contents at both widths with both font sets, and {("fonts", fonts): {...}}: the
    fonts a page was drawn with."""
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dejavu = _dejavu_only(tmp_path_factory.mktemp("fonts"))
    environments = {"machine": None, "dejavu": {**os.environ, "FONTCONFIG_FILE": str(dejavu)}}
    found = {}
    try:
        with sync_playwright() as playwright:
            for fonts, environment in environments.items():
                browser = playwright.chromium.launch(executable_path=executable,
                                                     args=CHROMIUM_ARGS, env=environment)
                for name, viewport in WIDTHS.items():
                    context = browser.new_context(viewport=viewport)
                    page = context.new_page()
                    for doc in toc_pages():
                        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{doc}.html")
                        page.wait_for_load_state("load")
                        page.evaluate("() => document.fonts.ready.then(() => null)")
                        found[doc, name, fonts] = page.evaluate(MEASURE)
                        if doc == "book/momentum" and name == "phone":
                            found["fonts", fonts] = _fonts_used(page)
                    context.close()
                browser.close()
    finally:
        server.shutdown()
    print({key[1]: value for key, value in found.items() if key[0] == "fonts"})
    return found


def _problems(measurements, page, width, fonts):
    return measurements[page, width, fonts]["problems"]


def _report(problems) -> str:
    return "; ".join(f"{p['kind']}: {p['what']!r} (+{p['excess']} px)" for p in problems)


def test_the_restricted_run_draws_with_dejavu_only(measurements):
    """Otherwise the second run would measure the machine's fonts again."""
    used = measurements["fonts", "dejavu"]
    assert used and all(family.startswith("DejaVu") for families in used.values()
                        for family in families), used


@pytest.mark.parametrize("fonts", FONT_SETS)
@pytest.mark.parametrize("page", toc_pages())
def test_every_block_fits_the_text_column_at_1280_px(measurements, page, fonts):
    problems = _problems(measurements, page, "desktop", fonts)
    assert not problems, f"{page} at 1280 px ({fonts} fonts): {_report(problems)}"


@pytest.mark.parametrize("fonts", FONT_SETS)
@pytest.mark.parametrize("page", toc_pages())
def test_at_390_px_nothing_but_code_scrolls_or_hides_part_of_itself(measurements, page, fonts):
    """The page never scrolls sideways; no display formula reaches past its box or scrolls in
    it; no printed output or results table is wider than the column; no equation runs into its
    number; every table keeps its key column in view (a table of the prose may scroll, as code
    may, if its first column stays in view)."""
    problems = [p for p in _problems(measurements, page, "phone", fonts)
                if p["kind"] not in ("code", "table")]
    assert not problems, f"{page} at 390 px ({fonts} fonts): {_report(problems)}"


@pytest.mark.parametrize("page", toc_pages())
def test_figure_text_is_at_least_9_css_px_on_a_phone(measurements, built_site, page):
    """Every figure records its smallest text in its PNG (or a video in its data attribute);
    at 390 px that text, scaled to the width the figure is shown at, is at least 9 CSS px."""
    from optimlab.plotting.legibility import MIN_TEXT_CSS_PX, css_text_px, recorded_text_px

    small = []
    for figure in measurements[page, "phone", "machine"]["figures"]:
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
