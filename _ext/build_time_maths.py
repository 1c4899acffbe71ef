"""Sphinx extension: every formula rendered to SVG when the book is built, not in the reader's browser.

Sphinx's MathJax renderer leaves TeX in the pages and loads MathJax (1.2 MB of script, then its
fonts) to typeset it on the reader's device; on a slow phone the maths became readable several
seconds after the text. This renderer hands the TeX of every formula of the build to one Node
process running MathJax 4 (@mathjax/src, pinned in package.json/package-lock.json, installed by
`make book` with `npm ci`; see _ext/build_time_maths.js) and writes MathJax's SVG output into the
HTML, so that the maths is drawn with the page's first paint and no page loads a maths script.

Every formula fits its column, on a phone too, without scrolling: a display formula wider than
the narrowest of ``WIDTHS_EM`` is also drawn with MathJax's automatic line breaks for the widths
below its own, and the stylesheet shows, in each box, the drawing made for the widest of
``WIDTHS_EM`` that the box holds (a container query on the formula's box); an in-line formula
carries MathJax's break points and wraps with the text. An equation number sits right of its
formula when both fit, and below it otherwise. Sizes are in em, so a formula is as wide on the
reader's machine, whatever its fonts, as it was when its drawings were chosen.

What the pages keep from the MathJax renderer: the same TeX handling (Sphinx's display-maths
wrapping, the packages of MathJax's TeX input), equation numbers and their permalinks (the
``{eq}`` references point at the same ids), maths in sphinx-proof's algorithm boxes, glyphs drawn
in ``currentColor`` (so the dark theme colours them), and MathJax's assistive MathML beside each
drawing (the SVG itself is hidden from screen readers, which read the MathML). A glyph's path is
written once per page, in a hidden ``<svg>`` at the top of the article that the formulas refer
to (MathJax's "global" font cache, one per page), and a formula the page shows again refers to
its first drawing; the Node side leaves out what only MathJax's own scripts read (see
build_time_maths.js), which halves the bytes of MathJax's SVG output.

A TeX error fails the build, naming the formula.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util.math import get_node_equation_number

ROOT = Path(__file__).resolve().parent.parent
RENDERER = Path(__file__).with_suffix(".js")
STYLESHEET = "build_time_maths.css"
NAME = "build_time_svg"
# The widths of a formula's box (em of the text) that a wide display formula is drawn for: from
# a 360 px phone's column inside a box (20 em; 390 px gives 21 to 22.4 em) to the desktop
# column (43 em) and beyond. Each drawing costs bytes: none is made for narrower boxes.
WIDTHS_EM = (20, 22, 24, 27, 30, 34, 38, 43, 48, 54, 60)


def _display_tex(node: nodes.math_block) -> str:
    """The TeX that Sphinx's MathJax renderer would hand MathJax for a display formula."""
    if node["nowrap"]:
        return node.astext()
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    parts = [rf"\begin{{split}}{part}\end{{split}}" if r"\\" in part else part for part in parts]
    tex = r"\\".join(parts)
    if len(parts) > 1:
        tex = rf" \begin{{align}}\begin{{aligned}}{tex}\end{{aligned}}\end{{align}} "
    return tex


def _key(node) -> tuple[str, bool]:
    if isinstance(node, nodes.math_block):
        return _display_tex(node), True
    return node.astext(), False


class _Renderer:
    """Formulas rendered by MathJax in Node, all of a build in one process, remembered."""

    def __init__(self):
        self.rendered: dict[tuple[str, bool], dict] = {}
        self.css = ""

    def render(self, keys) -> None:
        missing = sorted({key for key in keys if key not in self.rendered})
        if not missing:
            return
        node = shutil.which("node")
        if node is None:
            raise ExtensionError("build_time_maths needs Node.js (`apt-get install nodejs npm`), "
                                 "then `npm ci` in the repository (make book runs it)")
        if not (ROOT / "node_modules" / "@mathjax" / "src").is_dir():
            raise ExtensionError("MathJax (@mathjax/src) is not installed: run `npm ci` in the "
                                 "repository (make book runs it)")
        request = json.dumps({"items": [{"tex": tex, "display": display}
                                        for tex, display in missing],
                              "widths": list(WIDTHS_EM)})
        done = subprocess.run([node, str(RENDERER)], input=request, capture_output=True,
                              text=True, cwd=ROOT)
        if done.returncode != 0:
            raise ExtensionError(f"MathJax could not render the maths: {done.stderr.strip()}")
        answer = json.loads(done.stdout)
        self.rendered.update(zip(missing, answer["results"]))
        self.css = answer["css"]

    def __getitem__(self, key) -> dict:
        if key not in self.rendered:
            self.render([key])
        return self.rendered[key]


