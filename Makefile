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

# Official downloads (make ingest) take precedence over the bundled reconstruction.
OFFICIAL_DIR := data/official/tables
REFERENCE_DIR := data/reference/tables
export KZ_COUNTS_DIR ?= $(if $(wildcard $(OFFICIAL_DIR)/*.csv),$(OFFICIAL_DIR),$(REFERENCE_DIR))
export KZ_WAREHOUSE_PATH ?= $(CURDIR)/warehouse/kz_migration.duckdb

.PHONY: build test venv warehouse analysis dbt-test dbt-test-default dbt-test-statutory pytest lint ingest reference lock docs clean

venv: $(STAMP)

# Installer: uv (pinned here) when it installs from the package index, else pip; both install exactly
# requirements.lock. uv resolves and downloads in parallel (about 8x faster than pip here) and prints what
# it does; INSTALLER=pip forces the plain pip path, which stays tested and prints its progress too.
UV_VERSION := 0.13.8
INSTALLER ?= uv

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	@echo "==> [setup] virtual environment $(VENV) (installer: $(INSTALLER))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" = uv ] && { test -x $(BIN)/uv || \
	      $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; } && \
	    $(BIN)/uv pip install --python $(BIN)/python -c requirements.lock -r requirements.in && \
	    $(BIN)/uv pip install --python $(BIN)/python --no-deps -e .; then \
	  echo "==> [setup] installed with uv $(UV_VERSION)"; \
	else \
	  [ "$(INSTALLER)" = pip ] || echo "==> [setup] uv unavailable or failed: installing with pip"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip && \
	  $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -c requirements.lock -r requirements.in && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	touch $(STAMP)

## build: install, build and test the warehouse, publish it atomically, run the analysis
build: warehouse analysis
	@echo "Warehouse published at $(KZ_WAREHOUSE_PATH)"

# DBT_ARGS passes options to dbt build, e.g. DBT_ARGS="--vars '{working_age_rule_set: statutory}'".
warehouse: venv
	@echo "==> [build] dbt build into a private file, published only if every model and test passes"
	$(BIN)/python -m warehouse.publish -- $(DBT_ARGS)

analysis: warehouse
	@echo "==> [analysis] correlations, causal designs, claim replication, figures, report"
	$(BIN)/python -m analysis report

## test: ruff, dbt build of the statutory rule set, then pytest (whose session fixture builds and
## publishes the default rule set with every dbt test: `dbt-test` would build it a second time)
test: venv lint dbt-test-statutory pytest

# Both working-age rule sets must build and pass: the default (paper_2025) and the statutory one.
dbt-test: dbt-test-default dbt-test-statutory

dbt-test-default dbt-test-statutory: dbt-test-%: venv
	@echo "==> [test] dbt build, working-age rule set: $(if $(filter default,$*),paper_2025 (default),$*)"
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  KZ_BUILD_PATH=$$tmp/test.duckdb $(BIN)/dbt build --project-dir dbt_project --target-path $$tmp/target \
	    --log-path $$tmp/logs $(if $(filter default,$*),,--vars '{working_age_rule_set: $*}')

pytest: venv
	@echo "==> [test] pytest"
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
