"""Binder's view of the repository (repo2docker's conventions at the root) and postBuild's effect.

The full simulation (a fresh environment, JupyterLab, every page run) is `make binder-check`
(tests/binder_check.py); it is too slow for `make test`, which skips it and says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def requirements() -> dict[str, str]:
    """requirements.txt as {name: version spec}, comments and blank lines left out."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, spec = re.match(r"([A-Za-z0-9_.\[\]-]+)\s*(==|>=|<=|~=)?\s*(.*)", line).groups()
            found[name.lower()] = spec
    return found


def test_repo2docker_finds_its_files_at_the_root():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ folder makes repo2docker ignore the files at the root"
    )
    for name in ("requirements.txt", "runtime.txt", "pyproject.toml", "postBuild"):
        assert (ROOT / name).is_file(), name
    assert os.access(ROOT / "postBuild", os.X_OK), "postBuild must be executable"


def test_binder_installs_the_book_toolchain_jupyterlab_and_jupytext_but_not_the_package_editable():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert not any(line.startswith(("-e", "--editable", ".")) for line in lines), (
        "Binder installs the package itself (pip install .); requirements.txt must not"
    )
    pins = requirements()
    for name in ("jupyter-book", "jupytext", "jupyterlab", "ipykernel"):
        assert pins.get(name), f"{name} is missing or unpinned in requirements.txt"
    assert pins["jupyter-book"].startswith("1."), "the book is a Jupyter Book 1.x book"


def test_runtime_python_satisfies_the_package():
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    minor = int(runtime.split(".")[1])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    required = re.fullmatch(r">=\s*3\.(\d+)", project["project"]["requires-python"])
    assert required and minor >= int(required.group(1))
    assert project["build-system"]["requires"] and project["build-system"]["build-backend"]
    assert project["project"]["name"] == "optimlab"


def run_post_build(prefix: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NB_PYTHON_PREFIX=str(prefix))
    return subprocess.run(["bash", str(ROOT / "postBuild")], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_post_build_makes_markdown_and_myst_open_as_jupytext_notebooks(tmp_path):
    result = run_post_build(tmp_path)
    assert result.returncode == 0, result.stderr
    overrides = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_post_build_keeps_overrides_that_were_already_there(tmp_path):
    settings = tmp_path / "share/jupyter/lab/settings"
    settings.mkdir(parents=True)
    (settings / "overrides.json").write_text(json.dumps({
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyterlab/docmanager-extension:plugin": {"autosave": False, "defaultViewers": {"python": "Editor"}},
    }))
    assert run_post_build(tmp_path).returncode == 0
    overrides = json.loads((settings / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    docmanager = overrides["@jupyterlab/docmanager-extension:plugin"]
    assert docmanager["autosave"] is False
    assert docmanager["defaultViewers"] == {
        "python": "Editor", "markdown": "Jupytext Notebook", "myst": "Jupytext Notebook",
    }


def test_post_build_passes_shellcheck():
    shellcheck = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or shutil.which("shellcheck")
    if shellcheck is None:
        pytest.fail("shellcheck is not installed: pip install -e '.[test]'")
    result = subprocess.run([shellcheck, str(ROOT / "postBuild")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_page_is_a_notebook_binder_can_open():
    """The launch buttons open book/<page>.md as a notebook: each page needs jupytext's MyST
    header and the python3 kernel."""
    from test_book import toc_pages

    for page in toc_pages():
        text = (ROOT / f"{page}.md").read_text()
        header = text.split("---", 2)[1] if text.startswith("---") else ""
        assert "format_name: myst" in header, f"{page}.md has no jupytext MyST header"
        assert re.search(r"kernelspec:.*\n(\s+.*\n)*?\s+name: python3", header), f"{page}.md: no python3 kernel"


# --- repo2docker's own plan -------------------------------------------------------------------


def repo2docker_plan(folder: Path) -> tuple[str, list[str]]:
    """What `jupyter-repo2docker --no-build --debug` would build from `folder` (no Docker
    needed): its log and the lines of the Dockerfile it prints."""
    executable = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.fail("jupyter-repo2docker is not installed: pip install -e '.[test]'")
    result = subprocess.run([executable, "--no-build", "--debug", "."], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stderr, [line.strip() for line in result.stdout.splitlines()]


def position(dockerfile: list[str], instruction: str) -> int:
    found = [index for index, line in enumerate(dockerfile) if line == instruction]
    assert len(found) == 1, f"{instruction!r} appears {len(found)} times in the plan"
    return found[0]


def test_repo2docker_plans_runtime_python_then_requirements_then_the_package_then_post_build():
    log, dockerfile = repo2docker_plan(ROOT)
    python = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    assert f"Building conda environment for python={python}\n" in log, log
    # Everything goes into the kernel's environment (where the pages run), in this order.
    requirements = position(dockerfile,
                            'RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "requirements.txt"')
    package = position(dockerfile, "RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir .")
    post_build = position(dockerfile, "RUN ./postBuild")
    assert requirements < package < post_build
    assert not any("environment.yml" in line or "apt.txt" in line for line in dockerfile)


def test_repo2docker_takes_the_python_version_from_runtime_txt(tmp_path):
    """The check above could pass on repo2docker's default Python: another runtime.txt must
    change the plan."""
    for name in ("requirements.txt", "pyproject.toml", "postBuild"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "runtime.txt").write_text("python-3.12\n")
    log, _ = repo2docker_plan(tmp_path)
    assert "Building conda environment for python=3.12\n" in log, log


@pytest.mark.binder
@pytest.mark.skipif(os.environ.get("OPTIMLAB_RUN_BINDER") != "1",
                    reason="slow Binder simulation: `make binder-check` runs it (and .ci/run does)")
def test_binder_simulation():
    """Set OPTIMLAB_RUN_BINDER=1 to run `make binder-check`'s simulation inside pytest."""
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "binder_check.py")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
