"""A stand-in for `dbt build` of tests/tiny_dbt_project, for the tests of the publisher's locks, clean-up and swap.

`warehouse.publish` runs it instead of dbt when KZ_DBT_EXECUTABLE names it (the fixture `stand_in_dbt` in
tests/conftest.py sets it): it is called with dbt's command line and environment, and does what the publisher
relies on dbt for, in about 0.2 s instead of dbt's 5-10 s of start-up:

* writes the tiny project's relations into KZ_BUILD_PATH: the table `main.fct_yearly_flows` (Almaty's arrivals
  and departures per year from the count files in KZ_COUNTS_DIR) and the view `main.stg_almaty_counts`;
* fails as dbt does (exit code 1) when a count is negative, the tiny project's one test;
* writes `build_results.json` into --target-path, as warehouse/dbt_build.py writes it for that project (the
  fields `expected_relations` reads).

Two settings serve the tests of builds that run through make (tests/test_ingest_during_build.py):

* KZ_STAND_IN_WAREHOUSE names a whole warehouse built by the real dbt (the session's): the stand-in copies it
  into KZ_BUILD_PATH instead, stamps `dim_build_settings.built_at` with the time it started (as dbt's
  `run_started_at` does), and records the official tables it was given (KZ_OFFICIAL_DIR: file name and
  sha256) in `stand_in.official_tables`, so the analysis report can run on the result;
* KZ_STAND_IN_PAUSE names a folder: the stand-in writes `started-<pid>` there, then waits until `go` exists,
  so a test can act while a build runs.

What it does not show is that real dbt's output passes the same checks: the tests that need that keep the real
dbt (tests/test_publish.py, tests/test_build_race.py say which), and the session's warehouse goes through the
real publisher with the real dbt.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.dbt_build import write_results

PROJECT = "tiny_publish"
MODELS = {"fct_yearly_flows": "table", "stg_almaty_counts": "view"}
TEST = "counts_are_not_negative"


def write_executable(folder: Path) -> Path:
    """An executable `dbt` in `folder` that runs this file with the test's Python (for KZ_DBT_EXECUTABLE)."""
    executable = folder / "dbt"
    executable.write_text(f"#!{sys.executable}\nimport runpy\nrunpy.run_path({str(Path(__file__))!r}, "
                          "run_name='__main__')\n")
    executable.chmod(0o755)
    return executable


def _record(name: str, resource_type: str, schema: str, materialized: str, status: str) -> dict[str, object]:
    return {
        "unique_id": f"{resource_type}.{PROJECT}.{name}", "resource_type": resource_type, "name": name,
        "status": status, "message": None, "failures": None, "schema": schema, "alias": name,
        "materialized": materialized, "attached_node": None, "compiled_code": None,
    }


def _write_artifacts(target: Path, test_status: str) -> None:
    passed = test_status == "pass"
    records = [
        _record("fct_yearly_flows", "model", "main", MODELS["fct_yearly_flows"], "success"),
        _record(TEST, "test", "main_dbt_test__audit", "test", test_status),
        _record("stg_almaty_counts", "model", "main", MODELS["stg_almaty_counts"], "success" if passed else "skipped"),
    ]
    write_results(target, records)


def _pause() -> None:
    folder = os.environ.get("KZ_STAND_IN_PAUSE")
    if not folder:
        return
    (Path(folder) / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 300
    while not (Path(folder) / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("stand-in dbt: nobody said go within 300 s")
        time.sleep(0.02)


def _copy_whole_warehouse(source: Path, database: Path, target: Path) -> int:
    started = datetime.now(UTC).replace(tzinfo=None)
    _pause()
    # Read after the pause, as dbt reads the official layer some way into its build.
    official = sorted(Path(os.environ["KZ_OFFICIAL_DIR"]).glob("*.csv*"))
    shutil.copyfile(source, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute("update main.dim_build_settings set built_at = ?", [started])
        connection.execute("create schema stand_in")
        connection.execute("create table stand_in.official_tables (file_name varchar, sha256 varchar)")
        connection.executemany("insert into stand_in.official_tables values (?, ?)",
                               [(path.name, hashlib.sha256(path.read_bytes()).hexdigest()) for path in official])
    record = _record("dim_build_settings", "model", "main", "table", "success")
    write_results(target, [record | {"unique_id": "model.kz_migration.dim_build_settings"}])
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dbt (stand-in)")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--target-path", type=Path, required=True)
    parser.add_argument("--project-dir", type=Path)
    parser.add_argument("--profiles-dir", type=Path)
    parser.add_argument("--log-path", type=Path)
    args, _ = parser.parse_known_args(argv)
    database = Path(os.environ["KZ_BUILD_PATH"])
    if os.environ.get("KZ_STAND_IN_WAREHOUSE"):
        return _copy_whole_warehouse(Path(os.environ["KZ_STAND_IN_WAREHOUSE"]), database, args.target_path)
    _pause()
    counts = Path(os.environ["KZ_COUNTS_DIR"])
    with duckdb.connect(str(database)) as connection:
        catalog = connection.execute("select current_database()").fetchone()[0]
        connection.execute(f"""
            create table main.fct_yearly_flows as
            select region_code, year,
                   sum(persons) filter (where direction_code = 'arrival') as arrivals,
                   sum(persons) filter (where direction_code = 'departure') as departures
            from read_csv('{counts}/*.csv*', header = true, all_varchar = true,
                          types = {{'year': 'INTEGER', 'persons': 'BIGINT'}})
            where country_code = '_T'
            group by all
        """)
        # Named by its catalog, as dbt names the relations its views read.
        connection.execute(f'create view main.stg_almaty_counts as select * from "{catalog}".main.fct_yearly_flows '
                           "where region_code = '75'")
        negative = connection.execute(
            "select count(*) from main.fct_yearly_flows where arrivals < 0 or departures < 0"
        ).fetchone()[0]
    _write_artifacts(args.target_path, "fail" if negative else "pass")
    if negative:
        print(f"Failure in test {TEST}: got {negative} result(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
