"""Write the package's project URLs into pyproject.toml for the repository a release is made from.

The committed pyproject.toml names no repository (as _config.yml names none: a guessed address
is worse than none). The release workflow (.github/workflows/release.yml) runs this with
``GITHUB_REPOSITORY`` before it builds, so that PyPI's page links to the book, its source and
its issues; ``tools/check_wheel.py --repo owner/name`` does the same in a copy to check it.

Usage: python tools/package_urls.py owner/name [pyproject.toml]
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_config import REPOSITORY, pages_url  # noqa: E402


def project_urls(repository: str) -> dict[str, str]:
    """PyPI's links for ``owner/name``: the book on GitHub Pages, the source, the issues."""
    match = REPOSITORY.match(repository)
    if match is None:
        raise ValueError(f"repository must look like owner/name, got {repository!r}")
    owner, name = match["owner"], match["name"]
    github = f"https://github.com/{owner}/{name}"
    return {
        "Homepage": pages_url(owner, name),
        "Documentation": pages_url(owner, name),
        "Source": github,
        "Issues": f"{github}/issues",
        "Changelog": f"{github}/releases",
    }


def with_urls(text: str, repository: str) -> str:
    """pyproject.toml's text with a [project.urls] table for `repository` appended."""
    if "urls" in tomllib.loads(text)["project"]:
        raise ValueError("pyproject.toml already has [project.urls]")
    lines = [f'{key} = "{value}"' for key, value in project_urls(repository).items()]
    result = text.rstrip("\n") + "\n\n[project.urls]\n" + "\n".join(lines) + "\n"
    tomllib.loads(result)  # still valid TOML
    return result


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    path = Path(argv[1] if len(argv) == 2 else "pyproject.toml")
    try:
        path.write_text(with_urls(path.read_text(encoding="utf-8"), argv[0]), encoding="utf-8")
    except ValueError as error:
        print(f"tools/package_urls.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
