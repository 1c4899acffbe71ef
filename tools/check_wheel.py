"""Build optimlab's wheel and sdist and check them as PyPI and a new user would (``make wheel-check``).

1. Copies the files git knows (tracked, or new and not ignored) into a temporary folder, so that
   nothing local (.venv, _build, egg-info) reaches the sdist; with ``--repo owner/name`` it
   writes the project URLs the release workflow writes (tools/package_urls.py).
2. ``python -m build`` makes the sdist, and the wheel from the sdist (as PyPI's users get it).
3. ``twine check --strict`` checks the metadata and that the readme renders on PyPI.
4. The wheel's metadata: the version is optimlab.__version__, Python and licence stated, the
   licence file inside, no test or book file inside.
5. A fresh virtual environment with nothing but the wheel (and what it requires) runs every
   docstring example of the installed package (doctest, ELLIPSIS as under pytest), from a folder
   outside the repository so that the installed copy is the one imported.

It prints the sizes of the wheel and the sdist, the number of doctest examples run and the
time taken, and exits non-zero on any failure. ``--keep DIR`` keeps the built files in DIR
(tools/run_notebooks.py installs that wheel).

``--tag vX.Y.Z`` (the release workflow) stops first unless X.Y.Z is the version being built.

Usage: python tools/check_wheel.py [--repo owner/name] [--keep DIR] [--tag vX.Y.Z]
"""

from __future__ import annotations

import argparse
import email.parser
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in the fresh environment: every module's docstring examples.
DOCTESTS = r"""
import doctest, importlib, pkgutil, sys
import optimlab
failed = attempted = 0
for info in pkgutil.walk_packages(optimlab.__path__, "optimlab."):
    module = importlib.import_module(info.name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    failed += result.failed
    attempted += result.attempted
result = doctest.testmod(optimlab, optionflags=doctest.ELLIPSIS)
failed += result.failed
attempted += result.attempted
print(f"doctests: {attempted} examples, {failed} failed, from {optimlab.__file__}")
sys.exit(1 if failed or not attempted else 0)
"""


def say(message: str) -> None:
    print(f"check_wheel: {message}", flush=True)


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], text=True, capture_output=True, **kwargs)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-8000:])
        sys.stderr.write(result.stderr[-8000:])
        raise SystemExit(f"check_wheel: failed: {' '.join(map(str, command))}")
    return result


def source_copy(target: Path) -> None:
    """The files git knows, as a fresh clone (plus new files not yet committed) would have them."""
    listed = run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def version() -> str:
    text = (ROOT / "src" / "optimlab" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)[1]


def check_wheel_contents(wheel: Path) -> list[str]:
    """What is wrong with the wheel's metadata and files (an empty list when nothing is)."""
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    expected = version()
    if metadata["Version"] != expected:
        problems.append(f"Version is {metadata['Version']}, optimlab.__version__ is {expected}")
    for field in ("Summary", "Requires-Python", "License-Expression", "Description-Content-Type"):
        if not metadata[field]:
            problems.append(f"the metadata has no {field}")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        problems.append("the licence file is not in the wheel")
    if not metadata.get_all("Classifier"):
        problems.append("the metadata has no classifiers")
    stray = [n for n in names if not (n.startswith("optimlab/") or ".dist-info/" in n)]
    if stray:
        problems.append(f"files outside the package: {stray[:5]}")
    if "optimlab/book.py" not in names and (ROOT / "src" / "optimlab" / "book.py").exists():
        problems.append("optimlab/book.py (the pages' helpers) is missing")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="write the project URLs for owner/name first, as a release does")
    parser.add_argument("--keep", type=Path, help="copy the wheel and sdist into this folder")
    parser.add_argument("--tag", help="the release's tag, which must be v<optimlab.__version__>")
    args = parser.parse_args(argv)
    start = time.monotonic()
    if args.tag is not None and args.tag != f"v{version()}":
        say(f"the tag {args.tag} does not name the version being built, {version()} "
            f"(src/optimlab/__init__.py): tag v{version()}, or change __version__ first")
        return 1
    with tempfile.TemporaryDirectory(prefix="optimlab-wheel-") as temporary:
        temporary = Path(temporary)
        source, dist, venv = temporary / "source", temporary / "dist", temporary / "venv"
        source_copy(source)
        if args.repo:
            run([sys.executable, ROOT / "tools" / "package_urls.py", args.repo, source / "pyproject.toml"])
        say("building the sdist and the wheel (python -m build)")
        run([sys.executable, "-m", "build", "--outdir", dist, source])
        wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
        if len(wheels) != 1 or len(sdists) != 1:
            raise SystemExit(f"check_wheel: expected one wheel and one sdist, got {wheels + sdists}")
        wheel, sdist = wheels[0], sdists[0]
        say("twine check --strict")
        print(run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist]).stdout.strip())
        problems = check_wheel_contents(wheel)
        if problems:
            for problem in problems:
                say(f"wheel: {problem}")
            return 1
        say("installing the wheel into a fresh virtual environment")
        run([sys.executable, "-m", "venv", venv])
        python = venv / "bin" / "python"
        run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel])
        say("running the installed package's doctests there")
        result = subprocess.run([python, "-c", DOCTESTS], cwd=temporary, text=True,
                                capture_output=True, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
        sys.stdout.write(result.stdout)
        if result.returncode != 0:
            sys.stderr.write(result.stderr[-8000:])
            say("the installed package's doctests failed")
            return 1
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for built in (wheel, sdist):
                shutil.copy2(built, args.keep / built.name)
        say(f"wheel {wheel.name}: {wheel.stat().st_size / 1024:.1f} KiB; "
            f"sdist {sdist.name}: {sdist.stat().st_size / 1024:.1f} KiB; "
            f"checked in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
