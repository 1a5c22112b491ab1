"""Checking the generated tables against every applicable published figure.

Part-year figures are lower bounds on the annual value (a rounded one loses half its rounding
unit); rounded annual figures must hold within half their unit; the part-year balances with
Russia and other countries bound the annual balance from above.
"""

from __future__ import annotations

import pandas as pd

from reference_data.frames import each_row

TOLERANCE = {"exact": 0, "at_least": 0, "at_most": 0, "rounded_100": 50, "rounded_1000": 500,
             "rounded_100_at_least": 50,
             "within_100": 100}


def cell_value(tables: dict[str, pd.DataFrame], c, direction: str) -> int:
    """The annual cell a constraint speaks about (``direction`` may differ for balances)."""
    if c.population in ("specialists", "specialists_15_plus"):
        frame = tables["by_specialty"]
        mask = frame.specialty_code == c.specialty_code
    elif c.population == "working_age":
        frame = tables["by_education"]
        mask = (frame.education_code == c.education_code) & (frame.specialty_code == "_T")
    else:
        frame = tables["by_country"]
        mask = frame.country_code == c.country_code
    mask &= (frame.year == c.year) & (frame.region_code == c.region_code) & (frame.direction_code == direction)
    values = frame.loc[mask, "persons"]
    if len(values) != 1:
        raise ValueError(f"constraint {c.constraint_id}: found {len(values)} cells")
    return int(values.iloc[0])


def check_constraints(tables: dict[str, pd.DataFrame], constraints: pd.DataFrame) -> pd.DataFrame:
    """One row per applicable constraint: the table's value and whether the figure holds."""
    rows = []
    applicable = constraints[constraints.use.isin(["hard", "lower_bound", "check", "target", "signed_part_year"])
                             & ~constraints.country_code.str.startswith("group:")]
    for c in each_row(applicable):
        tolerance = TOLERANCE[c.comparison]
        if c.use == "signed_part_year":
            value = cell_value(tables, c, "arrival") - cell_value(tables, c, "departure")
            holds = value <= c.value
        else:
            value = cell_value(tables, c, c.direction_code)
            holds = value >= c.value - tolerance if c.use == "lower_bound" else abs(value - c.value) <= tolerance
        rows.append((c.constraint_id, c.use, c.value, value, holds))
    groups = constraints[(constraints.use == "hard") & constraints.country_code.str.startswith("group:")]
    for c in each_row(groups):
        frame = tables["by_country"]
        mask = ((frame.year == c.year) & (frame.region_code == c.region_code)
                & (frame.direction_code == c.direction_code) & (frame.country_code != "_T"))
        cis = frame.country_code.isin(GROUP_CIS)
        mask &= cis if c.country_code == "group:CIS" else ~cis
        value = int(frame.loc[mask, "persons"].sum())
        rows.append((c.constraint_id, c.use, c.value, value, value == c.value))
    return pd.DataFrame(rows, columns=["constraint_id", "use", "published", "table_value", "holds"])


GROUP_CIS = ("ARM", "AZE", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB")
