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
``OPTIMIZER_COLOURS``, the optimizers' catalogue (``optimlab.optimizers.catalogue()``: every
default, check and message the JavaScript applies) and the explorer's own settings, declared
below with the package's check classes. Scripts and style are added only to pages with an
explorer.

The explorer keeps its state in the address, in a short form that names only what differs
from the page's settings (``#adam.lr=0.05&function=rosenbrock``; see explorer_state.js). The
``{explore}`` role writes such a link, checked at build time like the block itself:

    {explore}`open the explorer with β₁ = 0.99 <adam.betas=0.99,0.999>`
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import ReferenceRole, SphinxDirective

from optimlab import _checks

STATIC = Path(__file__).with_name("explorer_static")
# In the order they load: the catalogue's checks, the rules, the noise, then the explorer's parts.
SCRIPTS = ("optimlab_catalogue.js", "optimlab_core.js", "optimlab_noise.js", "explorer_draw.js",
           "explorer_controls.js", "explorer_state.js", "explorer_playback.js",
           "explorer_heatmap.js", "explorer.js")
STYLE = "explorer.css"
DATA = "optimlab_explorer_data.js"
DEFAULTS = {"function": "ill_conditioned_quadratic", "steps": 100,
            "runs": [{"optimizer": "adam", "options": {"lr": 0.2}}]}
MAX_RUNS = 6
MAX_STEPS = 5000
# The schedules the explorer offers (it sets their learning rate and length itself).
SCHEDULES = ("constant", "step_decay", "cosine_decay", "warmup_cosine")
LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Finite(_checks.Number):
    """Any finite float (a start may lie anywhere)."""

    low: float | None = None

    def interval(self) -> str:
        return "a finite number"


@dataclass(frozen=True)
class _IntegerBetween(_checks.Integer):
    """An integer in [low, high]."""

    high: int = 0

    def messages(self, name):
        message = f"{name} must be an integer in [{self.low}, {self.high}]; got {{value}}"
        return {"type": message, "range": message}

    def validate(self, name, value):
        if not _checks.is_integer(value) or not self.low <= value <= self.high:
            self.fail(name, "range", value)
        return int(value)

    def fields(self):
        return {"low": self.low, "high": self.high, "high_inclusive": True}


def landscapes() -> tuple[str, ...]:
    """The test functions the explorer offers, by their names in optimlab.functions."""
    from optimlab import functions

    return tuple(name for name in functions.__all__
                 if any(getattr(functions, name) is f for f in functions.ALL))


def settings_checks() -> dict:
    """The explorer's own settings, each with a check of the package's kinds: the same object
    checks a page's block here and an address in the page (explorer_state.js)."""
    finite = _Finite()
    return {
        "function": _checks.Choice(landscapes()),
        "x0": _checks.Pair((finite, finite), "(x1, x2)"),
        "steps": _IntegerBetween(1, MAX_STEPS),
        "t": _checks.Integer(0),
        "schedule": _checks.Choice(SCHEDULES),
        "noise": _checks.Pair((_checks.Number(0.0), _checks.Integer(0)), "(scale, seed)"),
        "metric": _checks.Choice(("loss", "distance")),
        "view": _checks.Choice(("paths", "zoom", "loss")),
    }


# What an address can get wrong besides a value (the values get the package's messages).
MESSAGES = {
    "unknown": "{value} is not a setting of the explorer (function, x0, steps, schedule, noise, "
               "metric, view, t, runs, cell, or optimizer.parameter)",
    "schedule_argument": "{value} is not an argument of the schedule that the explorer lets "
                         "you set",
    "too_many_runs": f"the explorer runs 1 to {MAX_RUNS} optimizers",
    "not_json": "not a JSON object of explorer settings",
    "not_decoded": "not valid percent-encoding",
    "no_value": "no value: write key=value",
    "past_the_end": "past the run's end: showing its last step, {value}",
    "old_cell": "a grid cell of an older version of this page",
    "no_cell": "not a cell of this page's grids",
    "no_noise": "noisy gradients are offered on the playground",
    # optimlab.run's (loop.py), for a start where the gradient is not finite; tests/explorer
    # compares the two.
    "grad_not_finite": "grad must be finite at x0; got {value} at x0={x0}",
}


