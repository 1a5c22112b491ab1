"""Turning fitted cells into rows of the canonical format and writing them atomically."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from bns_ingest.cells import CANONICAL_COLUMNS
from reference_data.inputs import REPUBLIC
from warehouse.atomic import write_atomically

# The canonical long format's columns in file order, defined once with their types (docs/canonical_format.md).
COLUMNS = list(CANONICAL_COLUMNS)
MODEL_SOURCE = "kzmig_reconstruction"


def row(table: str, year: int, region: str, direction: str, persons: int, *, country: str = "_T",
        sex: str = "_T", band: str = "_T", age_from: int | str = 0, age_to: int | str = "",
        education: str = "_T", specialty: str = "_T") -> list:
    return [table, year, region, "external", direction, country, sex, "_T", band, age_from, age_to, education,
            specialty, int(persons), MODEL_SOURCE, "modeled"]


def with_republic(cells: dict) -> dict:
    """Add the Republic ('00') as the sum of the regions for every (year, direction)."""
    total: dict = {}
    for (year, direction, _region), values in cells.items():
        key = (year, direction, REPUBLIC)
        total[key] = values.copy() if key not in total else _add(total[key], values)
    return {**cells, **total}


def _add(left, right):
    if isinstance(left, dict):
        return {k: left[k] + right[k] for k in left}
    return left + right


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write the gzip-compressed CSV atomically (``warehouse.atomic``): readers never see half a table.

    Compressed because the table by sex and age is 19 MB as text (1 MB gzipped); the gzip header carries
    no file name and no time stamp, so the same table always gives the same bytes.
    """

    def write_gzip_csv(temporary: Path) -> None:
        with (
            open(temporary, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed,
            io.TextIOWrapper(compressed, encoding="utf-8", newline="") as out,
        ):
            frame.to_csv(out, index=False, lineterminator="\n")

    write_atomically(path, write_gzip_csv)
