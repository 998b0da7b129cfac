# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format venv dev-venv demo bench bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

.stamp-venv: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ .stamp-venv

venv: .stamp-venv
dev-venv: .stamp-dev

demo: .stamp-venv
	$(BIN)/saldo db upgrade
	$(BIN)/saldo catalog load catalog/demo.toml
	$(BIN)/saldo demo seed

run: demo
	$(BIN)/saldo demo hints --port $(PORT)
	$(BIN)/saldo serve --host $(HOST) --port $(PORT) --demo

lint: .stamp-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

test: lint
	$(BIN)/pytest -n auto --dist loadfile

format: .stamp-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Every benchmark on SQLite and PostgreSQL (when it answers); the summary table goes to the
# top of bench/README.md, each benchmark's record to bench/results/.
bench: .stamp-dev
	$(BIN)/python -m bench.run_all --readme

# The same with the shortest settings: fails when a benchmark is broken, never on a figure.
bench-smoke: .stamp-dev
	$(BIN)/python -m bench.run_all --smoke

clean:
	rm -rf $(VENV) .stamp-* saldo.db saldo.db-wal saldo.db-shm
