"""The licences: MIT for the code, CC BY 4.0 for the book's text and figures, in LICENSE (and the
CC BY legal code in LICENSE-text), named in the package's metadata (so a wheel carries LICENSE),
and in the footer of every page of the built site."""

from __future__ import annotations

import re
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HOLDER = "Copyright (c) 2026 The optimlab authors"
CODE = ("src/", "tools/", "_ext/", "tests/", "benchmarks/")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
MIT = "https://opensource.org/license/mit"
FOOTER = re.compile(r'<footer class="bd-footer-content">(.*?)</footer>', re.DOTALL)


def test_license_gives_the_code_mit_and_the_book_cc_by_with_both_texts():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    code, book = text.split("\n\n- ")[1:3]
    assert code.startswith("The code is under the MIT License")
    assert all(folder in code for folder in CODE), code
    assert book.startswith("The book's text and figures are under the Creative Commons "
                           "Attribution 4.0\n  International License")
    assert "book/" in book and "LICENSE-text" in book
    assert text.count(HOLDER) == 2  # the notice, and the MIT text's own line
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text

    legal_code = (ROOT / "LICENSE-text").read_text(encoding="utf-8")
    assert legal_code.startswith("Attribution 4.0 International\n")
    for heading in ("Creative Commons Attribution 4.0 International Public License",
                    *(f"Section {number} -- " for number in range(1, 9)),
                    "Creative Commons may be contacted at creativecommons.org."):
        assert heading in legal_code, heading


def test_the_package_metadata_names_the_licence_and_its_file():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"  # an SPDX expression (PEP 639)
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    # The metadata the installed package was built with (make check reinstalls it after an edit
    # of pyproject.toml): core metadata 2.4 with the expression and the file, which is shipped.
    # It is read from site-packages: the src/optimlab.egg-info a build leaves may come first.
    (installed,) = metadata.distributions(name="optimlab", path=[sysconfig.get_paths()["purelib"]])
    assert installed.metadata["License-Expression"] == "MIT"
    assert installed.metadata.get_all("License-File") == ["LICENSE"]
    shipped = [file for file in installed.files if file.name == "LICENSE"]
    assert [file.read_text() for file in shipped] == [(ROOT / "LICENSE").read_text()]


def test_the_readme_and_the_configuration_name_both_licences():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    licence = readme[readme.index("\n## Licence\n"):]
    assert "[MIT License](LICENSE)" in licence and "[CC BY 4.0](LICENSE-text)" in licence
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["author"] == "The optimlab authors"
    assert CC_BY in config["html"]["extra_footer"] and MIT in config["html"]["extra_footer"]
    back_of_title = config["sphinx"]["config"]["latex_elements"]["preamble"]
    assert "\\sphinxbackoftitlepage" in back_of_title and CC_BY in back_of_title


def test_every_page_footer_names_the_licences(built_site):
    # _static holds the theme's template fragments (webpack-macros.html), not pages
    pages = sorted(page for page in built_site.rglob("*.html")
                   if page.relative_to(built_site).parts[0] != "_static")
    missing = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in html and "<footer" not in html:
            continue  # a redirect (index.html to the first page), which no one reads
        footer = FOOTER.search(html)
        if footer is None or not all(
                f'<a rel="license" href="{url}">{name}</a>' in footer.group(1)
                for url, name in ((CC_BY, "CC BY 4.0"), (MIT, "MIT License"))):
            missing.append(page.relative_to(built_site).as_posix())
    print(f"{len(pages)} HTML files")
    assert len(pages) > 20
    assert missing == []
