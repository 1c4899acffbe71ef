"""The built pages carry their maths and icons drawn, and no more than a first visit needs (issue 16).

Read from the built files (no browser): no page loads Font Awesome's script or a maths
typesetting script; every formula is MathJax's SVG written at build time, with each glyph it uses
defined in the same page; equation numbers are there and every equation link lands on an
equation with the number the link shows; and what a first visit of each page loads (its HTML, the
scripts, stylesheets, fonts and media it names) stays under the 1.2 MB budget. The timings of
issue 16's slow-phone profile are measured by benchmarks/page_speed.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import pytest

from test_book import toc_pages

BUDGET = 1_200_000
PAGES = toc_pages()
SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
STYLESHEET = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"'
                        r'|<link\b[^>]*\bhref="([^"]+)"[^>]*\brel="stylesheet"')
PRELOAD = re.compile(r'<link\b[^>]*\brel="preload"[^>]*\bhref="([^"]+)"')
MEDIA = re.compile(r'<(?:img|video|source)\b[^>]*\bsrc="([^"]+)"')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
MATHS = re.compile(r'<(span|div) class="math notranslate nohighlight"[^>]*>(.*?)</\1>', re.S)
GLYPH_USE = re.compile(r'<use\b[^>]*\bhref="#([^"]+)"')
GLYPH_PATH = re.compile(r'<path id="(mj-[^"]+)" d="')
DRAWING_ID = re.compile(r'<g id="(mjf-\d+)"')
EQUATION = re.compile(r'<div class="math notranslate nohighlight" id="(equation-[^"]+)">'
                      r'\s*<span class="eqno">\(([^)<]+)\)')
EQ_LINK = re.compile(r'<a class="reference internal" href="([^"]*#equation-[^"]+)">'
                     r'(?:<span[^>]*>)?\(([^)<]+)\)')


def _html(site: Path, page: str) -> str:
    return (site / f"{page}.html").read_text(encoding="utf-8")


def _local(site: Path, page: str, url: str) -> Path | None:
    """The file a page's reference names, or None for a data: URL."""
    if url.startswith("data:"):
        return None
    path = unquote(urldefrag(urljoin(f"/{page}.html", url))[0].split("?")[0])
    return site / path.lstrip("/")


def _fonts(css: Path, text: str, families: set[str]) -> list[Path]:
    """The font files of the stylesheet's @font-face rules whose family some rule of the page's
    stylesheets names (the theme draws admonition and toggle icons with Font Awesome's font)."""
    fonts = []
    for face in FONT_FACE.findall(text):
        family = re.search(r"font-family:\s*['\"]?([^;'\"}]+)", face)
        if family is None or family.group(1).strip().lower() not in families:
            continue
        # a font written into the stylesheet (MathJax's zero-width break font) is in its bytes
        urls = [url for url in CSS_URL.findall(face) if not url.startswith("data:")]
        woff2 = [url for url in urls if ".woff2" in url]
        for url in woff2[:1] or urls[:1]:
            fonts.append((css.parent / url.split("?")[0].split("#")[0]).resolve())
    return fonts


def _families(stylesheets: list[str]) -> set[str]:
    """The font families that the rules of the stylesheets (not their @font-face) name."""
    names = set()
    for text in stylesheets:
        for value in re.findall(r"font(?:-family)?:([^;}]+)", FONT_FACE.sub("", text)):
            names.update(name.strip(" '\"").lower() for name in value.split(","))
    return names


def first_visit_files(site: Path, page: str) -> set[Path]:
    """Every file a first visit of the page loads: the HTML, its scripts, stylesheets, preloads
    and media (images counted whether lazy or not), and the fonts its stylesheets use."""
    html = _html(site, page)
    references = (SCRIPT.findall(html) + [a or b for a, b in STYLESHEET.findall(html)]
                  + PRELOAD.findall(html) + MEDIA.findall(html))
    files = {site / f"{page}.html"}
    for url in references:
        path = _local(site, page, url)
        if path is not None:
            files.add(path.resolve())
    sheets = {path: path.read_text(encoding="utf-8") for path in files if path.suffix == ".css"}
    families = _families(list(sheets.values()))
    for path, text in sheets.items():
        files.update(_fonts(path, text, families))
    return files


