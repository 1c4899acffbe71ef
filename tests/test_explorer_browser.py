"""The in-page explorer (_ext/explorer.py) as a reader uses it, in the built book, in Chromium.

Marked and skipped like tests/test_browser.py (whose server, browser and axe helpers it uses):
a slider and the plot are in view together at 1280 × 800 and 390 × 844; the legend names every
run; a slider moved by keyboard changes the picture and the address; the address restores the
state on reload, and partial, malformed, out-of-range and old addresses leave a working explorer
that says what it ignored; a changed address is followed; the exercises' links open the states
the build checked; dragging, or the arrow keys, move the start; a diverging setting says where
it diverged (the step optimlab reports); the contract `optimlab.trajectory` is defined; every
heat map cell on sensitivity runs its setting and agrees with the grid; targets are 44 px tall
on a phone; no console error; axe finds no serious violation in light or dark mode; nothing
overflows at 390 px.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import pytest

import optimlab as ol
from optimlab.optimizers import from_options
from test_browser import CHROMIUM_ARGS, PHONE, _axe_violations, _chromium  # noqa: F401
from test_browser import browser, server  # noqa: F401 (fixtures)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
import explorer as explorer_ext  # noqa: E402

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / "_build" / "screenshots"

EMBEDS = ["playground", "momentum", "rmsprop", "adam", "comparison", "sensitivity",
          "nadam_radam", "adamax_lion", "adafactor", "adopt"]
PIXELS = "(e) => e.canvas.toDataURL()"
DESKTOP = {"width": 1280, "height": 800}
# The plot's margins around the landscape (explorer_draw.js's MARGIN), in CSS pixels.
MARGIN = {"left": 40, "right": 8, "top": 16, "bottom": 24}


@pytest.fixture
def tab(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    page.errors = []
    # The browser's own request for /favicon.ico (the book has none) is no error of the page's.
    page.on("console", lambda m: m.type == "error" and not m.location.get("url", "").endswith(
        "/favicon.ico") and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    page.origin = server
    yield page
    context.close()


def open_page(tab, name: str, fragment: str = "") -> None:
    tab.goto(f"{tab.origin}/book/{name}.html{fragment}", wait_until="load")
    tab.wait_for_function("window.optimlab && optimlab.explorers && "
                          "optimlab.explorers.length > 0")
    pause(tab)


def pause(tab, ms: int = 250) -> None:
    """Long enough for the explorer to write its address (it waits 150 ms after a change)."""
    tab.evaluate(f"() => new Promise(done => setTimeout(done, {ms}))")


def explorer(tab, expression: str):
    return tab.evaluate(f"() => {{ const e = optimlab.explorers[0]; return {expression}; }}")


def in_view(tab, selector: str) -> bool:
    """The element is wholly inside the window and not covered by anything (its centre is it)."""
    return tab.evaluate("""(selector) => {
      const node = document.querySelector(selector), box = node.getBoundingClientRect();
      if (box.top < -1 || box.left < -1 || box.bottom > innerHeight + 1 || box.right > innerWidth + 1) return false;
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit === node || node.contains(hit);
    }""", selector)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
@pytest.mark.parametrize("name", ["playground", "adam"])
def test_a_slider_and_the_plot_are_in_view_together(tab, name, size):
    tab.set_viewport_size(size)
    open_page(tab, name)
    explorer(tab, "e.root.scrollIntoView({block: 'start'})")
    pause(tab, 100)
    assert in_view(tab, ".ox-plot") and in_view(tab, "#ox1-r0-lr")
    # Further down, at the open run's last slider, the plot has stayed in view (sticky).
    last = explorer(tab, "[...document.querySelectorAll('#ox1-r0 input[type=range]')]"
                         ".filter(n => n.checkVisibility()).pop().id")
    explorer(tab, f"document.getElementById('{last}').scrollIntoView({{block: 'end'}})")
    pause(tab, 100)
    assert in_view(tab, ".ox-plot") and in_view(tab, f"#{last}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"explorer-{name}-{size['width']}.png"))
    assert tab.errors == []


def test_the_legend_names_every_run_in_its_colour(tab):
    open_page(tab, "playground")
    names, colours, label = explorer(tab, "[[...e.legend.children].map(li => li.textContent), "
                                          "[...e.legend.querySelectorAll('.ox-swatch')]"
                                          ".map(s => s.style.background), "
                                          "e.canvas.getAttribute('aria-label')]")
    runs = explorer(tab, "e.state.runs.map(r => e.label(r))")
    assert names == runs and len(names) == 3
    assert len(set(colours)) == len(colours)
    for name in names:
        assert name in label
    assert re.search(r"\((light |dark )?[a-z]+ line\)", label)
    assert "arrow keys" in label


def hex_colour(css: str) -> str:
    """ "rgb(213, 94, 0)" -> "#d55e00" (how the browser reports a style's colour)."""
    return "#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", css)[:3])


