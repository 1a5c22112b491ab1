"""Where a dbt build's node time goes, read from what dbt wrote: build_results.json (warehouse/dbt_build.py) and
dbt's debug file log. Summed over dbt's threads: DuckDB's statements (the seconds DuckDB reported for each, which
dbt logs as "SQL status: OK in N seconds"), the Python models' own time, and what is left, dbt's own work in its
nodes (rendering, contracts, the relation cache, events and logging). bench_build_floor.py and bench_scale.py
print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from warehouse.dbt_build import read_results

# dbt's debug file log: the thread's last "On <node>: ..." line names the node whose statement the next
# "SQL status: OK in N seconds" line of that thread times.
STATEMENT = re.compile(r"\[(Thread-\d+)[^\]]*\]: On ([^:\s]+): ")
STATUS = re.compile(r"\[(Thread-\d+)[^\]]*\]: SQL status: .* in ([0-9.]+) seconds")
BUILT_KINDS = ("model", "seed", "test")


@dataclass(frozen=True)
class NodeTime:
    """One build's node time (seconds, summed over dbt's threads), split by who spent it."""

    nodes: int
    node_s: float  # dbt's execution time of every model, seed and data test
    duckdb_s: float  # what DuckDB reported for the SQL statements of those nodes
    python_s: float  # the Python models' own time (their pandas and statsmodels work, their reads and writes)

    @property
    def dbt_s(self) -> float:
        """dbt's own work in its nodes: rendering, contracts, the relation cache, events and logging."""
        return self.node_s - self.duckdb_s - self.python_s


def duckdb_seconds(log: Path, node_ids: set[str]) -> float:
    """Seconds DuckDB reported for the statements of the given nodes, from dbt's debug file log."""
    running: dict[str, str] = {}
    total = 0.0
    with log.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if (started := STATEMENT.search(line)) is not None:
                running[started.group(1)] = started.group(2)
            elif (done := STATUS.search(line)) is not None and running.get(done.group(1)) in node_ids:
                total += float(done.group(2))
    return total


def node_time(target: Path, log: Path) -> NodeTime:
    records = [record for record in read_results(target) if record["resource_type"] in BUILT_KINDS]
    python = [record for record in records if record.get("language") == "python"]
    sql_nodes = {record["unique_id"] for record in records if record.get("language") != "python"}
    return NodeTime(
        nodes=len(records),
        node_s=sum(record["execution_time"] for record in records),
        duckdb_s=duckdb_seconds(log, sql_nodes),
        python_s=sum(record["execution_time"] for record in python),
    )
