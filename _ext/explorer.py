"""Sphinx extension: the ``{explorer}`` directive, an optimizer explorer that runs in the page.

A page writes

    ```{explorer}
    :compact:
    {"function": "ill_conditioned_quadratic", "x0": [9, -3], "steps": 100,
     "runs": [{"optimizer": "adam", "options": {"lr": 0.2, "betas": [0.9, 0.999]}}]}
    ```

and gets a labelled set of controls, the landscape with the paths, a loss curve and a readout,
all computed by ``explorer_static/optimlab_core.js`` (the package's rules in JavaScript, checked
against optimlab by tests/explorer). The body is the page's settings, in the package's names;
the build checks them with the package's own factories, so a bad setting fails the build.

What the pictures share with the book's figures comes from the package at build time, into
``_static/optimlab_explorer_data.js``: each test function's window, minima, start, contour
levels (``optimlab.plotting.scene.contour_levels``) and the fill colours matplotlib gives them,
and ``OPTIMIZER_COLOURS``. Script and style are added only to pages with an explorer.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

STATIC = Path(__file__).with_name("explorer_static")
SCRIPTS = ("optimlab_core.js", "optimlab_noise.js", "explorer.js")
STYLE = "explorer.css"
DATA = "optimlab_explorer_data.js"
DEFAULTS = {"function": "ill_conditioned_quadratic", "steps": 100,
            "runs": [{"optimizer": "adam", "options": {"lr": 0.2}}]}


class explorer_node(nodes.General, nodes.Element):
    """Where an explorer goes; written as a div holding its settings."""


def _check_settings(settings: dict, where: str) -> dict:
    """The settings with defaults filled in, after the package's own checks of each run."""
    from optimlab import functions
    from optimlab.optimizers import from_options

    settings = {**DEFAULTS, **settings}
    unknown = set(settings) - {"function", "x0", "steps", "runs", "schedule", "noise", "metric",
                               "heatmap"}
    if unknown:
        raise ValueError(f"{where}: unknown explorer setting(s) {sorted(unknown)}")
    function = getattr(functions, settings["function"], None)
    if function not in functions.ALL:
        raise ValueError(f"{where}: function must name one of optimlab.functions.ALL; "
                         f"got {settings['function']!r}")
    settings.setdefault("x0", list(function.start))
    for run in settings["runs"]:
        from_options(run["optimizer"], run.get("options", {}))  # raises, naming the bad option
    return settings


class Explorer(SphinxDirective):
    has_content = True
    option_spec = {"compact": directives.flag, "label": directives.unchanged}

    def run(self):
        where = f"{self.env.docname}:{self.lineno}"
        text = "\n".join(self.content).strip()
        try:
            settings = _check_settings(json.loads(text) if text else {}, where)
        except (ValueError, TypeError, json.JSONDecodeError) as error:
            raise self.error(f"explorer settings: {error}") from error
        node = explorer_node()
        node["settings"] = settings
        node["compact"] = "compact" in self.options
        node["label"] = self.options.get("label", "")
        node["docname"] = self.env.docname  # the PDF assembles every page into one doctree
        self.env.metadata[self.env.docname]["optimlab_explorer"] = True
        return [node]


def _visit(self, node):
    config = json.dumps(node["settings"], sort_keys=True, separators=(",", ":"))
    attributes = {"class": "optimlab-explorer" + (" compact" if node["compact"] else ""),
                  "data-settings": config}
    if node["label"]:
        attributes["data-label"] = node["label"]
    self.body.append(self.starttag(node, "div", **attributes))
    self.body.append('<p class="optimlab-explorer-noscript">The interactive explorer needs '
                     "JavaScript; the page's figures show the same runs.</p>")


def _depart(self, node):
    self.body.append("</div>\n")


def _skip(self, node):
    raise nodes.SkipNode