@pytest.mark.parametrize("address", ["", "#runs=adam,adamw,adam,sgd,adagrad&sgd.momentum=0.9",
                                     "#runs=adam,adam,adam&adam-3.amsgrad=true",
                                     "#runs=lion,adopt,nadam,adafactor"])
def test_the_runs_take_the_colours_the_package_gives_their_names(tab, address):
    """explorer.js colours runs as optimlab.plotting.colours_for colours their legend's names
    (the package's names, exactly: no lower-casing)."""
    open_page(tab, "playground", address)
    names, colours = explorer(tab, "[[...e.legend.children].map(li => li.textContent), "
                                   "[...e.legend.querySelectorAll('.ox-swatch')]"
                                   ".map(s => s.style.background)]")
    assert len(names) == explorer(tab, "e.state.runs.length") >= 3
    assert explorer(tab, "e.notes") == []
    assert [hex_colour(c) for c in colours] == list(ol.plotting.colours_for(names).values())
    assert tab.errors == []


def test_keyboard_slider_changes_the_picture_and_the_address(tab):
    open_page(tab, "playground")
    tab.locator("#ox1-r2-head").click()
    before = explorer(tab, "[e.canvas.toDataURL(), location.hash, e.state.runs[2].options.lr]")
    slider = tab.locator("#ox1-r2-lr")
    slider.focus()
    for _ in range(5):
        tab.keyboard.press("ArrowRight")
    pause(tab)
    after = explorer(tab, "[e.canvas.toDataURL(), location.hash, e.state.runs[2].options.lr]")
    assert after[2] > before[2]
    assert after[0] != before[0]
    assert f"adam.lr={after[2]}" in after[1]
    assert tab.locator("#ox1-r2-lr + output").inner_text() != ""
    assert tab.errors == []


def test_reloading_the_address_restores_the_state_exactly(tab, browser, server):  # noqa: F811
    open_page(tab, "playground")
    tab.locator("#ox1-f").select_option("rosenbrock")
    tab.locator("#ox1-r0-momentum").focus()
    tab.keyboard.press("ArrowLeft")
    tab.locator("#ox1-sch").select_option("warmup_cosine")
    pause(tab)
    state = explorer(tab, "JSON.stringify(e.state)")
    url, picture = tab.url, explorer(tab, "e.canvas.toDataURL()")
    other = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        other.goto(url, wait_until="load")
        other.wait_for_function("window.optimlab && optimlab.explorers && "
                                "optimlab.explorers.length > 0")
        assert other.evaluate("JSON.stringify(optimlab.explorers[0].state)") == state
        assert other.evaluate("optimlab.explorers[0].canvas.toDataURL()") == picture
        assert other.locator("#ox1-f").input_value() == "rosenbrock"
        assert other.locator("#ox1-sch").input_value() == "warmup_cosine"
    finally:
        other.close()


def plot_area(tab) -> dict:
    box = tab.locator(".ox-plot").bounding_box()
    return {"x": box["x"] + MARGIN["left"], "y": box["y"] + MARGIN["top"],
            "width": box["width"] - MARGIN["left"] - MARGIN["right"],
            "height": box["height"] - MARGIN["top"] - MARGIN["bottom"]}


