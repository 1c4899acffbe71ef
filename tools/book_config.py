"""Write the book's configuration for a build that knows its GitHub repository.

The committed _config.yml has no repository: its repository, issue, edit, Binder and live-code
buttons are off, because a link to a guessed address is worse than no link. Given
``owner/name`` (``make book REPO=owner/name``; CI passes ``GITHUB_REPOSITORY``), this script
writes a copy of _config.yml with those buttons on, pointing at https://github.com/owner/name,
and with html.baseurl set to the GitHub Pages address, so that canonical links and the sitemap
are absolute.

Usage: python tools/book_config.py _config.yml owner/name _build/_config.repo.yml
"""

from __future__ import annotations

import copy
import os
import re
import sys
from pathlib import Path

import yaml

# GitHub's rules for owner and repository names, loosely: letters, digits, '-', '_' and '.'.
REPOSITORY = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+)$")


def pages_url(owner: str, name: str) -> str:
    """The address GitHub Pages serves a repository's site at (user sites live at the root)."""
    host = f"{owner.lower()}.github.io"
    if name.lower() == host:
        return f"https://{host}/"
    return f"https://{host}/{name}/"


def with_repository(config: dict, repository: str) -> dict:
    """Return a copy of a Jupyter Book configuration whose links point at `repository`."""
    match = REPOSITORY.match(repository)
    if match is None:
        raise ValueError(f"repository must look like owner/name, got {repository!r}")
    owner, name = match["owner"], match["name"]
    config = copy.deepcopy(config)
    config.setdefault("repository", {})["url"] = f"https://github.com/{owner}/{name}"
    html = config.setdefault("html", {})
    html.update(
        use_repository_button=True,
        use_issues_button=True,
        use_edit_page_button=True,
        baseurl=pages_url(owner, name),
    )
    launch = config.setdefault("launch_buttons", {})
    launch.update(binderhub_url="https://mybinder.org", notebook_interface="jupyterlab", thebe=True)
    # sphinx-sitemap needs the absolute base address, so it is only loaded when there is one.
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.get("extra_extensions") or []
    if "sphinx_sitemap" not in extensions:
        extensions = [*extensions, "sphinx_sitemap"]
    sphinx["extra_extensions"] = extensions
    sphinx_config = sphinx.get("config") or {}
    sphinx_config["sitemap_url_scheme"] = "{link}"
    sphinx["config"] = sphinx_config
    return config


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    source, repository, target = argv
    config = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    try:
        result = with_repository(config, repository)
    except ValueError as error:
        print(f"tools/book_config.py: {error}", file=sys.stderr)
        return 2
    # Jupyter Book finds local extensions relative to the configuration file, which moves.
    local = result.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        moved = os.path.relpath(Path(source).parent / folder, Path(target).parent)
        local[name] = moved
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    text = f"# Written by tools/book_config.py from {source} for {repository}; do not edit.\n"
    text += yaml.safe_dump(result, sort_keys=False, allow_unicode=True)
    Path(target).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
