"""T3 (working-age migrants by education) and T4 (specialists by specialty).

Almaty's cells come from its prior path with the paper's exact figures pinned; every other
region shares the rest of the national target in proportion to its working-age (T3) or
specialist (T4) total, rounded with both margins kept (controlled rounding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reference_data.frames import each_group, each_row
from reference_data.inputs import ALMATY, InputError, interpolate
from reference_data.integerise import controlled_round, largest_remainder
from reference_data.regional_totals import YEARS

LEVELS = ("higher", "secondary_vocational", "general_secondary", "lower")
SPECIALTIES = ("technical", "economic", "pedagogical", "medical", "legal", "architecture_construction",
               "agricultural", "other")


def anchored_shares(prior: pd.DataFrame, key_column: str, keys: tuple[str, ...]) -> dict:
    """(direction, key) -> yearly share interpolated from the anchor years."""
    shares = {}
    for (direction, key), group in each_group(prior, ["direction_code", key_column]):
        shares[(direction, key)] = interpolate(group.set_index("year").share, YEARS)
    missing = {key for key in keys} - {key for _, key in shares}
    if missing:
        raise InputError(f"shares prior has no rows for {sorted(missing)}")
    return shares


def fill_rows(row_totals: pd.Series, column_targets: np.ndarray) -> np.ndarray:
    """Integer matrix with the given row totals and column targets, cells proportional to both."""
    rows = row_totals.to_numpy(dtype=np.int64)
    if rows.sum() != column_targets.sum():
        raise InputError(f"rows add to {rows.sum()} but column targets to {column_targets.sum()}")
    if rows.sum() == 0:
        return np.zeros((len(rows), len(column_targets)), dtype=np.int64)
    real = np.outer(rows, column_targets) / rows.sum()
    return controlled_round(real, rows, column_targets)


def split_rest(total: int, weights: list[float], fixed: dict[int, int]) -> np.ndarray:
    """Split ``total`` over columns by weight, with some columns fixed in advance."""
    result = np.zeros(len(weights), dtype=np.int64)
    for index, value in fixed.items():
        result[index] = value
    free = [i for i in range(len(weights)) if i not in fixed]
    remaining = total - sum(fixed.values())
    if remaining < 0:
        raise InputError(f"fixed columns {fixed} exceed the total {total}")
    result[free] = largest_remainder(np.array([weights[i] for i in free]), remaining)
    return result


def almaty_education(almaty_series: pd.DataFrame, pins: dict) -> dict[tuple[int, str], np.ndarray]:
    cells = {}
    for row in each_row(almaty_series):
        key = (int(row.year), row.direction_code)
        higher = pins.get((*key, "higher"), int(row.higher))
        vocational = pins.get((*key, "secondary_vocational"), int(row.secondary_vocational))
        rest = int(row.working_age) - higher - vocational
        if rest < 0:
            raise InputError(f"priors/almaty_series.csv {key}: higher + vocational exceed working age")
        general = round(rest * float(row.general_secondary_share))
        cells[key] = np.array([higher, vocational, general, rest - general], dtype=np.int64)
    return cells


def build_education(frame: pd.DataFrame, almaty: dict, shares: dict, targets: dict) -> dict:
    """(year, direction, region) -> counts of LEVELS. ``targets``: (year, direction, measure) -> national value."""
    result = {}
    for (year, direction), group in each_group(frame, ["year", "direction_code"]):
        rest = group[group.region_code != ALMATY]
        almaty_cells = almaty[(year, direction)]
        rest_total = int(rest.working_age.sum())
        weights = [float(shares[(direction, level)].loc[year]) for level in LEVELS]
        fixed = {}
        specialists = targets.get((year, direction, "specialists"))
        if specialists is not None:
            rest_specialists = specialists - int(almaty_cells[:2].sum())
            pair = largest_remainder(np.array(weights[:2]), rest_specialists)
            fixed = {0: int(pair[0]), 1: int(pair[1])}
        higher = targets.get((year, direction, "higher"))
        if higher is not None:
            fixed[0] = higher - int(almaty_cells[0])
        columns = split_rest(rest_total, weights, fixed)
        matrix = fill_rows(rest.working_age, columns)
        for region, cells in zip(rest.region_code, matrix, strict=True):
            result[(year, direction, region)] = cells
        result[(year, direction, ALMATY)] = almaty_cells
    return result


def build_specialty(frame: pd.DataFrame, education: dict, almaty_shares: dict, rest_shares: dict,
                    almaty_pins: dict, national_pins: dict | None = None, national_floors: dict | None = None) -> dict:
    """(year, direction, region) -> counts of SPECIALTIES among the higher + secondary vocational.

    ``national_pins``: (year, direction) -> {specialty: national value} the Republic's column must hold;
    ``national_floors``: (year, direction) -> {specialty: least national value} (part-year figures).
    """
    national_pins = national_pins or {}
    national_floors = national_floors or {}
    result = {}
    for (year, direction), group in each_group(frame, ["year", "direction_code"]):
        almaty_total = int(education[(year, direction, ALMATY)][:2].sum())
        fixed = {i: almaty_pins[(year, direction, s)] for i, s in enumerate(SPECIALTIES)
                 if (year, direction, s) in almaty_pins}
        almaty_weights = [float(almaty_shares[(direction, s)].loc[year]) for s in SPECIALTIES]
        almaty = split_rest(almaty_total, almaty_weights, fixed)
        result[(year, direction, ALMATY)] = almaty
        rest = group[group.region_code != ALMATY]
        specialists = pd.Series([int(education[(year, direction, r)][:2].sum()) for r in rest.region_code])
        weights = [float(rest_shares[(direction, s)].loc[year]) for s in SPECIALTIES]
        pinned = {SPECIALTIES.index(s): value - int(almaty[SPECIALTIES.index(s)])
                  for s, value in national_pins.get((year, direction), {}).items()}
        columns = split_rest(int(specialists.sum()), weights, pinned)
        for _ in SPECIALTIES:
            short = {i: floor - int(almaty[i]) for s, floor in national_floors.get((year, direction), {}).items()
                     if (i := SPECIALTIES.index(s)) not in pinned and columns[i] + int(almaty[i]) < floor}
            if not short:
                break
            pinned.update(short)
            columns = split_rest(int(specialists.sum()), weights, pinned)
        for region, cells in zip(rest.region_code, fill_rows(specialists, columns), strict=True):
            result[(year, direction, region)] = cells
    return result
