"""Benchmark: coverage of the reconstruction's 80% intervals on published figures it never saw.

For every fold of the cross-validation (``reference_data.crossval``) the reconstruction is refit without the
fold, and ``--members`` ensemble members are drawn and refit the same way; a held-out annual figure is covered
when it lies inside the central 80% of the members' predictions (member 0 included), widened by its rounding.
Two sides are measured in the same run, on the same folds and seeds:

* ``calibrated``: the ranges as committed (``priors/ensemble_ranges.csv`` with each row's ``width_scale``);
* ``peer``: the same ranges with every ``width_scale`` at 1 (the ensemble before the calibration).

Printed per kind of figure: the coverage of each side and its ratio to the stated 80% (1.00 = calibrated), and
the widening of the members' interval that would bring the kind to 80%. Goal: each kind with at least 10
annual figures within 0.8 +- 0.1. Not part of ``make test``: about 2 x 11 x members refits.

    PYTHONPATH=python python bench/bench_interval_coverage.py [--folds 10] [--members 6]
"""

from __future__ import annotations

import argparse
import sys
import time

from measure import print_table, ratio, verdict
from reference_data import crossval
from reference_data.draws import apply_width_scale, read_ranges
from reference_data.inputs import load_constraints, load_seeds
from reference_data.paths import default_paths

GOAL = 0.1  # coverage within 0.8 +- 0.1
MIN_FIGURES = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=crossval.DEFAULT_FOLDS)
    parser.add_argument("--members", type=int, default=crossval.DEFAULT_MEMBERS)
    args = parser.parse_args(argv)
    paths = default_paths()
    constraints = load_constraints(paths, load_seeds(paths))
    started = time.perf_counter()
    predictions = crossval.cross_validate(constraints, crossval.default_builder(paths), args.folds)
    raw = read_ranges(paths)
    sides = {"calibrated": apply_width_scale(raw), "peer": apply_width_scale(raw.assign(width_scale=1.0))}
    coverage: dict[str, dict[str, float | None]] = {}
    factors: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    for side, ranges in sides.items():
        members = crossval.member_predictions(constraints, paths, args.folds, args.members, ranges)
        scored = crossval.intervals(predictions, members)
        factors[side] = crossval.calibration_factors(scored, members)
        annual = scored[~scored.is_bound.astype(bool)]
        coverage[side] = {str(kind): crossval.coverage(part) for kind, part in annual.groupby("kind")}
        coverage[side]["all"] = crossval.coverage(annual)
        counts = {str(kind): len(part) for kind, part in annual.groupby("kind")} | {"all": len(annual)}
    rows = []
    met = True
    for kind in sorted(counts, key=lambda k: (k == "all", k)):
        calibrated, peer = coverage["calibrated"].get(kind), coverage["peer"].get(kind)
        judged = counts[kind] >= MIN_FIGURES and kind != "all"
        if judged and (calibrated is None or abs(calibrated - crossval.LEVEL) > GOAL):
            met = False
        rows.append([kind, counts[kind],
                     "" if calibrated is None else f"{calibrated:.2f}",
                     "" if calibrated is None else f"{ratio(calibrated, crossval.LEVEL):.2f}x",
                     "" if peer is None else f"{peer:.2f}",
                     "" if peer is None else f"{ratio(peer, crossval.LEVEL):.2f}x",
                     f"{factors['calibrated'].get(kind, '')}", "yes" if judged else "no (too few)"])
    print(f"80% intervals on held-out annual figures: {args.folds} folds, {args.members} members per fold, "
          f"{time.perf_counter() - started:.0f} s")
    print_table(["kind", "annual figures", "calibrated", "/ 0.8", "peer (width 1)", "/ 0.8",
                 "widening still needed", "judged"], rows)
    print(f"goal: every judged kind within 0.8 +- {GOAL}: {verdict(met)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