def settings_data() -> dict:
    """The explorer's settings as the JavaScript reads them: each check described, the messages."""
    return {"checks": {name: check.describe(name) for name, check in settings_checks().items()},
            "messages": MESSAGES, "max_runs": MAX_RUNS}


class explorer_node(nodes.General, nodes.Element):
    """Where an explorer goes; written as a div holding its settings."""


def _check_settings(settings: dict, where: str) -> dict:
    """The settings with defaults filled in, after the explorer's checks of each setting and
    the package's own checks of each run (optimizers.from_options)."""
    from optimlab import functions, schedules
    from optimlab.optimizers import from_options

    settings = {**DEFAULTS, **settings}
    checks = settings_checks()
    unknown = set(settings) - set(checks) - {"runs", "heatmap", "cell"}
    if unknown:
        raise ValueError(f"{where}: unknown explorer setting(s) {sorted(unknown)}")
    settings.setdefault("x0", list(getattr(functions, str(settings["function"]), None).start)
                        if settings["function"] in landscapes() else None)
    for name, check in checks.items():
        if name in settings and name not in ("schedule", "noise"):
            check.validate(name, settings[name])
    if settings.get("noise") is not None:
        checks["noise"].validate("noise", [settings["noise"].get("scale"),
                                           settings["noise"].get("seed")])
    runs = settings["runs"]
    if not isinstance(runs, list) or not 1 <= len(runs) <= MAX_RUNS:
        raise ValueError(f"{where}: {MESSAGES['too_many_runs']}; got {runs!r}")
    for run in runs:
        from_options(run["optimizer"], run.get("options", {}))  # raises, naming the bad option
    schedule = dict(settings.get("schedule") or {"kind": "constant"})
    checks["schedule"].validate("schedule", schedule.pop("kind", None))
    if settings.get("schedule"):
        kind = settings["schedule"]["kind"]
        own = {"lr": 0.1, "peak": 0.1, "total_steps": settings["steps"]}
        wanted = {p["name"] for p in schedules.catalogue()[kind]["parameters"]}
        schedules.from_options({"schedule": kind, **{k: v for k, v in own.items() if k in wanted},
                                **schedule})
    return settings


def _value(text: str):
    """A value of an address as explorer_state.js reads it: numbers, true/false, null, lists."""
    if "," in text:
        return [_value(part) for part in text.split(",")]
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        number = float(text)
        return int(number) if number.is_integer() and re.fullmatch(r"[-+]?\d+", text) else number
    return text


def run_ids(runs: list) -> list[str]:
    """Each run's name in an address: its optimizer, numbered from the second of a kind."""
    seen: dict[str, int] = {}
    names = []
    for run in runs:
        seen[run["optimizer"]] = seen.get(run["optimizer"], 0) + 1
        count = seen[run["optimizer"]]
        names.append(run["optimizer"] + (f"-{count}" if count > 1 else ""))
    return names


def _order(key: str) -> int:
    return 0 if key == "runs" else 1 if key == "function" else 2 if key == "schedule" \
        else 3 if "." not in key else 4


