"""Part-year figures as floors for the model: the annual value a part-year figure implies.

A figure for January-September only bounds the year from below (``checks`` holds that bound exactly).
But a model value just at the bound would mean nobody moved in the rest of the year; so where the
model falls short, the annual value is raised to the part-year figure scaled up to a whole year:
by the Republic's own ratio of annual to part-year total in that year and direction when that is
published, else by 12 / months. ``scale_fraction`` (0-1) takes that scale-up part of the way (1 = all
of it, the default member; ensemble members draw it from the range in ``priors/README.md``).
"""

from __future__ import annotations

import math

import pandas as pd

from reference_data.frames import each_row
from reference_data.inputs import DIRECTIONS, REPUBLIC, Seeds

FloorKey = tuple[int, str, str, str]  # year, direction, region, country (or specialty:<code>, education:<code>)
Floor = tuple[int, int]  # (the part-year figure itself, the figure scaled up to a year)


def months_covered(months: str) -> int:
    first, last = (int(part) for part in months.split("-"))
    return last - first + 1


def part_year_floors(constraints: pd.DataFrame, seeds: Seeds, scale_fraction: float = 1.0) -> dict[FloorKey, Floor]:
    """(year, direction, region, country) -> (part-year figure, scaled-up annual value) for the model."""
    bounds = constraints[(constraints.use == "lower_bound")
                         & constraints.population.isin(["all_ages", "specialists_15_plus", "persons_15_plus"])
                         & (constraints.months != "01-12") & constraints.direction_code.isin(DIRECTIONS)]
    national_part = {(c.year, c.months, c.direction_code): c.value for c in each_row(bounds)
                     if c.region_code == REPUBLIC and c.country_code == "_T" and c.population == "all_ages"}
    floors: dict[FloorKey, Floor] = {}
    for c in each_row(bounds):
        if c.region_code == REPUBLIC and c.country_code == "_T" and c.population == "all_ages":
            continue  # the national totals are the Taldau series
        part = national_part.get((c.year, c.months, c.direction_code))
        ratio = seeds.national_total(c.year, c.direction_code) / part if part else 12 / months_covered(c.months)
        scale = 1 + scale_fraction * max(ratio - 1, 0)
        member = (f"specialty:{c.specialty_code}" if c.specialty_code != "_T"
                  else f"education:{c.education_code}" if c.education_code != "_T" else c.country_code)
        key = (int(c.year), c.direction_code, c.region_code, member)
        previous = floors.get(key, (0, 0))
        floors[key] = (max(previous[0], int(c.value)), max(previous[1], math.ceil(c.value * scale)))
    return floors


def at(floor: Floor, fraction: float) -> int:
    """The floor taken ``fraction`` of the way from the part-year figure to its scaled-up value."""
    return math.ceil(floor[0] + fraction * (floor[1] - floor[0]))
