"""The built book as a reader's browser sees it: Debian's Chromium, driven headless by Playwright.

Every page of the table of contents is served from 127.0.0.1 and opened once; the tests below
then check what that visit recorded: no request leaves the local server, nothing fails, the maths
arrives drawn (rendered at build time, no maths script in the page), every video decodes and every image loads, every internal
link and anchor resolves, axe-core finds no serious or critical accessibility violation (and no
contrast failure in the dark theme, reloaded with a dark colour-scheme preference), and
screenshots at desktop and phone width land in _build/screenshots/ for a person to look at.

Playwright never downloads a browser here: it drives the Chromium found on PATH (Debian's
`chromium` package) or the one named by OPTIMLAB_CHROMIUM. Without one the tests are skipped,
unless OPTIMLAB_REQUIRE_BROWSER=1 (set by .ci/run), in which case they fail.

Chromium draws with the machine's fonts; OPTIMLAB_FONTS=base shows it only the fonts a fresh
Debian machine with Chromium has (DejaVu and Liberation), whatever else is installed (TeX's
fonts, for one), so that the browser tests can be run both ways on one machine (README).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from test_book import toc_pages

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# TeX delimiters; any left in the visible text is maths that was not rendered.
RAW_TEX = ("$$", "\\begin{", "\\[", "\\(")
HOW_TO_ENABLE = (
    "install Debian's Chromium (`apt-get install chromium`, as .ci/run does) or point "
    "OPTIMLAB_CHROMIUM at a Chromium binary, and install the test extras (`pip install -e "
    "'.[test]'`, which brings playwright and axe-playwright-python; never `playwright install`)"
)


# OPTIMLAB_FONTS=base: the fonts of a fresh Debian machine with Chromium: fonts-dejavu-core (in
# every Debian system) and fonts-liberation (which Debian's chromium recommends).
BASE_FONTS = tuple(Path("/usr/share/fonts/truetype") / name
                   for name in ("dejavu", "liberation", "liberation2"))
FONT_CHOICES = ("machine", "base")
# fontconfig as the machine has it (its aliases: sans-serif, Arial, ...), with every font outside
# the given folders refused
RESTRICTED_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{dirs}
  <cachedir>{cache}</cachedir>
  <selectfont>
    <acceptfont>
{globs}
    </acceptfont>
    <rejectfont><glob>/*</glob></rejectfont>
  </selectfont>
</fontconfig>
"""


def restricted_fonts(folder: Path, directories) -> Path:
    """A fontconfig file, written in `folder`, that shows Chromium the fonts in `directories`
    (those that exist) and no other; skips when none exists."""
    present = [Path(d) for d in directories if Path(d).is_dir()]
    if not present:
        pytest.skip(f"none of {', '.join(map(str, directories))} exists to restrict the fonts to")
    config = Path(folder) / "fonts.conf"
    config.write_text(RESTRICTED_FONTS.format(
        dirs="\n".join(f"  <dir>{d}</dir>" for d in present), cache=Path(folder) / "cache",
        globs="\n".join(f"      <glob>{d}/*</glob>" for d in present)), encoding="utf-8")
    return config


def fonts_choice() -> str:
    """"machine" (the default) or "base", from OPTIMLAB_FONTS."""
    choice = os.environ.get("OPTIMLAB_FONTS") or "machine"
    if choice not in FONT_CHOICES:
        pytest.fail(f"OPTIMLAB_FONTS={choice!r}: expected one of {', '.join(FONT_CHOICES)}")
    return choice


def chromium_env(folder: Path) -> dict | None:
    """The environment to launch Chromium in: None (the machine's fonts) or, with
    OPTIMLAB_FONTS=base, one whose FONTCONFIG_FILE (written in `folder`) allows BASE_FONTS only."""
    if fonts_choice() == "machine":
        return None
    return {**os.environ, "FONTCONFIG_FILE": str(restricted_fonts(folder, BASE_FONTS))}


