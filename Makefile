# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint deps typecheck unit interop-tools browser clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parley demo

test: $(STAMP) interop-tools browser lint deps typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# What src imports is declared and nothing unused is; tests and benchmarks import only what is declared.
deps: $(STAMP)
	$(BIN)/deptry src
	$(BIN)/deptry tests benchmarks --exclude '\.venv' --ignore DEP002,DEP004

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
