"""Command line: ``python -m analysis report``, ``python -m analysis causal`` (the causal headline as text) and
``python -m analysis correlate SERIES_A SERIES_B``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.marts import default_warehouse_path, load_marts
from analysis.report.content import analyse
from analysis.report.page import write_report
from analysis.series import EXAMPLES, UnknownSeries
from claims.replication import DEFAULT_CLAIMS, load_claims, status_counts
from estimators.paper_correlations import correlate_named
from warehouse.progress import Steps


def shareable_name(path: Path, base: Path | None = None) -> str:
    """How the report names a file: relative to the working directory when under it, else its name alone.

    A report is shared; the absolute path of the machine that wrote it says nothing to its reader.
    """
    path = path.resolve()
    try:
        return path.relative_to((base or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return path.name


def _report(args: argparse.Namespace) -> int:
    warehouse = args.warehouse.resolve()
    with Steps("analysis") as step:
        step(f"reading the marts of {warehouse.name}")
        tables = load_marts(warehouse)  # read-only; the connection is closed before anything is written
        content = analyse(tables, load_claims(args.claims), shareable_name(warehouse), step=step)
        step(f"writing {args.out / 'index.html'}")
        index = write_report(content, args.out)
    counts = status_counts(content.replication)
    print(f"Report written: {index}")
    print(
        f"Claims: {counts['reproduced']} reproduced, {counts['not_reproduced']} not reproduced, "
        f"{counts['not_computable']} not computable ({args.out / 'replication.csv'})"
    )
    return 0


def _causal(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.causal.ensemble_spread import ensemble_pre_trend, ensemble_spread
    from analysis.causal.headline import answer_in_words, headline_table, later_years_table
    from analysis.causal.later import run_later_years
    from analysis.causal.method_note import measured_size_table
    from analysis.causal.run import run_all
    from analysis.causal.verdicts import estimates_table
    from analysis.marts import is_reconstruction

    tables = load_marts(args.warehouse)
    results, later = run_all(tables), run_later_years(tables)
    print(answer_in_words(results, later, is_reconstruction(tables)), end="\n\n")
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.max_colwidth", 60):
        for title, frame in (
            (
                "Headline (crisis window)",
                headline_table(results, ensemble_spread(tables), ensemble_pre_trend(tables)),
            ),
            ("Each later year on its own", later_years_table(later)),
            ("Size at 10% at the measured noise ratios (2 / 4 post years)", measured_size_table(results)),
            (
                "Every estimate (tidy rows; the appendix's methods are not valid with one treated unit)",
                estimates_table(results),
            ),
        ):
            print(title)
            print(frame.to_string(index=False), end="\n\n")
    return 0


def _correlate(args: argparse.Namespace) -> int:
    tables = load_marts(args.warehouse)
    try:
        result = correlate_named(tables, args.series_a, args.series_b, args.first_year, args.last_year)
    except UnknownSeries as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"error: correlation of {args.series_a} and {args.series_b}: {error}", file=sys.stderr)
        return 1
    row = result.as_dict()
    print(f"{args.series_a} vs {args.series_b}: n = {result.n} years ({result.n_dropped} dropped)")
    print(
        f"Pearson r = {result.estimate:.3f}, 95% CI [{row['pearson_ci_low']:.3f}, {row['pearson_ci_high']:.3f}], "
        f"p = {result.p_value:.3g}"
    )
    print(f"Spearman rho = {result.spearman_rho:.3f}, p = {result.spearman_p:.3g}")
    print(f"Pearson r of the year-to-year changes = {result.pearson_r_differences:.3f}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m analysis", description="Analysis and report of the kz-migration marts."
    )
    main.add_argument(
        "--warehouse",
        type=Path,
        default=default_warehouse_path(),
        help="published DuckDB file (default: $KZ_WAREHOUSE_PATH or warehouse/kz_migration.duckdb)",
    )
    commands = main.add_subparsers(dest="command", required=True)

    report = commands.add_parser("report", help="write report/index.html, replication.csv and figures")
    report.add_argument("--warehouse", type=Path, default=argparse.SUPPRESS, help="as above")
    report.add_argument("--out", type=Path, default=Path("report"), help="output folder (default: report/)")
    report.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS, help="claims table (default: data/claims)")
    report.set_defaults(run=_report)

    causal = commands.add_parser("causal", help="print the causal headline, the later years and the measured sizes")
    causal.add_argument("--warehouse", type=Path, default=argparse.SUPPRESS, help="as above")
    causal.set_defaults(run=_causal)

    correlate = commands.add_parser(
        "correlate",
        help="Pearson (95%% CI) and Spearman correlation of two named yearly series",
        description="Series names: REGION.DIRECTION.WHAT[.DETAIL], e.g. "
        + ", ".join(EXAMPLES)
        + ". See analysis/series.py for the grammar.",
    )
    correlate.add_argument("series_a")
    correlate.add_argument("series_b")
    correlate.add_argument("--warehouse", type=Path, default=argparse.SUPPRESS, help="as above")
    correlate.add_argument("--from", dest="first_year", type=int, default=None, help="first year")
    correlate.add_argument("--to", dest="last_year", type=int, default=None, help="last year")
    correlate.set_defaults(run=_correlate)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