def _chromium() -> str:
    """The Chromium executable to drive, or skip (fail under OPTIMLAB_REQUIRE_BROWSER=1)."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
        import axe_playwright_python  # noqa: F401
    except ImportError as error:
        problem = f"{error.name} is not installed"
    path = os.environ.get("OPTIMLAB_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if problem is None and not (path and os.access(path, os.X_OK)):
        problem = (f"OPTIMLAB_CHROMIUM={path} is not an executable" if path
                   else "no Chromium found (OPTIMLAB_CHROMIUM unset, no `chromium` on PATH)")
    if problem is None:
        return path
    message = f"browser tests not run: {problem}; to run them, {HOW_TO_ENABLE}"
    if os.environ.get("OPTIMLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (OPTIMLAB_REQUIRE_BROWSER=1 makes this an error)")
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".woff": "font/woff", ".woff2": "font/woff2", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    """The built site, served over HTTP on a free port of 127.0.0.1; yields its origin."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    environment = chromium_env(tmp_path_factory.mktemp("fonts"))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              env=environment)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """What one visit of a page recorded."""

    page: str
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    maths: dict = field(default_factory=dict)
    videos: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    element_ids: set[str] = field(default_factory=set)
    violations: list[dict] = field(default_factory=list)
    dark_theme: bool = False
    dark_violations: list[dict] = field(default_factory=list)
    dark_maths_off_colour: list[str] = field(default_factory=list)
    screenshots: dict[str, Path] = field(default_factory=dict)


# Runs in the page once it has loaded: waits for images, videos and fonts.
SETTLE = """async () => {
    for (const img of document.images) { img.loading = "eager"; }
    await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
    await Promise.all([...document.querySelectorAll("video")].map(video =>
        video.readyState >= 2 || video.error ? null : new Promise(done => {
            video.addEventListener("loadeddata", done, {once: true});
            video.addEventListener("error", done, {once: true});
            if (video.preload !== "auto") { video.preload = "auto"; video.load(); }
            setTimeout(done, 15000);
        })));
    await document.fonts.ready;
    // The theme switches colour mode by script after load, and its colours change through CSS
    // transitions: axe must see where they end, not a colour half-way (a flaky contrast fault).
    await Promise.all(document.getAnimations()
        .filter(a => isFinite(a.effect && a.effect.getComputedTiming().endTime))
        .map(a => a.finished.catch(() => null)));
}"""

# Formulas drawn in another colour than their text (axe does not look inside SVG): each
# drawing, or a repeated formula's <use> of one, must be filled with the text's colour.
MATHS_OFF_COLOUR = """() => [...document.querySelectorAll(
        'mjx-container[jax="SVG"] > svg > g, mjx-container[jax="SVG"] > svg > use')]
    .filter(e => getComputedStyle(e).fill !== getComputedStyle(e.closest("mjx-container")).color)
    .map(e => e.closest("mjx-container").querySelector("math").textContent.slice(0, 40))
    .slice(0, 10)"""

MATHS = """() => {
    const containers = [...document.querySelectorAll("span.math, div.math")];
    const skip = "pre, code, script, style, textarea, mjx-container";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const leftovers = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(skip)) continue;
        for (const raw of %s) {
            if (node.data.includes(raw)) leftovers.push(node.data.trim().slice(0, 120));
        }
    }
    const drawings = containers.map(el => el.querySelector("mjx-container > svg")).filter(Boolean);
    const glyphMissing = use => {
        const ref = use.getAttribute("xlink:href") || use.getAttribute("href") || "";
        const target = ref.startsWith("#") ? document.getElementById(ref.slice(1)) : null;
        return ref.startsWith("#") && !(target instanceof SVGPathElement || target instanceof SVGGElement);
    };
    return {
        containers: containers.length,
        untypeset: containers.filter(el => !el.querySelector("mjx-container > svg"))
                             .map(el => el.textContent.trim().slice(0, 120)),
        errors: [...document.querySelectorAll("mjx-merror, [data-mml-node=merror]")]
            .map(el => el.textContent.slice(0, 120)),
        leftovers: leftovers,
        // a drawing on screen with an empty box, or referring to a glyph the page lacks
        empty: drawings.filter(svg => svg.getClientRects().length > 0 &&
                                      svg.getBoundingClientRect().width === 0).length,
        missingGlyphs: [...new Set(drawings.flatMap(svg => [...svg.querySelectorAll("use")])
            .filter(glyphMissing).map(use => use.getAttribute("href")))],
        unnamed: containers.filter(el => !el.querySelector("mjx-assistive-mml math"))
                           .map(el => el.textContent.trim().slice(0, 120)),
        mathjax: "MathJax" in window ||
            [...document.scripts].some(script => /mathjax|katex/i.test(script.src)),
    };
}""" % json.dumps(RAW_TEX)

MEDIA = """() => {
    function frameVaries(video) {
        // Draw the current frame: a decoded frame of a plot is not one flat colour.
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        if (!canvas.width || !canvas.height) return false;
        const context = canvas.getContext("2d");
        context.drawImage(video, 0, 0);
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 4; i < pixels.length; i += 4) {
            if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) return true;
        }
        return false;
    }
    const name = el => (el.getAttribute("aria-label") || el.getAttribute("title") || "").trim();
    return {
        videos: [...document.querySelectorAll("video")].map(video => ({
            source: (video.currentSrc || "").slice(0, 40),
            readyState: video.readyState,
            error: video.error ? video.error.code + " " + video.error.message : null,
            duration: video.duration,
            frame: [video.videoWidth, video.videoHeight],
            declared: [Number(video.getAttribute("width")), Number(video.getAttribute("height"))],
            decoded: video.readyState >= 2 && frameVaries(video),
            name: name(video) || (video.getAttribute("aria-labelledby") || ""),
        })),
        images: [...document.images].map(img => ({
            source: img.currentSrc.slice(0, 100),
            complete: img.complete,
            naturalWidth: img.naturalWidth,
            alt: img.getAttribute("alt"),
            hidden: img.getAttribute("aria-hidden") === "true" || img.getAttribute("role") === "presentation",
        })),
        links: [...document.querySelectorAll("a[href]")].map(a => a.href),
        ids: [...document.querySelectorAll("[id], a[name]")].map(el => el.id || el.getAttribute("name")),
    };
}"""


def _screenshots(tab, folder: Path, page: str) -> dict[str, Path]:
    """Save full-page screenshots at desktop and phone width; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = page.removeprefix("book/").replace("/", "-")
    paths = {}
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        tab.set_viewport_size(size)
        tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        paths[label] = folder / f"{stem}-{label}.png"
        tab.screenshot(path=str(paths[label]), full_page=True)
    tab.set_viewport_size(DESKTOP)
    return paths