def merge_link(settings: dict, link: str, where: str) -> dict:
    """The page's settings with the address ``link`` (the short form explorer_state.js reads)
    merged over them, checked as the block is: a ValueError names what the explorer would
    ignore, so that a link in a page cannot break."""
    from optimlab import functions

    state = copy.deepcopy(settings)
    parts = [part.split("=", 1) for part in link.split("&") if part]
    if any(len(part) != 2 for part in parts):
        raise ValueError(f"{where}: {link!r}: {MESSAGES['no_value']}")
    given = {key for key, _ in parts}
    for key, text in sorted(parts, key=lambda part: _order(part[0])):
        value = _value(text)
        head, _, name = key.partition(".")
        if key == "runs":
            ids = run_ids(state["runs"])
            state["runs"] = [state["runs"][ids.index(i)] if i in ids
                             else {"optimizer": i.split("-")[0], "options": {}}
                             for i in (value if isinstance(value, list) else [value])]
        elif key == "noise":
            state["noise"] = None if value == "off" else {"scale": value[0], "seed": value[1]}
        elif key == "cell":
            state["cell"] = value
        elif key == "schedule":
            state["schedule"] = {**state.get("schedule", {}), "kind": value}
        elif head == "schedule":
            state.setdefault("schedule", {"kind": "constant"})[name] = value
        elif not name:
            if key not in settings_checks():
                raise ValueError(f"{where}: {_checks.fill(MESSAGES['unknown'], key)}")
            state[key] = value
            if key == "function" and "x0" not in given:
                state["x0"] = list(getattr(functions, value).start)
        else:
            ids = run_ids(state["runs"])
            if head not in ids:
                state["runs"].append({"optimizer": head.split("-")[0], "options": {}})
                ids = run_ids(state["runs"])
            if head not in ids:
                raise ValueError(f"{where}: {head!r} names no run of the explorer")
            state["runs"][ids.index(head)].setdefault("options", {})[name] = value
    return _check_settings(state, where)


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
        meta = self.env.metadata[self.env.docname]
        meta["optimlab_explorer"] = True
        # The heat-map script goes only to pages with a heat map, the noise only to those that
        # offer noisy gradients (the playground, or a page whose block sets noise).
        meta["optimlab_heatmap"] = meta.get("optimlab_heatmap") or "heatmap" in settings
        meta["optimlab_noise"] = meta.get("optimlab_noise") or not node["compact"] \
            or bool(settings.get("noise"))
        return [node]


class Explore(ReferenceRole):
    """``{explore}`text <address>```: a link that opens the page's explorer in the state the
    address describes (checked when the page is read, by :func:`_check_links`)."""

    def run(self):
        node = nodes.reference(self.rawtext, self.title, refuri="#" + self.target,
                               classes=["ox-link"])
        node["explorer_link"] = self.target
        self.set_source_info(node)
        return [node], []


def _links(doctree):
    return list(doctree.findall(lambda n: isinstance(n, nodes.reference) and "explorer_link" in n))


def _check_links(app, doctree):
    """Every {explore} link of a page opens its explorer in a state the explorer accepts whole:
    a link that would be partly ignored fails the build, naming the page and the line."""
    explorers = list(doctree.findall(explorer_node))
    for node in _links(doctree):
        where = f"{app.env.docname}:{node.line}"
        if not explorers:
            LOGGER.warning("an {explore} link on a page with no explorer", location=node)
            continue
        try:
            merge_link(explorers[0]["settings"], node["explorer_link"], where)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            LOGGER.warning(f"explore link {node['explorer_link']!r}: {error}", location=node)


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
    from optimlab.plotting import OPTIMIZER_COLOURS, SWEEP_COLOURS, colour_for, colours_for
    from optimlab.plotting import scene
    from optimlab.plotting.colours import _SWEEP_CLASHES

    pictures = {}
    for name in landscapes():
        function = getattr(functions, name)
        x1, x2, values = function.grid(scene._GRID_RESOLUTION)
        levels = scene.contour_levels(function, values)
        ax = Figure().subplots()
        filled = ax.contourf(x1, x2, values, levels=np.concatenate([[values.min()], levels]),
                             cmap="Blues_r", alpha=0.28, extend="max")
        fills = [matplotlib.colors.to_hex(c, keep_alpha=False)
                 for c in filled.cmap(filled.norm(filled.layers))]
        pictures[name] = {
            "title": function.name, "window": [list(map(float, w)) for w in function.window],
            "start": list(map(float, function.start)), "minima": function.minima.tolist(),
            "minimum_value": function.minimum_value, "levels": levels.tolist(),
            "floor": float(values.min()), "fills": fills,
            "aspect": scene.default_aspect(function), "auto_height": scene.AUTO_HEIGHT,
        }
    # Each optimizer's name in OPTIMIZER_COLOURS ("schedule_free_adamw" -> "Schedule-Free
    # AdamW"), as colour_for reads it, and what colours_for gives labels naming none (in order)
    # and the sweep colours it skips beside an optimizer's: explorer.js colours runs as
    # colours_for colours their labels (tests/explorer/test_embeds.py compares the two).
    name_of = {colour: name for name, colour in OPTIMIZER_COLOURS.items()}
    optimizers = catalogue()["optimizers"]
    unnamed = [f"run {i}" for i in range(len(SWEEP_COLOURS) + len(OPTIMIZER_COLOURS) + 1)]
    others = list(colours_for(unnamed).values())
    return {"landscapes": pictures, "colours": dict(OPTIMIZER_COLOURS),
            "colour_names": {name: name_of[colour_for(name)] for name in optimizers},
            "other_colours": others,
            "sweep_clashes": {c: sorted(near) for c, near in _SWEEP_CLASHES.items()},
            "contour": {"colour": "#5b6f8a", "alpha": 0.8, "fill_alpha": 0.28},
            "catalogue": catalogue(), "settings": settings_data()}


