"""The PDF edition (`make pdf`), checked with poppler's tools: every chapter is in it, every
reference resolved, every animation a captioned still, every font embedded, the metadata and
the bibliography in place, code inside the page, and the site built with it links it from
every page.

Needs TeX (xelatex, latexmk) and poppler-utils (see the README). Without them the tests are
skipped, unless OPTIMLAB_REQUIRE_PDF=1 (set by .ci/run), in which case they fail. With
OPTIMLAB_SKIP_BUILD=1 an existing _build/pdf/book.pdf (and the site built with it) is tested.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from docutils import nodes
from sphinx_external_toc.parsing import parse_toc_yaml

pytestmark = pytest.mark.pdf

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
PDF = BUILD / "pdf" / "book.pdf"
HTML = BUILD / "html"
TOOLS = ("xelatex", "latexmk", "pdftotext", "pdfinfo", "pdffonts", "pdfimages")
ANIMATION_NOTE = "The last frame of an animation; the web edition plays it"


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _make(*arguments: str) -> None:
    result = subprocess.run(["make", *arguments], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"`make {' '.join(arguments)}` failed (exit {result.returncode}):\n"
                    f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}")


def _require_tools() -> None:
    """Skip without TeX and poppler (fail under OPTIMLAB_REQUIRE_PDF=1)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = (f"{', '.join(missing)} not installed: the PDF edition needs TeX and "
                   "poppler-utils (apt-get install $(cat .ci/tex-packages.txt))")
        if os.environ.get("OPTIMLAB_REQUIRE_PDF") == "1":
            pytest.fail(message + " (OPTIMLAB_REQUIRE_PDF=1 makes this an error)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def pdf() -> Path:
    """The PDF `make pdf` builds. After the tests the plain site is built again (`make book`),
    so that the tests after these see the site that `make book` makes."""
    _require_tools()
    reuse = os.environ.get("OPTIMLAB_SKIP_BUILD") == "1" and PDF.is_file()
    if not reuse:
        _make("pdf")
    yield PDF
    if not reuse:
        _make("book")


@pytest.fixture(scope="module")
def text(pdf) -> str:
    """The PDF's text in the order TeX wrote it (a layout guess splits some captions)."""
    return _run("pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-")


def _flat(text: str) -> str:
    """Text with words split across lines joined and every run of white space one space."""
    return re.sub(r"\s+", " ", re.sub(r"(\w)-\n(\w)", r"\1\2", text))


def _pages() -> list[str]:
    return list(parse_toc_yaml(ROOT / "_toc.yml"))


def _title(page: str) -> str:
    source = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", source, re.MULTILINE).group(1).strip()


def _animation_outputs() -> int:
    """Animations among the executed pages' outputs (their HTML is optimlab's video)."""
    count = 0
    for page in _pages():
        notebook = json.loads((BUILD / "jupyter_execute" / f"{page}.ipynb").read_text())
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                html = "".join(output.get("data", {}).get("text/html", ""))
                count += 'class="optimlab-video"' in html
    return count


def test_every_chapter_title_is_in_the_pdf(text):
    flat = _flat(text)
    missing = [_title(page) for page in _pages() if _title(page) not in flat]
    assert missing == []


def test_no_reference_is_left_unresolved(text):
    lines = [line for line in text.splitlines() if "??" in line]
    assert lines == []


def test_every_animation_is_a_captioned_still(pdf, text):
    animations = _animation_outputs()
    assert animations > 0, "no animation among the executed pages: nothing was checked"
    assert "<Animation" not in text
    assert _flat(text).count(ANIMATION_NOTE) == animations
    images = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    print(f"{len(images)} images, {animations} of them animations' last frames")
    assert len(images) >= animations


def test_every_font_is_embedded(pdf):
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "pdffonts lists no font"
    # Columns: name, type (one or two words), encoding, emb, sub, uni, object ID.
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not_embedded == []


def test_title_author_and_pages(pdf):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    info = dict(line.split(":", 1) for line in _run("pdfinfo", str(pdf)).splitlines()
                if ":" in line)
    info = {key: value.strip() for key, value in info.items()}
    print(f"{info['Pages']} pages, {pdf.stat().st_size:,} bytes")
    assert info["Title"] == config["title"]
    assert info["Author"] == config["author"]
    assert int(info["Pages"]) > len(_pages())


def test_the_back_of_the_title_page_names_the_licences(pdf):
    back_of_title = _flat(_run("pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", str(pdf), "-"))
    assert "Copyright © 2026 The optimlab authors." in back_of_title
    assert ("The text and figures are licensed under the Creative Commons Attribution 4.0 "
            "International License (CC BY 4.0)") in back_of_title
    assert "the code under the MIT License" in back_of_title


def test_the_bibliography_lists_every_cited_work(text):
    cited = set()
    for page in _pages():
        source = (ROOT / f"{page}.md").read_text(encoding="utf-8")
        for keys in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source):
            cited.update(key.strip() for key in keys.split(","))
    assert cited, "no page cites anything: nothing was checked"
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    flat = _flat(text).casefold()
    missing = []
    for key in sorted(cited):
        entry = re.search(rf"@\w+\{{{re.escape(key)},(.*?)\n\}}", bib, re.DOTALL).group(1)
        title = re.search(r"title\s*=\s*\{(.*?)\},?\n", entry, re.DOTALL).group(1)
        # maths in a title ($\beta_2$) is typeset, not spelled: the text around it must be there
        for part in re.split(r"\$[^$]*\$", title):
            words = re.sub(r"[{}\\]", "", re.sub(r"\s+", " ", part)).replace("--", "–")
            words = words.strip().casefold()
            if words and words not in flat:
                missing.append((key, words))
    assert missing == []


