# kz-migration — two commands on a fresh clone: `make build` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

# Python 3.11 (or newer): python3.11 if it is on PATH, else python3.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONPATH := $(CURDIR)/python
# Small least-squares problems run 10-30x slower on OpenBLAS's thread pool than on one thread (analysis/__init__.py).
export OPENBLAS_NUM_THREADS ?= 1

# Official downloads (make ingest) take precedence over the bundled reconstruction.
OFFICIAL_DIR := data/official/tables
REFERENCE_DIR := data/reference/tables
export KZ_COUNTS_DIR ?= $(if $(wildcard $(OFFICIAL_DIR)/*.csv),$(OFFICIAL_DIR),$(REFERENCE_DIR))
export KZ_WAREHOUSE_PATH ?= $(CURDIR)/warehouse/kz_migration.duckdb

.PHONY: build test venv warehouse analysis dbt-test pytest lint ingest reference lock docs clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -r requirements.in
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## build: install, build and test the warehouse, publish it atomically, run the analysis
build: warehouse analysis
	@echo "Warehouse published at $(KZ_WAREHOUSE_PATH)"

# DBT_ARGS passes options to dbt build, e.g. DBT_ARGS="--vars '{working_age_rule_set: statutory}'".
warehouse: venv
	$(BIN)/python -m warehouse.publish -- $(DBT_ARGS)

analysis: warehouse
	$(BIN)/python -m analysis report

## test: ruff, dbt build against throwaway databases (both working-age rule sets), then pytest
test: venv lint dbt-test pytest

# Both working-age rule sets must build and pass: the default (paper_2025) and the statutory one.
dbt-test: venv
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  KZ_BUILD_PATH=$$tmp/test.duckdb $(BIN)/dbt build --project-dir dbt_project --target-path $$tmp/target --log-path $$tmp/logs && \
	  KZ_BUILD_PATH=$$tmp/statutory.duckdb $(BIN)/dbt build --project-dir dbt_project --target-path $$tmp/target --log-path $$tmp/logs \
	    --vars '{working_age_rule_set: statutory}'

pytest: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check python tests bench scripts

## ingest SRC=path [ARGS="--tolerance N --allow-partial-regions"]: official BNS downloads -> data/official/tables
ingest: venv
	@test -n "$(SRC)" || { echo "usage: make ingest SRC=path/to/file-or-folder"; exit 2; }
	$(BIN)/python -m bns_ingest "$(SRC)" --out $(OFFICIAL_DIR) $(ARGS)

## reference: regenerate the bundled reconstruction (byte for byte)
reference: venv
	$(BIN)/python -m reference_data

docs: venv
	$(BIN)/dbt docs generate --project-dir dbt_project

## lock: re-resolve requirements.in into requirements.lock
lock:
	tmp=$$(mktemp -d) && $(PYTHON) -m venv $$tmp && $$tmp/bin/pip install --quiet -r requirements.in && \
	  $$tmp/bin/pip freeze > requirements.lock && rm -rf $$tmp

clean:
	rm -rf dbt_project/target dbt_project/logs warehouse/.build report
