"""Simulate the book's Binder environment without Docker and check that every page runs in it.

`make binder-check` runs this; it is slow (a fresh environment with JupyterLab), so `make test`
leaves it out and .ci/run runs it. Steps, each timed:

1. Copy the repository (without .git, .venv, _build) into a temporary folder, as Binder clones it.
2. In a fresh virtual environment with the Python of runtime.txt, install exactly what
   repo2docker installs: `pip install -r requirements.txt`, then `pip install .`, then run
   postBuild with that environment active.
3. Start JupyterLab from the copy's root on 127.0.0.1, as Binder does, and check through its
   REST API that Markdown and MyST files open with the "Jupytext Notebook" viewer, that
   Jupytext's JupyterLab extension is loaded, and that Jupytext's contents manager serves every
   page as a notebook.
4. Run every page of the table of contents as a notebook with that environment's kernel, from
   book/ (the folder a launch button opens it in), and fail on any error.

Exit status 0 only if every step passed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_book import toc_pages  # noqa: E402  (one reading of _toc.yml for all checks)

JUPYTEXT_VIEWER = "Jupytext Notebook"
DOCMANAGER = "@jupyterlab/docmanager-extension:plugin"
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "_build", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis",
    ".ipynb_checkpoints", "artifacts", "node_modules",
)


class Step:
    """Print a step's name, then how long it took."""

    def __init__(self, name: str, timings: list[tuple[str, float]]):
        self.name, self.timings = name, timings

    def __enter__(self):
        print(f"--- {self.name}", flush=True)
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        elapsed = time.perf_counter() - self.start
        self.timings.append((self.name, elapsed))
        print(f"    {elapsed:.1f} s", flush=True)
        return False


def run(command: list[str], **kwargs) -> None:
    """Run a command, showing its output only if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(
            f"FAILED (exit {result.returncode}): {' '.join(map(str, command))}\n"
            f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
        )


def runtime_python() -> str:
    """The interpreter named by runtime.txt (python-X.Y), or this one if it is not installed."""
    wanted = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    found = shutil.which(f"python{wanted}")
    if found is None:
        print(f"    note: python{wanted} (runtime.txt) not found, using {sys.executable}")
        return sys.executable
    return found


def clean_environment(venv: Path) -> dict[str, str]:
    """The environment of a process inside the simulated Binder: its venv first on PATH, and
    nothing that could make Python import the working tree's optimlab instead of the installed one."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.pop("NB_PYTHON_PREFIX", None)  # postBuild must find the prefix by itself
    # Keep the simulated user's Jupyter settings out of the real home folder.
    env["JUPYTER_CONFIG_DIR"] = str(venv.parent / "home" / ".jupyter")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(venv.parent / "home" / "lab-user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(venv.parent / "home" / "lab-workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(venv.parent / "home" / "runtime")
    env["JUPYTER_DATA_DIR"] = str(venv.parent / "home" / "data")
    env["MPLBACKEND"] = "Agg"
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, token: str, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def wait_for_server(base: str, token: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"FAILED: JupyterLab exited with {server.returncode}:\n{log.read_text()[-5000:]}")
        try:
            status, _ = get(f"{base}/api/status", token, timeout=2)
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"FAILED: JupyterLab did not answer within 120 s:\n{log.read_text()[-5000:]}")


def check_server(base: str, token: str, pages: list[str]) -> None:
    _, body = get(f"{base}/lab/api/settings/{DOCMANAGER}", token)
    setting = json.loads(body)
    # Overrides change the schema's defaults; the user's own settings are still empty here.
    default = setting["schema"]["properties"]["defaultViewers"]["default"]
    effective = {**default, **(setting.get("settings") or {}).get("defaultViewers", {})}
    for file_type in ("markdown", "myst"):
        viewer = effective.get(file_type)
        if viewer != JUPYTEXT_VIEWER:
            raise SystemExit(f"FAILED: default viewer for {file_type} is {viewer!r}, not {JUPYTEXT_VIEWER!r}")
    print(f"    defaultViewers: markdown -> {effective['markdown']!r}, myst -> {effective['myst']!r}")

    _, lab_page = get(f"{base}/lab", token)
    if b"jupyterlab-jupytext" not in lab_page:
        raise SystemExit("FAILED: Jupytext's JupyterLab extension is not among the loaded extensions")
    print("    jupyterlab-jupytext extension loaded")

    # What JupyterLab asks for when it opens a file with the Jupytext Notebook viewer.
    for page in pages:
        _, body = get(f"{base}/api/contents/{page}.md?type=notebook&content=1", token)
        model = json.loads(body)
        cells = model["content"]["cells"]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        kernel = model["content"]["metadata"].get("kernelspec", {}).get("name")
        if model["type"] != "notebook" or kernel != "python3":
            raise SystemExit(f"FAILED: {page}.md is served as {model['type']} with kernel {kernel!r}")
        print(f"    {page}.md opens as a notebook: {len(cells)} cells, {len(code)} code")


