# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint deps typecheck unit interop-tools browser catalogs catalogs-update clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

demo: $(STAMP) catalogs
	$(BIN)/parley demo

test: $(STAMP) catalogs interop-tools browser lint deps typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# What src imports is declared and nothing unused is; tests and benchmarks import only what is declared.
deps: $(STAMP)
	$(BIN)/deptry src
	$(BIN)/deptry tests benchmarks --exclude '\.venv' --ignore DEP002,DEP004

# The messages: extracted from the pages' templates and from every sentence marked N_ in
# src/parley (the pages' words and the refusals the app raises) into messages.pot, each
# language's .po compiled to the .mo the pages, the API's clients and the CLI read (neither is
# committed); a string missing from a .po fails tests/unit/web/test_catalogs.py.
# `make catalogs-update` merges new strings into the .po files for translating.
WEB := src/parley/web
catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F $(WEB)/babel.cfg -k N_ --no-location --sort-output -o $(WEB)/locale/messages.pot src/parley
	$(BIN)/pybabel -q compile -d $(WEB)/locale

catalogs-update: catalogs
	$(BIN)/pybabel update -i $(WEB)/locale/messages.pot -d $(WEB)/locale --no-fuzzy-matching --ignore-obsolete --no-wrap

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

interop-tools:
	scripts/install-interop-tools

# Debian's Chromium and axe-core for tests/web (nothing downloads a browser of its own).
browser:
	scripts/install-browser

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules artefacts
