"""All-ages arrivals and departures of each region: the margins every other table is fitted to.

The Republic's total is the Taldau series; published regional totals and balances (``constraints.csv``)
and Almaty's calibrated path are fixed first; every other region (the paper's controls included) shares
what is left by its prior weight, and a region whose balance is published has its model turnover split
to give that balance. No region follows a path written by hand.

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

from reference_data import memory
from reference_data.frames import each_group, each_row
from reference_data.inputs import ALMATY, DIRECTIONS, FIRST_YEAR, LAST_YEAR, REPUBLIC, InputError, Seeds, interpolate
from reference_data.integerise import largest_remainder

YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


def published_region_totals(constraints: pd.DataFrame) -> dict[tuple[int, str, str], int]:
    """(year, direction, region) -> a published annual all-ages total of a region."""
    hard = constraints[(constraints.use == "hard") & (constraints.population == "all_ages")
                       & (constraints.country_code == "_T") & (constraints.region_code != REPUBLIC)
                       & (constraints.months == "01-12") & constraints.direction_code.isin(DIRECTIONS)]
    return {(int(r.year), r.direction_code, r.region_code): int(r.value) for r in each_row(hard)}


def region_balances(constraints: pd.DataFrame) -> dict[tuple[int, str], int]:
    """(year, region) -> a region's external balance (arrivals - departures) fixed by real figures."""
    net = constraints[(constraints.use == "hard") & (constraints.population == "all_ages")
                      & (constraints.country_code == "_T") & (constraints.region_code != REPUBLIC)
                      & (constraints.months == "01-12") & (constraints.direction_code == "net")]
    return {(int(r.year), r.region_code): int(r.value) for r in each_row(net)}


def real_levels(published: dict, balances: dict, floors: dict) -> dict[tuple[int, str, str], memory.Level]:
    """(year, direction, region) -> a real annual level: a published total, the direction a published balance
    fixes beside a published total, else a part-year figure scaled to a year (marked as a floor)."""
    levels = {key: (value, False) for key, value in published.items()}
    for (year, region), balance in balances.items():
        if (year, "arrival", region) in published and (year, "departure", region) not in published:
            levels[(year, "departure", region)] = (published[(year, "arrival", region)] - balance, False)
        elif (year, "departure", region) in published and (year, "arrival", region) not in published:
            levels[(year, "arrival", region)] = (published[(year, "departure", region)] + balance, False)
    for (year, direction, region, member), (_, scaled) in floors.items():
        if member == "_T" and region != REPUBLIC and (year, direction, region) not in levels:
            levels[(year, direction, region)] = (scaled, True)
    return levels


def bend_to_balance(arrivals: float, departures: float, balance: int) -> tuple[int, int]:
    """The closest (arrivals, departures) to the model's with the given balance: the model's turnover
    (arrivals + departures) is kept and split so that the difference is the published balance."""
    turnover = max(arrivals + departures, abs(balance))
    # turnover >= |balance| keeps both directions non-negative.
    new_arrivals = max(round((turnover + balance) / 2), balance, 0)
    return int(new_arrivals), int(new_arrivals - balance)


def cycle_factor(cycle, year: int) -> float:
    """1 + amplitude x cos: the region's own swing around its propensity trend, largest in ``peak_year``."""
    phase = 2 * math.pi * (year - float(cycle.peak_year)) / float(cycle.period_years)
    return 1.0 + float(cycle.amplitude) * math.cos(phase)


def weight_paths(seeds: Seeds, propensity: pd.DataFrame, cycles: pd.DataFrame,
                 power: float = 1.0) -> dict[tuple[str, str], pd.Series]:
    """(region, direction) -> prior weight (residents x propensity ** power x cycle) for every year the region
    exists. ``power`` > 1 sharpens the differences between the regions' propensities
    (``priors/region_concentration.csv``)."""
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
            [seeds.residents(year, region) * float(rate.loc[year]) ** power * cycle_factor(cycle, year)
             for year in years],
            index=list(years))
    return paths


def share_out(national: int, regions: list[str], fixed: dict[str, int], weight_of, year: int,
              direction: str) -> dict[str, int]:
    """Fixed regions keep their values; the free ones share the rest of the national total by weight."""
    free = [r for r in regions if r not in fixed]
    remaining = national - sum(fixed.values())
    if remaining < 0:
        raise InputError(f"{year} {direction}: pinned regions {fixed} exceed the national total {national}")
    shares = largest_remainder(np.array([weight_of(r) for r in free]), remaining)
    return {**fixed, **dict(zip(free, (int(v) for v in shares.tolist()), strict=True))}


