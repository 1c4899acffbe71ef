"""Sphinx extension: the intro's "how to run it" says what this build offers.

The substitution ``{{ run_options }}`` (MyST substitutions) is written from the same settings
that make the buttons: Binder and Colab only when the build knows its GitHub repository (the
launch menu, _ext/notebook_links.py), the PDF only when the build links one (_ext/pdf_edition.py),
and always the notebook download, whose first cell installs optimlab where it is missing.
"""

from __future__ import annotations


def run_options(binder: bool, colab: bool, pdf: bool) -> str:
    """The sentence(s) for the intro's "Run" item, for a build with these buttons."""
    places = [name for name, on in (("Binder", binder), ("Google Colab", colab)) if on]
    text = ""
    if places:
        text += (f"the launch button (the rocket) at the top of each page opens it on "
                 f"{' or '.join(places)}, in your browser, with nothing to install; or ")
    text += ("take its `.ipynb` from the download button at the top of the page and open it "
             "in any Jupyter: its first cell installs the book's package, optimlab, if it is "
             "missing (`pip install optimlab`).")
    if pdf:
        text += " The same download button offers the whole book as one PDF."
    return text


def _set_substitution(app, config):
    launch = config.html_theme_options.get("launch_buttons", {}) or {}
    repository = (config.html_theme_options.get("repository_url") or "").startswith("https://github.com/")
    binder = bool(launch.get("binderhub_url")) and repository
    # _ext/notebook_links.py adds Colab to sphinx-book-theme's launch menu, which exists when
    # some launch option is on
    colab = repository and any(launch.get(key) for key in ("binderhub_url", "jupyterhub_url", "thebe"))
    text = run_options(binder=binder, colab=colab, pdf=bool(getattr(config, "pdf_edition", "")))
    config.myst_substitutions = {**(config.myst_substitutions or {}), "run_options": text}


def setup(app):
    # after _ext/pdf_edition.py has read OPTIMLAB_PDF (config-inited, default priority)
    app.connect("config-inited", _set_substitution, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
