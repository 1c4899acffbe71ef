"""Sphinx extension: the book's PDF edition, on both sides of the build.

In the PDF (Sphinx's LaTeX builder, run by ``make pdf`` through tools/build_pdf.py):

- An animation cell's output (an :class:`optimlab.plotting.Animation`, which myst-nb receives
  as a bundle of ``text/html``, the video, and ``image/png``, its last frame) becomes a figure of
  that last frame, where the trajectories are drawn, whose caption says that it is the last frame
  of an animation that the web edition plays, with the address of the page (or, when the build
  has no ``html_baseurl``, the page's path in the web edition). If the cell already has a
  figure caption, the sentence is added to it.

- A reference to an exercise from another page, or from a solution's title, links the exercise
  (sphinx-exercise labels exercises its own way; see :class:`ExerciseReferences`).

In the web edition (the HTML builder):

- When the environment variable ``OPTIMLAB_PDF`` names the built PDF (tools/build_pdf.py sets it
  for the HTML build that follows the PDF), the PDF is copied into the site as ``book.pdf`` and
  every page's download menu links it. Without the variable (a plain ``make book``) no page links
  it and a ``book.pdf`` left by an earlier ``make pdf`` is removed, so the site never has a
  broken link and is the same as a clean build's. The link is a Sphinx configuration value
  (``pdf_edition``, rebuild ``html``), so switching it rewrites every page without re-reading
  any.

Explorers (the ``{explorer}`` directive, when it exists) should degrade in the PDF the same way:
a still and a sentence with the page's address. :func:`web_edition_note` builds that sentence
for any kind of interactive content; the directive's LaTeX side can call it (see its docstring).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

PDF_NAME = "book.pdf"
"""The PDF's file name, in _build/pdf/ and in the site."""

ENVIRONMENT_VARIABLE = "OPTIMLAB_PDF"

# What marks a cell output as an animation: the class of the element that its HTML
# representation (optimlab.plotting.video.Animation._repr_html_) wraps the video in.
ANIMATION_MARKER = 'class="optimlab-video"'


EXERCISE_NODES = (exercise_node, exercise_enumerable_node)

# --- the web edition: a link to the PDF ----------------------------------------------------------

def _pdf_from_environment(app, config):
    """Read OPTIMLAB_PDF into the configuration (an empty value: no PDF edition)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if value and not Path(value).is_file():
        raise ConfigError(f"{ENVIRONMENT_VARIABLE} names {value!r}, which is not a file: "
                          "build the PDF first (make pdf)")
    config.pdf_edition = PDF_NAME if value else ""


def _link_the_pdf(app, pagename, templatename, context, doctree):
    """Put the whole book's PDF first in the page's download menu."""
    if not app.config.pdf_edition:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, {
                "type": "link",
                "url": context["pathto"](app.config.pdf_edition, 1),
                "text": "Book (PDF)",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def _copy_or_remove_the_pdf(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / PDF_NAME
    if app.config.pdf_edition:
        shutil.copyfile(os.environ[ENVIRONMENT_VARIABLE], target)
    elif target.exists():
        target.unlink()


# --- the PDF: animations become stills -----------------------------------------------------------

def web_edition_note(app, docname: str, still: str = "The last frame of an animation",
                     verb: str = "plays it") -> nodes.inline:
    """The sentence "<still>; the web edition <verb>: <address>." for the page ``docname``;
    the address is a link when the build knows the site's base URL (``html_baseurl``), else
    the page's title and its path in the web edition.

    For an explorer, the ``{explorer}`` directive's LaTeX side can put its still in a figure and
    append ``web_edition_note(app, docname, "A still of an interactive explorer",
    "lets you use it")`` to the caption."""
    page = f"{docname}.html"
    base = (app.config.html_baseurl or "").rstrip("/")
    note = nodes.inline(classes=["pdf-edition-note"])
    note += nodes.Text(f"{still}; the web edition {verb}: ")
    if base:
        address = f"{base}/{page}"
        note += nodes.reference(address, address, refuri=address, internal=False)
    else:
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        note += nodes.Text(f"the page “{title}”, {page}")
    note += nodes.Text(".")
    return note


def _is_animation(bundle: nodes.Element) -> bool:
    return any(child.get("mime_type") == "text/html" and ANIMATION_MARKER in child.astext()
               for child in bundle.children)


class AnimationsToStills(SphinxPostTransform):
    """Before myst-nb picks one output per bundle (its SelectMimeType, priority 4), turn each
    animation's bundle into its last frame, in a figure captioned with the web page's address."""

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs):
        app = self.app
        bundles = [node for node in self.document.findall(nodes.container)
                   if node.get("nb_element") == "mime_bundle" and _is_animation(node)]
        for bundle in bundles:
            docname = _docname(bundle, self.env.docname)
            png = next((child for child in bundle.children
                        if child.get("mime_type") == "image/png"), None)
            if png is None:
                raise ValueError(f"{docname}: an animation has no image/png still for the PDF")
            note = web_edition_note(app, docname)
            figure = _ancestor(bundle, nodes.figure)
            if figure is not None:
                caption = next(figure.findall(nodes.caption))
                caption += nodes.Text(" ")
                caption += note
                bundle.replace_self(png.children)
            else:
                new_figure = nodes.figure("", *png.children, classes=["pdf-animation-still"])
                new_figure += nodes.caption("", "", note)
                bundle.replace_self(new_figure)


def _ancestor(node: nodes.Node, kind: type):
    parent = node.parent
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parent
    return parent


def _docname(node: nodes.Node, default: str) -> str:
    """The page a node comes from. The LaTeX builder puts the whole book in one tree and marks
    each page's top-level sections with its ``docname``; the root page's have none."""
    parent = node.parent
    while parent is not None and not (isinstance(parent, nodes.section) and "docname" in parent):
        parent = parent.parent
    return default if parent is None else parent["docname"]


class ExerciseReferences(SphinxPostTransform):
    """sphinx-exercise 1.2 labels an exercise in LaTeX ``exercise:<label>``, and rewrites only
    the references that carry a ``refid`` to match. The others keep Sphinx's address
    (``refuri`` ``%<docname>#<label>``), whose LaTeX label is never written: a reference from
    another page printed "Exercise ??" and a solution's title linked nowhere. Each of those
    becomes a link to ``exercise:<label>`` around the reference's own text, which the LaTeX
    writer typesets as usual (maths included), before sphinx-exercise's transform (priority 22).
    """

    default_priority = 21
    formats = ("latex",)

    def run(self, **kwargs):
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(nodes.reference)):
            address, _, label = node.get("refuri", "").partition("#")
            target = registry.get(label, {}).get("node")
            if not address.startswith("%") or not isinstance(target, EXERCISE_NODES):
                continue
            # A space that starts the text (a solution's title has one) is dropped inside
            # \hyperref's braces: it goes before the link.
            text = node.astext()
            lead = [nodes.Text(" ")] if text[:1].isspace() else []
            start = nodes.raw("", rf"\hyperref[exercise:{label}]{{", format="latex")
            node.replace_self([*lead, start, *node.children, nodes.raw("", "}", format="latex")])


def setup(app):
    app.add_config_value("pdf_edition", "", "html", types=[str])
    app.connect("config-inited", _pdf_from_environment)
    # After sphinx-book-theme has built the header buttons (priority 501).
    app.connect("html-page-context", _link_the_pdf, priority=600)
    app.connect("build-finished", _copy_or_remove_the_pdf)
    app.add_post_transform(AnimationsToStills)
    app.add_post_transform(ExerciseReferences)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
