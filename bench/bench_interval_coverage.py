"""Benchmark: coverage of the reconstruction's 80% intervals on published figures it never saw.

For every fold of the cross-validation (``reference_data.crossval``) the reconstruction is refit without the
fold, and ``--members`` ensemble members (ranges of ``priors/ensemble_ranges.csv``) are drawn and refit the same
way. A held-out annual figure is covered when it lies inside its interval, widened by its rounding. Two sides,
measured in the same run on the same members:

* ``calibrated``: the members' central 80%, widened around the prediction by the factor of the figure's kind
  fitted on the *other* folds (what ``make crossval`` publishes);
* ``peer``: the members' central 80% as it is (the ensemble's spread alone).

Printed per kind of figure: each side's coverage and its ratio to the stated 80% (1.00x = calibrated), and the
widening fitted on every fold. Goal: every kind with at least 10 annual figures within 0.8 +- 0.1 when
calibrated. ``--from DIR`` reads the members of a finished ``make crossval`` (``DIR/predictions.csv`` and
``DIR/members.csv``) instead of refitting (about 11 x (members + 1) refits).

    PYTHONPATH=python python bench/bench_interval_coverage.py [--folds 10] [--members 6] [--from DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from measure import print_table, ratio, verdict
from reference_data import crossval
from reference_data.draws import load_ranges
from reference_data.inputs import load_constraints, load_seeds
from reference_data.paths import default_paths

GOAL = 0.1  # coverage within 0.8 +- 0.1
MIN_FIGURES = 10


def measured(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(predictions of the bundled model, members' predictions), refit now or read from ``--from``."""
    if args.source:
        predictions = pd.read_csv(args.source / "predictions.csv", dtype={"region_code": str, "fold": str})
        predictions = predictions[predictions.model_variant == crossval.BUNDLED]
        members = pd.read_csv(args.source / "members.csv")
        return predictions.drop(columns=["interval_low", "interval_high", "is_in_interval"]), members
    paths = default_paths()
    constraints = load_constraints(paths, load_seeds(paths))
    predictions = crossval.cross_validate(constraints, crossval.default_builder(paths), args.folds)
    members = crossval.member_predictions(constraints, paths, args.folds, args.members, load_ranges(paths))
    return predictions, members


def by_kind(scored: pd.DataFrame) -> dict[str, float | None]:
    annual = scored[~scored.is_bound.astype(bool)]
    return {str(kind): crossval.coverage(part) for kind, part in annual.groupby("kind")} | {
        "all": crossval.coverage(annual)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=crossval.DEFAULT_FOLDS)
    parser.add_argument("--members", type=int, default=crossval.DEFAULT_MEMBERS)
    parser.add_argument("--from", dest="source", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    predictions, members = measured(args)
    calibrated, factors = crossval.cross_fitted_intervals(predictions, members)
    sides = {"calibrated": by_kind(calibrated), "peer": by_kind(crossval.intervals(predictions, members))}
    annual = predictions[~predictions.is_bound.astype(bool)]
    counts = {str(kind): len(part) for kind, part in annual.groupby("kind")} | {"all": len(annual)}
    rows, met = [], True
    for kind in sorted(counts, key=lambda k: (k == "all", k)):
        judged = counts[kind] >= MIN_FIGURES and kind != "all"
        cells: list[object] = [kind, counts[kind]]
        for side in ("calibrated", "peer"):
            value = sides[side].get(kind)
            cells += ["", ""] if value is None else [f"{value:.2f}", f"{ratio(value, crossval.LEVEL):.2f}x"]
        value = sides["calibrated"].get(kind)
        if judged and (value is None or abs(value - crossval.LEVEL) > GOAL):
            met = False
        rows.append([*cells, f"{factors[kind]:g}" if kind in factors else "", "yes" if judged else "no (too few)"])
    print(f"80% intervals on held-out annual figures ({len(members.member.unique())} members per fold; "
          f"{time.perf_counter() - started:.0f} s)")
    print_table(["kind", "annual figures", "calibrated", "/ 0.8", "peer: members as drawn", "/ 0.8",
                 "widening", "judged"], rows)
    print(f"goal: every judged kind within 0.8 +- {GOAL} when calibrated: {verdict(met)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