def _words_beyond_the_right_edge(pdf: Path) -> list[tuple[int, str, float]]:
    """Words (page number, word, right end in pt) that end right of the text block: right of
    the edge where most words end (justified lines), by more than 1 pt."""
    boxes = _run("pdftotext", "-bbox", str(pdf), "-")
    ends = [(number, word, float(x))
            for number, page in enumerate(boxes.split("<page ")[1:], start=1)
            for x, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', page)]
    edge = Counter(round(x) for _, _, x in ends).most_common(1)[0][0]
    return [(number, word, x) for number, word, x in ends if x > edge + 1]


def test_code_and_text_stay_inside_the_text_block(pdf):
    """Long code and output lines are wrapped, not run into the margin."""
    assert _words_beyond_the_right_edge(pdf) == []


def test_a_line_into_the_margin_is_found(tmp_path):
    """The check above fails on a PDF with an unbreakable code line."""
    _require_tools()
    source = tmp_path / "overflow.tex"
    lines = "\n".join(["Justified text that fills the line from margin to margin. " * 4] * 3)
    source.write_text("\\documentclass{article}\\begin{document}\n" + lines + "\n\n"
                      "\\begin{verbatim}\n" + "x = 1 + " * 20 + "1\n\\end{verbatim}\n"
                      "\\end{document}\n")
    subprocess.run(["xelatex", "-interaction=nonstopmode", source.name], cwd=tmp_path,
                   capture_output=True, check=True)
    beyond = _words_beyond_the_right_edge(tmp_path / "overflow.pdf")
    assert beyond and {word for _, word, _ in beyond} <= {"x", "=", "1", "+"}


def test_every_page_of_the_site_links_the_pdf(pdf):
    site_copy = HTML / "book.pdf"
    assert site_copy.read_bytes() == pdf.read_bytes()
    unlinked = []
    for page in _pages():
        html = (HTML / f"{page}.html").read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]*book\.pdf)"', html)
        if not links or not all((HTML / page).parent.joinpath(link).resolve() == site_copy
                                for link in links):
            unlinked.append(page)
    assert unlinked == []


def _note(baseurl: str) -> nodes.inline:
    """The caption sentence pdf_edition writes under an animation on the page "Momentum"."""
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from pdf_edition import web_edition_note
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    title = nodes.title("", "Momentum")
    app = SimpleNamespace(config=SimpleNamespace(html_baseurl=baseurl),
                          env=SimpleNamespace(titles={"book/momentum": title}))
    return web_edition_note(app, "book/momentum")


def test_an_animation_caption_links_its_web_page():
    note = _note("https://owner.github.io/name/")
    address = "https://owner.github.io/name/book/momentum.html"
    assert note.astext() == f"{ANIMATION_NOTE}: {address}."
    assert [ref["refuri"] for ref in note.findall(nodes.reference)] == [address]


def test_without_a_base_url_the_caption_names_the_page_and_its_path():
    note = _note("")
    assert note.astext() == f"{ANIMATION_NOTE}: the page “Momentum”, book/momentum.html."
