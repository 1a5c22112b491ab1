"""Writes the canonical tables of one ingest into a new version folder and switches the output to
it in one atomic step, so a reader sees either the previous tables or the new ones, never a mix and
never a missing folder.

Layout beside the output path `tables` (data/official/tables):

    tables -> tables.v20250101T120000Z-1a2b3c   symlink, replaced with os.replace (atomic on POSIX)
    tables.v20250101T120000Z-1a2b3c/            the current set
    tables.v20241201T090000Z-4d5e6f/            the previous set, kept for rollback
    .tables.partial-*/                          a set being written (left only by a crash)

Readers go through the symlink (`tables/*.csv`), so the Makefile's glob and dbt's
`$KZ_COUNTS_DIR/*.csv*` need no change. A reader that resolved the link before a switch keeps
reading the previous set, which is not deleted until the switch after next.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


def write_tables(out_dir: Path, tables: dict[str, list[Cell]], inputs: list[dict[str, object]]) -> Path:
    """Make `out_dir` a symlink to a new version folder holding one CSV per table and the
    manifest; returns that folder. The previous set is kept beside it, older ones are removed."""
    out_dir = Path(os.path.abspath(out_dir))  # not resolve(): out_dir is usually the symlink itself
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _ingest_lock(out_dir):
        version = _write_version(out_dir, tables, inputs)
        previous = _point_link_at(out_dir, version)
        _remove_old_versions(out_dir, keep={version.name, previous.name if previous else ""})
    return version


def _write_version(out_dir: Path, tables: dict[str, list[Cell]], inputs: list[dict[str, object]]) -> Path:
    """Write the whole set into a hidden folder, then rename it to its version name: a folder named
    like a version is always complete."""
    stamp = datetime.now(UTC)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the tables are meant to be read by others
    try:
        for table_code, cells in sorted(tables.items()):
            path = table_path(staging, table_code)
            path.parent.mkdir(exist_ok=True)
            write_table(path, cells)
        manifest = {
            "ingested_at": stamp.isoformat(timespec="seconds"),
            "inputs": inputs,
            "rows_per_table": {code: len(cells) for code, cells in sorted(tables.items())},
            "files": {code: str(table_path(Path(), code)) for code in sorted(tables)},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        version = out_dir.with_name(f"{out_dir.name}.v{stamp:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}")
        os.rename(staging, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return version


def _point_link_at(out_dir: Path, version: Path) -> Path | None:
    """The switch: one rename of a fresh symlink over the output path. Returns the set the output
    showed before (None on the first ingest)."""
    link = out_dir.with_name(f".{out_dir.name}.link-{secrets.token_hex(4)}")
    os.symlink(version.name, link)  # relative, so the data folder can be moved or mounted elsewhere
    if out_dir.is_dir() and not out_dir.is_symlink():
        previous = _retire_plain_folder(out_dir, link)
    else:
        previous = out_dir.parent / os.readlink(out_dir) if out_dir.is_symlink() else None
        try:
            os.replace(link, out_dir)
        except BaseException:
            link.unlink(missing_ok=True)
            raise
    _sync_directory(out_dir.parent)
    return previous


def _retire_plain_folder(out_dir: Path, link: Path) -> Path:
    """Output written before the ingest used versions is a plain folder, which a rename cannot
    replace by a symlink. Linux exchanges the two in one step (renameat2 RENAME_EXCHANGE); elsewhere
    the folder is renamed away and the link renamed in, a moment without `tables`, once, on the
    first ingest after the upgrade. The old folder becomes the previous version."""
    legacy = out_dir.with_name(f"{out_dir.name}.v00000000T000000Z-plain-folder")
    if _exchange(link, out_dir):
        os.rename(link, legacy)  # `link` now names the old folder
    else:
        os.rename(out_dir, legacy)
        os.replace(link, out_dir)
    return legacy


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directory entries atomically; False where the system cannot."""
    rename_exchange, at_fdcwd = 2, -100
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def _remove_old_versions(out_dir: Path, keep: set[str]) -> None:
    """Remove versions other than `keep` and partial sets left by crashed ingests. Runs under the
    ingest lock, so no other ingest is writing a partial set."""
    for path in out_dir.parent.iterdir():
        name = path.name
        ours = name.startswith(f"{out_dir.name}.v") or name.startswith(
            (f".{out_dir.name}.partial-", f".{out_dir.name}.link-")
        )
        if not ours or name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextmanager
def _ingest_lock(out_dir: Path) -> Iterator[None]:
    """One ingest at a time per output, so one never removes the set another is writing."""
    with open(out_dir.with_name(f".{out_dir.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sync_directory(folder: Path) -> None:
    """Make the switch durable: after a power cut the link names the new set or the old one."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
