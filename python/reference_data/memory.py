"""Memory of real figures: a region's or a country's weight remembers how far a real figure put it from the prior.

Without it a real figure bends only its own year: Almaty region's 2024 arrivals are 4,788 (published), and
the prior put 2025 back at 1,689; Germany's 2022 departures were pinned near 2,600, and 2023 fell back to
470. The cross-validation (``reference_data.crossval``) measured that fault: held-out regional totals missed
by a median of 52%.

Here every real figure of a region's total or of a national country cell is an anchor: the ratio of the figure
to the value the prior alone gives in its year (the region's or country's share of what the model shares out;
a part-year figure counts as the annual value it implies, ``floors.part_year_floors``, and only where it is
above the prior: it bounds the year from below). The weight of each year
is multiplied by the ratio remembered from the anchors: between two anchors the log-ratio is interpolated,
beyond the nearest one it fades by ``decay`` per year (``priors/memory.csv``; 0 = no memory, the model before
issue 21). A year with its own figure keeps that figure exactly (the precedence of
``regional_totals.year_totals`` is unchanged); memory moves only the years without one. Across a boundary
change a region keeps its memory and a region created from it shares it (both start from the parent's
propensity), so the successors still split the flows roughly as their residents and carry the series on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from reference_data.inputs import InputError, read_csv

Anchors = dict[int, float]  # year -> log(real figure / prior value)
Level = tuple[int, bool]  # a real annual level, and whether it is a part-year figure scaled to a year


def decay_of(memory: pd.DataFrame, scope: str) -> float:
    rows = memory[memory.scope == scope]
    if len(rows) != 1:
        raise InputError(f"priors/memory.csv: expected one row for scope {scope!r}, found {len(rows)}")
    decay = float(rows.decay.iloc[0])
    if not 0 <= decay <= 1:
        raise InputError(f"priors/memory.csv: scope {scope}: decay must be in [0, 1], got {decay}")
    return decay


def remembered(anchors: Anchors, year: int, decay: float) -> float:
    """The log-ratio a year remembers: interpolated between anchors, fading by ``decay`` beyond them."""
    if not anchors or decay == 0:
        return 0.0
    if year in anchors:
        return anchors[year]
    before = [a for a in anchors if a < year]
    after = [a for a in anchors if a > year]
    if before and after:
        low, high = max(before), min(after)
        # Between two real figures: interpolate, but never remember more than the fading allows from the
        # nearer one (two anchors far apart say little about the years between).
        share = (year - low) / (high - low)
        value = (1 - share) * anchors[low] + share * anchors[high]
        return value * decay ** min(year - low, high - year)
    nearest = max(before) if before else min(after)
    return anchors[nearest] * decay ** abs(year - nearest)


def factors(anchors: Anchors, years: list[int], decay: float) -> pd.Series:
    """Multiplier of each year's weight."""
    return pd.Series([math.exp(remembered(anchors, year, decay)) for year in years], index=years)


def log_ratio(real: float, prior: float, is_floor: bool = False) -> float | None:
    """log(real / prior); for a part-year figure scaled to a year (a floor) only an upward distance counts:
    the figure says the year was at least about that much, not that it was no more."""
    if real <= 0 or prior <= 0:
        return None
    ratio = math.log(real / prior)
    return max(ratio, 0.0) if is_floor else ratio


def parents(seeds_dir: Path) -> dict[str, tuple[str, int]]:
    """A region created from one other region -> (that region, the year): from then on the new region shares its
    parent's memory, as it starts from the parent's propensity (``regional_totals``)."""
    changes = read_csv(seeds_dir / "region_boundary_changes.csv",
                       ["region_code", "change_year", "change_kind", "counterpart_region_codes"], ("change_year",))
    created = changes[(changes.change_kind == "created") & ~changes.counterpart_region_codes.str.contains(" ")]
    return {region: (parent, int(year)) for region, parent, year
            in zip(created.region_code, created.counterpart_region_codes, created.change_year, strict=True)}


def regional_memory(paths: dict[tuple[str, str], pd.Series], national: Callable[[int, str], int],
                    fixed_elsewhere: Callable[[int, str], int], anchors_real: dict[tuple[int, str, str], Level],
                    decay: float, exclude: str,
                    parent_of: dict[str, tuple[str, int]] | None = None) -> dict[tuple[str, str], pd.Series]:
    """The weight paths with memory: each (region, direction) path times the remembered ratio of real figures
    to the prior's value (the region's share, by weight, of the national total less ``fixed_elsewhere``).
    A region created from another one (``parent_of``) with no real figure of its own shares its parent's
    memory from the year it was created."""
    if decay == 0 or not anchors_real:
        return paths
    by_year: dict[tuple[int, str], float] = {}
    for (region, direction), path in paths.items():
        if region == exclude:
            continue
        for year, weight in zip(path.index.astype(int), path.to_numpy(dtype=float), strict=True):
            by_year[(int(year), direction)] = by_year.get((int(year), direction), 0.0) + float(weight)
    def log_anchors(region: str, direction: str) -> Anchors:
        path = paths[(region, direction)]
        logs: Anchors = {}
        for (year, d, r), value in anchors_real.items():
            if r != region or d != direction or year not in path.index:
                continue
            prior = (national(year, direction) - fixed_elsewhere(year, direction)) * float(path.loc[year]) \
                / by_year[(year, direction)]
            ratio = log_ratio(value[0], prior, value[1])
            if ratio is not None:
                logs[year] = ratio
        return logs

    result = dict(paths)
    for (region, direction), path in paths.items():
        if region == exclude:
            continue
        logs = log_anchors(region, direction)
        if not logs and region in (parent_of or {}):
            parent, created = (parent_of or {})[region]
            if (parent, direction) in paths:
                logs = {a: v for a, v in log_anchors(parent, direction).items() if a >= created}
        if logs:
            result[(region, direction)] = path * factors(logs, [int(y) for y in path.index], decay).to_numpy()
    return result


def country_memory(weights: dict[tuple[str, str], pd.Series], national: Callable[[int, str], int],
                   anchors_real: dict[tuple[int, str, str], Level], decay: float) -> dict[tuple[str, str], pd.Series]:
    """National country weights with memory: each (direction, country) path times the remembered ratio of real
    national figures to the prior's value (the country's share, by weight, of the national total)."""
    if decay == 0 or not anchors_real:
        return weights
    totals: dict[tuple[int, str], float] = {}
    for (direction, _), path in weights.items():
        for year, weight in zip(path.index.astype(int), path.to_numpy(dtype=float), strict=True):
            totals[(int(year), direction)] = totals.get((int(year), direction), 0.0) + float(weight)
    result = dict(weights)
    for (direction, country), path in weights.items():
        logs: Anchors = {}
        for (year, d, c), value in anchors_real.items():
            if d != direction or c != country or year not in path.index:
                continue
            prior = national(year, direction) * float(path.loc[year]) / totals[(year, direction)]
            ratio = log_ratio(value[0], prior, value[1])
            if ratio is not None:
                logs[year] = ratio
        if logs:
            result[(direction, country)] = path * factors(logs, [int(y) for y in path.index], decay).to_numpy()
    return result
