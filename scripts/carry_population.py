"""Carry BNS population on 1 January by region, sex and urban/rural into a dbt seed.

Reads the BNS dynamic-table workbook with the bns_ingest parser (all validation included: regions
add up to the Republic, urban + rural to the total, «Все население» to men + women) and writes
dbt_project/seeds/bns_population_by_region.csv with a citation on every row:

    PYTHONPATH=python python scripts/carry_population.py ../shared/bns-samples/dynamic_table_population_by_region.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

from bns_ingest.cells import POPULATION_TABLE, TOTAL, Cell
from bns_ingest.context import Dimensions
from bns_ingest.errors import IngestError, Problem
from bns_ingest.pipeline import validated_cells
from bns_ingest.writer import write_table
from warehouse.atomic import write_atomically

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ID = "bns_dynamic_population_by_region"
SEED = ROOT / "dbt_project" / "seeds" / "bns_population_by_region.csv"


SEX_NAMES = {"M": "men", "F": "women"}


def check_every_total_has_men_and_women(cells: list[Cell], workbook: Path) -> None:
    """The seed must split every both-sexes figure by sex. Whether men + women equal «Все
    население» is checked by the pipeline (validate.check_sums), but only where both are printed:
    a workbook without its «Женщины» sheet would pass it."""
    sexes: dict[tuple[int, str, str], set[str]] = {}
    for cell in cells:
        sexes.setdefault((cell.year, cell.region_code, cell.settlement_code), set()).add(cell.sex_code)
    totals = [cell for cell in cells if cell.sex_code == TOTAL]
    if not totals:
        raise IngestError([Problem(workbook.name, "no both-sexes population figures («Все население»)")])
    problems = []
    for cell in totals:
        present = sexes[(cell.year, cell.region_code, cell.settlement_code)]
        missing = [name for code, name in SEX_NAMES.items() if code not in present]
        if missing:
            w = cell.where
            message = f"both-sexes figure without its {' and '.join(missing)} figure"
            problems.append(Problem(w.file, message, w.sheet, w.row, w.column, w.raw))
    if problems:
        raise IngestError(problems)


def carry(workbook: Path, seed: Path = SEED) -> int:
    """Write the seed from `workbook`; IngestError (and no write) when the workbook is not valid."""
    cells = [
        c
        for c in validated_cells([workbook], Dimensions.from_seeds(), source_ids={workbook: SOURCE_ID})
        if c.table_code == POPULATION_TABLE
    ]
    check_every_total_has_men_and_women(cells, workbook)
    write_atomically(seed, lambda path: write_table(path, cells))
    return len(cells)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        rows = carry(Path(argv[0]))
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{SEED.relative_to(ROOT)}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
