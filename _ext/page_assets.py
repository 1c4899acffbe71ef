"""Sphinx extension: a page loads only the scripts and stylesheets it uses.

The theme and the extensions add their assets to every page, whether or not the page has
anything for them; on a first visit over a slow connection each costs a request and its bytes.
Each asset below is kept on the pages whose content uses it and dropped from the others:

- sphinx-design's stylesheet and tab script: pages with a sphinx-design component (``sd-``);
- sphinx-togglebutton's script, stylesheet and settings: pages with a toggle or dropdown;
- sphinx-copybutton's script, clipboard.js and stylesheet: pages with a code block;
- Pygments' colours: pages with highlighted code;
- sphinx-proof's and sphinx-exercise's stylesheets: pages with an algorithm/proof box or an
  exercise;
- myst-nb's stylesheet, and the results tables' (_ext/results_tables.py): pages with notebook
  cells or their outputs;
- sphinx-thebe's script, stylesheet and settings: only when the book turns on live code (the
  launch button; see tools/book_config.py), which then needs them on every page with cells;
- Sphinx's search scripts and the search index (searchtools.js, language_data.js and the
  94 KB searchindex.js), which pydata-sphinx-theme puts on every page for its search-as-you-type
  option: only on the search page unless that option is on (the search box sends the query there).

Two stylesheets that every page needs are mostly rules for markup the book never has: the theme's
(397 KB: all of Bootstrap's utilities, a ``:before`` glyph rule for each of Font Awesome's 1,900
icons) and myst-nb's (43 KB, mostly colours of ANSI terminal output). Pages link a copy of each
(``<name>.used.css`` beside the original, which stays as it is) without the rules none of whose
selectors can match: a selector is kept if each class it names is on some element of the built
site, or written in one of its scripts (which add classes as they run), or starts with a string
a script builds class names from (Bootstrap's `bs-${name}-auto`); every selector with a
functional pseudo-class (``:not(...)``) or an escape is kept.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re

from pathlib import Path

from svg_icons import FONTAWESOME_JS, rewrite_html_files

# asset file name -> what in the page's body needs it
USED_BY = {
    "design-tabs.js": r'class="[^"]*\bsd-',
    "sphinx-design.min.css": r'class="[^"]*\bsd-',
    "togglebutton.js": r'class="[^"]*\b(toggle|dropdown)\b',
    "togglebutton.css": r'class="[^"]*\b(toggle|dropdown)\b',
    "copybutton.js": r"<pre\b",
    "clipboard.min.js": r"<pre\b",
    "copybutton.css": r"<pre\b",
    "pygments.css": r'class="highlight',
    "proof.css": r'class="[^"]*\bproof\b',
    "exercise.css": r'class="[^"]*\b(exercise|solution)\b',
    "mystnb.*.css": r'class="[^"]*\b(cell|output)\b',
    "results_tables.css": r'class="[^"]*\b(cell|output)\b',
}
# inline settings scripts that belong to one of the assets above
SETTINGS_OF = {
    "togglebutton.js": ("toggleHintShow", "toggleHintHide", "toggleOpenOnPrint",
                        "togglebuttonSelector"),
    "sphinx-thebe.js": ("THEBE_JS_URL",),
}
THEBE = ("sphinx-thebe.js", "sphinx-thebe.css")
PURGED_STYLESHEETS = ("styles/pydata-sphinx-theme.css", "mystnb.*.css")
FLAT_RULE = re.compile(r"(?<=[{}])([^{}@;]+)\{([^{}]*)\}")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# a string in a script that a class name is made from: `bs-${name}-auto`, "toggle-" + ...
ASSEMBLED = re.compile(r"[`\"']([a-z][a-z0-9-]*-)(?:\$\{|[`\"'])")
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*")
ICON_FONT = "fa-solid-900.{}"
ICON_GLYPH = re.compile(r'"\\(f[0-9a-f]{3})"')
ICON_FONT_SOURCES = re.compile(r'url\(\.\./vendor/fontawesome/webfonts/fa-solid-900\.woff2\) '
                               r'format\("woff2"\),url\(\.\./vendor/fontawesome/webfonts/'
                               r'fa-solid-900\.ttf\) format\("truetype"\)')
SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|'
                            r'_static/language_data\.js|searchindex\.js)"></script>\n?')


def _name(asset) -> str:
    return (getattr(asset, "filename", None) or "").split("?")[0].rsplit("/", 1)[-1]


def _unused(app, body: str) -> set[str]:
    """The asset file names this page does not use."""
    unused = {name for name, needs in USED_BY.items() if not re.search(needs, body)}
    launch = app.config.html_theme_options.get("launch_buttons", {})
    if not launch.get("thebe"):
        unused.update(THEBE)
    return unused


def _matches(name: str, patterns) -> bool:
    return any(re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), name) for pattern in patterns)


def _drop_unused_assets(app, pagename, templatename, context, doctree):
    if "body" not in context:
        return
    unused = _unused(app, context["body"])
    settings = tuple(marker for asset, markers in SETTINGS_OF.items() if asset in unused
                     for marker in markers)
    for key in ("script_files", "css_files"):
        if key not in context:
            continue
        kept = []
        for asset in context[key]:
            body = getattr(asset, "attributes", {}).get("body") or ""
            if _matches(_name(asset), unused) or (settings and body.startswith(
                    tuple(f"{verb} {marker}" for marker in settings
                          for verb in ("let", "var", "const")))):
                continue
            kept.append(asset)
        context[key] = kept


def _drop_search_scripts(app, exception):
    """pydata-sphinx-theme's layout writes the search scripts into every page's head itself
    (not through Sphinx's asset list), so they come out of the written pages; search.html keeps
    its own copy, which its template writes into the page's body."""
    if exception is not None or app.builder.format != "html":
        return
    if app.config.html_theme_options.get("search_as_you_type"):
        return
    rewrite_html_files(app.outdir, lambda page: SEARCH_SCRIPTS.sub("", page),
                       skip=(f"search{app.builder.out_suffix}",))


def _used_names(outdir: Path) -> tuple[set[str], str]:
    """The classes on the built site's elements, and the text of its scripts."""
    classes = set()
    for page in sorted(outdir.rglob("*.html")):
        for value in re.findall(r'\bclass="([^"]*)"', page.read_text(encoding="utf-8")):
            classes.update(value.split())
    scripts = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                        for path in sorted((outdir / "_static").rglob("*.js"))
                        if path.name != FONTAWESOME_JS.name)
    return classes, scripts


