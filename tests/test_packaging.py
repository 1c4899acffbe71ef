"""`pip install optimlab`: the packaging metadata (pyproject.toml), the project URLs a release
writes (tools/package_urls.py) and the wheel checks of tools/check_wheel.py (``make
wheel-check`` builds the real wheel, runs twine and the doctests in a fresh venv; it is too slow
for `make check`, so here its checks are exercised on small wheels made for the purpose)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
import zipfile
from pathlib import Path

import pytest

import optimlab

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


package_urls = load("package_urls")
check_wheel = load("check_wheel")


def test_the_version_is_written_once_in_the_package():
    assert "version" not in PROJECT and PROJECT["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "optimlab.__version__"}
    assert check_wheel.version() == optimlab.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", optimlab.__version__)


def test_the_metadata_pypi_shows_is_complete():
    for field in ("description", "readme", "license", "license-files", "authors", "keywords",
                  "classifiers", "requires-python"):
        assert PROJECT.get(field), f"pyproject.toml's [project] has no {field}"
    assert PROJECT["readme"] == "README.md" and (ROOT / "README.md").is_file()
    # PEP 639: the licence is the SPDX expression; a licence classifier beside it is an error.
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]


def test_the_python_versions_agree_everywhere():
    minimum = re.fullmatch(r">=3\.(\d+)", PROJECT["requires-python"])
    assert minimum, PROJECT["requires-python"]
    listed = sorted(int(c.rsplit(".", 1)[1]) for c in PROJECT["classifiers"]
                    if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert listed and listed[0] == int(minimum[1]), (listed, PROJECT["requires-python"])
    assert listed == list(range(listed[0], listed[-1] + 1)), "no version skipped"
    binder = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-3.")
    assert int(binder) in listed, "Binder's Python (runtime.txt) is one the package supports"


def test_the_build_tools_are_development_requirements_only():
    assert not [d for d in PROJECT["dependencies"] if re.match(r"(build|twine)\b", d)]
    extras = PROJECT["optional-dependencies"]["test"]
    for tool in ("build", "twine"):
        assert any(re.match(rf"{tool}\b", d) for d in extras), tool


def test_a_release_writes_the_urls_of_its_own_repository():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    written = tomllib.loads(package_urls.with_urls(text, "someone/adam-book"))
    assert written["project"]["urls"] == {
        "Homepage": "https://someone.github.io/adam-book/",
        "Documentation": "https://someone.github.io/adam-book/",
        "Source": "https://github.com/someone/adam-book",
        "Issues": "https://github.com/someone/adam-book/issues",
        "Changelog": "https://github.com/someone/adam-book/releases",
    }
    # everything else unchanged
    assert {k: v for k, v in written["project"].items() if k != "urls"} == PROJECT


@pytest.mark.parametrize("wrong", ["adam-book", "https://github.com/a/b", "a/b/c", ""])
def test_package_urls_rejects_what_is_not_owner_slash_name(wrong, tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert package_urls.main([wrong, str(path)]) == 2
    assert path.read_text() == (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_package_urls_refuses_to_write_them_twice():
    text = package_urls.with_urls((ROOT / "pyproject.toml").read_text(), "someone/adam-book")
    with pytest.raises(ValueError, match="already has"):
        package_urls.with_urls(text, "someone/adam-book")


def wheel(path: Path, metadata: dict, files: list[str]) -> Path:
    """A small wheel with these METADATA fields and these (empty) files."""
    text = "".join(f"{key}: {value}\n" for key, values in metadata.items()
                   for value in (values if isinstance(values, list) else [values]))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("optimlab-0.1.0.dist-info/METADATA", text)
        for name in files:
            archive.writestr(name, "")
    return path


GOOD = {"Metadata-Version": "2.4", "Name": "optimlab", "Version": optimlab.__version__,
        "Summary": "optimizers", "Requires-Python": ">=3.11", "License-Expression": "MIT",
        "Description-Content-Type": "text/markdown",
        "Classifier": ["Programming Language :: Python :: 3"]}
GOOD_FILES = ["optimlab/__init__.py", "optimlab/book.py", "optimlab-0.1.0.dist-info/licenses/LICENSE"]


def test_the_wheel_check_accepts_a_complete_wheel(tmp_path):
    assert check_wheel.check_wheel_contents(wheel(tmp_path / "good.whl", GOOD, GOOD_FILES)) == []


@pytest.mark.parametrize("change, files, problem", [
    ({"Version": "9.9.9"}, GOOD_FILES, "Version is 9.9.9"),
    ({"Requires-Python": ""}, GOOD_FILES, "no Requires-Python"),
    ({"Classifier": []}, GOOD_FILES, "no classifiers"),
    ({}, GOOD_FILES[:2], "licence file is not in the wheel"),
    ({}, [*GOOD_FILES, "tests/test_x.py"], "files outside the package"),
])
def test_the_wheel_check_names_what_is_wrong(tmp_path, change, files, problem):
    found = check_wheel.check_wheel_contents(wheel(tmp_path / "bad.whl", {**GOOD, **change}, files))
    assert any(problem in p for p in found), found
