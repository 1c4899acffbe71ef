"""The student edition (`make student`: tools/build_student.py, _ext/student_edition.py): the site
without the exercises' solutions, in its pages, its notebooks and its downloadable sources.

The checks of the built edition read _build/student/html as `make student` leaves it; building
it here would add a whole render to `make test`, so without one they skip, naming the command."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from test_book import toc_pages

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import student_edition  # noqa: E402

STUDENT = ROOT / "_build" / "student" / "html"
SITE = ROOT / "_build" / "html"

PAGE = """\
# A page

```{exercise} Try it
:label: ex-one
Do the thing.
```

````{solution-start} ex-one
:class: dropdown
````

The answer is {glue:text}`answer:.2f`.

```{code-cell} ipython3
glue("answer", 0.25)
```

````{solution-end}
````

```{solution} ex-two
:class: dropdown
Short answer.
```

Text after, with {glue:text}`kept:.1f`.
"""


def test_a_page_keeps_everything_but_its_solutions():
    text = student_edition.without_solutions(PAGE)
    assert "solution" not in text and "answer" not in text and "Short answer" not in text
    assert "Do the thing." in text and "Text after" in text and "```{exercise}" in text


def notebook_of(page: str) -> dict:
    """The page as a notebook whose code cells glue their values, as myst-nb's would."""
    cells = []
    parts = re.split(r"```\{code-cell\} ipython3\n(.*?)\n```\n", page, flags=re.S)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": part})
        else:
            name = re.search(r'glue\("([^"]+)"', part)[1]
            cells.append({"cell_type": "code", "metadata": {}, "source": part, "outputs": [
                {"output_type": "display_data", "data": {"text/plain": "0.25"},
                 "metadata": {"scrapbook": {"name": name, "mime_prefix": ""}}}]})
    cells.append({"cell_type": "code", "metadata": {}, "source": 'glue("kept", 1.0)\nglue("unused", 2.0)',
                  "outputs": [{"output_type": "display_data", "data": {"text/plain": str(v)},
                               "metadata": {"scrapbook": {"name": n, "mime_prefix": ""}}}
                              for n, v in (("kept", 1.0), ("unused", 2.0))]})
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_a_notebook_loses_its_solutions_cells_and_the_values_glued_only_for_them():
    stripped = student_edition.notebook_without_solutions(notebook_of(PAGE))
    text = json.dumps(stripped)
    assert "solution" not in text and "Short answer" not in text
    assert 'glue(\\"answer\\"' not in text, "the solution's code cell stays"
    names = [o["metadata"]["scrapbook"]["name"] for c in stripped["cells"] if c["cell_type"] == "code"
             for o in c["outputs"]]
    assert names == ["kept"], names
    assert "Do the thing." in text and "Text after" in text


def solutions_in(html: str) -> list[str]:
    """What marks a solution in a rendered page (sphinx-exercise's classes and titles)."""
    return re.findall(r'class="[^"]*\bsolution\b[^"]*"|Solution to|solution-start|solution-end', html)


@pytest.fixture(scope="module")
def student_site() -> Path:
    if not (STUDENT / "index.html").is_file():
        pytest.skip(f"no student edition at {STUDENT.relative_to(ROOT)}: run `make student`")
    return STUDENT


def test_the_check_can_see_solutions_in_the_full_site():
    if not (SITE / "index.html").is_file():
        pytest.skip("no site at _build/html: run `make book`")
    assert any(solutions_in((SITE / f"{page}.html").read_text(encoding="utf-8")) for page in toc_pages())


def test_the_student_edition_has_every_page_and_no_solution(student_site):
    for page in toc_pages():
        html = (student_site / f"{page}.html").read_text(encoding="utf-8")
        assert not solutions_in(html), (page, solutions_in(html)[:3])
        if (SITE / f"{page}.html").is_file():
            exercises = html.count('class="exercise')
            assert exercises == (SITE / f"{page}.html").read_text(encoding="utf-8").count(
                'class="exercise'), f"{page}: the exercises themselves must stay"


def test_the_student_editions_downloads_have_no_solution(student_site):
    sources = list((student_site / "_sources").rglob("*.md")) + list(
        (student_site / "_sources").rglob("*.ipynb"))
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "solution-start" not in text and "{solution}" not in text, path
    for path in (student_site.parent / "notebooks").rglob("*.ipynb"):
        assert "solution-start" not in path.read_text(encoding="utf-8"), path
