"""One colour per optimizer in every figure and animation of the built book.

Every figure a page shows, and the last frame of every animation, records its labelled curves
(label, colour, line style, marker) in its PNG (``optimlab.plotting.series``). This test reads
them from the notebooks the build executed and checks, page by page:

1. a curve whose label names an optimizer is drawn in that optimizer's colour (``colour_for``),
   or, where one picture shows three or more curves of that optimizer (its settings swept), in
   the sweep sequence (``SWEEP_COLOURS``): two curves of one optimizer share its colour and
   differ in line style;
2. a curve whose label names no optimizer is drawn in a sweep colour, a grey, or the colour of
   an optimizer that the page names in its figures (a quantity of that optimizer's run, such as
   RMSProp's ``|x1|``), never in matplotlib's default colours or another optimizer's colour;
3. two curves of one picture in the same colour, or in colours closer than ΔE*ab 10, differ in
   kind (a line, points, a band), line style or marker;
4. a label keeps one colour on its page, in every figure and animation.
"""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from optimlab.plotting import SWEEP_COLOURS, colour_for, recorded_series
from test_book import toc_pages

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute"
IMAGE_KEYS = ("image/png", "application/papermill.record/image/png")
# The scene's own markers (optimlab.plotting.scene): the minimum and the start.
SCENE_MARKERS = {("minimum", "#ffd700"), ("minima", "#ffd700"), ("start", "#ffffff")}
NEAR = 10.0  # ΔE*ab below which two colours of one picture count as the same


def names_optimizer(label: str) -> str | None:
    try:
        return colour_for(label)
    except ValueError:
        return None


def lab(colour: str) -> np.ndarray:
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ c / [0.95047, 1.0, 1.08883]
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def grey(colour: str) -> bool:
    return bool(np.hypot(*lab(colour)[1:]) < 6)


def pictures(page: str, notebook: dict | None = None) -> list[tuple[str, list[dict]]]:
    """``(where, curves)`` for every figure and animation frame the executed page shows."""
    if notebook is None:
        notebook = json.loads((EXECUTED / f"{page}.ipynb").read_text(encoding="utf-8"))
    found = []
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for number, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            for key in IMAGE_KEYS:
                data = output.get("data", {}).get(key)
                if data:
                    series = recorded_series(base64.b64decode(data))
                    if series is not None:
                        kind = "animation" if "text/html" in output["data"] else "figure"
                        found.append((f"code cell {number} ({kind})", series))
    return found


def problems(page: str, notebook: dict | None = None) -> list[str]:
    shown = pictures(page, notebook)
    named_on_page = {names_optimizer(s["label"]) for _, series in shown for s in series} - {None}
    found, colours_of_label = [], {}
    for where, series in shown:
        for axes, curves in itertools.groupby(sorted(series, key=lambda s: s["axes"]),
                                              key=lambda s: s["axes"]):
            curves = [s for s in curves if (s["label"], s["colour"]) not in SCENE_MARKERS]
            own = [names_optimizer(s["label"]) for s in curves]
            for curve, colour in zip(curves, own):
                label, drawn = curve["label"], curve["colour"]
                colours_of_label.setdefault(label, {}).setdefault(drawn, where)
                if colour is not None:
                    swept = own.count(colour) > 2
                    if drawn != colour and not (swept and drawn in SWEEP_COLOURS):
                        found.append(f"{where}: {label!r} is drawn {drawn}, not its optimizer's "
                                     f"{colour}" + (" (or a sweep colour)" if swept else ""))
                elif not (drawn in SWEEP_COLOURS or grey(drawn) or drawn in named_on_page):
                    found.append(f"{where}: {label!r} is drawn {drawn}, which is neither a sweep "
                                 "colour, a grey, nor the colour of an optimizer of this page")
            for a, b in itertools.combinations(curves, 2):
                near = np.linalg.norm(lab(a["colour"]) - lab(b["colour"])) < NEAR
                drawn = [(c["kind"], c["style"], c["marker"]) for c in (a, b)]
                if near and drawn[0] == drawn[1] and a["label"] != b["label"]:
                    found.append(f"{where}: {a['label']!r} ({a['colour']}) and {b['label']!r} "
                                 f"({b['colour']}) look alike: same kind, line style and "
                                 "marker")
    for label, drawn in colours_of_label.items():
        if len(drawn) > 1:
            found.append(f"{label!r} changes colour on the page: "
                         + ", ".join(f"{colour} in {where}" for colour, where in drawn.items()))
    return found


def test_every_figure_records_its_curves(built_site):
    """The check below sees every figure: each executed page with figures records curves."""
    recorded = [page for page in toc_pages() if pictures(page)]
    assert len(recorded) >= 15, f"only {recorded} record their curves"


@pytest.mark.parametrize("page", toc_pages())
def test_each_optimizer_keeps_its_colour_and_alike_curves_differ_in_style(built_site, page):
    found = problems(page)
    assert not found, f"{page}:\n" + "\n".join(found)