def _renderer(app) -> _Renderer:
    if not hasattr(app, "_build_time_maths"):
        app._build_time_maths = _Renderer()
    return app._build_time_maths


def _math_nodes(doctree):
    yield from doctree.findall(lambda node: isinstance(node, (nodes.math, nodes.math_block)))


def _render_every_formula(app, env):
    """One Node process for all the build's maths, before any page is written; the stylesheet
    goes into _static now, so that every page links it as a clean build does."""
    if app.builder.format != "html":
        return []
    keys = set()
    for docname in sorted(env.found_docs):
        if docname in env.all_docs:
            keys.update(_key(node) for node in _math_nodes(env.get_doctree(docname)))
    renderer = _renderer(app)
    renderer.render(keys)
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / STYLESHEET).write_text(stylesheet(renderer.css), encoding="utf-8")
    return []


# MathJax's own stylesheet sizes and places the drawings; the theme's (pydata-sphinx-theme) puts a
# display formula and its number side by side in a flex box and lets the formula scroll. Here a
# display formula's box is the container its drawings are chosen by (one rule pair per width),
# nothing scrolls, the number goes below the formula when the two do not fit side by side (the
# theme's row-reverse puts the number, first in the page, on the right; wrap-reverse puts the
# line that holds it at the bottom), and an in-line formula flows with the text so that it can
# wrap at its break points.
_OUR_CSS = """
div.math {
  container-type: inline-size;
  flex-wrap: wrap-reverse;
  overflow: visible;
}

div.math > mjx-container[display] {
  overflow: visible;
  padding: 2px 0;
}

span.math {
  display: inline;
  overflow: visible;
}
"""

_CHOICE = """
@container (width < {width}em) {{
  div.math svg[data-from="{width}"] {{ display: none; }}
}}
@container (width >= {width}em) {{
  div.math svg[data-below="{width}"] {{ display: none; }}
}}
"""


def stylesheet(mathjax_css: str) -> str:
    """MathJax's stylesheet, then the book's: the layout above and the choice of drawings."""
    return mathjax_css + _OUR_CSS + "".join(_CHOICE.format(width=width) for width in WIDTHS_EM)


# One drawing of a formula: an in-line formula with break points has several, a display
# formula one per width it is drawn for. (MathJax nests no <svg> at the top of a drawing.)
DRAWING = re.compile(r"(<svg\b[^>]*>)(<g\b)(.*?)</svg>", re.S)


def _formula(self, node) -> str:
    """The formula's drawings. A formula the page has drawn before refers to those first
    drawings (an SVG <use> each) instead of repeating them; its MathML stays, for screen
    readers."""
    key = _key(node)
    rendered = _renderer(self.builder.app)[key]
    page = self.builder._build_time_maths_page
    page["glyphs"].update(rendered["glyphs"])
    first = page["drawn"].get(key)
    ids = iter(first) if first is not None else None
    made = []

    def drawing(match):
        head, group, rest = match.groups()
        if ids is not None:
            return f'{head}<use href="#{next(ids)}"/></svg>'
        page["count"] += 1
        made.append(f"mjf-{page['count']}")
        return f'{head}{group} id="{made[-1]}"{rest}</svg>'

    html = DRAWING.sub(drawing, rendered["svg"])
    if first is None:
        page["drawn"][key] = made
    return html


def html_visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_formula(self, node) + "</span>")
    raise nodes.SkipNode


def html_visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if not node["nowrap"] and node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append('<span class="eqno">(%s)' % number)
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_formula(self, node) + "</div>\n")
    raise nodes.SkipNode


INLINE_TEX = re.compile(r"\$([^$]+)\$")


GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
    ("eta", 0x3B7), ("theta", 0x3B8), ("lambda", 0x3BB), ("mu", 0x3BC), ("pi", 0x3C0),
    ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3C6), ("psi", 0x3C8))}
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain_maths(text: str) -> str:
    """Text with its $...$ written in Unicode, for where no formula can be drawn (a link's
    tooltip): "rate $O(1/k^2)$" -> "rate O(1/k²)", "Any $\\beta _2$" -> "Any β₂"."""
    def plain(match):
        tex = re.sub(r"\\([A-Za-z]+)", lambda m: GREEK.get(m.group(1), m.group(1)), match[1])
        tex = re.sub(r"\s*_\{?(\d+)\}?", lambda m: m.group(1).translate(SUBSCRIPT), tex)
        tex = re.sub(r"\s*\^\{?(\d+)\}?", lambda m: m.group(1).translate(SUPERSCRIPT), tex)
        return tex.replace("{", "").replace("}", "")
    return INLINE_TEX.sub(plain, text)


def _maths_in_bibliography(app, doctree, docname):
    """sphinxcontrib-bibtex (through pybtex) writes a title's maths as text, dollars and TeX
    ("rate $O(1/k^2)$", "Any $\\beta _2$"): in the bibliography it becomes a formula, drawn
    like any other, and in a citation's tooltip Unicode text."""
    if app.builder.format != "html":
        return
    for reference in doctree.findall(nodes.reference):
        if "$" in reference.get("reftitle", ""):
            reference["reftitle"] = plain_maths(reference["reftitle"])
    for citation in doctree.findall(nodes.citation):
        for text in list(citation.findall(nodes.Text)):
            parts = INLINE_TEX.split(str(text))
            if len(parts) == 1:
                continue
            text.parent.replace(text, [nodes.math(part, part) if odd else nodes.Text(part)
                                       for odd, part in zip([0, 1] * len(parts), parts) if part])


def _maths_in_references_to_sections(app, doctree, docname):
    """A {ref} to a section takes the section's title as plain text, which spells out its
    maths ("Whose \\eta?"); a reference that shows the title gets the title's own nodes."""
    if app.builder.format != "html":
        return
    labels = app.env.get_domain("std").labels.values()
    for reference in list(doctree.findall(nodes.reference)):
        inner = reference.children[0] if len(reference.children) == 1 else None
        if not isinstance(inner, nodes.inline) or "std-ref" not in inner["classes"]:
            continue
        uri, _, label_id = (reference.get("refuri") or "").partition("#")
        target = docname
        if uri:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(docname),
                                                       uri.removesuffix(app.builder.link_suffix)))
        label_id = reference.get("refid") or label_id
        if (target, label_id, inner.astext()) not in labels:
            continue
        section = next(app.env.get_doctree(target).findall(
            lambda node: isinstance(node, nodes.section) and label_id in node["ids"]), None)
        if section is not None and any(section[0].findall(nodes.math)):
            inner[:] = [child.deepcopy() for child in section[0].children]


def _new_page(app, doctree, docname):
    """Each page starts with no glyph and no drawing of its own (a page is written right after
    its doctree is resolved, so the formulas drawn until the next page are this page's)."""
    app.builder._build_time_maths_page = {"glyphs": {}, "drawn": {}, "count": 0}


def _glyphs_of_the_page(app, pagename, templatename, context, doctree):
    """The paths of the glyphs the page's formulas use, once each, before the article's text."""
    glyphs = app.builder._build_time_maths_page["glyphs"]
    if not glyphs or "body" not in context:
        return
    paths = "".join(f'<path id="{glyph}" d="{glyphs[glyph]}"/>' for glyph in sorted(glyphs))
    context["body"] = ('<svg xmlns="http://www.w3.org/2000/svg" style="display: none" '
                       f'aria-hidden="true" focusable="false"><defs>{paths}</defs></svg>'
                       + context["body"])


def _start(app):
    app.builder._build_time_maths_page = {"glyphs": {}, "drawn": {}, "count": 0}
    app.add_css_file(STYLESHEET)


def setup(app):
    app.add_html_math_renderer(NAME, (html_visit_math, None), (html_visit_displaymath, None))
    app.connect("builder-inited", _start)
    app.connect("doctree-resolved", _new_page)
    app.connect("doctree-resolved", _maths_in_bibliography)
    app.connect("doctree-resolved", _maths_in_references_to_sections)
    app.connect("env-updated", _render_every_formula)
    app.connect("html-page-context", _glyphs_of_the_page)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
