"""The study's design as the warehouse was built with it (mart ``dim_study_design``), read, never restated.

The design is defined once, in the dbt vars of ``dbt_project/dbt_project.yml`` (treated region, controls, crisis
year, working-age rule set, the territories bordering Russia) and the seed ``analysis_periods`` (the study's
window); dbt publishes it in ``dim_study_design``. The analysis takes every design value from here, so a build
with another crisis year or treated region moves the report with the marts and the claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

DESIGN_MART = "dim_study_design"


class MissingDesign(LookupError):
    """The warehouse has no ``dim_study_design`` (built before it existed, or not built)."""


@dataclass(frozen=True)
class StudyDesign:
    """One row of ``dim_study_design``."""

    treated_region_code: str
    control_region_codes: tuple[str, ...]
    bordering_russia_region_codes: tuple[str, ...]
    crisis_start_year: int
    reference_year: int
    working_age_rule_set_code: str
    study_first_year: int
    study_last_year: int
    # Short English names (dim_regions.region_short_name_en), for the report's titles and prose.
    treated_region_name: str = ""
    control_region_names: tuple[str, ...] = ()

    @property
    def paper_regions(self) -> tuple[str, ...]:
        """The treated region and the paper's controls, the units of the paper's DiD."""
        return (self.treated_region_code, *self.control_region_codes)


def and_join(names: tuple[Any, ...] | list[Any], conjunction: str = "and") -> str:
    """``A``, ``A and B``, ``A, B and C`` (or another conjunction: ``2, 8 or 15``)."""
    items = [str(name) for name in names]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}"


def _codes(text: Any) -> tuple[str, ...]:
    """``'31;27'`` (the mart's `;`-separated codes) as ``('31', '27')``."""
    return tuple(code for code in str(text).split(";") if code)


def design_from_row(row: Mapping[str, Any]) -> StudyDesign:
    """A :class:`StudyDesign` from one row of the mart (a mapping of column to value)."""
    return StudyDesign(
        treated_region_code=str(row["treated_region_code"]),
        control_region_codes=_codes(row["control_region_codes"]),
        bordering_russia_region_codes=_codes(row["bordering_russia_region_codes"]),
        crisis_start_year=int(row["crisis_start_year"]),
        reference_year=int(row["reference_year"]),
        working_age_rule_set_code=str(row["working_age_rule_set_code"]),
        study_first_year=int(row["study_first_year"]),
        study_last_year=int(row["study_last_year"]),
        # A warehouse built before the names were published: the codes stand in for them.
        treated_region_name=str(row.get("treated_region_short_name_en") or f"region {row['treated_region_code']}"),
        control_region_names=_codes(row.get("control_region_short_names_en") or "")
        or tuple(f"region {code}" for code in _codes(row["control_region_codes"])),
    )


def design_from_frame(frame: pd.DataFrame | None) -> StudyDesign:
    """The design from the mart read into a DataFrame (one row); a clear error when it is absent."""
    if frame is None or len(frame) != 1:
        found = "absent" if frame is None else f"{len(frame)} rows"
        raise MissingDesign(f"{DESIGN_MART} must hold one row ({found}): rebuild the warehouse with `make warehouse`")
    return design_from_row({str(column): value for column, value in frame.iloc[0].items()})


def design_from_tables(tables: Mapping[str, pd.DataFrame]) -> StudyDesign:
    """The design from the marts the analysis read (``analysis.marts.read_marts``)."""
    return design_from_frame(tables.get(DESIGN_MART))


def optional_design(tables: Mapping[str, pd.DataFrame]) -> StudyDesign | None:
    """The design when the warehouse publishes it, None otherwise (a report of an older warehouse still renders)."""
    try:
        return design_from_tables(tables)
    except MissingDesign:
        return None


def read_design(connection: duckdb.DuckDBPyConnection) -> StudyDesign:
    """The design of the warehouse ``connection`` is open on."""
    try:
        frame = connection.execute(f"select * from main.{DESIGN_MART}").df()
    except duckdb.CatalogException as error:
        raise MissingDesign(f"the warehouse has no {DESIGN_MART}: rebuild it with `make warehouse`") from error
    return design_from_frame(frame)