def test_dragging_on_the_picture_moves_the_first_point_of_every_path(tab):
    open_page(tab, "playground")
    before = explorer(tab, "e.results.map(r => r.xs[0])")
    box = plot_area(tab)
    tab.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    tab.mouse.down()
    tab.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.7, steps=4)
    tab.mouse.up()
    pause(tab)
    after = explorer(tab, "e.results.map(r => r.xs[0])")
    start = explorer(tab, "e.state.x0")
    (a, b), (c, d) = ol.functions.ill_conditioned_quadratic.window
    assert after != before and all(xs == start for xs in after)
    assert start[0] == pytest.approx(a + 0.25 * (b - a), abs=0.1)
    assert start[1] == pytest.approx(d - 0.7 * (d - c), abs=0.1)
    assert f"x0={start[0]},{start[1]}" in tab.url


def test_the_arrow_keys_move_the_start_when_the_picture_has_focus(tab):
    open_page(tab, "playground")
    (a, b), (c, d) = ol.functions.ill_conditioned_quadratic.window
    tab.locator(".ox-plot").focus()
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.press("ArrowUp")
    start = explorer(tab, "e.state.x0")
    assert start == pytest.approx([9 - 0.02 * (b - a), -3 + 0.02 * (d - c)])
    assert explorer(tab, "e.results.every(r => r.xs[0][0] === e.state.x0[0])")
    assert tab.locator("#ox1-x1").input_value() == str(start[0])


def test_a_diverging_setting_says_where_as_optimlab_does(tab):
    open_page(tab, "playground")
    tab.locator("#ox1-f").select_option("rosenbrock")
    tab.locator("#ox1-r0-lr").focus()
    tab.keyboard.press("End")  # the largest learning rate, 10
    lr, momentum = explorer(tab, "[e.state.runs[0].options.lr, e.state.runs[0].options.momentum]")
    r = ol.functions.rosenbrock
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ol.DivergenceWarning)
        step = ol.trace(ol.sgd(lr=lr, momentum=momentum), r.grad, r.start, 100).diverged_at
    assert step is not None
    message = tab.locator(".ox-message").inner_text()
    assert f"diverged at step {step}" in message
    assert f"diverged at step {step}" in tab.locator(".ox-summary").inner_text()


def test_the_contract_is_defined_on_the_playground(tab):
    open_page(tab, "playground")
    spec = {"optimizer": "adam", "options": {"lr": 0.2, "betas": [0.9, 0.999], "eps": 1e-8},
            "function": "ill_conditioned_quadratic", "x0": [9, -3], "steps": 100}
    got = tab.evaluate("(spec) => optimlab.trajectory(spec)", spec)
    want = ol.run(ol.adam(lr=0.2), ol.functions.ill_conditioned_quadratic.grad, [9, -3], 100)
    assert got["diverged_at"] is None and len(got["xs"]) == 101
    assert max(abs(g - w) for row, ref in zip(got["xs"], want.tolist())
               for g, w in zip(row, ref)) < 1e-12
    error = tab.evaluate("() => { try { optimlab.trajectory({optimizer: 'adam', options: "
                         "{betas: [1, 0.9]}, function: 'beale', x0: [1, 1], steps: 3}); } "
                         "catch (e) { return e.message; } }")
    assert "betas[0]" in error


def test_every_heat_map_on_sensitivity_runs_a_clicked_cell_as_the_grid_did(tab):
    open_page(tab, "sensitivity")
    grids = tab.locator("#ox1-grid option").evaluate_all("options => options.map(o => o.value)")
    assert len(grids) == 3
    agreed = 0
    for grid in grids:
        tab.locator("#ox1-grid").select_option(grid)
        lands = tab.locator("#ox1-map option").evaluate_all("options => options.map(o => o.value)")
        assert len(lands) == 2
        for land in lands:
            tab.locator("#ox1-map").select_option(land)
            for u, v in ((0.55, 0.3), (0.7, 0.6), (0.9, 0.9), (0.2, 0.5)):
                box = tab.locator(".ox-heat").bounding_box()
                tab.mouse.click(box["x"] + box["width"] * u, box["y"] + box["height"] * v)
                report = tab.locator(".ox-agree")
                grid_r, run_r = report.get_attribute("data-grid"), report.get_attribute("data-run")
                assert explorer(tab, "[e.state.cell[0], e.state.function]") == [grid, land]
                if grid_r == "null" or run_r == "null":
                    assert grid_r == run_r  # both diverged
                else:
                    assert float(run_r) == pytest.approx(float(grid_r), rel=1e-5)
                    agreed += 1
    assert agreed >= 6
    # the arrow keys move the chosen cell
    tab.locator(".ox-heat").focus()
    cell = explorer(tab, "e.state.cell.slice()")
    tab.keyboard.press("ArrowLeft")
    assert explorer(tab, "e.state.cell")[2] == cell[2] - 1
    assert tab.errors == []


