"""Sphinx extension: the page's notebook links, whether or not the build knows its repository.

- Every notebook page offers its executed notebook (.ipynb) for download. sphinx-book-theme
  does so only as a side effect of its launch buttons, which exist only when the build is
  given a repository (make book REPO=owner/name); without one, the download went missing too.
- On a page whose outputs came from the execution cache, myst-nb 1.4 writes the notebook
  without them (it saves the notebook it read, not the one merged with the cached outputs), so
  the download had empty cells after any cached build (CI restores the cache). The cached
  outputs are merged back in before the file is offered.
- The notebook offered (the download, and the one Colab opens from the notebooks branch) starts
  with a cell that installs optimlab where it is missing (Colab, a fresh Jupyter): guarded by an
  import, so it does nothing where the package is installed (the book build, Binder, CI). pip
  reads its source from its own settings, so a test points it at a local wheel with
  PIP_FIND_LINKS and PIP_NO_INDEX (tools/run_notebooks.py). The executed notebook in
  jupyter_execute/ (and the execution cache) stays as it ran.
- Colab opens notebooks from GitHub only, not the MyST pages: a build that knows its GitHub
  repository (make book REPO=owner/name) adds "Colab" to the launch menu, opening
  https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/<page>.ipynb, where
  <branch> is ``colab_notebooks_branch`` (_config.yml). Every build collects the notebooks it
  offers into _build/notebooks/ (beside the site), the folder the deploy workflow publishes to
  that branch, so that each button opens a notebook that is there.
- Without live code (launch_buttons.thebe off), sphinx-thebe still writes its configuration
  into every page, naming its own example repository (binder-examples/...). Nothing can start
  it, but a page should not name a repository that is not the book's: the node is dropped.
"""

from __future__ import annotations

from pathlib import Path

import shutil

import nbformat
from docutils import nodes
from jupyter_cache import get_cache

THEBE_CONFIG = 'type="text/x-thebe-config"'
INSTALL_TAG = "optimlab-install"
"""The tag of the first cell of every offered notebook, the one that installs optimlab."""


def install_cell(version: str) -> nbformat.NotebookNode:
    """The guarded first cell: installs optimlab `version` unless it can be imported."""
    source = (
        "# Runs anywhere: installs optimlab, the book's package, where it is missing\n"
        "# (Colab, a fresh Jupyter); does nothing where it is installed.\n"
        "try:\n"
        "    import optimlab\n"
        "except ImportError:\n"
        f"    %pip install --quiet optimlab=={version}"
    )
    return nbformat.v4.new_code_cell(source, metadata={"tags": [INSTALL_TAG]})


def with_install_cell(notebook: nbformat.NotebookNode, version: str) -> nbformat.NotebookNode:
    """A copy of `notebook` that starts with :func:`install_cell` (once, however often called)."""
    notebook = nbformat.from_dict(notebook)
    cells = [c for c in notebook.cells if INSTALL_TAG not in c.get("metadata", {}).get("tags", [])]
    cell = install_cell(version)
    if (notebook.nbformat, notebook.nbformat_minor) >= (4, 5):
        cell.id = INSTALL_TAG  # fixed, so that clean builds stay byte-identical
    else:
        del cell["id"]
    notebook.cells = [cell, *cells]
    return notebook


def _thebe_enabled(app) -> bool:
    launch = app.config.html_theme_options.get("launch_buttons", {}) or {}
    return launch.get("thebe") is True


def _drop_unused_thebe_config(app, doctree, docname):
    if _thebe_enabled(app):
        return
    for node in list(doctree.findall(nodes.raw)):
        if THEBE_CONFIG in node.astext() or node.astext().startswith("<script>kernelName ="):
            node.parent.remove(node)


def _with_cached_outputs(app, notebook):
    """The notebook with the outputs the execution cache holds for it (unchanged if none)."""
    if app.config.nb_execution_mode != "cache":
        return notebook
    folder = app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    if not Path(folder).exists():
        return notebook
    try:
        _, merged = get_cache(folder).merge_match_into_notebook(notebook)
    except KeyError:  # not in the cache: the notebook was executed in this build
        return notebook
    return merged


def _offer_executed_notebook(app, pagename, templatename, context, doctree):
    """Put the notebook myst-nb executed for this page, with its outputs, beside its source
    in _sources/ (sphinx-book-theme copies the same file there when it has launch buttons)."""
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    notebook = nbformat.read(executed, as_version=4)
    if not any(cell.get("outputs") for cell in notebook.cells):
        nbformat.write(_with_cached_outputs(app, notebook), executed)
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    import optimlab

    offered = with_install_cell(nbformat.read(executed, as_version=4), optimlab.__version__)
    nbformat.write(offered, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


COLAB = "https://colab.research.google.com"
NOTEBOOKS = "notebooks"
"""The folder, beside the site (_build/notebooks), of the notebooks the deploy workflow publishes."""


def github_repository(app) -> tuple[str, str] | None:
    """(owner, name) of the build's repository when it is on GitHub, else None."""
    url = (app.config.html_theme_options.get("repository_url") or "").rstrip("/")
    prefix = "https://github.com/"
    if not url.startswith(prefix) or url.count("/") != 4:
        return None
    owner, name = url.removeprefix(prefix).split("/")
    return owner, name


def colab_url(owner: str, name: str, branch: str, pagename: str) -> str:
    """The address that opens the page's notebook, published on `branch`, in Colab."""
    return f"{COLAB}/github/{owner}/{name}/blob/{branch}/{pagename}.ipynb"


def _add_colab_button(app, pagename, templatename, context, doctree):
    """Add Colab to the launch menu sphinx-book-theme made (priority 501), if there is one."""
    repository = github_repository(app)
    if repository is None or "ipynb_source" not in context:
        return
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not groups:
        return
    groups[0]["buttons"].insert(1, {
        "type": "link",
        "text": "Colab",
        "tooltip": "Open this page's notebook in Google Colab",
        "icon": "_static/images/logo_colab.png",
        "url": colab_url(*repository, app.config.colab_notebooks_branch, pagename),
    })


def _collect_notebooks(app, exception):
    """Copy every notebook the site offers into _build/notebooks/<page>.ipynb (fresh each build)."""
    if exception is not None or app.builder.format != "html":
        return
    sources = Path(app.outdir) / "_sources"
    target = Path(app.outdir).parent / NOTEBOOKS
    if target.exists():
        shutil.rmtree(target)
    for notebook in sorted(sources.rglob("*.ipynb")):
        destination = target / notebook.relative_to(sources)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, destination)
    if target.exists():
        (target / "README.md").write_text(
            "# The book's notebooks\n\nWritten by the book's deploy workflow from the built site "
            "(one per page, executed, with a first cell that installs optimlab); Colab opens them "
            "from here. Do not edit: the next deployment replaces this branch.\n",
            encoding="utf-8")


def setup(app):
    app.add_config_value("colab_notebooks_branch", "notebooks", "html", types=[str])
    # After sphinx-book-theme has made its launch menu (priority 501).
    app.connect("html-page-context", _add_colab_button, priority=510)
    app.connect("build-finished", _collect_notebooks)
    # After sphinx-thebe's own doctree-resolved handler (default priority 500) has run.
    app.connect("doctree-resolved", _drop_unused_thebe_config, priority=900)
    # Before sphinx-book-theme builds its header buttons (priority 501).
    app.connect("html-page-context", _offer_executed_notebook, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
