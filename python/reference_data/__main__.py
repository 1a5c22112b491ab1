"""CLI: ``python -m reference_data [--out DIR]`` regenerates every reference table;
``python -m reference_data --soft-targets`` prints how each claim of the paper fares on the tables."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reference_data.generate import generate
from reference_data.inputs import InputError
from reference_data.paths import default_paths
from reference_data.soft_targets import soft_target_report
from warehouse.publish import BuildFailed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference_data", description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default data/reference/tables)")
    parser.add_argument(
        "--soft-targets", action="store_true",
        help="do not generate: build the tables (--out, default the bundled ones) into a temporary warehouse and "
        "report each claim of the paper as reproduced or a documented conflict, by the replication's SQL",
    )
    args = parser.parse_args(argv)
    if args.soft_targets:
        paths = default_paths()
        try:
            report = soft_target_report(args.out or paths.tables_dir, paths.reference_dir / "claim_conflicts.csv")
        except BuildFailed as error:
            print(f"reference_data: the candidate tables do not build: {error}", file=sys.stderr)
            return 1
        print(report[["claim_id", "computed", "status"]].to_string(index=False))
        print(report["status"].value_counts().to_string())
        return 0
    started = time.perf_counter()
    try:
        written = generate(default_paths(), args.out)
    except InputError as error:
        print(f"reference_data: {error}", file=sys.stderr)
        return 1
    for code, path in written.items():
        print(f"{code}: {path}")
    print(f"generated in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
