"""Checking the generated tables against every applicable published figure.

Part-year figures are lower bounds on the annual value (a rounded one loses half its rounding
unit); rounded annual figures must hold within half their unit; the part-year balances with
Russia and other countries bound the annual balance from above; an annual balance (``net``) holds
exactly. Figures about people aged 15 and over (education, specialty) and about ethnic Russians are
held as lower bounds on the tables' cells: working-age people (or all people) of the same kind.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from reference_data.cells import CellIndex
from reference_data.frames import each_row

TOLERANCE = {"exact": 0, "at_least": 0, "at_most": 0, "rounded_100": 50, "rounded_1000": 500,
             "rounded_100_at_least": 50,
             "within_100": 100}


def cell_value(tables: dict[str, pd.DataFrame], c, direction: str,
               index: dict[str, CellIndex] | None = None) -> int:
    """The annual cell a constraint speaks about (``direction`` may differ for balances)."""
    if c.population in ("specialists", "specialists_15_plus"):
        table, key = "by_specialty", {"band": "WA", "specialty": c.specialty_code}
    elif c.population in ("working_age", "persons_15_plus"):
        table, key = "by_education", {"band": "WA", "education": c.education_code}
    else:
        table, key = "by_country", {"country": c.country_code}
    lookup = index[table] if index else CellIndex(tables[table])
    labels = lookup.labels(c.year, c.region_code, direction, **key)
    if len(labels) != 1:
        raise ValueError(f"constraint {c.constraint_id}: found {len(labels)} cells")
    return int(cast(int, tables[table].at[labels[0], "persons"]))


def check_constraints(tables: dict[str, pd.DataFrame], constraints: pd.DataFrame) -> pd.DataFrame:
    """One row per applicable constraint: the table's value and whether the figure holds."""
    rows = []
    index = {code: CellIndex(frame) for code, frame in tables.items()}
    applicable = constraints[constraints.use.isin(["hard", "lower_bound", "check", "target", "signed_part_year"])
                             & ~constraints.country_code.str.startswith("group:")]
    for c in each_row(applicable):
        tolerance = TOLERANCE[c.comparison]
        if c.direction_code == "net":
            value = cell_value(tables, c, "arrival", index) - cell_value(tables, c, "departure", index)
            holds = value <= c.value if c.use == "signed_part_year" else abs(value - c.value) <= tolerance
        else:
            value = cell_value(tables, c, c.direction_code, index)
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
