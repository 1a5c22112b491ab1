"""All-ages arrivals and departures of each region: the margins every other table is fitted to.

The Republic's total is the Taldau series; pinned regions (published figures, Almaty's prior
path) keep their values; regions with a level path (Zhambyl and West Kazakhstan after 2021)
follow their base year; every other region shares what is left by its prior weight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reference_data.inputs import ALMATY, DIRECTIONS, FIRST_YEAR, LAST_YEAR, InputError, Seeds, interpolate
from reference_data.integerise import largest_remainder

YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


def pinned_region_totals(constraints: pd.DataFrame, almaty_series: pd.DataFrame) -> dict[tuple[int, str, str], int]:
    """(year, direction, region) -> persons fixed before the rest is shared out."""
    pinned = {(int(r.year), r.direction_code, ALMATY): int(r.all_ages) for r in almaty_series.itertuples()}
    hard = constraints[(constraints.use == "hard") & (constraints.population == "all_ages")
                       & (constraints.country_code == "_T") & (constraints.region_code != "00")
                       & (constraints.months == "01-12")]
    for row in hard.itertuples():
        pinned[(int(row.year), row.direction_code, row.region_code)] = int(row.value)
    return pinned


def weight_paths(seeds: Seeds, weights: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    """(region, direction) -> prior weight for every year the region exists."""
    paths = {}
    for (region, direction), group in weights.groupby(["region_code", "direction_code"], sort=True):
        info = seeds.regions[seeds.regions.region_code == region].iloc[0]
        years = range(max(FIRST_YEAR, int(info.first_year)), min(LAST_YEAR, int(info.last_year)) + 1)
        paths[(region, direction)] = interpolate(group.set_index("year").weight, years)
    return paths


def region_totals(seeds: Seeds, constraints: pd.DataFrame, almaty_series: pd.DataFrame,
                  weights: pd.DataFrame, level_paths: pd.DataFrame) -> pd.DataFrame:
    pinned = pinned_region_totals(constraints, almaty_series)
    paths = weight_paths(seeds, weights)
    levels = {(r.region_code, r.direction_code, int(r.year)): (int(r.base_year), float(r.index))
              for r in level_paths.itertuples()}
    totals: dict[tuple[int, str, str], int] = {}
    for year in YEARS:
        for direction in DIRECTIONS:
            regions = seeds.regions_in(year)
            national = seeds.national_total(year, direction)
            fixed = {}
            for region in regions:
                if (year, direction, region) in pinned:
                    fixed[region] = pinned[(year, direction, region)]
                elif (region, direction, year) in levels:
                    base_year, index = levels[(region, direction, year)]
                    fixed[region] = round(totals[(base_year, direction, region)] * index)
            free = [r for r in regions if r not in fixed]
            missing = [r for r in free if (r, direction) not in paths]
            if missing:
                raise InputError(f"priors/region_weights.csv: no {direction} weights for regions {missing}")
            remaining = national - sum(fixed.values())
            if remaining < 0:
                raise InputError(f"{year} {direction}: pinned regions {fixed} exceed the national total {national}")
            shares = largest_remainder(np.array([paths[(r, direction)].loc[year] for r in free]), remaining)
            for region, value in [*fixed.items(), *zip(free, shares.tolist(), strict=True)]:
                totals[(year, direction, region)] = int(value)
    return pd.DataFrame(
        [(y, d, r, v) for (y, d, r), v in sorted(totals.items())],
        columns=["year", "direction_code", "region_code", "persons"],
    )
