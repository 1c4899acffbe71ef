"""No built page shows TeX as text: every formula of the prose, of a caption, of an algorithm
box, of a reference to a section and of the bibliography is drawn, not spelled out.

Read from the built HTML files (every page of the site, the bibliography and the index
included): the text outside maths drawings, code and scripts, and the text a reader is shown
from attributes (a citation's tooltip, an image's alt text, a control's label), must hold no
TeX command (``\\eta``, ``\\frac``), no ``$...$``, no sub- or superscript group (``_{``, ``^{``)
and no subscript that pybtex spaced out (`` _2``).
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

RAW_TEX = re.compile(r"\\[A-Za-z]+|\$[^$\s](?:[^$]*[^$\s])?\$|\$\$|[_^]\{|\s_\d|\\[(\[]")
# elements whose text is not prose: code, scripts, and the maths drawings with their MathML
NOT_PROSE = {"script", "style", "pre", "code", "textarea", "svg", "math", "mjx-container"}
SHOWN_ATTRIBUTES = {"title", "alt", "aria-label", "aria-valuetext"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Prose(HTMLParser):
    """The text of a page outside NOT_PROSE elements, with what TeX it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.raw: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)
        if not NOT_PROSE.intersection([*self.open, tag]):
            for name, value in attrs:
                if name in SHOWN_ATTRIBUTES and value and RAW_TEX.search(value):
                    self.raw.append(f"{name}: {' '.join(value.split())[:110]}")

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if not NOT_PROSE.intersection(self.open) and RAW_TEX.search(data):
            self.raw.append(" ".join(data.split())[:120])


def raw_tex(html: str) -> list[str]:
    """The pieces of text of a page that spell out TeX."""
    parser = _Prose()
    parser.feed(html)
    return parser.raw


def test_the_check_finds_tex_left_as_text():
    page = ('<p>Whose \\eta? <span class="math"><mjx-container><svg></svg><math><mi>η</mi>'
            '</math></mjx-container></span></p><pre>x = "\\frac"</pre>'
            '<div class="citation">with rate $O(1/k^2)$, any $\\beta _2$</div>'
            '<p>x_{t-1} and 2^{10}</p><p>cost $5 and $6, a_b</p>'
            '<a href="#x" title="rate $O(1/k^2)$">Nesterov</a><img alt="a valley" src="v.png">')
    assert raw_tex(page) == ["Whose \\eta?", "with rate $O(1/k^2)$, any $\\beta _2$",
                             "x_{t-1} and 2^{10}", "title: rate $O(1/k^2)$"]


def test_no_page_shows_tex_as_text(built_site):
    found = {}
    for path in sorted(built_site.rglob("*.html")):
        raw = raw_tex(path.read_text(encoding="utf-8"))
        if raw:
            found[path.relative_to(built_site).as_posix()] = raw
    assert found == {}, "TeX left as text"


def test_maths_in_a_tooltip_is_written_in_unicode():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
    try:
        from build_time_maths import plain_maths
    finally:
        sys.path.pop(0)
    assert plain_maths("rate $O(1/k^2)$.") == "rate O(1/k²)."
    assert plain_maths("Any $\\beta _2$ with") == "Any β₂ with"
    tooltip = plain_maths("$\\eta_{10}$ and $x^{12}$")
    assert tooltip == "η₁₀ and x¹²" and raw_tex(f'<a title="{tooltip}">x</a>') == []
