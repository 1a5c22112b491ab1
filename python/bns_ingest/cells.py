"""The parsed cell: one published figure with its canonical key and where it was read."""

from __future__ import annotations

from dataclasses import dataclass

# The canonical long format (docs/canonical_format.md) in file order, with the DuckDB type of each column;
# dbt's reader (macro canonical_column_types) declares the same.
CANONICAL_COLUMN_TYPES = {
    "table_code": "VARCHAR",
    "year": "INTEGER",
    "region_code": "VARCHAR",
    "flow_code": "VARCHAR",
    "direction_code": "VARCHAR",
    "country_code": "VARCHAR",
    "sex_code": "VARCHAR",
    "settlement_code": "VARCHAR",
    "age_band_code": "VARCHAR",
    "age_from": "INTEGER",
    "age_to": "INTEGER",
    "education_code": "VARCHAR",
    "specialty_code": "VARCHAR",
    "persons": "BIGINT",
    "source_id": "VARCHAR",
    "provenance": "VARCHAR",
}
CANONICAL_COLUMNS = tuple(CANONICAL_COLUMN_TYPES)
# The columns that identify one published cell: all but the figure, its source and the age band's bounds
# (dbt's macro canonical_cell_key).
CANONICAL_CELL_KEY = tuple(
    c for c in CANONICAL_COLUMNS if c not in ("age_from", "age_to", "persons", "source_id", "provenance")
)
POPULATION_COLUMNS = (
    "year",
    "region_code",
    "sex_code",
    "settlement_code",
    "population",
    "source_id",
    "provenance",
)
POPULATION_TABLE = "population_by_region"
TOTAL = "_T"


@dataclass(slots=True)  # not frozen: one is built per figure and frozen init is slower
class Location:
    file: str
    sheet: str
    row: int | str
    column: str
    raw: object


@dataclass(frozen=True, slots=True)
class AgeBand:
    code: str
    age_from: int | None
    age_to: int | None


ALL_AGES = AgeBand(TOTAL, 0, None)


@dataclass(slots=True)
class Cell:
    """One figure. `region_kind` is 'city_within_region' for city administrations (Тараз г.а.)
    that are validated against their region and then dropped from the regional output."""

    table_code: str
    year: int
    region_code: str
    flow_code: str
    direction_code: str
    country_code: str
    sex_code: str
    settlement_code: str
    age: AgeBand
    education_code: str
    specialty_code: str
    persons: int
    source_id: str
    where: Location
    region_kind: str = "region"
    _key: tuple | None = None

    def key(self) -> tuple:
        """Every canonical key column, plus the place kind (a city administration shares its
        region's code). Cached: validation looks it up several times per figure."""
        if self._key is None:
            self._key = (
                self.table_code,
                self.year,
                self.region_code,
                self.flow_code,
                self.direction_code,
                self.country_code,
                self.sex_code,
                self.settlement_code,
                self.age.code,
                self.education_code,
                self.specialty_code,
                self.region_kind,
            )
        return self._key