def used_rules(css: str, classes: set[str], scripts: str) -> str:
    """The stylesheet without the rules none of whose selectors can match (see the module)."""
    assembled = tuple(sorted(set(ASSEMBLED.findall(scripts))))

    def alive(name: str) -> bool:
        return name in classes or name in scripts or name.startswith(assembled)

    def keep(selector: str) -> bool:
        if "(" in selector or "\\" in selector:
            return True
        return all(alive(name) for name in CLASS.findall(selector))

    def rule(match: re.Match) -> str:
        return match.group(0) if any(keep(part) for part in match.group(1).split(",")) else ""

    return FLAT_RULE.sub(rule, "}" + SOURCE_MAP.sub("", css))[1:]


def _link_used_stylesheets(app, exception):
    """Write the ``.used.css`` copies and point every page at them."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    classes, scripts = _used_names(outdir)
    renamed = {}
    for pattern in PURGED_STYLESHEETS:
        for path in sorted(static.glob(pattern)):
            if path.name.endswith(".used.css"):
                continue
            copy = path.with_name(path.name[: -len(".css")] + ".used.css")
            text = used_rules(path.read_text(encoding="utf-8"), classes, scripts)
            if not copy.is_file() or copy.read_text(encoding="utf-8") != text:
                copy.write_text(text, encoding="utf-8")
            renamed[path.relative_to(static).as_posix()] = copy.relative_to(static).as_posix()
    _subset_icon_font(static, quiet=app.quiet)
    if not renamed:
        return
    link = re.compile(r'(href="[^"]*_static/)(' + "|".join(map(re.escape, renamed)) + r')([?"])')
    rewrite_html_files(outdir, lambda page: link.sub(
        lambda found: found.group(1) + renamed[found.group(2)] + found.group(3), page))


@contextlib.contextmanager
def _logger_level(name: str, level: int):
    """Set the level of the logger `name` for the duration of a block."""
    logger = logging.getLogger(name)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


def _subset_icon_font(static: Path, quiet: bool = True) -> None:
    """Point the theme's stylesheet at a copy of Font Awesome's solid font cut down to the
    glyphs the site's stylesheets name (``content: "\\f105"`` and the like, in rules or in
    custom properties): the theme still draws a few icons (admonitions, toggles, the search
    and menu buttons) with the font, whose whole 156 KB would otherwise load on every page.

    fontTools logs each step of the cut at INFO, and accessible-pygments (which the theme
    imports) sends every INFO record to the terminal (``logging.basicConfig(level=INFO)`` at
    import); when Sphinx is `quiet` (its own progress lines off), so are fontTools' below
    WARNING.
    """
    with _logger_level("fontTools", logging.WARNING) if quiet else contextlib.nullcontext():
        _cut_icon_font(static)


def _cut_icon_font(static: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    theme = static / "styles" / "pydata-sphinx-theme.used.css"
    if not (webfonts / ICON_FONT.format("ttf")).is_file() or not theme.is_file():
        return
    originals = {static / pattern for pattern in PURGED_STYLESHEETS}
    linked = [path for path in sorted(static.rglob("*.css"))
              if path not in originals and not path.with_name(
                  path.name[: -len(".css")] + ".used.css").is_file()]
    codepoints = sorted({int(code, 16) for path in linked
                         for code in ICON_GLYPH.findall(path.read_text(encoding="utf-8"))})
    font = TTFont(webfonts / ICON_FONT.format("ttf"), recalcTimestamp=False)  # reproducible
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer)
    cut = webfonts / ICON_FONT.format("used.woff")
    if not cut.is_file() or cut.read_bytes() != buffer.getvalue():
        cut.write_bytes(buffer.getvalue())
    text = theme.read_text(encoding="utf-8")
    pointed = ICON_FONT_SOURCES.sub(
        f'url(../vendor/fontawesome/webfonts/{cut.name}) format("woff")', text)
    if pointed != text:
        theme.write_text(pointed, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _drop_unused_assets)
    app.connect("build-finished", _drop_search_scripts)
    # after svg_icons has drawn the icons and myst-nb has copied its stylesheet
    app.connect("build-finished", _link_used_stylesheets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