def _axe_violations(tab, options: dict) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab, options=options)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [f"{node['target']}: {' '.join(node.get('failureSummary', '').split())}"
                   for node in v["nodes"][:5]]}
        for v in results.response["violations"]
    ]


def _visit(browser, origin: str, site: Path, page: str) -> Visit:
    visit = Visit(page)
    host = urlsplit(origin).netloc
    context = browser.new_context(viewport=DESKTOP, service_workers="block")

    def route(handle):
        # Anything not served by our server is recorded and refused, never fetched.
        url = handle.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            visit.foreign_requests.append(url)
            handle.abort()
        else:
            handle.continue_()

    context.route("**/*", route)
    tab = context.new_page()
    # Lists the page fills; handed to the visit before axe runs, whose own fetches (it re-reads
    # stylesheets, resolving @import against the page instead of the sheet) are no reader's.
    failed, errors = [], []
    tab.on("requestfailed", lambda request: failed.append(
        f"{request.url}: {request.failure} (from {request.headers.get('referer')})"))
    tab.on("response", lambda response: response.status >= 400 and failed.append(
        f"{response.url}: HTTP {response.status} (from {response.request.headers.get('referer')})"))
    tab.on("console", lambda message: message.type == "error" and errors.append(
        f"{message.text} ({message.location.get('url', '')})"))
    tab.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    try:
        tab.goto(f"{origin}/{page}.html", wait_until="load")
        tab.evaluate(SETTLE)
        visit.maths = tab.evaluate(MATHS)
        media = tab.evaluate(MEDIA)
        visit.videos, visit.images = media["videos"], media["images"]
        visit.links, visit.element_ids = media["links"], set(media["ids"])
        visit.screenshots = _screenshots(tab, site.parent / "screenshots", page)
        visit.failed_requests, visit.console_errors = list(failed), list(errors)
        visit.violations = _axe_violations(tab, {"resultTypes": ["violations"]})
        # The theme follows the reader's colour scheme (default_mode auto): check the contrast
        # of the dark theme too.
        tab.emulate_media(color_scheme="dark")
        tab.reload(wait_until="load")
        tab.evaluate(SETTLE)
        visit.dark_theme = tab.evaluate("document.documentElement.dataset.theme") == "dark"
        visit.dark_maths_off_colour = tab.evaluate(MATHS_OFF_COLOUR)
        visit.dark_violations = _axe_violations(
            tab, {"resultTypes": ["violations"], "runOnly": ["color-contrast"]})
    finally:
        context.close()
    return visit


