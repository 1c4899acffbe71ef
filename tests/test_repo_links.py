"""Repository links in the built HTML: with `make book REPO=owner/name` every page links to that
repository (Binder at the page's own source, live code, repository, issue, edit) and the site's
addresses are absolute on GitHub Pages; without REPO no page links to any repository, and
Jupyter Book's default repository never leaks in."""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_book import toc_pages

ROOT = Path(__file__).resolve().parents[1]
REPO = "someone/adam-book"
GITHUB = f"https://github.com/{REPO}"
PAGES = "https://someone.github.io/adam-book/"
LEAK = "executablebooks/jupyter-book"
REPOSITORY_BUTTONS = ("btn-source-repository-button", "btn-source-issues-button", "btn-source-edit-button")

sys.path.insert(0, str(ROOT / "_ext"))
spec = importlib.util.spec_from_file_location("book_config", ROOT / "tools" / "book_config.py")
book_config = importlib.util.module_from_spec(spec)
spec.loader.exec_module(book_config)


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def resolve(page: str, href: str) -> str:
    """A relative link of the page `page` (e.g. book/intro) as a path from the site's root."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def assert_downloads(site: Path, page: str, sources: Path) -> None:
    """The page offers its MyST source and its executed notebook, outputs included, and has
    copy buttons on its code."""
    html = (site / f"{page}.html").read_text(encoding="utf-8")
    downloads = {resolve(page, link) for link in hrefs(html) if "_sources/" in link}
    assert downloads == {f"_sources/{page}.md", f"_sources/{page}.ipynb"}, (page, downloads)
    assert (site / "_sources" / f"{page}.md").read_text() == (sources / f"{page}.md").read_text()
    notebook = json.loads((site / "_sources" / f"{page}.ipynb").read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all("outputs" in cell for cell in code), page
    if code:
        assert any(cell["outputs"] for cell in code), f"{page}.ipynb has no outputs"
    assert "copybutton.js" in html, page


# --- tools/book_config.py ---------------------------------------------------------------------


def test_repository_config_turns_every_repository_button_on():
    committed = yaml.safe_load((ROOT / "_config.yml").read_text())
    config = book_config.with_repository(committed, REPO)
    assert config["repository"]["url"] == GITHUB
    assert config["html"]["baseurl"] == PAGES
    for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        assert config["html"][button] is True
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["launch_buttons"]["thebe"] is True
    # Everything else is the committed configuration, which is left untouched.
    assert config["execute"] == committed["execute"]
    assert committed["repository"]["url"] == ""
    assert committed["html"]["use_repository_button"] is False


def test_repository_config_rejects_what_is_not_owner_slash_name():
    for bad in ("", "someone", "someone/", "https://github.com/someone/adam-book", "a/b/c", "some one/x"):
        with pytest.raises(ValueError, match="repository") as error:
            book_config.with_repository({}, bad)
        assert repr(bad) in str(error.value)


def test_pages_address_of_a_project_and_of_a_user_site():
    assert book_config.pages_url("SomeOne", "adam-book") == "https://someone.github.io/adam-book/"
    assert book_config.pages_url("someone", "SomeOne.github.io") == "https://someone.github.io/"


# --- a build without REPO ---------------------------------------------------------------------


def test_without_a_repository_no_page_links_to_one(built_site):
    for path in built_site.rglob("*.html"):
        assert LEAK not in path.read_text(encoding="utf-8"), f"{path} links to Jupyter Book's repository"
    for page in toc_pages():
        html = (built_site / f"{page}.html").read_text(encoding="utf-8")
        for button in REPOSITORY_BUTTONS:
            assert button not in html, f"{page} has {button} without a repository"
        assert "mybinder.org" not in html and "btn-launch-thebe" not in html, page
        assert "colab.research.google.com" not in html, page
        assert "text/x-thebe-config" not in html, page
        # What needs no repository is still there: downloads and copy buttons.
        assert_downloads(built_site, page, ROOT)
    assert (built_site / ".nojekyll").exists()
    assert not (built_site / "sitemap.xml").exists(), "a sitemap without the site's address"


# --- a build with REPO ------------------------------------------------------------------------

NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "_build", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", "artifacts",
    "node_modules",
)


def make_book(folder: Path, repo: str) -> subprocess.CompletedProcess:
    venv = ROOT / ".venv"
    env = dict(os.environ, PYTHONPATH=str(folder / "src"))
    env.pop("REPO", None)
    return subprocess.run(
        ["make", "-o", f"{venv}/.installed", "book", f"VENV={venv}", f"REPO={repo}"],
        cwd=folder, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def repo_copy(built_site, tmp_path_factory) -> Path:
    """A copy of the book built with REPO; it reuses the executed outputs of `built_site`
    (same package, pages and toolchain, so the Makefile keeps the cache) and only re-renders."""
    folder = tmp_path_factory.mktemp("repo_build") / "book"
    shutil.copytree(ROOT, folder, ignore=NOT_COPIED)
    (folder / "node_modules").symlink_to(ROOT / "node_modules")  # the maths renderer's
    (folder / "_build").mkdir()
    cache = built_site.parent / ".jupyter_cache"
    if cache.exists():
        shutil.copytree(cache, folder / "_build" / ".jupyter_cache")
        shutil.copy2(built_site.parent / ".inputs-hash", folder / "_build" / ".inputs-hash")
    result = make_book(folder, REPO)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return folder


def test_with_a_repository_every_page_launches_its_own_source_in_binder(repo_copy):
    site = repo_copy / "_build" / "html"
    for page in toc_pages():
        links = hrefs((site / f"{page}.html").read_text(encoding="utf-8"))
        binder = [link for link in links if link.startswith("https://mybinder.org/")]
        assert binder == [f"https://mybinder.org/v2/gh/{REPO}/main?urlpath=lab/tree/{page}.md"], (page, binder)
        assert (repo_copy / f"{page}.md").exists()


def test_with_a_repository_every_page_has_live_code_repository_issue_and_edit_buttons(repo_copy):
    site = repo_copy / "_build" / "html"
    for page in toc_pages():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        links = hrefs(html)
        assert GITHUB in links, page
        assert any(link.startswith(f"{GITHUB}/issues/new?") for link in links), page
        assert f"{GITHUB}/edit/main/{page}.md" in links, page
        assert "btn-launch-thebe" in html, page
        thebe = re.search(r'<script type="text/x-thebe-config">(.*?)</script>', html, re.S)
        assert thebe and f'repo: "{REPO}"' in thebe.group(1), page
        assert LEAK not in html, page


def test_colab_addresses_and_repository_detection():
    import notebook_links

    assert notebook_links.colab_url("someone", "adam-book", "notebooks", "book/adam") == (
        "https://colab.research.google.com/github/someone/adam-book/blob/notebooks/book/adam.ipynb")

    class App:
        class config:
            html_theme_options = {}

    for url, expected in [("https://github.com/someone/adam-book", ("someone", "adam-book")),
                          ("https://github.com/someone/adam-book/", ("someone", "adam-book")),
                          ("https://gitlab.com/someone/adam-book", None), ("", None)]:
        App.config.html_theme_options = {"repository_url": url}
        assert notebook_links.github_repository(App) == expected, url


def test_with_a_repository_every_page_opens_its_published_notebook_in_colab(repo_copy):
    """Each page's Colab button opens the notebook of that page on the notebooks branch, and
    the folder the deploy workflow publishes there (_build/notebooks) has it, as offered."""
    config = yaml.safe_load((repo_copy / "_config.yml").read_text())
    branch = config["sphinx"]["config"]["colab_notebooks_branch"]
    site, published = repo_copy / "_build" / "html", repo_copy / "_build" / "notebooks"
    prefix = f"https://colab.research.google.com/github/{REPO}/blob/{branch}/"
    for page in toc_pages():
        colab = [link for link in hrefs((site / f"{page}.html").read_text(encoding="utf-8"))
                 if "colab.research.google.com" in link]
        assert colab == [f"{prefix}{page}.ipynb"], (page, colab)
        target = published / colab[0].removeprefix(prefix)
        assert target.is_file(), f"{page}: the workflow would not publish {target}"
        assert target.read_bytes() == (site / "_sources" / f"{page}.ipynb").read_bytes(), page
    assert len(list(published.rglob("*.ipynb"))) == len(toc_pages())


def test_with_a_repository_every_page_offers_its_source_and_executed_notebook(repo_copy):
    """This build takes every output from the execution cache (as CI does after restoring it)."""
    for page in toc_pages():
        assert_downloads(repo_copy / "_build" / "html", page, repo_copy)


def test_with_a_repository_addresses_are_absolute_on_github_pages(repo_copy):
    site = repo_copy / "_build" / "html"
    for page in toc_pages():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{PAGES}{page}.html" />' in html, page
    sitemap = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text())
    assert sitemap and all(loc.startswith(PAGES) for loc in sitemap), sitemap
    assert {f"{PAGES}{page}.html" for page in toc_pages()} <= set(sitemap)
    assert (site / ".nojekyll").exists()
    for path in site.rglob("*.html"):
        assert LEAK not in path.read_text(encoding="utf-8"), path


def test_building_again_without_the_repository_drops_its_links(repo_copy):
    """Another configuration must not keep pages rendered with the previous one (runs last:
    it rebuilds the module's copy)."""
    result = make_book(repo_copy, "")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Executing notebook" not in result.stdout + result.stderr, "a configuration change re-ran pages"
    site = repo_copy / "_build" / "html"
    for page in toc_pages():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        assert GITHUB not in html and "mybinder.org" not in html, page
        assert "colab.research.google.com" not in html, page
    assert not (site / "sitemap.xml").exists()
