"""Finding one cell of a fitted table by its key, fast: built once per table, used by every constraint."""

from __future__ import annotations

import pandas as pd

LOOKUP_COLUMNS = ("year", "region_code", "direction_code", "country_code", "age_band_code", "education_code",
                  "specialty_code")


class CellIndex:
    """Row labels of the both-sexes cells of one table, by (year, region, direction, country, age band,
    education, specialty); a key printed by several rows keeps all of them (a caller expecting one cell
    says so)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        both = frame[frame.sex_code == "_T"]
        self._rows: dict[tuple, list] = {}
        columns = [both[c].tolist() for c in LOOKUP_COLUMNS]
        for label, *key in zip(both.index, *columns, strict=True):
            self._rows.setdefault((int(key[0]), *key[1:]), []).append(label)

    def labels(self, year: int, region: str, direction: str, country: str = "_T", band: str = "_T",
               education: str = "_T", specialty: str = "_T") -> list:
        return self._rows.get((int(year), region, direction, country, band, education, specialty), [])
