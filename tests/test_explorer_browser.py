"""The in-page explorer (_ext/explorer.py) as a reader uses it, in the built book, in Chromium.

Marked and skipped like tests/test_browser.py (whose server, browser and axe helpers it uses):
a slider moved by keyboard changes the picture and the address; the address restores the state
on reload; dragging on the picture moves the start; a diverging setting says where it diverged
(the step optimlab reports); the contract `optimlab.trajectory` is defined; the sensitivity
grid's cell and the explorer's run agree; no console error; axe finds no serious violation in
light or dark mode; nothing overflows at 390 px.
"""

from __future__ import annotations

import json
import warnings
from urllib.parse import unquote

import pytest

import optimlab as ol
from test_browser import CHROMIUM_ARGS, PHONE, _axe_violations, _chromium  # noqa: F401
from test_browser import browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

EMBEDS = ["playground", "momentum", "rmsprop", "adam", "comparison", "sensitivity",
          "nadam_radam", "adamax_lion", "adafactor", "adopt"]
PIXELS = "(e) => e.canvas.toDataURL()"


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
    tab.evaluate("() => new Promise(done => setTimeout(done, 50))")


def explorer(tab, expression: str):
    return tab.evaluate(f"() => {{ const e = optimlab.explorers[0]; return {expression}; }}")


def test_keyboard_slider_changes_the_picture_and_the_address(tab):
    open_page(tab, "playground")
    before = explorer(tab, "[e.canvas.toDataURL(), location.hash, e.state.runs[2].options.lr]")
    slider = tab.locator("#ox1-r2-lr")
    slider.focus()
    for _ in range(5):
        tab.keyboard.press("ArrowRight")
    after = explorer(tab, "[e.canvas.toDataURL(), location.hash, e.state.runs[2].options.lr]")
    assert after[2] > before[2]
    assert after[0] != before[0]
    state = json.loads(unquote(after[1].split("explorer=")[1]))
    assert state["runs"][2]["options"]["lr"] == after[2]
    assert tab.locator("#ox1-r2-lr + output").inner_text() != ""
    assert tab.errors == []


def test_reloading_the_address_restores_the_state_exactly(tab, browser, server):  # noqa: F811
    open_page(tab, "playground")
    tab.locator("#ox1-f").select_option("rosenbrock")
    tab.locator("#ox1-r0-momentum").focus()
    tab.keyboard.press("ArrowLeft")
    tab.locator("#ox1-sch").select_option("warmup_cosine")
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


def test_dragging_on_the_picture_moves_the_first_point_of_every_path(tab):
    open_page(tab, "playground")
    before = explorer(tab, "e.results.map(r => r.xs[0])")
    box = tab.locator(".ox-plot").bounding_box()
    tab.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    tab.mouse.down()
    tab.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.7, steps=4)
    tab.mouse.up()
    after = explorer(tab, "e.results.map(r => r.xs[0])")
    start = explorer(tab, "e.state.x0")
    (a, b), (c, d) = ol.functions.ill_conditioned_quadratic.window
    assert after != before and all(xs == start for xs in after)
    assert start[0] == pytest.approx(a + 0.25 * (b - a), abs=0.1)
    assert start[1] == pytest.approx(d - 0.7 * (d - c), abs=0.1)
    assert "explorer=" in tab.url and json.dumps(start[0]) in unquote(tab.url)


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


def test_a_sensitivity_cell_runs_its_setting_and_agrees_with_the_grid(tab):
    open_page(tab, "sensitivity")
    canvas = tab.locator(".ox-heat")
    box = canvas.bounding_box()
    agreed = 0
    for u, v in ((0.55, 0.3), (0.7, 0.6), (0.9, 0.9), (0.2, 0.5)):
        tab.mouse.click(box["x"] + box["width"] * u, box["y"] + box["height"] * v)
        report = tab.locator(".ox-agree")
        grid, run = report.get_attribute("data-grid"), report.get_attribute("data-run")
        if grid == "null" or run == "null":
            assert grid == run  # both diverged
        else:
            assert float(run) == pytest.approx(float(grid), rel=1e-5)
            agreed += 1
    assert agreed >= 1
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
