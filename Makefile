# Everything a fresh machine needs is installed here, from pyproject.toml, into ./.venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## demo: set up the virtualenv and open the console on a seeded, simulated stub
demo: $(STAMP)
	$(BIN)/scale-tui --demo

## test: set up the virtualenv and run the tests and the layering contract
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4

lint: $(STAMP)
	$(BIN)/ruff check scale_tui server_stub tests bench
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/stub.py
	$(BIN)/python bench/console.py
	$(BIN)/python bench/logs.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
