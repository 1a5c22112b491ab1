"""All-ages arrivals and departures of each region: the margins every other table is fitted to.

The Republic's total is the Taldau series; pinned regions (published figures, Almaty's prior
path) keep their values; regions with a level path (Zhambyl and West Kazakhstan after 2021)
follow their base year; every other region shares what is left by its prior weight.

A region's weight is its real population on 1 January times its own per-resident propensity to
arrive or depart (``priors/region_propensity.csv``, anchors interpolated) times its own cycle
(``priors/region_cycles.csv``: 1 + amplitude x cos(2 pi (year - peak_year) / period_years)).
Populations move differently in every region; each propensity path has its own level and trend
and each cycle its own period and phase, so no two
regions share a series or a constant ratio; at a boundary change the new regions' propensities
start near the parent's, so the flows split roughly as the residents did and the sum carries on.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reference_data.frames import each_group, each_row
from reference_data.inputs import ALMATY, DIRECTIONS, FIRST_YEAR, LAST_YEAR, InputError, Seeds, interpolate
from reference_data.integerise import largest_remainder

YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


def pinned_region_totals(constraints: pd.DataFrame, almaty_series: pd.DataFrame) -> dict[tuple[int, str, str], int]:
    """(year, direction, region) -> persons fixed before the rest is shared out."""
    pinned = {(int(r.year), r.direction_code, ALMATY): int(r.all_ages) for r in each_row(almaty_series)}
    hard = constraints[(constraints.use == "hard") & (constraints.population == "all_ages")
                       & (constraints.country_code == "_T") & (constraints.region_code != "00")
                       & (constraints.months == "01-12")]
    for row in each_row(hard):
        pinned[(int(row.year), row.direction_code, row.region_code)] = int(row.value)
    return pinned


def cycle_factor(cycle, year: int) -> float:
    """1 + amplitude x cos: the region's own swing around its propensity trend, largest in ``peak_year``."""
    phase = 2 * math.pi * (year - float(cycle.peak_year)) / float(cycle.period_years)
    return 1.0 + float(cycle.amplitude) * math.cos(phase)


def weight_paths(seeds: Seeds, propensity: pd.DataFrame, cycles: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
    """(region, direction) -> prior weight (residents x propensity x cycle) for every year the region exists."""
    cycle_of = {(c.region_code, c.direction_code): c for c in each_row(cycles)}
    paths = {}
    for (region, direction), group in each_group(propensity, ["region_code", "direction_code"]):
        if (region, direction) not in cycle_of:
            raise InputError(f"priors/region_cycles.csv: no {direction} cycle for region {region}")
        cycle = cycle_of[(region, direction)]
        if not 0 <= float(cycle.amplitude) < 1 or float(cycle.period_years) <= 0:
            raise InputError(f"priors/region_cycles.csv: region {region} {direction}: amplitude must be in [0, 1) "
                             f"and period_years positive, got {cycle.amplitude} and {cycle.period_years}")
        info = seeds.regions[seeds.regions.region_code == region].iloc[0]
        years = range(max(FIRST_YEAR, int(info.first_year)), min(LAST_YEAR, int(info.last_year)) + 1)
        rate = interpolate(group.set_index("year").propensity, years)
        paths[(region, direction)] = pd.Series(
            [seeds.residents(year, region) * rate.loc[year] * cycle_factor(cycle, year) for year in years],
            index=list(years))
    return paths


def region_totals(seeds: Seeds, constraints: pd.DataFrame, almaty_series: pd.DataFrame,
                  propensity: pd.DataFrame, cycles: pd.DataFrame, level_paths: pd.DataFrame) -> pd.DataFrame:
    pinned = pinned_region_totals(constraints, almaty_series)
    paths = weight_paths(seeds, propensity, cycles)
    levels = {(r.region_code, r.direction_code, int(r.year)): (int(r.base_year), float(r.index))
              for r in each_row(level_paths)}
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
                raise InputError(f"priors/region_propensity.csv: no {direction} propensity for regions {missing}")
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
