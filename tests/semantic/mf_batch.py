"""Run many MetricFlow queries in one process: `python mf_batch.py QUERIES.json OUT_DIR`, in a dbt project root.

QUERIES.json maps a name to {"metrics": [...], "group_by": [...]} or {"saved_query": name}; each result is
written to OUT_DIR/<name>.csv, its rows in the order MetricFlow returned them. With "metric_groups" (lists of
metric names) instead of "metrics", each group is one query and the answers are joined on the group-by columns
(MetricFlow plans a query of all 92 metrics in about 1 s and DuckDB optimises its 200 kB of SQL in about 1 s
more; the same metrics asked semantic model by semantic model take less than half of that).
It is the engine behind `mf query` (the same SQL; `mf query --explain` shows it), set up once instead of once
per query, so that checking every metric at every grain costs seconds rather than a minute of CLI starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from dbt_metricflow.cli.cli_configuration import CLIConfiguration
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest


def main(queries_path: str, out_dir: str) -> int:
    configuration = CLIConfiguration()
    configuration.setup()
    engine = configuration.mf
    for name, query in json.loads(Path(queries_path).read_text()).items():
        if "saved_query" in query:
            frame = _answer(engine, MetricFlowQueryRequest.create(saved_query_name=query["saved_query"]))
        else:
            frames = [
                _answer(engine, MetricFlowQueryRequest.create(metric_names=names,
                                                              group_by_names=query["group_by"] or None))
                for names in query.get("metric_groups") or [query["metrics"]]
            ]
            frame = frames[0]
            for other in frames[1:]:
                keys = [column for column in frame.columns if column in other.columns]
                frame = frame.merge(other, on=keys, how="outer") if keys else pd.concat([frame, other], axis=1)
        frame.to_csv(Path(out_dir) / f"{name}.csv", index=False)
    return 0


def _answer(engine: MetricFlowEngine, request: MetricFlowQueryRequest) -> pd.DataFrame:
    result = engine.query(request)
    assert result.result_df is not None
    table = result.result_df
    return pd.DataFrame([list(row) for row in table.rows], columns=list(table.column_names))


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
