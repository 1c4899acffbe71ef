"""The intro's "how to run it" (_ext/run_options.py): written from the settings that make the
buttons, so it offers Binder and Colab only in a build that has them, the PDF only when the site
links one, and the notebook download always."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import run_options  # noqa: E402


class Config:
    def __init__(self, repository: str = "", binder: str = "", pdf: str = ""):
        self.html_theme_options = {"repository_url": repository,
                                   "launch_buttons": {"binderhub_url": binder, "thebe": bool(binder)}}
        self.pdf_edition = pdf
        self.myst_substitutions = {"other": "kept"}


@pytest.mark.parametrize("config, offered, not_offered", [
    (Config(), ["download", ".ipynb", "pip install optimlab"], ["Binder", "Colab", "rocket", "PDF"]),
    (Config("https://github.com/someone/adam-book", "https://mybinder.org"),
     ["Binder or Google Colab", "rocket", "download"], ["PDF"]),
    (Config("https://gitlab.com/someone/adam-book", "https://mybinder.org"), ["download"],
     ["Binder", "Colab"]),
    (Config(pdf="/tmp/book.pdf"), ["download", "PDF"], ["Binder", "Colab"]),
])
def test_the_run_instructions_offer_what_the_build_has(config, offered, not_offered):
    run_options._set_substitution(None, config)
    text = config.myst_substitutions["run_options"]
    assert config.myst_substitutions["other"] == "kept"
    for phrase in offered:
        assert phrase in text, (phrase, text)
    for phrase in not_offered:
        assert phrase not in text, (phrase, text)


def test_the_intro_uses_the_substitution_and_the_build_loads_it():
    import yaml

    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert "{{ run_options }}" in intro
    assert "rocket" not in intro, "the intro must not promise a button a build may lack"
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "run_options" in config["sphinx"]["local_extensions"]


def test_the_built_intro_has_no_launch_promise_without_a_repository(built_site):
    import re

    html = re.sub(r"<[^>]+>", "", (built_site / "book" / "intro.html").read_text(encoding="utf-8"))
    assert "{{" not in html and "run_options" not in html
    assert "pip install optimlab" in html and "rocket" not in html and "Colab" not in html