def landscape_data() -> dict:
    """What the explorer's pictures share with the book's figures, made by the package."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from optimlab import functions
    from optimlab.optimizers import catalogue
    from optimlab.plotting import OPTIMIZER_COLOURS, SWEEP_COLOURS
    from optimlab.plotting import scene

    landscapes = {}
    for name in functions.__all__:
        function = getattr(functions, name)
        if not any(function is f for f in functions.ALL):
            continue
        x1, x2, values = function.grid(scene._GRID_RESOLUTION)
        levels = scene.contour_levels(function, values)
        ax = Figure().subplots()
        filled = ax.contourf(x1, x2, values, levels=np.concatenate([[values.min()], levels]),
                             cmap="Blues_r", alpha=0.28, extend="max")
        fills = [matplotlib.colors.to_hex(c, keep_alpha=False)
                 for c in filled.cmap(filled.norm(filled.layers))]
        landscapes[name] = {
            "title": function.name, "window": [list(map(float, w)) for w in function.window],
            "start": list(map(float, function.start)), "minima": function.minima.tolist(),
            "minimum_value": function.minimum_value, "levels": levels.tolist(),
            "floor": float(values.min()), "fills": fills,
            "aspect": scene.default_aspect(function), "auto_height": scene.AUTO_HEIGHT,
        }
    return {"landscapes": landscapes, "colours": dict(OPTIMIZER_COLOURS),
            "sweep": list(SWEEP_COLOURS),
            "contour": {"colour": "#5b6f8a", "alpha": 0.8, "fill_alpha": 0.28},
            "catalogue": catalogue()}


def _add_assets(app, pagename, templatename, context, doctree):
    if not app.env.metadata.get(pagename, {}).get("optimlab_explorer"):
        return
    app.add_css_file(STYLE)
    app.add_js_file(DATA)
    for script in SCRIPTS:
        app.add_js_file(script)


def _write_data(app):
    """Written before any page, so that every build (clean or not) gives the pages the same
    ``?v=`` checksum of it."""
    if app.builder.format == "html":
        text = "window.optimlab = Object.assign(window.optimlab || {}, "
        text += json.dumps(landscape_data(), sort_keys=True, separators=(",", ":")) + ");\n"
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / DATA).write_text(text)


def _static_hash() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _outdated(app, env, added, changed, removed):
    """Pages with an explorer are written again when its script or style changes, so that
    their ``?v=`` checksums are those of the files beside them."""
    digest = _static_hash()
    if getattr(env, "optimlab_explorer_static", None) == digest:
        return []
    env.optimlab_explorer_static = digest
    return [name for name, meta in env.metadata.items() if meta.get("optimlab_explorer")]


def _still(settings: dict, path: Path) -> None:
    """The explorer's starting picture, drawn by the package: its runs with the page's settings
    (and noise, if set; a schedule setting is not drawn) on the landscape, as
    ``optimlab.plot_paths`` draws them, in the book's colours, written as a PNG to ``path``."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import optimlab as ol
    from optimlab import functions
    from optimlab.optimizers import from_options
    from optimlab.plotting import colours_for
    from optimlab.plotting.legibility import figure_png

    function = getattr(functions, settings["function"])
    if settings.get("noise"):
        noise = settings["noise"]
        function = functions.noisy(function, scale=noise.get("scale", 1.0),
                                   seed=noise.get("seed", 0))
    paths = {}
    for run in settings["runs"]:
        options = run.get("options", {})
        label = run["optimizer"] + "".join(f", {k}={tuple(v) if isinstance(v, list) else v}"
                                           for k, v in sorted(options.items())
                                           if k in ("lr", "momentum", "beta", "betas"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ol.DivergenceWarning)
            paths[label] = ol.run(from_options(run["optimizer"], options), function.grad,
                                  settings["x0"], settings["steps"])
    picture = ol.plot_paths(function, paths, colours=colours_for(paths))
    path.write_bytes(figure_png(picture))


def _explorers_as_stills(app, doctree, docname):
    """In the PDF an explorer becomes its starting picture and the address of the page that
    runs it (pdf_edition's note)."""
    if app.builder.format != "latex":
        return
    from pdf_edition import web_edition_note

    for index, node in enumerate(list(doctree.findall(explorer_node))):
        page = node.get("docname", docname)
        name = f"explorer-{page.replace('/', '-')}-{index}.png"
        _still(node["settings"], Path(app.outdir) / name)
        picture = nodes.raw("", "\\begin{center}\\includegraphics[width=0.8\\linewidth]"
                            f"{{{name}}}\\end{{center}}\n", format="latex")
        caption = nodes.paragraph()
        caption += nodes.emphasis("", "", web_edition_note(
            app, page, "A still of an interactive explorer, with the page's settings",
            "lets you change them"))
        node.replace_self([picture, caption])


def setup(app):
    app.connect("doctree-resolved", _explorers_as_stills)
    app.add_node(explorer_node, html=(_visit, _depart), latex=(_skip, None),
                 text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.add_directive("explorer", Explorer)
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(STATIC)))
    app.connect("builder-inited", _write_data)
    # Before the theme's own handlers, which copy the page's list of scripts.
    app.connect("html-page-context", _add_assets, priority=100)
    app.connect("env-get-outdated", _outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
