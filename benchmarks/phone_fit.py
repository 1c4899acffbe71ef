"""How many display equations and printed outputs do not fit a 390 px phone, on the built site.

Issue 21 counted, before its work, 48 of 92 display equations scrolling inside their box and 205
of 229 printed outputs wider than a phone. The built site (_build/html, or --site) is served
from 127.0.0.1 and every page of the table of contents is opened once in Debian's Chromium
(Playwright, never a downloaded browser) at 390 x 844 px. A display equation (div.math) does
not fit when it, its drawing or a box within three levels around it is wider than it shows
(scrolls or is cut); a printed output (a text output's pre, a table or results table of a code
cell's output) when it or such a box scrolls sideways. Prints the count per page and in all,
and whether the page itself scrolls sideways.

Run from the repository root after `make book` (FONTCONFIG_FILE, if set, reaches Chromium:
tests/test_browser.py's OPTIMLAB_FONTS=base restricts the fonts through it):

    OPTIMLAB_CHROMIUM=/usr/bin/chromium .venv/bin/python benchmarks/phone_fit.py [--site DIR]
"""

from __future__ import annotations

from chapter_length import command_line, evaluate_pages

VIEWPORT = {"width": 390, "height": 844}

COUNT = """
() => {
  const scrolls = (el) => el.scrollWidth > el.clientWidth + 1 && el.getBoundingClientRect().width > 0;
  const overflows = (el) => {
    if (scrolls(el)) return true;
    for (let up = el.parentElement, i = 0; up && i < 3; i++, up = up.parentElement) {
      if (scrolls(up)) return true;
    }
    return false;
  };
  const displays = [...document.querySelectorAll("article div.math")];
  const wideDisplays = displays.filter((math) => {
    if (overflows(math)) return true;
    const box = math.getBoundingClientRect();
    return [...math.querySelectorAll("mjx-container > svg")].some((svg) => {
      const r = svg.getBoundingClientRect();
      return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
    }) || [...math.querySelectorAll("mjx-container")].some(overflows);
  });
  const outputs = [...document.querySelectorAll(
    "article div.cell_output pre, article div.cell_output table, article div.results-table")];
  const wideOutputs = outputs.filter(overflows);
  return {displays: displays.length, wideDisplays: wideDisplays.length,
          outputs: outputs.length, wideOutputs: wideOutputs.length,
          pageScrolls: document.scrollingElement.scrollWidth > window.innerWidth};
}
"""


def main() -> None:
    site, pages, executable = command_line(__doc__.split("\n")[0])
    counts = evaluate_pages(site, pages, executable, VIEWPORT, COUNT)
    print(f"{'page':28s} {'displays':>14s} {'outputs':>14s}  (not fitting / all, at 390 px)")
    for page, c in counts.items():
        scrolls = "  the page scrolls sideways" if c["pageScrolls"] else ""
        print(f"{page:28s} {c['wideDisplays']:>6d} / {c['displays']:<5d} "
              f"{c['wideOutputs']:>6d} / {c['outputs']:<5d}{scrolls}")
    total = {key: sum(c[key] for c in counts.values())
             for key in ("wideDisplays", "displays", "wideOutputs", "outputs")}
    print(f"{'all pages':28s} {total['wideDisplays']:>6d} / {total['displays']:<5d} "
          f"{total['wideOutputs']:>6d} / {total['outputs']:<5d}")
    print(f"pages that scroll sideways: {sum(c['pageScrolls'] for c in counts.values())}"
          f" of {len(counts)}")


if __name__ == "__main__":
    main()
