"""Carry BNS population on 1 January by region, sex and urban/rural into a dbt seed.

Reads the BNS dynamic-table workbook with the bns_ingest parser (all validation included: regions
add up to the Republic, urban + rural to the total, «Все население» to men + women) and writes
dbt_project/seeds/bns_population_by_region.csv with a citation on every row:

    PYTHONPATH=python python scripts/carry_population.py ../shared/bns-samples/dynamic_table_population_by_region.xlsx
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from bns_ingest.cells import POPULATION_TABLE, Cell
from bns_ingest.context import Dimensions
from bns_ingest.errors import IngestError
from bns_ingest.pipeline import validated_cells
from bns_ingest.writer import write_table

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ID = "bns_dynamic_population_by_region"
SEED = ROOT / "dbt_project" / "seeds" / "bns_population_by_region.csv"


def check_all_equals_men_plus_women(cells: list[Cell]) -> None:
    """Every both-sexes figure needs its men and women figures and must be their sum."""
    by_key = {(c.year, c.region_code, c.settlement_code, c.sex_code): c.persons for c in cells}
    both = [key for key in by_key if key[3] == "_T"]
    if not both:
        raise ValueError("the workbook has no both-sexes figures («Все население»)")
    for year, region, settlement, _ in both:
        men, women = by_key.get((year, region, settlement, "M")), by_key.get((year, region, settlement, "F"))
        total = by_key[(year, region, settlement, "_T")]
        if men is None or women is None or men + women != total:
            raise ValueError(f"{year} region {region} {settlement}: all {total} != men {men} + women {women}")


def carry(workbook: Path, seed: Path = SEED) -> int:
    cells = [
        c
        for c in validated_cells([workbook], Dimensions.from_seeds(), source_ids={workbook: SOURCE_ID})
        if c.table_code == POPULATION_TABLE
    ]
    check_all_equals_men_plus_women(cells)
    handle, temp = tempfile.mkstemp(prefix=".bns_population_", suffix=".csv", dir=seed.parent)
    os.close(handle)
    try:
        write_table(Path(temp), cells)
        os.chmod(temp, 0o644)
        os.replace(temp, seed)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return len(cells)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        rows = carry(Path(sys.argv[1]))
    except IngestError as error:
        sys.exit(str(error))
    print(f"{SEED.relative_to(ROOT)}: {rows} rows")
