"""The pages' controls, searched, focused and printed, in Debian's Chromium (see test_browser.py).

- Every control a keyboard reaches shows a focus ring when focused (the theme's header buttons,
  the copy and toggle buttons, the explorers' inputs), at desktop and at phone width.
- On paper (print media) no control is left: no button, input, select or toggle line.
- Every page names the book's icon, so no browser asks for a /favicon.ico the site lacks.
- The site's search page finds sections by the ASCII names a practitioner types ("beta2 0.95",
  "adam epsilon", "adamw weight decay", "lr"): the first result links to a section whose title
  has that symbol; and no result's text is the theme's colour switch.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from test_book import toc_pages
from test_browser import DESKTOP, PHONE, browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PAGES = toc_pages()

# Every element the Tab key stops at (rendered, enabled, not taken out of the order), focused in
# turn after a key press (so that :focus-visible applies, as for a keyboard user), with what
# makes its ring: an outline at least 2 px wide, or a box shadow, on it or on a part of it; an
# element that is transparent (itself or an ancestor) shows no ring whatever its outline.
FOCUS_RINGS = """() => {
  const selector = "a[href], button, input, select, textarea, summary, [tabindex]";
  const opacity = el => { let o = 1; for (; el; el = el.parentElement) o *= +getComputedStyle(el).opacity; return o; };
  const missing = [];
  let checked = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.disabled || el.closest("[inert], details:not([open]) > :not(summary)")) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    checked++;
    // the ring may be drawn on a part of the control (the theme rings a sidebar toggle's arrow)
    const ringed = [el, ...el.querySelectorAll("*")].some(part => {
      const style = getComputedStyle(part);
      return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) ||
             (style.boxShadow && style.boxShadow !== "none");
    });
    if (!ringed || opacity(el) < 0.5) {
      missing.push(el.outerHTML.slice(0, 100));
    }
  }
  return {checked, missing: missing.slice(0, 8), count: missing.length};
}"""

PRINTED_CONTROLS = """() => [...document.querySelectorAll(
        "button, input, select, textarea, summary, [role=button]")]
    .filter(el => { const r = el.getBoundingClientRect();
                    return r.width > 0 && r.height > 0 && el.checkVisibility({opacityProperty: true,
                                                                             visibilityProperty: true}); })
    .map(el => el.outerHTML.slice(0, 100))"""


@pytest.fixture(scope="module")
def tab(browser, server):  # noqa: F811 (fixtures)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


# What a control looks like once focused, not half-way through a transition (the copy buttons
# fade in over 0.3 s).
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"


def _open(tab, server, page, viewport):
    tab.set_viewport_size(viewport)
    tab.goto(f"{server}/{page}.html", wait_until="load")
    tab.add_style_tag(content=NO_TRANSITIONS)
    tab.keyboard.press("Tab")  # the last input was a key: focus shows as a keyboard's


@pytest.mark.parametrize("page", PAGES)
def test_every_control_shows_a_focus_ring(tab, server, page):
    for viewport in (DESKTOP, PHONE):
        _open(tab, server, page, viewport)
        found = tab.evaluate(FOCUS_RINGS)
        assert found["checked"] > 10, f"only {found['checked']} controls reached on {page}"
        assert found["count"] == 0, (f"{page} at {viewport['width']} px: {found['count']} "
                                     f"controls without a visible focus ring: {found['missing']}")


@pytest.mark.parametrize("page", PAGES)
def test_no_control_is_printed(tab, server, page):
    _open(tab, server, page, DESKTOP)
    tab.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    tab.emulate_media(media="print")
    try:
        printed = tab.evaluate(PRINTED_CONTROLS)
    finally:
        tab.emulate_media(media="screen")
    assert printed == []


def test_every_page_names_the_books_icon(built_site):
    """Every page of the site (the theme's templates in _static aside), the redirect at the
    site's address included."""
    for path in sorted(built_site.rglob("*.html")):
        if path.relative_to(built_site).parts[0] == "_static":
            continue
        html = path.read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert icon, f"{path.relative_to(built_site)} names no icon"
        assert (path.parent / icon.group(1).split("?")[0]).is_file(), icon.group(1)


# query -> what the title of the first result's section must contain
SEARCHES = {
    "beta2 0.95": r"β₂ = 0\.95",
    "adam epsilon": r"ε|ϵ|epsilon",
    "adamw weight decay": r"(?i)weight decay",
    "lr": r"η|(?i:learning[- ]rate)",
}


def _search(tab, server, query):
    tab.goto(f"{server}/search.html?q={quote(query)}", wait_until="load")
    tab.wait_for_function("() => /found|did not match/i.test("
                          "(document.querySelector('#search-progress') || {}).textContent || '')"
                          " || document.querySelector('.search-summary')", timeout=60000)
    tab.wait_for_function("() => document.querySelectorAll('ul.search > li').length > 0 &&"
                          " [...document.querySelectorAll('ul.search > li')].every("
                          "li => li.querySelector('p.context') || !li.textContent.trim())",
                          timeout=60000)
    return tab.evaluate("""() => [...document.querySelectorAll('ul.search > li')].map(li => ({
        href: li.querySelector('a').getAttribute('href'),
        text: (li.querySelector('p.context') || {textContent: ''}).textContent}))""")


@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds_the_section_by_its_ascii_name(tab, server, built_site, query):
    results = _search(tab, server, query)
    print(f"{query!r}: {[result['href'] for result in results[:3]]}")
    assert results, f"nothing found for {query!r}"
    page, _, anchor = results[0]["href"].partition("#")
    assert anchor, f"the first result for {query!r} is a page, not a section: {results[0]}"
    tab.goto(f"{server}/{page}", wait_until="load")
    title = tab.evaluate("id => { const s = document.getElementById(id); const h = s && "
                         "s.querySelector('h1, h2, h3, h4'); return h ? h.textContent : ''; }",
                         anchor)
    assert re.search(SEARCHES[query], title), (query, results[0]["href"], title)
    assert not any("System Settings" in result["text"] for result in results), (
        "a result's text is the colour switch's")
