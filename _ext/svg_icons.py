"""Sphinx extension: the theme's icons as inline SVG, without Font Awesome's 1.5 MB script.

pydata-sphinx-theme marks its icons up as Font Awesome classes (``<i class="fa-solid fa-bars">``)
and loads ``scripts/fontawesome.js`` (1.49 MB, every icon of Font Awesome's free set) on every
page, which swaps each such element for an ``<svg>`` once it has run. This extension does that
swap when the book is built: each icon element in the written pages becomes the ``<svg>`` the
script would have made, with the glyph's path read from the theme's installed copy of the script
(so the icons are those of the theme's own Font Awesome version), and the script's tag is taken
out of every page. The few CSS rules the script would have injected for such ``<svg>`` elements
are read from the same file into ``_static/svg_icons.css``.

An icon a script creates later (pydata-sphinx-theme's banner close button) is left to the
theme's stylesheet, which still draws Font Awesome's glyphs from its web fonts (page_assets
keeps the stylesheet's rules for the icons that the theme's scripts name).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pydata_sphinx_theme

FONTAWESOME_JS = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
                  / "static" / "scripts" / "fontawesome.js")
STYLESHEET = "svg_icons.css"
PREFIXES = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far",
            "fa-brands": "fab", "fab": "fab"}
SCRIPT_TAG = re.compile(r'[ \t]*<script [^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*">'
                        r'</script>\n?')
ICON = re.compile(r'<(i|span)((?:\s+[a-z-]+="[^"]*")*)\s*>\s*</\1>')
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
# One icon of a pack: name: [width, height, [aliases], "unicode", "path"]
GLYPH = re.compile(r'(?:"([a-z0-9-]+)"|([a-z0-9]+)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]')
PACK = re.compile(r'var p=\{(.*?)\};?\s*\(function\(\)\{d\("(fa[srb])",p', re.S)
CSS_STRING = re.compile(r"':host,:root\{--fa-font-solid[^']*'")
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


@lru_cache(maxsize=1)
def glyphs() -> dict[tuple[str, str], tuple[int, int, str]]:
    """(pack, icon name) -> (width, height, SVG path) for every icon the theme's script holds."""
    source = FONTAWESOME_JS.read_text(encoding="utf-8")
    found = {}
    for pack in PACK.finditer(source):
        for match in GLYPH.finditer(pack.group(1)):
            name = match.group(1) or match.group(2)
            found[(pack.group(2), name)] = (int(match.group(3)), int(match.group(4)),
                                            match.group(5))
    if not found:
        raise RuntimeError(f"no Font Awesome icons found in {FONTAWESOME_JS}")
    return found


def stylesheet() -> str:
    """The rules of the script's own stylesheet that style its ``svg.svg-inline--fa``."""
    source = FONTAWESOME_JS.read_text(encoding="utf-8")
    match = CSS_STRING.search(source)
    if match is None:
        raise RuntimeError(f"Font Awesome's stylesheet not found in {FONTAWESOME_JS}")
    rules = [f"{selector.strip()}{{{body}}}" for selector, body in CSS_RULE.findall(match.group(0))
             if "svg-inline--fa" in selector and not selector.strip().startswith("@")]
    return "\n".join(rules) + "\n"


def _as_svg(match: re.Match) -> str:
    attributes = dict(ATTRIBUTE.findall(match.group(2)))
    classes = attributes.get("class", "").split()
    packs = [PREFIXES[name] for name in classes if name in PREFIXES]
    if not packs:
        return match.group(0)
    table = glyphs()
    names = [name[3:] for name in classes if name.startswith("fa-") and (packs[0], name[3:]) in table]
    if not names:
        return match.group(0)
    width, height, path = table[(packs[0], names[0])]
    kept = [name for name in classes if name not in PREFIXES]
    # The icon is hidden from screen readers (its button has a label) and a <title> would be
    # text of the page: Sphinx's search shows the page's text, and every result began with the
    # colour switch's "Light Dark System Settings".
    attributes.pop("title", None)
    attributes["class"] = " ".join(["svg-inline--fa", *kept])
    attributes.update({"aria-hidden": "true", "focusable": "false", "role": "img",
                       "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {width} {height}"})
    text = " ".join(f'{key}="{value}"' for key, value in attributes.items())
    return f'<svg {text}><path fill="currentColor" d="{html.escape(path)}"></path></svg>'


def inline_icons(page: str) -> str:
    """The page with its Font Awesome elements drawn as SVG and without Font Awesome's script."""
    return ICON.sub(_as_svg, SCRIPT_TAG.sub("", page))


def rewrite_html_files(outdir, rewrite, skip=()) -> None:
    """Apply rewrite (text -> text) to every HTML file of the built site but those named in skip
    (paths relative to outdir), writing only the files it changes."""
    for path in sorted(Path(outdir).rglob("*.html")):
        if path.relative_to(outdir).as_posix() in skip:
            continue
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def add_generated_stylesheet(app, name: str, text: str) -> None:
    """Write a stylesheet made at build time into the site's _static and link it from every
    page (on builder-inited, so that each page links it with its checksum, as a clean build does)."""
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / name).write_text(text, encoding="utf-8")
    app.add_css_file(name)


def _write_stylesheet(app):
    add_generated_stylesheet(app, STYLESHEET, stylesheet())


def _inline_icons(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    rewrite_html_files(app.outdir, inline_icons)


def setup(app):
    app.connect("builder-inited", _write_stylesheet)
    app.connect("build-finished", _inline_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
