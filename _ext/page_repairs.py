"""Sphinx extension: repairs to what the toolchain writes into the built site.

Each repair fixes a fault that tests/test_browser.py or tests/test_site.py found in pages built by
Jupyter Book 1.0.4 with Sphinx 7.4; each would otherwise be seen by readers.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from docutils import nodes

DEPRECATED_ENTRY_ROLE = 'role="doc-biblioentry"'


def _relabel_bibliography_entries(app, pagename, templatename, context, doctree):
    """Docutils marks each bibliography entry with the DPUB-ARIA role ``doc-biblioentry``
    inside a ``role="list"`` container. That role is deprecated (DPUB-ARIA 1.1), so screen
    readers and axe-core no longer count the entries as items of the list, and the list is
    announced as empty (axe rule ``aria-required-children``, critical). Each entry gets the
    plain ``listitem`` role instead."""
    body = context.get("body")
    if body and DEPRECATED_ENTRY_ROLE in body:
        context["body"] = body.replace(DEPRECATED_ENTRY_ROLE, 'role="listitem"')


def _drop_repeated_inline_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``)
    with the file name None, which Sphinx's builder keeps apart from the same script registered
    as '' (no file), so the page gets it twice and the browser throws "Identifier
    'THEBE_JS_URL' has already been declared" on every page. Keep the first copy of each
    inline script."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body") if not script.filename else None
        if body is not None:
            if body in seen:
                continue
            seen.add(body)
        kept.append(script)
    context["script_files"] = kept


# Stylesheets and scripts that extensions copy into _static only once every page is written
# (on build-finished): sphinx-proof, sphinx-exercise and myst-nb.
ASSETS_COPIED_AFTER_THE_PAGES = ("proof.css", "exercise.css", "mystnb.*.css", "mystnb.*.js")


def _forget_assets_copied_after_the_pages(app):
    """Sphinx appends ``?v=<checksum>`` to a stylesheet or script link only if the file is
    already in the output folder when the page is written. The assets above arrive after the
    pages, so a clean build links them without a checksum and any later build (which finds the
    previous copies) with one: the same page differs between builds. Deleting the old copies
    first makes every build write the pages as a clean build does; the extensions copy the files
    again at the end of the build."""
    static = Path(app.outdir) / "_static"
    for pattern in ASSETS_COPIED_AFTER_THE_PAGES:
        for path in static.glob(pattern):
            path.unlink()


def _same_notebook_every_build(app, pagename, templatename, context, doctree):
    """The executed notebook offered for download beside a page (_sources/<page>.ipynb, put
    there by notebook_links and by sphinx-book-theme) differs between two builds in two ways:
    jupytext gives each cell a random id, and a cell's printed lines arrive as one stream output
    or several depending on when the kernel flushed them. Number the cells and join consecutive
    outputs of the same stream, as the page itself shows them (see _join_split_streams)."""
    path = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    if not path.is_file():
        return
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
        if "outputs" not in cell:
            continue
        joined = []
        for output in cell.outputs:
            previous = joined[-1] if joined else None
            if (previous is not None and output.output_type == "stream"
                    and previous.output_type == "stream" and previous.name == output.name):
                previous.text += output.text
            else:
                joined.append(output)
        cell.outputs = joined
    nbformat.write(notebook, path)


def _is_stream_output(node) -> bool:
    classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
    return (isinstance(node, nodes.literal_block) and "output" in classes
            and ("stream" in classes or "stderr" in classes))


def _join_split_streams(app, doctree):
    """The kernel sends what a cell prints in chunks, at moments that depend on timing (and a
    chunk may end between a line and its newline), so one cell's printed lines become one
    output block in one build and two in the next. Join neighbouring outputs of the same stream
    into one, text for text. (myst-nb's nb_merge_streams strips each chunk, which turns a chunk
    boundary before a newline into a blank line: just as build-dependent.)"""
    removed = set()
    for node in list(doctree.findall(_is_stream_output)):
        if id(node) in removed:
            continue
        following = node.next_node(descend=False, siblings=True)
        while (following is not None and _is_stream_output(following)
               and following["classes"] == node["classes"]):
            text = node.astext() + following.astext()
            node.rawsource = text
            node.clear()
            node += nodes.Text(text)
            following.parent.remove(following)
            removed.add(id(following))
            following = node.next_node(descend=False, siblings=True)


def _icon_on_the_redirect_page(app, exception):
    """sphinx-external-toc writes the site's index.html as a bare redirect to the first page
    (at build-finished): a browser that opens the site's address would ask for a /favicon.ico
    the site lacks. It names the book's icon, as every page does."""
    if exception is not None or app.builder.format != "html" or not app.config.html_favicon:
        return
    index = Path(app.outdir) / "index.html"
    if not index.is_file():
        return
    text = index.read_text(encoding="utf-8")
    if text.lstrip().startswith('<meta http-equiv="Refresh"') and 'rel="icon"' not in text:
        icon = f"_static/{Path(app.config.html_favicon).name}"
        index.write_text(f'<link rel="icon" href="{icon}"/>\n{text}', encoding="utf-8")


STATIC = Path(__file__).parent / "static"


def _add_static_folder(app, config):
    # Relative to the book's folder: an absolute path would enter Sphinx's configuration hash
    # (_build/html/.buildinfo), which would then differ between two copies of the repository.
    config.html_static_path.append(os.path.relpath(STATIC, app.confdir))


def setup(app):
    app.connect("config-inited", _add_static_folder)
    # Loaded after the theme's stylesheets (priority 900), so that its rules win; see the file.
    app.add_css_file("page_repairs.css", priority=900)
    app.connect("builder-inited", _forget_assets_copied_after_the_pages)
    app.connect("doctree-read", _join_split_streams)
    app.connect("html-page-context", _relabel_bibliography_entries)
    # After every extension that writes the notebook download (the theme's run at 501).
    app.connect("html-page-context", _same_notebook_every_build, priority=900)
    app.connect("html-page-context", _drop_repeated_inline_scripts)
    # after sphinx-external-toc's redirect page (written at build-finished, priority 500)
    app.connect("build-finished", _icon_on_the_redirect_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
