"""The benchmarks' split of a build's node time (bench/node_time.py): DuckDB's statements, the Python models, and
dbt's own work."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ..conftest import REPO_ROOT, SessionBuild


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("node_time", REPO_ROOT / "bench" / "node_time.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while being defined
    spec.loader.exec_module(module)
    return module


BENCH = _bench()

# Two dbt threads interleaved, as dbt's debug file log writes them; a statement of the main thread (the relation
# cache) and one of a node that is not in the set must not count.
LOG = """\
\x1b[0m10:00:00.000001 [debug] [MainThread]: On list_b_main: select * from information_schema.tables
\x1b[0m10:00:00.000002 [debug] [MainThread]: SQL status: OK in 0.500 seconds
\x1b[0m10:00:00.100000 [debug] [Thread-1 (]: On model.p.a: /* {"app": "dbt"} */
    create table "b"."main"."a__dbt_tmp" as (select 1)
\x1b[0m10:00:00.200000 [debug] [Thread-2 (]: On test.p.t: BEGIN
\x1b[0m10:00:00.200001 [debug] [Thread-1 (]: SQL status: OK in 0.250 seconds
\x1b[0m10:00:00.200002 [debug] [Thread-2 (]: SQL status: OK in 0.001 seconds
\x1b[0m10:00:00.300000 [debug] [Thread-2 (]: On test.p.t: /* {"app": "dbt"} */
    select count(*) from a
\x1b[0m10:00:00.300001 [debug] [Thread-1 (]: On model.p.skipped: select 2
\x1b[0m10:00:00.400000 [debug] [Thread-2 (]: SQL status: OK in 0.125 seconds
\x1b[0m10:00:00.400001 [debug] [Thread-1 (]: SQL status: OK in 4.000 seconds
"""


def test_statements_count_for_the_node_their_thread_runs(tmp_path: Path) -> None:
    log = tmp_path / "dbt.log"
    log.write_text(LOG, encoding="utf-8")
    assert BENCH.duckdb_seconds(log, {"model.p.a", "test.p.t"}) == pytest.approx(0.25 + 0.001 + 0.125)
    assert BENCH.duckdb_seconds(log, {"model.p.skipped"}) == pytest.approx(4.0)
    assert BENCH.duckdb_seconds(log, set()) == 0


def test_the_session_builds_node_time_splits_into_parts_that_add_up(session_build: SessionBuild) -> None:
    """On the real publish of the session's warehouse: the Python models' time is theirs alone, DuckDB's is part of
    the SQL nodes' time, and every contract mart ran SQL."""
    log = session_build.target.parent / "logs" / "dbt.log"
    split = BENCH.node_time(session_build.target, log)
    results = json.loads((session_build.target / "build_results.json").read_text())["results"]
    built = [result for result in results if result["resource_type"] in ("model", "seed", "test")]
    python = [result for result in built if result["language"] == "python"]
    assert {result["name"] for result in python} >= {"int_claim_elements", "int_claim_did_pre_trend"}
    assert split.nodes == len(built)
    assert split.python_s == pytest.approx(sum(result["execution_time"] for result in python))
    sql_node_s = split.node_s - split.python_s
    assert 0 < split.duckdb_s < sql_node_s
    for result in built:
        if result["resource_type"] == "model" and result["schema"] == "main" and result["language"] == "sql":
            assert BENCH.duckdb_seconds(log, {result["unique_id"]}) > 0, result["name"]
