"""Sphinx extension: the site's search finds sections by the ASCII names of their symbols.

A practitioner types what their code says, ``beta2 0.95``, ``adam epsilon``, ``lr``, ``adamw
weight decay``, while the book's titles say β₂, ε and η. Sphinx's search indexes words, so
"beta2" matches no title (and only code cells in the text). Every section whose title names one
of the symbols below gets entries in the search index under the symbol's ASCII names, alone,
with the value the title gives it (``beta2 0.95`` for "Why β₂ = 0.95 ...") and after each
optimizer its title or the page's title names (``adam epsilon`` for "Where ε goes" on the Adam
page). Sphinx's search page lists such an entry first, as a link to the section.

The entries go into the search index only: they are index nodes added after the index of the
book (genindex) was collected, which the HTML writer skips and the search indexer reads.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes

# symbol (as TeX, Unicode or words in a title) -> its ASCII names
SYMBOLS = {
    "beta2": (r"\\beta_\{?2\}?|β₂|β2|\bbeta2\b", ("beta2", "beta_2")),
    "beta1": (r"\\beta_\{?1\}?|β₁|β1|\bbeta1\b", ("beta1", "beta_1")),
    "epsilon": (r"\\(?:var)?epsilon\b|ε|ϵ|\beps(?:ilon)?\b", ("eps", "epsilon")),
    "learning rate": (r"\\eta\b|η|\blearning[- ]rate|\bstep size", ("lr", "learning rate")),
    "weight decay": (r"\bweight[ _]decay", ("weight decay", "weight_decay")),
}
OPTIMIZERS = ("SGD", "momentum", "AdaGrad", "RMSProp", "Adam", "AdamW", "AMSGrad", "NAdam",
              "RAdam", "Adamax", "Lion", "Adafactor", "ADOPT")
NUMBER = r"\s*=\s*(\d+(?:\.\d+)?(?:e-?\d+)?)"


def entries_for(title: str, page_title: str) -> list[str]:
    """The search entries of a section with this title on a page with that title."""
    names = [name for name in OPTIMIZERS
             if re.search(rf"\b{name}\b", f"{title} {page_title}", re.IGNORECASE)]
    entries = []
    for pattern, ascii_names in SYMBOLS.values():
        match = re.search(pattern, title, re.IGNORECASE)
        if match is None:
            continue
        value = re.match(NUMBER, title[match.end():])
        for ascii_name in ascii_names:
            entries.append(ascii_name)
            if value:
                entries.append(f"{ascii_name} {value.group(1)}")
            entries += [f"{name} {ascii_name}" for name in names]
    return list(dict.fromkeys(entry.lower() for entry in entries))


def _add_search_entries(app, doctree, docname):
    if app.builder.format != "html":
        return
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return
    page_title = sections[0][0].astext()
    for section in sections:
        # the page's own sections, not the content boxes of algorithms and exercises (which
        # sphinx-proof and sphinx-exercise make sections too, all with the same id)
        if not (isinstance(section.parent, (nodes.document, nodes.section))
                and isinstance(section[0], nodes.title)):
            continue
        entries = entries_for(section[0].astext(), page_title)
        if entries and section["ids"]:
            section.insert(1, addnodes.index(entries=[
                ("single", entry, section["ids"][0], "main", None) for entry in entries]))


def setup(app):
    # after the index of the book is collected (when the document was read): search only
    app.connect("doctree-resolved", _add_search_entries)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
