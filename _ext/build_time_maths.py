"""Sphinx extension: every formula rendered to SVG when the book is built, not in the reader's browser.

Sphinx's MathJax renderer leaves TeX in the pages and loads MathJax (1.2 MB of script, then its
fonts) to typeset it on the reader's device; on a slow phone the maths became readable several
seconds after the text. This renderer hands the TeX of every formula of the build to one Node
process running MathJax (mathjax-full, pinned in package.json/package-lock.json, installed by
`make book` with `npm ci`; see _ext/build_time_maths.js) and writes MathJax's SVG output into the
HTML, so that the maths is drawn with the page's first paint and no page loads a maths script.

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
        if not (ROOT / "node_modules" / "mathjax-full").is_dir():
            raise ExtensionError("mathjax-full is not installed: run `npm ci` in the repository "
                                 "(make book runs it)")
        request = json.dumps([{"tex": tex, "display": display} for tex, display in missing])
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
    (static / STYLESHEET).write_text(renderer.css + _OUR_CSS, encoding="utf-8")
    return []


# MathJax's own stylesheet sizes and places the SVG; the displayed formulas scroll sideways
# inside their box on a narrow screen rather than widening the page, as MathJax's CHTML did.
_OUR_CSS = """
div.math > mjx-container[jax="SVG"][display="true"] {
  overflow-x: auto;
  overflow-y: hidden;
  padding: 2px 0;
}
"""


DRAWING = re.compile(r"(<mjx-container[^>]*><svg[^>]*>)(<g\b)(.*</svg>)(<mjx-assistive-mml.*)\Z",
                     re.S)


def _formula(self, node) -> str:
    """The formula's drawing. A formula the page has drawn before refers to that first drawing
    (an SVG <use>) instead of repeating it; its MathML stays, for screen readers."""
    rendered = _renderer(self.builder.app)[_key(node)]
    page = self.builder._build_time_maths_page
    page["glyphs"].update(rendered["glyphs"])
    parts = DRAWING.match(rendered["svg"])
    if parts is None:
        return rendered["svg"]
    head, group, drawing, rest = parts.groups()
    if _key(node) in page["drawn"]:
        return f'{head}<use href="#{page["drawn"][_key(node)]}"/></svg>{rest}'
    page["drawn"][_key(node)] = drawing_id = f"mjf-{len(page['drawn']) + 1}"
    return f'{head}{group} id="{drawing_id}"{drawing}{rest}'


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


def _new_page(app, doctree, docname):
    """Each page starts with no glyph and no drawing of its own (a page is written right after
    its doctree is resolved, so the formulas drawn until the next page are this page's)."""
    app.builder._build_time_maths_page = {"glyphs": {}, "drawn": {}}


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
    app.builder._build_time_maths_page = {"glyphs": {}, "drawn": {}}
    app.add_css_file(STYLESHEET)


def setup(app):
    app.add_html_math_renderer(NAME, (html_visit_math, None), (html_visit_displaymath, None))
    app.connect("builder-inited", _start)
    app.connect("doctree-resolved", _new_page)
    app.connect("env-updated", _render_every_formula)
    app.connect("html-page-context", _glyphs_of_the_page)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
