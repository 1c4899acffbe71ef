# Two commands do all the set-up on a fresh machine with Python >= 3.11:
#   make book   create .venv, install the toolchain and optimlab, build the site into _build/html
#   make test   create .venv, install the test extras, run every test (the book build included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: book test clean venv

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

book: $(INSTALLED)
	@hash=$(INPUTS_HASH); \
	if [ "$$(cat _build/.inputs-hash 2>/dev/null)" != "$$hash" ]; then \
	  echo "optimlab or the toolchain changed: re-executing every page"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/html _build/jupyter_execute; \
	fi; \
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going && \
	echo "$$hash" > _build/.inputs-hash

test: $(INSTALLED)
	$(BIN)/python -m pytest

clean:
	rm -rf _build
