"""Turn the rows of ``int_claim_values`` (one per reported element, and per year) into computed values."""

from __future__ import annotations

import math
from typing import Any, cast

import pandas as pd

from claims.rules import Computed


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _element_value(rows: list[dict[str, Any]]) -> Any:
    """One reported element's computed value from its rows of ``int_claim_values``."""
    if any(not _missing(row["entry_year"]) for row in rows):
        if all(_missing(row["value_number"]) and not _missing(row["value_flag"]) for row in rows):
            # A set of years: the years flagged true (an empty set is a value, not a missing one).
            return {int(row["entry_year"]) for row in rows if row["value_flag"]}
        if any(_missing(row["value_number"]) for row in rows):
            return None
        ordered = sorted(rows, key=lambda row: int(row["entry_year"]))
        return {int(row["entry_year"]): float(row["value_number"]) for row in ordered}
    if len(rows) != 1:
        raise ValueError(f"claim {rows[0]['claim_id']}: element {rows[0]['element_number']} has {len(rows)} rows")
    row = rows[0]
    if not _missing(row.get("value_label")) and not _missing(row["value_number"]):
        return str(row["value_label"]), float(row["value_number"])
    if not _missing(row["value_flag"]):
        return bool(row["value_flag"])
    return None if _missing(row["value_number"]) else float(row["value_number"])


def values_from_rows(rows: pd.DataFrame) -> dict[str, Any]:
    """claim_id → computed value, from the rows of ``int_claim_values``.

    Columns: claim_id, element_number, entry_year, value_label, value_number, value_flag, note,
    is_assumption_rejected. One element gives a scalar, several a list in element order; a claim with any
    element missing is None (not computable), as the data cannot provide the whole statement.
    """
    claims: dict[str, dict[int, list[dict[str, Any]]]] = {}
    records = cast(list[dict[str, Any]], rows.astype(object).to_dict("records"))
    for row in records:
        claims.setdefault(str(row["claim_id"]), {}).setdefault(int(row["element_number"]), []).append(row)
    values: dict[str, Any] = {}
    for claim_id in sorted(claims):
        by_element = claims[claim_id]
        elements = [_element_value(by_element[number]) for number in sorted(by_element)]
        value: Any = None if any(e is None for e in elements) else elements[0] if len(elements) == 1 else elements
        claim_rows = [row for part in by_element.values() for row in part]
        notes = list(dict.fromkeys(str(row["note"]) for row in claim_rows if not _missing(row["note"])))
        rejected = any(row["is_assumption_rejected"] is True for row in claim_rows)
        if notes or rejected:
            value = Computed(value, "; ".join(notes), assumptions_rejected=rejected)
        values[claim_id] = value
    return values
