"""T2: migrants by sex and single year of age, each region's cells fitted to two margins.

The margins are the all-ages total (from ``regional_totals``) and the working-age total under
the paper's rule set, in which women aged 60 count half (upper bound 60.5). So that the
working-age count derived from the table is a whole number and equals the T3 total exactly,
women aged 60 are always an even number: the generator allocates them in pairs, one half of
each pair inside working age and one outside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reference_data.frames import each_group, each_row
from reference_data.inputs import ALMATY, DIRECTIONS, InputError, Seeds, interpolate
from reference_data.integerise import largest_remainder
from reference_data.regional_totals import YEARS

SEXES = ("M", "F")
TOP_AGE = 80  # ages 0..79 are single years, 80 and over is the open band


def age_profiles(profile: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """(direction, sex) -> prior weight of ages 0..79 and of the open band 80+ (last element)."""
    profiles = {}
    for (direction, sex), group in each_group(profile, ["direction_code", "sex_code"]):
        anchors = group.set_index("age").weight
        singles = interpolate(anchors[anchors.index < TOP_AGE], range(TOP_AGE)).to_numpy()
        if TOP_AGE not in anchors.index:
            raise InputError(f"priors/age_profile.csv: {direction} {sex} has no weight for the open band {TOP_AGE}")
        profiles[(direction, sex)] = np.append(singles, float(anchors.loc[TOP_AGE]))
    return profiles


def working_age_fractions(lower: float, upper: float) -> np.ndarray:
    """Share of each single year of age (and of the open band, last) inside [lower, upper)."""
    ages = np.arange(TOP_AGE)
    fractions = np.clip(np.minimum(ages + 1, upper) - np.maximum(ages, lower), 0, 1)
    if not set(np.unique(fractions)) <= {0.0, 0.5, 1.0}:
        raise InputError(f"working-age bound {lower}-{upper} splits a year of age other than in half")
    return np.append(fractions, 0.0)


def working_age_totals(totals: pd.DataFrame, almaty_series: pd.DataFrame,
                       national_wa: dict[tuple[int, str], int]) -> pd.DataFrame:
    """Add a working-age column: Almaty from its prior path, other regions sharing the national target."""
    almaty = {(int(r.year), r.direction_code): int(r.working_age) for r in each_row(almaty_series)}
    keyed = {}
    for (year, direction), group in each_group(totals, ["year", "direction_code"]):
        rest = group[group.region_code != ALMATY]
        target = national_wa[(year, direction)] - almaty[(year, direction)]
        values = largest_remainder(rest.persons.to_numpy(dtype=float), target)
        for region, value in zip(rest.region_code, values.tolist(), strict=True):
            keyed[(year, direction, region)] = value
        keyed[(year, direction, ALMATY)] = almaty[(year, direction)]
    frame = totals.copy()
    frame["working_age"] = [keyed[(r.year, r.direction_code, r.region_code)] for r in each_row(frame)]
    too_many = frame[frame.working_age > frame.persons]
    if len(too_many):
        raise InputError(f"working-age total exceeds the all-ages total: {too_many.iloc[0].to_dict()}")
    return frame


def sex_age_cells(total: int, working_age: int, profiles: dict[str, np.ndarray],
                  fractions: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Integer counts by sex for ages 0..79 and 80+ with the given total and working-age total."""
    # (sex, index, weight) of each age cell fully inside, half inside and outside working age.
    inside: list[tuple[str, int, float]] = []
    half: list[tuple[str, int, float]] = []
    outside: list[tuple[str, int, float]] = []
    for sex in SEXES:
        for index, (weight, fraction) in enumerate(zip(profiles[sex], fractions[sex], strict=True)):
            (inside if fraction == 1 else half if fraction == 0.5 else outside).append((sex, index, weight))
    # A half cell contributes one pair unit to working age and the same unit outside it.
    wa_units = inside + [(sex, index, weight / 2) for sex, index, weight in half]
    wa_counts = largest_remainder(np.array([w for _, _, w in wa_units]), working_age)
    cells = {sex: np.zeros(TOP_AGE + 1, dtype=np.int64) for sex in SEXES}
    pairs = 0
    for (sex, index, _), count in zip(wa_units, wa_counts.tolist(), strict=True):
        if (sex, index) in {(s, i) for s, i, _ in half}:
            cells[sex][index] = 2 * count
            pairs += count
        else:
            cells[sex][index] = count
    remaining = total - working_age - pairs
    if remaining < 0:
        raise InputError(f"working-age total {working_age} leaves no room outside working age in {total}")
    out_counts = largest_remainder(np.array([w for _, _, w in outside]), remaining)
    for (sex, index, _), count in zip(outside, out_counts.tolist(), strict=True):
        cells[sex][index] = count
    return cells


def build_sex_age(seeds: Seeds, frame: pd.DataFrame, profile: pd.DataFrame) -> dict[tuple[int, str, str], dict]:
    """(year, direction, region) -> {sex: counts of ages 0..79 and 80+}."""
    profiles = age_profiles(profile)
    result = {}
    for year in YEARS:
        fractions = {sex: working_age_fractions(*seeds.working_age_bounds(year, sex)) for sex in SEXES}
        for direction in DIRECTIONS:
            direction_profiles = {sex: profiles[(direction, sex)] for sex in SEXES}
            block = frame[(frame.year == year) & (frame.direction_code == direction)]
            for row in each_row(block):
                result[(year, direction, row.region_code)] = sex_age_cells(
                    int(row.persons), int(row.working_age), direction_profiles, fractions)
    return result
