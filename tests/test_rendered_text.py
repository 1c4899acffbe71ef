"""No built page shows TeX as text: every formula of the prose, of a caption, of an algorithm
box, of a reference to a section and of the bibliography is drawn, not spelled out.

Read from the built HTML files (every page of the site, the bibliography and the index
included): the text outside maths drawings, code and scripts must hold no TeX command
(``\\eta``, ``\\frac``), no ``$...$``, no sub- or superscript group (``_{``, ``^{``) and no
subscript that pybtex spaced out (`` _2``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

RAW_TEX = re.compile(r"\\[A-Za-z]+|\$[^$\s](?:[^$]*[^$\s])?\$|\$\$|[_^]\{|\s_\d|\\[(\[]")
# elements whose text is not prose: code, scripts, and the maths drawings with their MathML
NOT_PROSE = {"script", "style", "pre", "code", "textarea", "svg", "math", "mjx-container"}
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
            '<p>x_{t-1} and 2^{10}</p><p>cost $5 and $6, a_b</p>')
    assert raw_tex(page) == ["Whose \\eta?", "with rate $O(1/k^2)$, any $\\beta _2$",
                             "x_{t-1} and 2^{10}"]


def test_no_page_shows_tex_as_text(built_site):
    found = {}
    for path in sorted(built_site.rglob("*.html")):
        raw = raw_tex(path.read_text(encoding="utf-8"))
        if raw:
            found[path.relative_to(built_site).as_posix()] = raw
    assert found == {}, "TeX left as text"
