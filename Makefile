# Two commands do all the set-up on a fresh machine with Python >= 3.11:
#   make book   create .venv, install the toolchain and optimlab, build the site into _build/html
#   make test   create .venv, install the test extras, run every test (the book build included)
# and, while working on the package, the fast loop:
#   make check  every test that needs no book build (doctests included; pytest -m "not book")

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The book's maths is rendered at build time by MathJax in Node (_ext/build_time_maths.py):
# mathjax-full, pinned in package.json and package-lock.json, goes into node_modules/.
NODE_MODULES := node_modules/.package-lock.json

.PHONY: book test check clean venv binder-check pdf

venv: $(INSTALLED) $(NODE_MODULES)

$(INSTALLED): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(NODE_MODULES): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed to render the maths: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# make book and make pdf print a line per page and a summary (errors and warnings in full);
# VERBOSE=1 shows every line the toolchain prints, Sphinx's progress included.
VERBOSE ?=
VERBOSE_FLAG := $(if $(filter-out 0,$(VERBOSE)),--verbose)

# tools/build_book.py executes the pages that can have changed (an edit in src/, book/booktools.py
# or the toolchain re-runs every page; an interrupted build keeps the pages it finished), then
# builds with warnings as errors. REPO=owner/name points the repository, issue, edit, Binder and
# live-code buttons at that GitHub repository (the CI workflow passes its own); without REPO they
# point at git's origin when it is on GitHub; `REPO=` (empty) leaves them out.
book: $(INSTALLED) $(NODE_MODULES)
	$(if $(VERBOSE_FLAG),,@)$(BIN)/python tools/build_book.py $(VERBOSE_FLAG) $(if $(filter undefined,$(origin REPO)),,--repo '$(strip $(REPO))')

# The PDF edition, _build/pdf/book.pdf, linked from every page of the site: make book, then
# Sphinx's LaTeX builder and xelatex on the same executed pages (needs TeX; see the README).
pdf: $(INSTALLED) $(NODE_MODULES)
	$(if $(VERBOSE_FLAG),,@)$(BIN)/python tools/build_pdf.py $(VERBOSE_FLAG) $(if $(filter undefined,$(origin REPO)),,--repo '$(strip $(REPO))')

# Binder without Docker (slow, so `make test` leaves it out): a fresh virtual environment gets
# what repo2docker would install (requirements.txt, then the package, then postBuild), JupyterLab
# must open Markdown with Jupytext's notebook view, and every page must run as a notebook there.
binder-check: $(INSTALLED)
	$(BIN)/python tests/binder_check.py

test: $(INSTALLED)
	$(BIN)/python -m pytest

# Tests that need the built site are marked `book` by tests/conftest.py.
check: $(INSTALLED)
	$(BIN)/python -m pytest -m "not book"

clean:
	rm -rf _build
