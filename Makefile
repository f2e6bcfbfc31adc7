# Sunflower: `make run` serves the embedded default; `make test` runs the whole suite.
# With DATABASE_URL set, both use that database (PostgreSQL) instead of SQLite under var/.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install bootstrap lint format clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changed, so re-running is fast.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

bootstrap: install
	mkdir -p var
	$(BIN)/sunflower migrate --no-input --verbosity 0
	$(BIN)/sunflower bootstrap_demo

run: bootstrap
	@echo "Sunflower: http://$(HOST):$(PORT)/ (sign in with a demo login above; Ctrl-C stops it)"
	$(BIN)/sunflower runserver $(HOST):$(PORT)

test: install
	$(BIN)/python scripts/ensure_chromium.py
	$(BIN)/pytest -n auto -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sunflower tests bench scripts

format: install
	$(BIN)/ruff format sunflower tests bench scripts
	$(BIN)/ruff check --fix .

clean-db:
	rm -f var/sunflower.sqlite3 var/sunflower.sqlite3-wal var/sunflower.sqlite3-shm
