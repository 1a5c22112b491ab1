"""Marking the cells that equal a published figure: ``published:<source_id>``, otherwise ``modeled``."""

from __future__ import annotations

from typing import cast

import pandas as pd

from reference_data.frames import each_row
from reference_data.inputs import REPUBLIC, InputError, Seeds

NATIONAL_SOURCES = {"arrival": "taldau_2929752", "departure": "taldau_2929753"}


def _all_total(frame: pd.DataFrame) -> pd.Series:
    return ((frame.country_code == "_T") & (frame.sex_code == "_T") & (frame.age_band_code == "_T")
            & (frame.education_code == "_T") & (frame.specialty_code == "_T"))


def _mark(frame: pd.DataFrame, mask: pd.Series, value: int, source_id: str, label: str) -> None:
    hits = frame.index[mask]
    if len(hits) != 1:
        raise InputError(f"{label}: expected one cell, found {len(hits)}")
    held = cast(int, frame.at[hits[0], "persons"])
    if int(held) != value:
        raise InputError(f"{label}: table holds {held} but the published figure is {value}")
    frame.loc[hits, "source_id"] = source_id
    frame.loc[hits, "provenance"] = f"published:{source_id}"


def mark_published(tables: dict[str, pd.DataFrame], seeds: Seeds, constraints: pd.DataFrame) -> None:
    """Set source_id/provenance in place; fail if a cell claimed as published does not hold the figure."""
    for table in ("by_country", "by_sex_age"):
        frame = tables[table]
        for national in each_row(seeds.national[seeds.national.year.between(2000, 2023)]):
            mask = (_all_total(frame) & (frame.region_code == REPUBLIC) & (frame.year == national.year)
                    & (frame.direction_code == national.direction_code))
            _mark(frame, mask, int(national.persons), NATIONAL_SOURCES[national.direction_code],
                  f"{table} national {national.year} {national.direction_code}")
    exact = constraints[(constraints.use == "hard") & (constraints.months == "01-12")
                        & ~constraints.country_code.str.startswith("group:")]
    for c in each_row(exact):
        if c.population == "all_ages":
            targets = ["by_country"] + (["by_sex_age"] if c.country_code == "_T" else [])
        elif c.population == "working_age":
            targets = ["by_education"]
        else:
            continue
        for table in targets:
            frame = tables[table]
            mask = ((frame.year == c.year) & (frame.region_code == c.region_code)
                    & (frame.direction_code == c.direction_code) & (frame.country_code == c.country_code)
                    & (frame.sex_code == "_T") & (frame.education_code == c.education_code)
                    & (frame.specialty_code == c.specialty_code)
                    & frame.age_band_code.isin(["_T"] if c.population == "all_ages" else ["WA"]))
            _mark(frame, mask, int(c.value), c.source_id, f"constraint {c.constraint_id} in {table}")
