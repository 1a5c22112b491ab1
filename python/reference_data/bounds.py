"""How far the published figures alone pin down the unpublished quantities the causal result turns on.

For one year a linear programme over every region r has four variables — all-ages arrivals A_r and
departures D_r, working-age arrivals a_r and departures d_r — and only the published constraints:

* the regions add up to the Republic's Taldau totals (sum A_r, sum D_r);
* published regional totals and balances hold exactly (A_r = x; A_r - D_r = b), part-year figures as
  lower bounds on the year (less half the rounding unit);
* 0 <= a_r <= A_r and 0 <= d_r <= D_r; published working-age figures (Almaty's 888 departures in 2023)
  hold exactly, and the national working-age totals are at least the part-year "16 to pension age" ones.

Minimising and maximising a_r - d_r with SciPy's HiGHS gives the smallest and largest working-age net
migration of region r consistent with every published figure; nothing modeled enters.

    python -m reference_data.bounds        # writes data/reference/bounds.csv and prints it
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from reference_data.frames import each_row
from reference_data.inputs import REPUBLIC, load_constraints, load_seeds
from reference_data.paths import Paths, default_paths
from warehouse.atomic import write_atomically

QUANTITIES = [("75", 2022), *((region, year) for region in ("31", "27") for year in range(2021, 2026))]
BOUND_COLUMNS = ["region_code", "year", "measure", "lower", "upper", "basis"]


def _slack(comparison: str) -> int:
    return 50 if comparison.startswith("rounded_100") else 500 if comparison.startswith("rounded_1000") else 0


def year_bounds(paths: Paths, year: int, targets: Sequence[str]) -> dict[str, tuple[float, float]]:
    """region -> (min, max) of working-age net migration in ``year`` under the published figures alone."""
    seeds = load_seeds(paths)
    constraints = load_constraints(paths, seeds)
    regions = seeds.regions_in(year)
    n = len(regions)
    column = {(kind, r): i * n + j for i, kind in enumerate(("A", "D", "a", "d")) for j, r in enumerate(regions)}
    size = 4 * n
    equalities, equal_to, inequalities, at_most = [], [], [], []

    def row(entries: dict) -> np.ndarray:
        vector = np.zeros(size)
        for key, weight in entries.items():
            vector[column[key]] += weight
        return vector

    for kind, direction in (("A", "arrival"), ("D", "departure")):
        equalities.append(row({(kind, r): 1 for r in regions}))
        equal_to.append(seeds.national_total(year, direction))
    rows = constraints[(constraints.year == year) & (constraints.country_code == "_T")
                       & constraints.population.isin(["all_ages", "working_age"])
                       & (constraints.education_code == "_T")]
    for c in each_row(rows):
        upper = c.population == "working_age"
        kinds = {"arrival": "a" if upper else "A", "departure": "d" if upper else "D"}
        if c.region_code == REPUBLIC:
            if c.use == "lower_bound" and c.direction_code in kinds:
                inequalities.append(-row({(kinds[c.direction_code], r): 1 for r in regions}))
                at_most.append(-(c.value - _slack(c.comparison)))
            continue
        if c.region_code not in regions:
            continue
        if c.use == "hard" and c.months == "01-12":
            if c.direction_code == "net":
                equalities.append(row({(kinds["arrival"], c.region_code): 1, (kinds["departure"], c.region_code): -1}))
            else:
                equalities.append(row({(kinds[c.direction_code], c.region_code): 1}))
            equal_to.append(c.value)
        elif c.use == "lower_bound" and c.direction_code in kinds:
            inequalities.append(-row({(kinds[c.direction_code], c.region_code): 1}))
            at_most.append(-(c.value - _slack(c.comparison)))
    for r in regions:
        for small, large in (("a", "A"), ("d", "D")):
            inequalities.append(row({(small, r): 1, (large, r): -1}))
            at_most.append(0)
    result = {}
    for target in targets:
        objective = row({("a", target): 1, ("d", target): -1})
        values = []
        for sign in (1, -1):
            solved = linprog(sign * objective, A_ub=np.array(inequalities), b_ub=np.array(at_most),
                             A_eq=np.array(equalities), b_eq=np.array(equal_to), bounds=(0, None), method="highs")
            if not solved.success:
                raise RuntimeError(f"{year}: the published figures are infeasible together ({solved.message})")
            values.append(sign * solved.fun)
        result[target] = (values[0], values[1])
    return result


def all_bounds(paths: Paths) -> pd.DataFrame:
    rows = []
    by_year: dict[int, list[str]] = {}
    for region, year in QUANTITIES:
        by_year.setdefault(year, []).append(region)
    for year, regions in sorted(by_year.items()):
        for region, (low, high) in year_bounds(paths, year, regions).items():
            rows.append({"region_code": region, "year": year, "measure": "net_migration_working_age",
                         "lower": round(low), "upper": round(high),
                         "basis": "linear programme over every region's all-ages and working-age flows under the "
                                  "published figures of constraints.csv and the Taldau totals only (HiGHS)"})
    return pd.DataFrame(rows, columns=BOUND_COLUMNS).sort_values(["region_code", "year"]).reset_index(drop=True)


def main(argv: Sequence[str] | None = None) -> int:
    paths = default_paths()
    frame = all_bounds(paths)
    target = paths.reference_dir / "bounds.csv"
    write_atomically(target, lambda temporary: frame.to_csv(temporary, index=False, lineterminator="\n"))
    print(frame.drop(columns="basis").to_string(index=False))
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