def page_scripts(meta: dict) -> list[str]:
    """The scripts a page with an explorer loads, in order (see :data:`SCRIPTS`)."""
    return [script for script in SCRIPTS
            if (script != "explorer_heatmap.js" or meta.get("optimlab_heatmap"))
            and (script != "optimlab_noise.js" or meta.get("optimlab_noise"))]


def _add_assets(app, pagename, templatename, context, doctree):
    meta = app.env.metadata.get(pagename, {})
    if not meta.get("optimlab_explorer"):
        return
    app.add_css_file(STYLE)
    app.add_js_file(DATA)
    for script in page_scripts(meta):
        app.add_js_file(script)


def _template(check: dict, name: str) -> dict:
    """A described check with its parameter's name, where a message starts with it, as {name}
    (optimlab_catalogue.js's unpack puts it back)."""
    out = {key: value for key, value in check.items()
           if key not in ("messages", "entries", "check", "name")}
    out["messages"] = {key: "{name}" + text[len(name):] if text.startswith(name) else text
                       for key, text in check["messages"].items()}
    if "entries" in check:
        out["entries"] = [_template(entry, f"{name}[{i}]")
                          for i, entry in enumerate(check["entries"])]
    if "check" in check:
        out["check"] = _template(check["check"], name)
    return out


def packed(data: dict) -> dict:
    """The data with each distinct check written once, in ``check_table``, and referred to by
    its index: the catalogue repeats a check (with its messages) for every optimizer that has
    the parameter. optimlab_catalogue.js unpacks it on loading; tests/explorer checks that what
    a page unpacks is the catalogue itself."""
    data = copy.deepcopy(data)
    table: list[str] = []

    def index(check: dict, name: str) -> int:
        text = json.dumps(_template(check, name), sort_keys=True, separators=(",", ":"))
        if text not in table:
            table.append(text)
        return table.index(text)

    for kind in ("optimizers", "schedules"):
        for entry in data["catalogue"][kind].values():
            for parameter in entry.get("hyperparameters") or entry["parameters"]:
                parameter["check"] = index(parameter["check"], parameter["name"])
    checks = data["settings"]["checks"]
    for name in checks:
        checks[name] = index(checks[name], name)
    data["check_table"] = [json.loads(text) for text in table]
    return data


def served(text: str) -> str:
    """A script or stylesheet as pages get it: without the lines that are all comment, the blank
    lines and the indentation, which are for readers of the source (never a line with code)."""
    lines, comment = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if comment or stripped.startswith("/*"):
            comment = not stripped.endswith("*/")
        elif stripped and not stripped.startswith("//"):
            lines.append(stripped)
    return "\n".join(lines) + "\n"


def _write_static(app):
    """The explorer's scripts and style (served) and its data, written before any page, so that
    every build (clean or not) gives the pages the same ``?v=`` checksums."""
    if app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for path in sorted(STATIC.iterdir()):
            (static / path.name).write_text(served(path.read_text()))
        text = "window.optimlab = Object.assign(window.optimlab || {}, "
        text += json.dumps(packed(landscape_data()), sort_keys=True, separators=(",", ":"))
        (static / DATA).write_text(text + ");\n")


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

    for link in _links(doctree):
        link.replace_self(nodes.emphasis("", link.astext()))

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
    app.add_role("explore", Explore())
    app.connect("doctree-read", _check_links)
    app.connect("builder-inited", _write_static)
    # Before the theme's own handlers, which copy the page's list of scripts.
    app.connect("html-page-context", _add_assets, priority=100)
    app.connect("env-get-outdated", _outdated)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
