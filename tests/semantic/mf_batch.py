"""Run many MetricFlow queries in one process: `python mf_batch.py QUERIES.json OUT_DIR`, in a dbt project root.

QUERIES.json maps a name to {"metrics": [...], "group_by": [...]} or {"saved_query": name}; each result is
written to OUT_DIR/<name>.csv, its rows in the order MetricFlow returned them.
It is the engine behind `mf query` (the same SQL; `mf query --explain` shows it), set up once instead of once
per query, so that checking every metric at every grain costs seconds rather than a minute of CLI starts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from dbt_metricflow.cli.cli_configuration import CLIConfiguration
from metricflow.engine.metricflow_engine import MetricFlowQueryRequest


def main(queries_path: str, out_dir: str) -> int:
    configuration = CLIConfiguration()
    configuration.setup()
    engine = configuration.mf
    for name, query in json.loads(Path(queries_path).read_text()).items():
        if "saved_query" in query:
            request = MetricFlowQueryRequest.create(saved_query_name=query["saved_query"])
        else:
            request = MetricFlowQueryRequest.create(metric_names=query["metrics"],
                                                    group_by_names=query["group_by"] or None)
        result = engine.query(request)
        assert result.result_df is not None
        table = result.result_df
        frame = pd.DataFrame([list(row) for row in table.rows], columns=list(table.column_names))
        frame.to_csv(Path(out_dir) / f"{name}.csv", index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
