# Two commands do all the set-up on a fresh machine with Python >= 3.11:
#   make book   create .venv, install the toolchain and optimlab, build the site into _build/html
#   make test   create .venv, install the test extras, run every test (the book build included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: book test clean venv binder-check pdf

venv: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The execution cache keys only on a page's own code cells, so an edit in src/ (or a new
# toolchain) would leave old outputs in the pages. Whenever the hash of those inputs changes,
# the cache and Sphinx's environment are dropped and every page runs again.
INPUTS_HASH = $$(find src requirements.txt pyproject.toml -type f ! -name '*.pyc' ! -path '*/__pycache__/*' ! -path '*.egg-info/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64)

# The repository, issue, edit, Binder and live-code buttons and the Pages base URL need the
# GitHub repository: `make book REPO=owner/name` (the CI workflow passes its GITHUB_REPOSITORY).
# Without REPO the book is built from _config.yml alone and those buttons are left out.
REPO ?=
BOOK_CONFIG = $(if $(strip $(REPO)),_build/_config.repo.yml,_config.yml)

# Pages are executed two at a time into the execution cache first (tools/execute_pages.py):
# Jupyter Book alone runs them one after another, leaving a core idle.
# When the effective configuration changes (another REPO; an edited _config.yml, _toc.yml or
# extension in _ext/), the HTML and Sphinx's environment are dropped so that no page keeps
# links of the old one; executed outputs stay cached, as they do not depend on the configuration.
book: $(INSTALLED)
	@hash=$(INPUTS_HASH); \
	if [ "$$(cat _build/.inputs-hash 2>/dev/null)" != "$$hash" ]; then \
	  echo "optimlab or the toolchain changed: re-executing every page"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/html _build/jupyter_execute; \
	fi; \
	mkdir -p _build; \
	if [ -n "$(strip $(REPO))" ]; then \
	  $(BIN)/python tools/book_config.py _config.yml '$(strip $(REPO))' $(BOOK_CONFIG) || exit 1; \
	fi; \
	config_hash=$$(cat $(BOOK_CONFIG) _toc.yml $$(find _ext -name '*.py' 2>/dev/null | LC_ALL=C sort) | sha256sum | cut -c1-64); \
	if [ "$$(cat _build/.config-hash 2>/dev/null)" != "$$config_hash" ]; then \
	  rm -rf _build/.doctrees _build/html; \
	fi; \
	$(BIN)/python tools/execute_pages.py && \
	$(BIN)/jupyter-book build . --config $(BOOK_CONFIG) --warningiserror --nitpick --keep-going && \
	echo "$$hash" > _build/.inputs-hash && echo "$$config_hash" > _build/.config-hash

# The PDF edition, _build/pdf/book.pdf, linked from every page of the site: make book, then
# Sphinx's LaTeX builder and xelatex on the same executed pages (needs TeX; see the README).
pdf: $(INSTALLED)
	$(BIN)/python tools/build_pdf.py $(if $(strip $(REPO)),--repo '$(strip $(REPO))')

# Binder without Docker (slow, so `make test` leaves it out): a fresh virtual environment gets
# what repo2docker would install (requirements.txt, then the package, then postBuild), JupyterLab
# must open Markdown with Jupytext's notebook view, and every page must run as a notebook there.
binder-check: $(INSTALLED)
	$(BIN)/python tests/binder_check.py

test: $(INSTALLED)
	$(BIN)/python -m pytest

clean:
	rm -rf _build