@pytest.mark.parametrize("page", PAGES)
def test_no_icon_script_and_no_maths_script(built_site, page):
    html = _html(built_site, page)
    scripts = SCRIPT.findall(html)
    assert not [src for src in scripts if "fontawesome" in src.lower()], scripts
    assert not [src for src in scripts if re.search(r"mathjax|katex", src, re.I)], scripts
    assert "window.MathJax" not in html
    # the theme's icons are drawn by inline SVG, not left to the script or its web fonts
    assert not re.search(r'<(?:i|span)\b[^>]*class="[^"]*\bfa-(?:solid|regular|brands)\b', html)
    assert 'class="svg-inline--fa' in html


@pytest.mark.parametrize("page", PAGES)
def test_every_formula_is_drawn_at_build_time(built_site, page):
    html = _html(built_site, page)
    formulas = MATHS.findall(html)
    # glyphs, and drawings of formulas that a repeated formula refers to
    defined = set(GLYPH_PATH.findall(html)) | set(DRAWING_ID.findall(html))
    for tag, inner in formulas:
        assert inner.lstrip().startswith("<") and "<mjx-container" in inner, inner[:200]
        # drawn in the text's colour (the stylesheet's currentColor), so the dark theme shows it
        assert "<svg" in inner and not re.search(r'(?:fill|stroke)="(?!currentColor)', inner), inner[:200]
        assert "<mjx-assistive-mml" in inner and "<math" in inner, inner[:200]
        assert not re.search(r"\\[(\[]", inner.split("<mjx-container", 1)[0])
        missing = set(GLYPH_USE.findall(inner)) - defined
        assert not missing, f"glyphs used but not defined in {page}: {sorted(missing)[:5]}"
    source = (built_site.parent.parent / f"{page}.md").read_text(encoding="utf-8")
    if "$" in source.replace("\\$", ""):
        assert formulas, f"{page} has TeX in its source but no drawn formula"


def test_maths_stylesheet_draws_in_the_text_colour(built_site):
    css = (built_site / "_static" / "build_time_maths.css").read_text(encoding="utf-8")
    # a drawing's group, and a repeated formula's <use> of it
    rule = re.search(r'mjx-container\[jax="SVG"\] > svg > g,\s*'
                     r'mjx-container\[jax="SVG"\] > svg > use \{([^}]*)\}', css)
    assert rule and "fill: currentColor" in rule.group(1) and "stroke: currentColor" in rule.group(1)


def test_equation_numbers_and_links_resolve(built_site):
    numbers = {}
    for page in PAGES:
        for anchor, number in EQUATION.findall(_html(built_site, page)):
            numbers[f"{page}.html#{anchor}"] = number
    assert numbers, "no numbered equation in the book"
    links = 0
    for page in PAGES:
        for href, shown in EQ_LINK.findall(_html(built_site, page)):
            target = urldefrag(urljoin(f"/{page}.html", href))
            key = f"{target.url.lstrip('/')}#{target.fragment}"
            assert key in numbers, f"{page}: {href} points at no numbered equation"
            assert numbers[key] == shown, f"{page}: link shows ({shown}), equation is ({numbers[key]})"
            links += 1
    assert links > 0, "no {eq} link in the book"


@pytest.mark.parametrize("page", PAGES)
def test_first_visit_is_under_budget(built_site, page):
    files = first_visit_files(built_site, page)
    missing = [str(path) for path in files if not path.is_file()]
    assert not missing, missing
    total = sum(path.stat().st_size for path in files)
    largest = sorted(files, key=lambda path: -path.stat().st_size)[:4]
    assert total < BUDGET, (
        f"{page}: {total / 1e6:.2f} MB on a first visit; largest: "
        + ", ".join(f"{path.name} {path.stat().st_size / 1e3:.0f} KB" for path in largest))


def test_search_page_keeps_its_search_scripts(built_site):
    scripts = SCRIPT.findall((built_site / "search.html").read_text(encoding="utf-8"))
    assert any("searchtools.js" in src for src in scripts)
    assert any("searchindex.js" in src for src in scripts)