def execute_pages(venv: Path, book_root: Path, pages: list[str], out: Path, env: dict[str, str]) -> None:
    for page in pages:
        source = book_root / f"{page}.md"
        start = time.perf_counter()
        run(
            [str(venv / "bin" / "jupytext"), "--to", "ipynb", "--execute",
             "--run-path", str(source.parent), "--output", str(out / f"{Path(page).name}.ipynb"),
             str(source)],
            cwd=source.parent, env=env,
        )
        notebook = json.loads((out / f"{Path(page).name}.ipynb").read_text())
        errors = [o for c in notebook["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            raise SystemExit(f"FAILED: {page} has error outputs: {errors[0].get('ename')}")
        print(f"    {page}: ran in {time.perf_counter() - start:.1f} s", flush=True)


def main() -> int:
    pages = toc_pages()
    timings: list[tuple[str, float]] = []
    total = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="binder-check-") as tmp:
        tmp = Path(tmp)
        repo, venv, out = tmp / "repo", tmp / "env", tmp / "executed"
        out.mkdir()

        with Step("copy the repository (as Binder clones it)", timings):
            shutil.copytree(ROOT, repo, ignore=NOT_COPIED)
            if (repo / "binder").exists():
                raise SystemExit("FAILED: a binder/ folder would make repo2docker ignore the root files")

        with Step("fresh virtual environment (runtime.txt's Python)", timings):
            python = runtime_python()
            run([python, "-m", "venv", str(venv)])
            env = clean_environment(venv)
            run([str(venv / "bin" / "python"), "-c", "import sys; print(sys.version)"], env=env)

        with Step("pip install -r requirements.txt", timings):
            run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
                cwd=repo, env=env)

        with Step("pip install .", timings):
            run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "."], cwd=repo, env=env)
            where = subprocess.run(
                [str(venv / "bin" / "python"), "-c", "import optimlab; print(optimlab.__file__)"],
                cwd=tmp, env=env, capture_output=True, text=True, check=True,
            ).stdout.strip()
            if not where.startswith(str(venv)):
                raise SystemExit(f"FAILED: optimlab imports from {where}, not from the fresh environment")
            print(f"    optimlab installed at {where}")

        with Step("the python3 kernel is the fresh environment's", timings):
            specs = subprocess.run(
                [str(venv / "bin" / "jupyter"), "kernelspec", "list", "--json"],
                cwd=tmp, env=env, capture_output=True, text=True, check=True,
            ).stdout
            spec = json.loads(specs)["kernelspecs"]["python3"]
            kernel_python = spec["spec"]["argv"][0]
            if not (kernel_python == "python" or kernel_python.startswith(str(venv))):
                raise SystemExit(f"FAILED: the python3 kernel runs {kernel_python}, not the fresh environment")
            print(f"    python3 kernel: {kernel_python} ({spec['resource_dir']})")

        if (repo / "postBuild").exists():
            with Step("bash postBuild", timings):
                run(["bash", "postBuild"], cwd=repo, env=env)

        with Step("start JupyterLab on 127.0.0.1 and check it through its API", timings):
            token, port = secrets.token_hex(24), free_port()
            log = tmp / "jupyterlab.log"
            with open(log, "w") as log_file:
                server = subprocess.Popen(
                    [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
                     f"--port={port}", f"--IdentityProvider.token={token}",
                     f"--ServerApp.root_dir={repo}",
                     # Binder runs as a normal user; CI may run as root, which Jupyter refuses.
                     *(["--allow-root"] if os.geteuid() == 0 else [])],
                    cwd=repo, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                )
            try:
                base = f"http://127.0.0.1:{port}"
                wait_for_server(base, token, server, log)
                check_server(base, token, pages)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()

        with Step(f"execute {len(pages)} page(s) as notebooks from book/ with the environment's kernel", timings):
            execute_pages(venv, repo, pages, out, env)

    print("\nBinder simulation passed. Timings:")
    for name, seconds in timings:
        print(f"  {seconds:7.1f} s  {name}")
    print(f"  {time.perf_counter() - total:7.1f} s  in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
