"""Run the built site's notebooks as a reader who downloads them would (``make notebooks-check``).

Every page offers its notebook (_build/html/_sources/<page>.ipynb), which starts with a guarded
cell that installs optimlab where it is missing (_ext/notebook_links.py). This script checks that
such a notebook runs top to bottom with nothing installed but Jupyter's kernel:

1. builds optimlab's wheel from the files git knows (as tools/check_wheel.py does), or takes
   ``--wheel``;
2. makes a fresh virtual environment with only nbclient and ipykernel, and a wheelhouse with the
   wheel and what it requires; pip, in the notebooks' kernel, is pointed at that wheelhouse and
   nothing else (PIP_NO_INDEX, PIP_FIND_LINKS), so the notebook's own install cell is what
   installs the local wheel;
3. runs each notebook alone in an empty folder (no file of the repository beside it): optimlab
   is absent before it starts (it is uninstalled after each), and must be installed after;
4. prints each notebook's time, the count and the total time.

Usage: python tools/run_notebooks.py [--site _build/html] [--wheel W.whl] [-n N] [PAGE ...]
(PAGE: a page name such as notation or adam; default all, or the first N in the book's order).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import check_wheel  # noqa: E402

# Run by the fresh environment's Python: one notebook, with its own kernel (the environment's).
DRIVER = r"""
import sys, time, nbformat
from nbclient import NotebookClient
path, timeout = sys.argv[1], int(sys.argv[2])
notebook = nbformat.read(path, as_version=4)
start = time.monotonic()
NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
               resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
print(f"{time.monotonic() - start:.2f}")
"""


def say(message: str) -> None:
    print(f"run_notebooks: {message}", flush=True)


def book_order() -> list[str]:
    """The pages in the table of contents' order (book/intro, book/notation, ...)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [page.removesuffix(".md") for page in pages]


def notebooks(site: Path, names: list[str], count: int | None) -> list[Path]:
    found = {path.relative_to(site / "_sources").with_suffix("").as_posix(): path
             for path in (site / "_sources").rglob("*.ipynb")}
    if not found:
        raise SystemExit(f"run_notebooks: no notebook in {site / '_sources'}: run make book first")
    ordered = [page for page in book_order() if page in found]
    ordered += sorted(set(found) - set(ordered))
    if names:
        chosen = []
        for name in names:
            matches = [page for page in ordered if page == name or page.endswith("/" + name)]
            if not matches:
                raise SystemExit(f"run_notebooks: no notebook for page {name!r}")
            chosen += matches
        ordered = chosen
    return [found[page] for page in (ordered[:count] if count else ordered)]


def build_wheel(folder: Path) -> Path:
    source = folder / "source"
    check_wheel.source_copy(source)
    check_wheel.run([sys.executable, "-m", "build", "--wheel", "--outdir", folder / "dist", source])
    (wheel,) = (folder / "dist").glob("*.whl")
    return wheel


def installed(python: Path) -> bool:
    return subprocess.run([python, "-m", "pip", "show", "--quiet", "optimlab"],
                          capture_output=True).returncode == 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--wheel", type=Path)
    parser.add_argument("-n", type=int, help="run only the first N notebooks (in the book's order)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    chosen = notebooks(args.site, args.pages, args.n)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="optimlab-notebooks-") as temporary:
        temporary = Path(temporary)
        wheel = args.wheel or build_wheel(temporary)
        say(f"wheel {wheel.name}; a fresh environment with nbclient and ipykernel only")
        venv, wheelhouse = temporary / "venv", temporary / "wheelhouse"
        check_wheel.run([sys.executable, "-m", "venv", venv])
        python = venv / "bin" / "python"
        check_wheel.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                         "nbclient", "ipykernel"])
        check_wheel.run([python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                         "--dest", wheelhouse, wheel])
        environment = {
            "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
            "HOME": str(temporary / "home"),
            "VIRTUAL_ENV": str(venv),
            # where the notebook's own `%pip install optimlab==...` looks: the local wheel only
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheelhouse),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        say(f"running {len(chosen)} notebook(s), each alone in an empty folder")
        times = []
        for number, notebook in enumerate(chosen, 1):
            if installed(python):
                check_wheel.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "optimlab"])
            folder = temporary / "run" / notebook.stem
            folder.mkdir(parents=True)
            target = folder / notebook.name
            shutil.copy2(notebook, target)
            first = json.loads(target.read_text(encoding="utf-8"))["cells"][0]
            if "optimlab-install" not in first.get("metadata", {}).get("tags", []):
                say(f"{notebook.name} does not start with the install cell")
                return 1
            result = subprocess.run([python, "-c", DRIVER, target, str(args.timeout)], cwd=folder,
                                    env=environment, capture_output=True, text=True)
            if result.returncode != 0:
                sys.stderr.write(result.stderr[-6000:])
                say(f"{notebook.name} failed in a fresh environment (see above)")
                return 1
            if not installed(python):
                say(f"{notebook.name} ran, but its install cell did not install optimlab")
                return 1
            seconds = float(result.stdout.strip().splitlines()[-1])
            times.append(seconds)
            say(f"[{number}/{len(chosen)}] {notebook.relative_to(args.site / '_sources')}  "
                f"{seconds:.1f} s")
    say(f"{len(times)} notebook(s) ran top to bottom in a fresh environment, installing optimlab "
        f"from the local wheel: {sum(times):.1f} s of execution, {time.monotonic() - start:.0f} s "
        "in all (with the set-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