@pytest.mark.parametrize("name", EMBEDS)
def test_pages_with_an_explorer_have_no_console_error_and_fit_390_px(tab, name):
    open_page(tab, name)
    assert tab.errors == []
    tab.set_viewport_size(PHONE)
    tab.evaluate("() => new Promise(done => setTimeout(done, 100))")
    overflow = tab.evaluate("""() => {
      const width = document.documentElement.clientWidth, out = [];
      document.querySelectorAll('.optimlab-explorer, .optimlab-explorer *').forEach(n => {
        const r = n.getBoundingClientRect();
        if (r.width && (r.right > width + 0.5 || r.left < -0.5)) out.push(n.className || n.tagName);
      });
      return out; }""")
    assert overflow == []
    assert tab.evaluate("document.documentElement.scrollWidth <= "
                        "document.documentElement.clientWidth")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["playground", "sensitivity", "adafactor"])
def test_axe_finds_no_serious_violation_in_the_explorer(tab, name, scheme):
    tab.emulate_media(color_scheme=scheme)
    open_page(tab, name)
    theme = tab.evaluate("document.documentElement.dataset.theme")
    assert theme == scheme
    violations = [v for v in _axe_violations(tab, {"resultTypes": ["violations"]})
                  if v["impact"] in ("serious", "critical")]
    assert violations == []


# ---- addresses: partial, malformed, out of range, old; followed when they change ----

OLD = ("#explorer=%7B%22function%22%3A%22rosenbrock%22%2C%22steps%22%3A50%2C%22runs%22%3A%5B%7B"
       "%22optimizer%22%3A%22adam%22%2C%22options%22%3A%7B%22lr%22%3A0.05%7D%7D%5D%7D")
HASHES = {  # address -> (the function and first run it leaves, what the note must name)
    "#adam.lr=0.05&function=rosenbrock": ("rosenbrock", "sgd", None),
    "#explorer=%7B%22function%22%3A%22rosenbrock%22%7D": ("rosenbrock", "sgd", None),
    OLD: ("rosenbrock", "adam", None),
    "#function=sphere": ("ill_conditioned_quadratic", "sgd", "function=sphere"),
    "#adam.lr=-1": ("ill_conditioned_quadratic", "sgd", "lr must be a finite number >= 0"),
    "#adam.betas=1.5,0.9&steps=abc": ("ill_conditioned_quadratic", "sgd", "betas[0] must be in"),
    "#explorer={broken": ("ill_conditioned_quadratic", "sgd", "explorer={broken"),
    "#schedule=nope&t=9999": ("ill_conditioned_quadratic", "sgd", "schedule must be one of"),
    "#sgd.nesterov=true&sgd.dampening=0.5": ("ill_conditioned_quadratic", "sgd", "nesterov=True"),
    "#lion.eps=1": ("ill_conditioned_quadratic", "sgd", "is not a parameter of lion"),
}


@pytest.mark.parametrize("address", HASHES)
def test_any_address_leaves_a_working_explorer_that_says_what_it_ignored(tab, address):
    land, first, said = HASHES[address]
    open_page(tab, "playground", address)
    state = explorer(tab, "e.state")
    assert state["function"] == land and state["runs"][0]["optimizer"] == first
    assert explorer(tab, "e.results.every(r => !r.error && r.xs.length > 1)")
    note = tab.locator(".ox-note")
    if said is None:
        assert not note.is_visible()
    else:
        assert note.is_visible() and said in note.inner_text()
        assert len(tab.locator(".ox-note").inner_text().splitlines()) == 1
    for run in state["runs"]:
        from_options(run["optimizer"], run["options"])
    assert "explorer=" not in tab.url  # rewritten in the short form
    assert tab.errors == []


