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
# Small least-squares problems run 10-30x slower on OpenBLAS's thread pool than on one thread (python/estimators/__init__.py).
export OPENBLAS_NUM_THREADS ?= 1

# Two layers of counts: official downloads (make ingest) laid cell by cell over the bundled reconstruction.
# With nothing ingested the official layer is a header-only file (DuckDB's reader needs one file to match).
OFFICIAL_DIR := data/official/tables
REFERENCE_DIR := data/reference/tables
export KZ_COUNTS_DIR ?= $(REFERENCE_DIR)
export KZ_OFFICIAL_DIR ?= $(if $(wildcard $(OFFICIAL_DIR)/*.csv $(OFFICIAL_DIR)/population/*.csv),$(OFFICIAL_DIR),dbt_project/sources_empty)
# The population an ingested BNS population workbook gave (used for rates over the bundled seed), else none.
export KZ_OFFICIAL_POPULATION_DIR ?= $(if $(wildcard $(OFFICIAL_DIR)/population/*.csv),$(OFFICIAL_DIR)/population,dbt_project/sources_empty/population)
export KZ_WAREHOUSE_PATH ?= $(CURDIR)/warehouse/kz_migration.duckdb
# dbt-project-evaluator is loaded only by the recipes that set KZ_EVALUATE=1 themselves (evaluate,
# dbt-test-statutory): one set in the caller's environment must not put its tables into a published warehouse.
unexport KZ_EVALUATE
# The project's version (pyproject.toml), recorded in dim_build_settings by every dbt build.
export KZ_PROJECT_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

.PHONY: build test venv warehouse analysis FORCE dbt-test dbt-test-default dbt-test-statutory evaluate pytest lint lint-ruff lint-mypy lint-sql ingest ingest-list \
	ingest-remove ingest-rollback reference ensemble crossval lock docs docs-serve mf clean export help

## venv: create .venv and install the pinned dependencies (requirements.lock), once
venv: $(STAMP)

# Installer: uv (pinned here) when it installs from the package index, else pip; both install exactly
# requirements.lock. uv resolves and downloads in parallel (about 8x faster than pip here) and prints what
# it does; INSTALLER=pip forces the plain pip path, which stays tested and prints its progress too.
UV_VERSION := 0.13.8
INSTALLER ?= uv

# Bytecode is compiled on first import, of what is imported, and kept under $(VENV)/pycache. Compiling every
# installed module at install (uv's --compile-bytecode) took 15.7 s on a quiet machine: ~11,000 modules of mypy,
# sqlfluff, numba and the rest, of which `make build` imports ~2,700 (bench/bench_bytecode.py: 37 CPU-s to
# compile all, 7.5 CPU-s saved at first import). Where PYTHONDONTWRITEBYTECODE is set (as on this machine)
# Python would never write what it compiles, and every dbt or Python start would compile its imports again
# (dbt's: 5.0 CPU-s instead of 2.1): so make's commands may write bytecode, only into that one folder, which
# `rm -rf $(VENV)` removes with the rest. BYTECODE_CACHE= (empty) leaves Python's own settings as they are.
BYTECODE_CACHE ?= $(CURDIR)/$(VENV)/pycache
ifneq ($(BYTECODE_CACHE),)
export PYTHONPYCACHEPREFIX := $(BYTECODE_CACHE)
export PYTHONDONTWRITEBYTECODE :=
endif

# Runs a command with its output passed through and a line whenever it falls silent for 8 s (e.g. while a
# Python program imports pandas and matplotlib before its first step): no step of `make build` is silent for
# 10 s. Standard library only, so it runs on the system's Python, before the venv exists.
QUIETLESS = $(PYTHON) -m warehouse.progress

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	@echo "==> [setup] virtual environment $(VENV) (installer: $(INSTALLER))"
	test -x $(BIN)/python || $(QUIETLESS) setup -- $(PYTHON) -m venv $(VENV)
	@echo "==> [setup] installing the pinned packages"
	@if [ "$(INSTALLER)" = uv ] && { test -x $(BIN)/uv || \
	      $(QUIETLESS) setup -- $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; } && \
	    $(BIN)/uv pip install --python $(BIN)/python -c requirements.lock -r requirements.in && \
	    $(BIN)/uv pip install --python $(BIN)/python --no-deps -e .; then \
	  echo "==> [setup] installed with uv $(UV_VERSION)"; \
	else \
	  [ "$(INSTALLER)" = pip ] || echo "==> [setup] uv unavailable or failed: installing with pip"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip && \
	  $(QUIETLESS) setup -- $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -c requirements.lock -r requirements.in && \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	touch $(STAMP)

## build: install, build, test and publish the warehouse, write the report and the downloads, each only if out of date
# (`make warehouse analysis export` forces all three).
# Two passes: the second looks at the official set again, so that an ingest during the first pass's build is
# built too before the report is written (the report always shows the published warehouse); each pass does
# only what is out of date, so a build with nothing changed costs a few make checks, not a dbt build.
# When neither pass rebuilt anything (the three files keep their times), it says so in one line.
BUILD_PRODUCTS = stat -c '%n %.9Y' $(KZ_WAREHOUSE_PATH) $(REPORT_INDEX) $(EXPORT_DICTIONARY) 2>/dev/null || true
build: venv
	@before="$$($(BUILD_PRODUCTS))" && \
	  $(MAKE) --no-print-directory $(KZ_WAREHOUSE_PATH) && \
	  $(MAKE) --no-print-directory $(REPORT_INDEX) $(EXPORT_DICTIONARY) && \
	  if [ "$$before" = "$$($(BUILD_PRODUCTS))" ]; then \
	    echo "Up to date: nothing changed since the last build (warehouse $(KZ_WAREHOUSE_PATH), report $(REPORT_INDEX))"; \
	  else echo "Warehouse published at $(KZ_WAREHOUSE_PATH); report at $(REPORT_INDEX)"; fi

# DBT_ARGS passes options to dbt build, e.g. DBT_ARGS="--vars '{working_age_rule_set: statutory}'".
export DBT_ARGS
# The published build runs every model, seed and data test. dbt's unit tests check the SQL's logic on fixed
# inputs, not the data, so they run where the code changes are checked (`make test`, `make dbt-test`), as dbt
# recommends, rather than on every build of the same code.
PUBLISH_DBT_ARGS := --exclude-resource-type unit_test
# What a published warehouse is built from: every dbt file, the claims, the partner statistics, the ensemble
# and cross-validation results, the published
# figures and their source register (fct_published_figures), the bundled count tables, and the Python the dbt
# Python models import. A warehouse newer than all of them (and built with the same settings and official set)
# is current. The official set is not listed here: `make ingest` may switch it while make runs (a file listed
# when the Makefile was read and gone by the time make looks at it stopped make with «No rule to make
# target»); OFFICIAL_STATE below stands for it.
WAREHOUSE_INPUTS := $(shell find dbt_project -type f -not -path 'dbt_project/target/*' -not -path 'dbt_project/logs/*' \
  -not -path 'dbt_project/vendor/*' -not -path 'dbt_project/evaluator/*' -not -path '*/__pycache__/*' 2>/dev/null) $(shell find -L data/claims data/partner data/reference/ensemble data/reference/crossval $(KZ_COUNTS_DIR) -type f 2>/dev/null) \
  data/reference/constraints.csv data/reference/SOURCES.md \
  profiles.yml $(wildcard python/claims/*.py) $(wildcard python/estimators/*.py)
# The settings beside the files (counts folders, dbt arguments); rewritten only when they change, so that
# its modification time says when they last changed.
WAREHOUSE_SETTINGS := $(KZ_WAREHOUSE_PATH).settings

$(WAREHOUSE_SETTINGS): FORCE
	@mkdir -p "$(@D)" && printf '%s\n' "KZ_COUNTS_DIR=$$KZ_COUNTS_DIR" "KZ_OFFICIAL_DIR=$$KZ_OFFICIAL_DIR" \
	  "DBT_ARGS=$$DBT_ARGS" > "$@.new" && \
	  if cmp -s "$@.new" "$@"; then rm "$@.new"; else mv "$@.new" "$@"; fi

# The official set the newest build took (a fingerprint of its tables): each build writes it when it takes
# its copy of the set, and this rule rewrites it when the set now differs, so it is newer than the warehouse
# exactly when an ingest, removal or rollback happened since that build took the set (warehouse/official_set.py).
OFFICIAL_STATE := $(KZ_WAREHOUSE_PATH).official

$(OFFICIAL_STATE): FORCE | $(STAMP)
	@$(BIN)/python -m warehouse.official_set "$(KZ_OFFICIAL_DIR)" "$@"

## warehouse: build every mart (fct_claim_replication included) and publish them in one atomic swap
warehouse: venv $(WAREHOUSE_SETTINGS)
	@echo "==> [build] dbt build into a private file, published only if every model and test passes"
	$(BIN)/python -m warehouse.publish -- $(PUBLISH_DBT_ARGS) $(DBT_ARGS)

# The published file as a target: rebuilt only when an input or a setting is newer than it.
$(KZ_WAREHOUSE_PATH): $(STAMP) $(WAREHOUSE_INPUTS) $(WAREHOUSE_SETTINGS) $(OFFICIAL_STATE)
	@echo "==> [build] the published warehouse is older than its inputs: dbt build, then publish"
	$(BIN)/python -m warehouse.publish -- $(PUBLISH_DBT_ARGS) $(DBT_ARGS)

## analysis: the report from the published warehouse, rebuilt first only when it is not current
# REPORT_DIR: where the report goes (default report/). The report names the build it was made from.
REPORT_DIR ?= report
analysis: venv $(KZ_WAREHOUSE_PATH)
	@echo "==> [analysis] correlations, causal designs, claim replication, figures, report"
	$(BIN)/python -m analysis report --out "$(REPORT_DIR)"

# The report as a file: written again only when the warehouse, the analysis code or the claims changed.
REPORT_INDEX := $(REPORT_DIR)/index.html
REPORT_INPUTS := $(shell find python/analysis -name '*.py' -not -path '*/__pycache__/*' 2>/dev/null) \
  $(wildcard python/claims/*.py) $(wildcard python/estimators/*.py) $(wildcard data/claims/*.csv)

$(REPORT_INDEX): $(KZ_WAREHOUSE_PATH) $(REPORT_INPUTS) | $(STAMP)
	@echo "==> [analysis] the report is older than the warehouse or the analysis: correlations, causal designs, claim replication, figures, report"
	$(QUIETLESS) analysis -- $(BIN)/python -m analysis report --out "$(REPORT_DIR)"

# Beside the report, so that its links to the data behind each figure and table resolve.
EXPORT_DIR ?= report/data

## export: every mart as CSV and Parquet with a data dictionary into report/data (EXPORT_DIR=…), swapped in atomically
export: venv $(KZ_WAREHOUSE_PATH)
	@echo "==> [export] every mart as CSV and Parquet, with data_dictionary.csv, into $(EXPORT_DIR)"
	$(BIN)/python -m warehouse.export --warehouse $(KZ_WAREHOUSE_PATH) --out $(EXPORT_DIR)

EXPORT_DICTIONARY := $(EXPORT_DIR)/data_dictionary.csv

$(EXPORT_DICTIONARY): $(KZ_WAREHOUSE_PATH) python/warehouse/export.py | $(STAMP)
	@echo "==> [export] every mart as CSV and Parquet, with data_dictionary.csv, into $(EXPORT_DIR)"
	$(QUIETLESS) export -- $(BIN)/python -m warehouse.export --warehouse $(KZ_WAREHOUSE_PATH) --out $(EXPORT_DIR)

FORCE:

## help: every target with its one-line description
help:
	@awk '/^## / { if (!more) { line = substr($$0, 4); i = index(line, ": "); name = substr(line, 1, i - 1); \
	  if (length(name) > 36) { printf "  %s\n  %-36s %s\n", name, "", substr(line, i + 2) } \
	  else { printf "  %-36s %s\n", name, substr(line, i + 2) } } more = 1; next } { more = 0 }' $(MAKEFILE_LIST)

# mf reads <current directory>/target/semantic_manifest.json: $(call mf_in,DIR,TARGET) makes DIR a project root
# whose target is TARGET (where dbt wrote it), then runs the rest of the line there in a subshell.
mf_in = (mkdir -p $(1)/mf && ln -sf $(CURDIR)/dbt_project/dbt_project.yml $(1)/mf/dbt_project.yml && \
	ln -sfn $(2) $(1)/mf/target && cd $(1)/mf &&

## test: lint, dbt build of the statutory rule set with dbt-project-evaluator and MetricFlow's config check, and pytest, side by side
# pytest's session fixture builds and publishes the default rule set with every dbt test (`dbt-test` would
# build that a second time). The three are independent: they run side by side (TEST_JOBS of them at once,
# default 3), pytest on TEST_WORKERS processes (pytest-xdist, default 2); each one's output is printed whole
# when it ends, and the first failure fails the run.
TEST_JOBS ?= 3
TEST_WORKERS ?= 2
test: venv
	@echo "==> [test] pytest, dbt-test-statutory and lint side by side (output of each when it ends)"
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target pytest dbt-test-statutory lint

# Both working-age rule sets must build and pass: the default (paper_2025) and the statutory one.
## dbt-test: dbt build (unit tests included) of both working-age rule sets into throwaway databases
dbt-test: dbt-test-default dbt-test-statutory

## dbt-test-default / dbt-test-statutory: the same for one rule set, with MetricFlow's config check

# dbt runs as the publisher runs it (warehouse/dbt_build.py: without dbt's JSON artifacts; build_results.json
# holds each node's outcome). The statutory build also loads dbt-project-evaluator (KZ_EVALUATE=1): its models read dbt's graph only, so
# they ride on that build's parse (about 8 CPU-s more) instead of a parse of their own (`make evaluate`).
# Each rule set builds in a folder of its own under the virtual environment (as lint-sql keeps its record there),
# always the same path: dbt's partial parsing then reuses the last run's parse (target/partial_parse.msgpack;
# dbt parses again whatever changed, and everything when the profile, the vars or dbt's version did), where a new
# temporary folder each time meant a full parse (7.3 CPU-s against 3.3 here). The database is thrown away before
# and after each run; flock keeps two runs of one rule set from sharing the folder at once.
DBT_TEST_DIR := $(VENV)/.cache/dbt-test

dbt-test-default dbt-test-statutory: dbt-test-%: venv
	@echo "==> [test] dbt build, working-age rule set: $(if $(filter default,$*),paper_2025 (default),$* (with dbt-project-evaluator))"
	work=$(CURDIR)/$(DBT_TEST_DIR)/$* && mkdir -p "$$work" && exec 9>"$$work.lock" && flock 9 && \
	  trap 'rm -rf "$$work"/test.duckdb "$$work"/test.duckdb.wal "$$work"/logs' EXIT && \
	  rm -rf "$$work"/test.duckdb "$$work"/test.duckdb.wal "$$work"/logs && \
	  $(if $(filter statutory,$*),KZ_EVALUATE=1) KZ_BUILD_PATH=$$work/test.duckdb $(BIN)/python -m warehouse.dbt_build \
	    --project-dir dbt_project --target-path $$work/target --log-path $$work/logs \
	    $(if $(filter default,$*),,--vars '{working_age_rule_set: $*}') && \
	  $(if $(filter statutory,$*),$(BIN)/python scripts/evaluator_findings.py $$work/target/build_results.json &&) \
	  echo "==> [test] mf validate-configs" && \
	  $(call mf_in,$$work,$$work/target) KZ_BUILD_PATH=$$work/test.duckdb $(CURDIR)/$(BIN)/mf validate-configs --skip-dw)

## evaluate: dbt-project-evaluator on the project's graph alone: zero findings outside its exceptions seed
# The packages are vendored (dbt_project/vendor); the evaluator's tables go to a throwaway database
# (docs/dbt_hygiene.md).
evaluate: venv
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  KZ_EVALUATE=1 KZ_BUILD_PATH=$$tmp/evaluate.duckdb $(BIN)/python -m warehouse.dbt_build --project-dir dbt_project \
	    --target-path $$tmp/target --log-path $$tmp/logs --select package:dbt_project_evaluator \
	    dbt_project_evaluator_exceptions && \
	  $(BIN)/python scripts/evaluator_findings.py $$tmp/target/build_results.json

# -n: pytest-xdist workers (TEST_WORKERS=0 runs in this one process); the session's warehouse is built once for all.
# --dist loadfile keeps each test file on one worker, so a module's fixtures (a report, the MetricFlow answers,
# spoilt copies of the warehouse) are computed once, not once per worker. --no-loadscope-reorder: the files go
# out longest first as tests/conftest.py orders them (by their time in the last run), not by how many tests they
# hold, so no slow file of few tests is left to run alone at the end.
## pytest: the Python tests on TEST_WORKERS processes (they build and publish a warehouse of their own)
pytest: venv
	@echo "==> [test] pytest"
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist loadfile --no-loadscope-reorder)

## lint: ruff, mypy (settings in pyproject.toml) and sqlfluff on every model (.sqlfluff), each with zero findings
lint: lint-ruff lint-mypy lint-sql

## lint-ruff / lint-mypy / lint-sql: one linter each
lint-ruff: venv
	$(BIN)/ruff check python tests bench scripts

lint-mypy: venv
	$(BIN)/mypy

# scripts/lint_sql.py lints the models that did not pass unchanged, under unchanged settings, before (all of them
# with LINT_SQL_ARGS=--no-cache). The dbt templater compiles the project and opens a build database of its own
# under .venv/.cache/lint-sql, so a lint never touches dbt_project/target or a warehouse that a build is writing.
LINT_SQL_ARGS ?=
lint-sql: venv
	$(BIN)/python scripts/lint_sql.py dbt_project/models $(LINT_SQL_ARGS)

## ingest SRC=path [NAME=name] [ARGS="--tolerance N --allow-partial-regions"]: add one download to the official set
ingest: venv
	@test -n "$(SRC)" || { echo "usage: make ingest SRC=path/to/file-or-folder [NAME=name]"; exit 2; }
	$(BIN)/python -m bns_ingest "$(SRC)" --out $(OFFICIAL_DIR) $(if $(NAME),--name "$(NAME)") $(ARGS)

## ingest-list / ingest-remove NAME=name / ingest-rollback: inspect, shrink or step back the official set
ingest-list: venv
	$(BIN)/python -m bns_ingest --list --out $(OFFICIAL_DIR)

ingest-remove: venv
	@test -n "$(NAME)" || { echo "usage: make ingest-remove NAME=name (make ingest-list shows the names)"; exit 2; }
	$(BIN)/python -m bns_ingest --remove "$(NAME)" --out $(OFFICIAL_DIR)

ingest-rollback: venv
	$(BIN)/python -m bns_ingest --rollback --out $(OFFICIAL_DIR)

## reference: regenerate the bundled reconstruction (byte for byte)
reference: venv
	$(BIN)/python -m reference_data

## crossval: the reconstruction measured out of sample: refit without each fold of published figures, predict
## them, with the calibrated 80% intervals (CROSSVAL_MEMBERS ensemble members per fold) and the model without
## memory beside it -> data/reference/crossval/*.csv (data/reference/README.md; about 15 minutes on 2 cores)
CROSSVAL_FOLDS ?= 10
CROSSVAL_MEMBERS ?= 6
crossval: venv
	$(BIN)/python -m reference_data.crossval --folds $(CROSSVAL_FOLDS) --members $(CROSSVAL_MEMBERS) --variants

# Members besides member 0 (the bundled tables); about two minutes each (data/reference/README.md).
ENSEMBLE_MEMBERS ?= 10

## ensemble [ENSEMBLE_MEMBERS=N]: N alternative reconstructions, each with its claims and causal estimates
# Each member has its own warehouse -> data/reference/ensemble/*.csv; then the hard-constraint tests on every
# member's tables.
ensemble: venv
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(BIN)/python -m reference_data.run_ensemble --members $(ENSEMBLE_MEMBERS) --keep-tables $$tmp && \
	  for member in $$tmp/member_*; do \
	    echo "hard-constraint tests on $$(basename $$member)"; \
	    KZ_REFERENCE_TABLES_DIR=$$member $(BIN)/python -m pytest -q -p no:cacheprovider \
	      tests/reference_data/test_reference_hard_constraints.py || exit 1; \
	  done

# The docs and the semantic layer read the published warehouse through the readers' profile
# (dbt_project/profiles.yml), which attaches it READ_ONLY (BI readers keep their connections); the warehouse is
# rebuilt first only if it is not current.
READERS := DBT_PROFILES_DIR=$(CURDIR)/dbt_project
DOCS_DIR := $(CURDIR)/dbt_project/target/docs
DOCS_PORT ?= 8080

## docs: dbt docs with the real catalog (types, comments, lineage) of the published warehouse
# dbt-duckdb's catalog has no row counts (has_stats is false); report/data/marts.csv has them.
docs: venv $(KZ_WAREHOUSE_PATH)
	$(READERS) $(BIN)/dbt docs generate --project-dir dbt_project --target-path $(DOCS_DIR) \
	  --log-path $(DOCS_DIR)/logs --static
	@echo "Docs: $(DOCS_DIR)/static_index.html (one file), or make docs-serve"

## docs-serve: serve the docs on http://127.0.0.1:$(DOCS_PORT) (DOCS_PORT=… to change)
docs-serve: docs
	$(READERS) $(BIN)/dbt docs serve --project-dir dbt_project --target-path $(DOCS_DIR) --host 127.0.0.1 --port $(DOCS_PORT) \
	  --no-browser

# The semantic manifest that `mf` reads (in dbt_project/target, where MetricFlow looks for it): the publisher
# writes the build's own after each publish, so it is newer than the warehouse and nothing is parsed here; only
# a manifest that is missing or older than the warehouse (e.g. a warehouse published before it was kept) is
# made again, by `dbt parse` of the project as it is.
SEMANTIC_MANIFEST := dbt_project/target/semantic_manifest.json

$(SEMANTIC_MANIFEST): $(KZ_WAREHOUSE_PATH)
	@echo "==> [mf] the semantic manifest is older than the warehouse: dbt parse"
	cd dbt_project && $(READERS) $(CURDIR)/$(BIN)/dbt parse --quiet

## mf ARGS="query --saved-query almaty_working_age_balance_by_regime": MetricFlow on the published warehouse,
## run in dbt_project/ as MetricFlow's documentation shows (the same as `cd dbt_project && ../.venv/bin/mf …`)
mf: venv $(SEMANTIC_MANIFEST)
	@cd dbt_project && $(READERS) $(CURDIR)/$(BIN)/mf $(ARGS)

## lock: re-resolve requirements.in into requirements.lock
lock:
	tmp=$$(mktemp -d) && $(PYTHON) -m venv $$tmp && $$tmp/bin/pip install --quiet -r requirements.in && \
	  $$tmp/bin/pip freeze > requirements.lock && rm -rf $$tmp

## clean: remove dbt's target and logs, the private builds and the report (the published warehouse stays)
clean:
	rm -rf dbt_project/target dbt_project/logs warehouse/.build report
