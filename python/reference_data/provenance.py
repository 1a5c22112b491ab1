"""Marking the cells that equal a published figure: ``published:<source_id>``, ``derived:<sources>`` for a
cell that follows from published figures by arithmetic alone, otherwise ``modeled``."""

from __future__ import annotations

from typing import cast

import pandas as pd

from reference_data.cells import CellIndex
from reference_data.frames import each_row
from reference_data.inputs import DIRECTIONS, FIRST_YEAR, LAST_YEAR, REPUBLIC, InputError, Seeds

NATIONAL_SOURCES = {"arrival": "taldau_2929752", "departure": "taldau_2929753"}


def _mark(frame: pd.DataFrame, hits: list, value: int, source_id: str, label: str, kind: str = "published") -> None:
    if len(hits) != 1:
        raise InputError(f"{label}: expected one cell, found {len(hits)}")
    held = cast(int, frame.at[hits[0], "persons"])
    if int(held) != value:
        raise InputError(f"{label}: table holds {held} but the published figure is {value}")
    frame.loc[hits, "source_id"] = source_id
    frame.loc[hits, "provenance"] = f"{kind}:{source_id}"


def mark_published(tables: dict[str, pd.DataFrame], seeds: Seeds, constraints: pd.DataFrame) -> None:
    """Set source_id/provenance in place; fail if a cell claimed as published does not hold the figure."""
    index = {code: CellIndex(frame) for code, frame in tables.items()}
    for table in ("by_country", "by_sex_age"):
        frame = tables[table]
        for national in each_row(seeds.national[seeds.national.year.between(FIRST_YEAR, LAST_YEAR)]):
            hits = index[table].labels(national.year, REPUBLIC, national.direction_code)
            _mark(frame, hits, int(national.persons), NATIONAL_SOURCES[national.direction_code],
                  f"{table} national {national.year} {national.direction_code}")
    exact = constraints[(constraints.use == "hard") & (constraints.months == "01-12")
                        & ~constraints.country_code.str.startswith("group:")
                        & constraints.direction_code.isin(DIRECTIONS)]
    for c in each_row(exact):
        if c.population == "all_ages":
            targets = ["by_country"] + (["by_sex_age"] if c.country_code == "_T" else [])
            band = "_T"
        elif c.population == "working_age":
            targets, band = ["by_education"], "WA"
        else:
            continue
        for table in targets:
            hits = index[table].labels(c.year, c.region_code, c.direction_code, c.country_code, band,
                                       c.education_code, c.specialty_code)
            _mark(tables[table], hits, int(c.value), c.source_id, f"constraint {c.constraint_id} in {table}")
    _mark_derived_totals(tables, index, constraints)


def _mark_derived_totals(tables: dict[str, pd.DataFrame], index: dict[str, CellIndex],
                         constraints: pd.DataFrame) -> None:
    """A published balance with one direction published fixes the other: ``derived:<both sources>``."""
    hard = constraints[(constraints.use == "hard") & (constraints.months == "01-12")
                       & (constraints.population == "all_ages") & (constraints.country_code == "_T")]
    totals = {(c.year, c.region_code, c.direction_code): c for c in each_row(hard)}
    for (year, region, direction), balance in totals.items():
        if direction != "net":
            continue
        for known, other, sign in (("arrival", "departure", -1), ("departure", "arrival", 1)):
            published = totals.get((year, region, known))
            if published is None or (year, region, other) in totals:
                continue
            value = published.value + sign * balance.value
            sources = f"{published.source_id}+{balance.source_id.removeprefix('derived:')}"
            for table in ("by_country", "by_sex_age"):
                _mark(tables[table], index[table].labels(year, region, other), value, sources,
                      f"{balance.constraint_id} ({other}) in {table}", "derived")