def test_a_changed_address_is_followed(tab):
    open_page(tab, "playground")
    before = explorer(tab, "e.canvas.toDataURL()")
    tab.evaluate("() => { location.hash = 'function=beale&adam.lr=0.05'; }")
    tab.wait_for_function("optimlab.explorers[0].state.function === 'beale'")
    assert explorer(tab, "e.state.runs[2].options.lr") == 0.05
    assert explorer(tab, "e.canvas.toDataURL()") != before
    tab.go_back()
    tab.wait_for_function("optimlab.explorers[0].state.function === 'ill_conditioned_quadratic'")
    assert tab.errors == []


def settings_of(tab, page: str) -> dict:
    text = (Path(__file__).resolve().parents[1] / "book" / f"{page}.md").read_text()
    block = re.search(r"```\{explorer\}\n(?::[a-z]+:[^\n]*\n)*(.*?)\n```", text, re.S).group(1)
    return explorer_ext._check_settings(json.loads(block), page)


@pytest.mark.parametrize("page", [name for name in EMBEDS if name != "playground"])
def test_the_exercise_links_open_the_states_the_build_checked(tab, page):
    open_page(tab, page)
    links = tab.locator("a.ox-link")
    assert links.count() >= 1
    for k in range(links.count()):
        address = links.nth(k).get_attribute("href").lstrip("#")
        want = explorer_ext.merge_link(settings_of(tab, page), address, page)
        links.nth(k).click()
        pause(tab, 400)
        got = explorer(tab, "e.state")
        assert got["function"] == want["function"] and got["steps"] == want["steps"]
        assert got["x0"] == pytest.approx(want["x0"])
        assert [r["optimizer"] for r in got["runs"]] == [r["optimizer"] for r in want["runs"]]
        for mine, theirs in zip(got["runs"], want["runs"]):
            for name, value in theirs.get("options", {}).items():
                assert mine["options"][name] == pytest.approx(value), (address, name)
        assert explorer(tab, "e.notes") == []
        # the page scrolls to the explorer (smoothly, unless the reader asks for less motion)
        tab.wait_for_function("""() => {
          const box = document.querySelector('.ox-plot').getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight; }""", timeout=5000)
        tab.evaluate("() => window.scrollTo(0, 0)")
    assert tab.errors == []


def test_targets_are_44_px_tall_on_a_phone(tab):
    tab.set_viewport_size(PHONE)
    open_page(tab, "playground")
    tab.locator(".ox-settings").first.evaluate("n => n.open = true")
    small = tab.evaluate("""() => {
      const out = [];
      document.querySelectorAll('.optimlab-explorer :is(input, select, button, summary)').forEach(n => {
        if (!n.offsetParent && n.type !== 'radio') return;
        let box = n.getBoundingClientRect();
        const label = n.id && document.querySelector(`label[for="${n.id}"]`);
        if ((n.type === 'checkbox' || n.type === 'radio') && label) box = label.getBoundingClientRect();
        if (box.height < 44 - 0.5) out.push([n.id || n.className || n.tagName, box.height]);
      });
      return out; }""")
    assert small == []


def test_the_zoom_shows_the_ends_of_the_runs(tab):
    open_page(tab, "playground")
    whole = explorer(tab, "e.window")
    tab.locator("label[for=ox1-view-zoom]").click()
    pause(tab)
    zoomed, ends = explorer(tab, "[e.window, e.results.map(r => r.xs[r.xs.length - 1])]")
    assert (zoomed[0][1] - zoomed[0][0]) < (whole[0][1] - whole[0][0]) / 2
    for x1, x2 in ends:
        assert zoomed[0][0] <= x1 <= zoomed[0][1] and zoomed[1][0] <= x2 <= zoomed[1][1]
    assert "view=zoom" in tab.url
    tab.locator("label[for=ox1-view-loss]").click()
    assert explorer(tab, "[e.loss.hidden, e.canvas.hidden]") == [False, True]