def year_totals(seeds: Seeds, year: int, published: dict, balances: dict, almaty: dict, paths: dict,
                floors: dict) -> dict[tuple[str, str], int]:
    """(direction, region) -> persons of one year (see :func:`region_totals` for the order of precedence)."""
    regions = seeds.regions_in(year)
    for direction in DIRECTIONS:
        missing = [r for r in regions if r != ALMATY and (r, direction) not in paths
                   and (year, direction, r) not in published]
        if missing:
            raise InputError(f"priors/region_propensity.csv: no {direction} propensity for regions {missing}")

    def first_pass(direction: str, fixed: dict[str, int]) -> dict[str, int]:
        return share_out(seeds.national_total(year, direction), regions, fixed,
                         lambda region: float(paths[(region, direction)].loc[year]), year, direction)

    fixed: dict[str, dict[str, int]] = {d: {} for d in DIRECTIONS}
    for direction in DIRECTIONS:
        for region in regions:
            if (year, direction, region) in published:
                fixed[direction][region] = published[(year, direction, region)]
    for (balance_year, region), balance in balances.items():
        if balance_year != year:
            continue
        arrival, departure = fixed["arrival"].get(region), fixed["departure"].get(region)
        if arrival is not None and departure is not None and arrival - departure != balance:
            raise InputError(f"constraints.csv: region {region} {year}: published arrivals {arrival} - "
                             f"departures {departure} != published balance {balance}")
        if arrival is not None:
            fixed["departure"][region] = arrival - balance
        elif departure is not None:
            fixed["arrival"][region] = departure + balance
    for direction in DIRECTIONS:
        if ALMATY in regions and ALMATY not in fixed[direction]:
            fixed[direction][ALMATY] = almaty[(year, direction)]
    model = {d: first_pass(d, fixed[d]) for d in DIRECTIONS}
    for direction in DIRECTIONS:
        short = {r: floors[(year, direction, r, "_T")][1] for r in regions
                 if r not in fixed[direction] and (year, direction, r, "_T") in floors
                 and model[direction][r] < floors[(year, direction, r, "_T")][1]}
        if short:
            fixed[direction].update(short)
            model[direction] = first_pass(direction, fixed[direction])
    for (balance_year, region), balance in balances.items():
        if balance_year != year or region in fixed["arrival"]:
            continue
        fixed["arrival"][region], fixed["departure"][region] = bend_to_balance(
            model["arrival"][region], model["departure"][region], balance)
    return {(direction, region): value for direction in DIRECTIONS
            for region, value in first_pass(direction, fixed[direction]).items()}


def region_totals(seeds: Seeds, constraints: pd.DataFrame, almaty_series: pd.DataFrame,
                  propensity: pd.DataFrame, cycles: pd.DataFrame,
                  floors: dict[tuple[int, str, str, str], tuple[int, int]] | None = None,
                  memory_decay: float = 0.0, propensity_power: float = 1.0,
                  successors: dict[str, tuple[str, int]] | None = None) -> pd.DataFrame:
    """Every region's all-ages arrivals and departures, every year: the same model for every region but
    Almaty, bent only by real figures.

    Order of precedence: a published total; a published balance (with one direction published, the other
    follows exactly; with neither, the model's turnover is split to give the balance); Almaty's
    calibrated path; then residents x propensity x cycle for the rest, raised where needed to the
    annual value a part-year figure implies (``floors``). With ``memory_decay`` > 0 each region's weight
    remembers how far its real figures (totals, a direction a balance fixes, part-year figures scaled to a
    year) put it from the prior, fading by that factor per year (``reference_data.memory``).
    """
    floors = floors or {}
    published = published_region_totals(constraints)
    balances = region_balances(constraints)
    almaty = {(int(r.year), r.direction_code): int(r.all_ages) for r in each_row(almaty_series)}
    paths = weight_paths(seeds, propensity, cycles, propensity_power)
    if memory_decay > 0:
        paths = memory.regional_memory(
            paths, seeds.national_total, lambda year, direction: published.get((year, direction, ALMATY),
                                                                                almaty[(year, direction)]),
            real_levels(published, balances, floors), memory_decay, ALMATY, successors)
    totals: dict[tuple[int, str, str], int] = {}
    for year in YEARS:
        for (direction, region), value in year_totals(seeds, year, published, balances, almaty, paths,
                                                      floors).items():
            totals[(year, direction, region)] = value
    return pd.DataFrame(
        [(y, d, r, v) for (y, d, r), v in sorted(totals.items())],
        columns=["year", "direction_code", "region_code", "persons"],
    )
