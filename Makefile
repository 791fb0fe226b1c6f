# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export VANDONG_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test demo lint install messages

$(BIN)/vandong: pyproject.toml setup.py vandong/analytics/engine/_loops.c requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/vandong

## Set up, load the demo data (Lai Châu) on SQLite and start the server.
run: $(BIN)/vandong
	$(BIN)/vandong demo
	$(BIN)/vandong serve

demo: $(BIN)/vandong
	$(BIN)/vandong demo --reset

lint: $(BIN)/vandong
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## Set up and run the whole test suite: lint, types, migrations check, tests.
test: lint
	$(BIN)/vandong makemigrations --check --dry-run
	$(BIN)/pytest

## Compile the translation catalogues (vandong/locale/*/LC_MESSAGES/django.po -> .mo).
messages: $(BIN)/vandong
	$(BIN)/python -m vandong.core.i18n compile
