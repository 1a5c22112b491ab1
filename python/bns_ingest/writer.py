"""Writes the canonical tables into a temporary directory and swaps it in for the output
directory, so a reader sees either the previous tables or the new ones, never a mix."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bns_ingest.cells import CANONICAL_COLUMNS, POPULATION_COLUMNS, POPULATION_TABLE, Cell

MANIFEST = "_manifest.json"
# Population is kept out of the top level, which dbt reads as `*.csv*` in the canonical migration shape.
# An ingested national series stays at the top level: the warehouse prefers it, year by year, to its
# bundled copy (the seed bns_national_external_flows).
SUBFOLDER = {POPULATION_TABLE: "population"}


def table_path(out_dir: Path, table_code: str) -> Path:
    """Where the ingest writes a table inside its output folder."""
    folder = SUBFOLDER.get(table_code)
    return out_dir / folder / f"{table_code}.csv" if folder else out_dir / f"{table_code}.csv"


_PLAIN = re.compile(r"^[\w.:-]*$")


def canonical_line(cell: Cell) -> str:
    age = cell.age
    age_from = "" if age.age_from is None else age.age_from
    age_to = "" if age.age_to is None else age.age_to
    return (
        f"{cell.table_code},{cell.year},{cell.region_code},{cell.flow_code},{cell.direction_code},"
        f"{cell.country_code},{cell.sex_code},{cell.settlement_code},{age.code},{age_from},{age_to},"
        f"{cell.education_code},{cell.specialty_code},{cell.persons},{cell.source_id},published:{cell.source_id}\n"
    )


def population_line(cell: Cell) -> str:
    return (
        f"{cell.year},{cell.region_code},{cell.sex_code},{cell.settlement_code},{cell.persons},"
        f"{cell.source_id},published:{cell.source_id}\n"
    )


def write_table(path: Path, cells: list[Cell]) -> None:
    """Rows sorted by key. Lines are formatted directly (the csv module is several times slower
    here): every field is a code, a number or a source id, none needing CSV quoting, which is
    checked once per distinct value below."""
    population = cells[0].table_code == POPULATION_TABLE
    columns, to_line = (POPULATION_COLUMNS, population_line) if population else (CANONICAL_COLUMNS, canonical_line)
    texts = {c.source_id for c in cells} | {c.table_code for c in cells} | {c.age.code for c in cells}
    unsafe = sorted(text for text in texts if not _PLAIN.match(text))
    if unsafe:
        raise ValueError(f"values that would need CSV quoting: {unsafe}")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(columns) + "\n")
        handle.writelines(map(to_line, sorted(cells, key=Cell.key)))


def write_tables(out_dir: Path, tables: dict[str, list[Cell]], inputs: list[dict[str, object]]) -> None:
    """Replace `out_dir` by a directory holding one CSV per table and the manifest."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the tables are meant to be read by others
    try:
        for table_code, cells in sorted(tables.items()):
            path = table_path(staging, table_code)
            path.parent.mkdir(exist_ok=True)
            write_table(path, cells)
        manifest = {
            "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "inputs": inputs,
            "rows_per_table": {code: len(cells) for code, cells in sorted(tables.items())},
            "files": {code: str(table_path(Path(), code)) for code in sorted(tables)},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    retired.rmdir()
    os.replace(out_dir, retired)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(retired, out_dir)  # put the previous tables back
        raise
    shutil.rmtree(retired, ignore_errors=True)