@pytest.fixture(scope="module")
def visit(browser, server, built_site):
    """visit(page) -> the Visit of that page, made once and shared by every check."""
    return functools.cache(lambda page: _visit(browser, server, built_site, page))


PAGES = toc_pages()


@pytest.mark.parametrize("page", PAGES)
def test_page_contacts_no_host_but_the_local_server(visit, page):
    assert visit(page).foreign_requests == []


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_console_errors_or_failed_requests(visit, page):
    seen = visit(page)
    assert seen.failed_requests == []
    assert seen.console_errors == []


@pytest.mark.parametrize("page", PAGES)
def test_maths_arrives_drawn_without_a_maths_script(visit, page):
    """The maths is MathJax's SVG, written into the page at build time (_ext/build_time_maths.py):
    every formula is drawn, with every glyph it uses defined in the page, a MathML text for
    screen readers beside it, and no maths script in the page."""
    maths = visit(page).maths
    assert maths["untypeset"] == [], "maths containers without MathJax's drawing"
    assert maths["errors"] == [], "TeX that MathJax could not parse"
    assert maths["leftovers"] == [], "raw TeX delimiters in the visible text"
    assert maths["empty"] == 0, "formulas drawn with an empty box"
    assert maths["missingGlyphs"] == [], "glyphs the page's formulas use but the page lacks"
    assert maths["unnamed"] == [], "formulas without MathML for assistive technology"
    assert maths["mathjax"] is False, "a maths typesetting script in the page"


@pytest.mark.parametrize("page", PAGES)
def test_every_video_decodes_at_its_produced_size(visit, page):
    for video in visit(page).videos:
        assert video["error"] is None, video
        assert video["readyState"] >= 2, f"no frame decoded: {video}"
        assert video["duration"] > 0, video
        assert video["frame"] == video["declared"], f"decoded frame size differs: {video}"
        assert video["decoded"], f"the decoded frame is blank: {video}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(visit, page):
    for image in visit(page).images:
        assert image["complete"] and image["naturalWidth"] > 0, f"image did not load: {image}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_and_video_has_a_text_alternative(visit, page):
    seen = visit(page)
    for image in seen.images:
        assert image["hidden"] or (image["alt"] or "").strip(), f"image without alt text: {image}"
    for video in seen.videos:
        assert video["name"], f"video without aria-label or title: {video['source']}"


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.cache
def _ids_in(path: Path) -> frozenset[str]:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def _broken_links(seen: Visit, origin: str, site: Path) -> tuple[int, list[str]]:
    """Check every same-origin link of a visit; return how many were checked and the broken."""
    here = f"{origin}/{seen.page}.html"
    broken, checked = [], 0
    for href in seen.links:
        if not href.startswith(origin + "/"):
            continue
        checked += 1
        url, fragment = urldefrag(href)
        path = unquote(urlsplit(url).path).lstrip("/")
        target = site / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no file {target.relative_to(site)}")
            continue
        fragment = unquote(fragment)
        if not fragment or "=" in fragment:
            continue  # none, or an explorer's state (tests/test_explorer_browser.py opens those)
        ids = seen.element_ids if url == here else _ids_in(target)
        if fragment not in ids:
            broken.append(f"{href}: no element with id {fragment!r} in {target.relative_to(site)}")
    return checked, broken


@pytest.mark.parametrize("page", PAGES)
def test_every_internal_link_and_anchor_resolves(visit, server, built_site, page):
    checked, broken = _broken_links(visit(page), server, built_site)
    print(f"{page}: {checked} internal links checked")
    assert broken == []


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_serious_or_critical_violation(visit, page):
    serious = [v for v in visit(page).violations if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("page", PAGES)
def test_dark_theme_text_has_enough_contrast(visit, page):
    seen = visit(page)
    assert seen.dark_theme, "the theme did not switch to dark for a reader who prefers it"
    assert seen.dark_violations == []
    assert seen.dark_maths_off_colour == [], "formulas not drawn in the text's colour"


@pytest.mark.parametrize("page", PAGES)
def test_screenshots_at_desktop_and_phone_width_are_saved(visit, page):
    shots = visit(page).screenshots
    assert set(shots) == {"desktop", "phone"}
    for label, path in shots.items():
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG"), path
        width = int.from_bytes(data[16:20], "big")
        assert width == (DESKTOP if label == "desktop" else PHONE)["width"], (path, width)
