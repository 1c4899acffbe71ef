"""The GitHub Actions workflows: actionlint passes on each, and they do what the project needs
(tests and the book on every push and pull request, Pages deployment from main only, least
permissions, caches that cannot serve stale output, execution reports kept on failure)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
MAIN_PUSH = ("github.event_name == 'push'", "github.ref == 'refs/heads/main'")


def tool(name: str) -> str:
    """A command-line tool installed with the test extras, next to this Python first."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("actionlint"), "-no-color", "-oneline", "-shellcheck", tool("shellcheck"),
         "-pyflakes", "", str(path)],
        capture_output=True, text=True, cwd=ROOT,
    )


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def jobs() -> dict[str, dict]:
    """Every job of every workflow, by name (names are unique across the workflows)."""
    found: dict[str, dict] = {}
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            assert name not in found, f"job name {name} is used twice"
            found[name] = {**job, "_workflow": load(path)}
    return found


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def uses(step: dict, action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


def job_running(command: str) -> tuple[str, dict]:
    """The one job with a step whose script runs `command` (as a whole word sequence)."""
    pattern = re.compile(rf"(^|[\s;&|]){re.escape(command)}(\s|$)", re.MULTILINE)
    matches = [(n, j) for n, j in jobs().items() if any(pattern.search(s.get("run", "")) for s in steps(j))]
    assert len(matches) == 1, f"expected one job running `{command}`, found {[n for n, _ in matches]}"
    return matches[0]


def test_there_are_workflows():
    assert WORKFLOWS, "no workflow files in .github/workflows"


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actionlint_passes(path):
    result = actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    """The check above can fail: actionlint here reports unknown inputs, untrusted input in a
    script and (through shellcheck) an unquoted variable."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  broken:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v5\n"
        "        with:\n"
        "          no-such-input: true\n"
        "      - run: echo \"${{ github.event.head_commit.message }}\"\n"
        "      - run: rm -rf $FOLDER/*\n"
    )
    output = actionlint(broken).stdout
    assert 'input "no-such-input" is not defined' in output
    assert "potentially untrusted" in output
    assert "SC2086" in output


def test_tests_and_book_run_on_every_push_and_pull_request():
    for command in ("make test", "make book"):
        name, job = job_running(command)
        triggers = job["_workflow"]["on"]
        for event in ("push", "pull_request"):
            assert event in triggers, f"{name} does not run on {event}"
            assert not (triggers[event] or {}), f"{name} runs only on some {event} events: {triggers[event]}"
        assert "if" not in job, f"{name} must run on every event"


def test_the_book_is_built_for_this_repository_with_warnings_as_errors():
    _, book = job_running("make book")
    step = next(s for s in steps(book) if "make book" in s.get("run", ""))
    assert 'REPO="$REPO"' in step["run"]
    assert step["env"]["REPO"] == "${{ github.repository }}"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^book:.*\n\t.*tools/build_book\.py", makefile, re.MULTILINE), (
        "make book runs tools/build_book.py")
    sys.path.insert(0, str(ROOT / "tools"))
    from build_book import book_command

    command = book_command("_config.yml")
    assert {"--warningiserror", "--nitpick", "--keep-going", "--all"} <= set(command), command


def test_permissions_are_least():
    for path in WORKFLOWS:
        assert load(path).get("permissions") == {"contents": "read"}, path.name
    for name, job in jobs().items():
        deploys = any(uses(s, "actions/deploy-pages") for s in steps(job))
        publishes = any(uses(s, PYPI_PUBLISH) for s in steps(job))
        if deploys:
            assert job["permissions"] == {"pages": "write", "id-token": "write"}, name
        elif publishes:
            # trusted publishing: the OIDC token and nothing else, not even the code
            assert job["permissions"] == {"id-token": "write"}, name
        elif name == NOTEBOOKS_JOB:
            # it replaces the notebooks branch: write access to the contents, nothing else
            assert job["permissions"] == {"contents": "write"}, name
        else:
            assert "permissions" not in job, f"{name} widens the default permissions"


# --- the notebooks branch Colab opens (_ext/notebook_links.py) -----------------------------------

NOTEBOOKS_JOB = "notebooks"


def test_the_built_notebooks_are_published_to_the_branch_the_colab_buttons_name():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    branch = config["sphinx"]["config"]["colab_notebooks_branch"]
    publish = jobs()[NOTEBOOKS_JOB]
    for condition in MAIN_PUSH:
        assert condition in publish["if"], publish["if"]
    book_name, book = job_running("make book")
    test_name, _ = job_running("make test")
    assert {book_name, test_name} <= set(publish["needs"])
    uploaded = [s for s in steps(book) if uses(s, "actions/upload-artifact")
                and s["with"]["path"] == "_build/notebooks"]
    assert len(uploaded) == 1 and all(c in uploaded[0]["if"] for c in MAIN_PUSH)
    assert uploaded[0]["with"]["if-no-files-found"] == "error"
    assert steps(book).index(uploaded[0]) > max(
        i for i, s in enumerate(steps(book)) if "make book" in s.get("run", ""))
    downloaded = next(s for s in steps(publish) if uses(s, "actions/download-artifact"))
    assert downloaded["with"]["name"] == uploaded[0]["with"]["name"]
    push = next(s for s in steps(publish) if "git push" in s.get("run", ""))
    assert push["working-directory"] == downloaded["with"]["path"]
    assert push["env"]["BRANCH"] == branch, "the workflow and the buttons must name one branch"
    assert '"HEAD:$BRANCH"' in push["run"] and "--force" in push["run"]


# --- the release to PyPI (.github/workflows/release.yml) -----------------------------------------

PYPI_PUBLISH = "pypa/gh-action-pypi-publish"


def test_a_version_tag_builds_checks_and_publishes_to_pypi_with_trusted_publishing():
    publishing = {n: j for n, j in jobs().items() if any(uses(s, PYPI_PUBLISH) for s in steps(j))}
    assert len(publishing) == 1, publishing.keys()
    name, publish = next(iter(publishing.items()))
    workflow = publish["_workflow"]
    assert set(workflow["on"]) == {"push"}, workflow["on"]
    assert workflow["on"]["push"] == {"tags": ["v*"]}, "publish on version tags only"
    step = next(s for s in steps(publish) if uses(s, PYPI_PUBLISH))
    assert "password" not in step.get("with", {}), "trusted publishing stores no token"
    assert publish["environment"]["name"] == "pypi"
    # what it publishes was built and checked by the job it waits for, as make wheel-check does
    build_name, build = job_running("python tools/check_wheel.py")
    assert publish["needs"] == [build_name]
    check = next(s for s in steps(build) if "tools/check_wheel.py" in s.get("run", ""))
    assert '--tag "$TAG"' in check["run"] and '--repo "$REPO"' in check["run"]
    assert check["env"] == {"TAG": "${{ github.ref_name }}", "REPO": "${{ github.repository }}"}
    uploaded = next(s for s in steps(build) if uses(s, "actions/upload-artifact"))
    downloaded = next(s for s in steps(publish) if uses(s, "actions/download-artifact"))
    assert uploaded["with"]["name"] == downloaded["with"]["name"]
    assert "--keep dist" in check["run"] and uploaded["with"]["path"].rstrip("/") == "dist"
    assert not any(uses(s, "actions/checkout") for s in steps(publish)), "publish needs no code"


def test_deployment_to_pages_happens_from_main_only_one_at_a_time():
    deploy_jobs = {n: j for n, j in jobs().items() if any(uses(s, "actions/deploy-pages") for s in steps(j))}
    assert len(deploy_jobs) == 1, deploy_jobs.keys()
    name, deploy = next(iter(deploy_jobs.items()))
    for condition in MAIN_PUSH:
        assert condition in deploy["if"], f"{name} must run only on pushes to main: {deploy['if']!r}"
    assert deploy["concurrency"]["group"] == "pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["environment"]["name"] == "github-pages"
    test_name, _ = job_running("make test")
    book_name, book = job_running("make book")
    assert {test_name, book_name} <= set(deploy["needs"]), "deploy must wait for the tests and the build"

    upload = [s for s in steps(book) if uses(s, "actions/upload-pages-artifact")]
    assert len(upload) == 1
    assert upload[0]["with"]["path"] == "_build/html"
    # upload-pages-artifact v4+ drops dotfiles unless told otherwise: .nojekyll must stay.
    assert upload[0]["with"]["include-hidden-files"] is True
    for condition in MAIN_PUSH:
        assert condition in upload[0]["if"]


def test_execution_reports_are_kept_when_a_build_fails():
    for command in ("make test", "make book"):
        name, job = job_running(command)
        kept = [
            s for s in steps(job)
            if uses(s, "actions/upload-artifact") and s.get("if") == "failure()"
            and s["with"]["path"] == "_build/html/reports"
        ]
        assert kept, f"{name} does not upload _build/html/reports when it fails"
        position = steps(job).index(kept[0])
        runs_at = max(i for i, s in enumerate(steps(job)) if command in s.get("run", ""))
        assert position > runs_at, "the reports must be uploaded after the build step"


def test_python_matches_binder_and_pip_cache_keys_on_the_requirements():
    runtime = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    setups = [s for j in jobs().values() for s in steps(j) if uses(s, "actions/setup-python")]
    assert setups
    for step in setups:
        assert str(step["with"]["python-version"]) == runtime
        assert step["with"]["cache"] == "pip"
        keyed_on = step["with"]["cache-dependency-path"].split()
        assert "requirements.txt" in keyed_on and "pyproject.toml" in keyed_on


def test_execution_cache_is_exact_and_survives_the_makefile_check():
    caches = [s for j in jobs().values() for s in steps(j) if uses(s, "actions/cache")]
    assert caches, "no execution cache (then nothing to check, but say so by removing this test)"
    for step in caches:
        settings = step["with"]
        assert "restore-keys" not in settings, "a fallback restore could bring back stale outputs"
        hashed = re.search(r"hashFiles\(([^)]*)\)", settings["key"])
        assert hashed, settings["key"]
        inputs = {part.strip().strip("'\"") for part in hashed.group(1).split(",")}
        assert {"src/**", "book/**", "requirements.txt", "pyproject.toml"} <= inputs, inputs
        paths = settings["path"].split()
        # The Makefile drops a cache whose recorded inputs hash is missing or different.
        assert paths == ["_build/.jupyter_cache", "_build/.inputs-hash"], paths


def test_ci_checks_the_wheel_after_the_tests():
    script = (ROOT / ".ci" / "run").read_text()
    lines = [line.strip() for line in script.splitlines()]
    assert "make wheel-check" in lines and lines.index("make wheel-check") > lines.index("make test")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^wheel-check:.*\n\t.*tools/check_wheel\.py", makefile, re.MULTILINE)


def test_ci_runs_the_binder_simulation_after_the_tests():
    script = (ROOT / ".ci" / "run").read_text()
    lines = [line.strip() for line in script.splitlines()]
    assert "make test" in lines and "make binder-check" in lines
    assert lines.index("make binder-check") > lines.index("make test")
    job_running("make binder-check")


# --- the PDF edition (make pdf, tests/test_pdf.py) -------------------------------------------------

TEX_PACKAGES = ROOT / ".ci" / "tex-packages.txt"


def test_the_tex_package_list_has_what_the_pdf_needs():
    packages = TEX_PACKAGES.read_text().split()
    # xelatex and latexmk; bbm.sty (sphinx-proof) and FontAwesome (sphinx) in fonts-extra;
    # Sphinx's xelatex fonts (FreeFont, Latin Modern Math); poppler's tools for the test.
    for package in ("texlive-xetex", "latexmk", "texlive-latex-extra", "texlive-fonts-extra",
                    "fonts-freefont-otf", "lmodern", "poppler-utils"):
        assert package in packages, package


def test_the_published_site_has_the_checked_pdf_edition():
    """The job that uploads the site installs TeX from the list, runs make pdf for this
    repository after make book, checks the PDF with TeX required and the build reused, and
    uploads the site only after that."""
    name, job = job_running("make pdf")
    book_name, _ = job_running("make book")
    assert name == book_name, "make pdf must run in the job that builds and uploads the site"
    runs = [s.get("run", "") for s in steps(job)]

    def position(found) -> int:
        matches = [i for i, s in enumerate(steps(job)) if found(s)]
        assert matches, f"{name} lacks a step"
        return matches[0]

    install = position(lambda s: ".ci/tex-packages.txt" in s.get("run", "")
                       and "apt-get install" in s.get("run", ""))
    pdf = position(lambda s: "make pdf" in s.get("run", ""))
    book = position(lambda s: "make book" in s.get("run", ""))
    check = position(lambda s: "tests/test_pdf.py" in s.get("run", ""))
    upload = position(lambda s: uses(s, "actions/upload-pages-artifact"))
    assert book < pdf and install < pdf < check < upload, runs
    assert 'REPO="$REPO"' in runs[pdf]
    assert steps(job)[pdf]["env"]["REPO"] == "${{ github.repository }}"
    assert steps(job)[check]["env"] == {"OPTIMLAB_SKIP_BUILD": "1", "OPTIMLAB_REQUIRE_PDF": "1"}


def test_ci_installs_tex_and_requires_the_pdf_test():
    script = (ROOT / ".ci" / "run").read_text()
    lines = [line.strip() for line in script.splitlines()]
    assert any("apt-get install" in line and ".ci/tex-packages.txt" in line for line in lines)
    assert "export OPTIMLAB_REQUIRE_PDF=1" in lines
    assert lines.index("export OPTIMLAB_REQUIRE_PDF=1") < lines.index("make test")
    assert "make pdf" in lines and lines.index("make pdf") > lines.index("make test")
