"""Assembling the four canonical tables from the fitted cells, with provenance."""

from __future__ import annotations

from collections.abc import Sequence

from reference_data.canonical import row, with_republic
from reference_data.education import LEVELS, SPECIALTIES
from reference_data.sex_age import SEXES, TOP_AGE


def in_order(cells: dict) -> list:
    """Cells with the Republic added, ordered by year, region, direction."""
    return sorted(with_republic(cells).items(), key=lambda item: (item[0][0], item[0][2], item[0][1]))


def by_country(cells: dict, countries: list[str]) -> list[list]:
    rows = []
    for (year, direction, region), values in in_order(cells):
        rows.append(row("by_country", year, region, direction, int(values.sum())))
        rows.extend(row("by_country", year, region, direction, v, country=c)
                    for c, v in zip(countries, values.tolist(), strict=True))
    return rows


def age_band(index: int) -> tuple[str, int, int | str]:
    if index == TOP_AGE:
        return f"Y{TOP_AGE}_GE", TOP_AGE, ""
    return f"Y{index}", index, index + 1


def by_sex_age(cells: dict) -> list[list]:
    rows = []
    for (year, direction, region), by_sex in in_order(cells):
        both = by_sex["M"] + by_sex["F"]
        for sex, values in (("_T", both), *((s, by_sex[s]) for s in SEXES)):
            rows.append(row("by_sex_age", year, region, direction, int(values.sum()), sex=sex))
            for index, value in enumerate(values.tolist()):
                band, age_from, age_to = age_band(index)
                rows.append(row("by_sex_age", year, region, direction, value, sex=sex, band=band,
                                age_from=age_from, age_to=age_to))
    return rows


def _working_age_breakdown(table_code: str, cells: dict, dimension: str, members: Sequence[str]) -> list[list]:
    """A working-age table (age band `WA`): its total, then one row per member of `dimension`."""
    rows = []
    for (year, direction, region), values in in_order(cells):
        rows.append(row(table_code, year, region, direction, int(values.sum()), band="WA", age_from=""))
        rows.extend(row(table_code, year, region, direction, v, band="WA", age_from="", **{dimension: member})
                    for member, v in zip(members, values.tolist(), strict=True))
    return rows


def by_education(cells: dict) -> list[list]:
    return _working_age_breakdown("by_education", cells, "education", LEVELS)


def by_specialty(cells: dict) -> list[list]:
    return _working_age_breakdown("by_specialty", cells, "specialty", SPECIALTIES)
