"""Time the whole analysis and report against the published warehouse; print seconds per step.

Usage: PYTHONPATH=python python bench/bench_analysis.py [--warehouse PATH] [--out DIR]

Each step is printed with its ratio to loading the marts, measured in the same run.
The replication mart is built by dbt with the
warehouse; the analysis only reads it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.causal.run import run_all
from analysis.marts import data_provenance, default_warehouse_path, is_reconstruction, load_marts
from analysis.report.causal_figures import render_causal_figures
from analysis.report.content import ReportContent, almaty_flow_table
from analysis.report.page import write_report
from analysis.report.paper_figures import render_paper_figures
from claims.replication import contradiction_pairs, load_claims, replicate
from estimators.paper_correlations import paper_correlations


def timed(label: str, timings: list[tuple[str, float]], step: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = step()
    timings.append((label, time.perf_counter() - start))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=default_warehouse_path())
    parser.add_argument("--out", type=Path, default=None, help="report folder (default: a temporary folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_report_"))

    timings: list[tuple[str, float]] = []
    tables = timed("load marts (read-only)", timings, lambda: load_marts(args.warehouse))
    claims = load_claims()
    reconstruction = is_reconstruction(tables)
    correlations = timed("correlations", timings, lambda: paper_correlations(tables))
    causal = timed(
        "causal designs (DiD, event study, placebos, synthetic control; region and territory panels)",
        timings,
        lambda: run_all(tables),
    )
    replication = timed("claim replication", timings, lambda: replicate(tables, claims, reconstruction))
    paper_figures = timed("paper figures (9)", timings, lambda: render_paper_figures(tables))
    causal_figures = timed("causal figures", timings, lambda: render_causal_figures(causal))
    content = ReportContent(
        warehouse=str(args.warehouse),
        reconstruction=reconstruction,
        provenance=data_provenance(tables),
        almaty_flows=almaty_flow_table(tables),
        correlations=correlations,
        causal=causal,
        replication=replication,
        contradictions=contradiction_pairs(replication),
        paper_figures=paper_figures,
        causal_figures=causal_figures,
    )
    timed("write report (HTML, CSV, PNG)", timings, lambda: write_report(content, out))

    # The peer of each step: reading its input (the marts, read-only), the least any analysis must do.
    load = timings[0][1]
    width = max(len(label) for label, _ in timings)
    for label, seconds in timings:
        print(f"{label:<{width}}  {seconds:7.2f} s  {seconds / load:7.1f}x the load")
    total = sum(seconds for _, seconds in timings)
    print(f"{'total':<{width}}  {total:7.2f} s  {total / load:7.1f}x the load")
    print(f"report: {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
