"""Writes the official set, download by download, into a new version folder and switches the output to
it in one atomic step, so a reader sees either the previous set or the new one, never a mix and never a
missing folder.

Layout beside the output path `tables` (data/official/tables):

    tables -> tables.v20250101T120000123456Z-1a2b3c   symlink, replaced with os.replace (atomic on POSIX)
    tables.v20250101T120000123456Z-1a2b3c/            the current set:
        by_country.csv, national_total.csv, …         the union of every download (what dbt reads)
        population/population_by_region.csv
        downloads/<name>/by_country.csv, …            each download's own cells
        _manifest.json                                downloads, their input files (sha256), rows per table
    tables.v20241201T090000000000Z-4d5e6f/            earlier sets, the KEEP_VERSIONS newest kept for rollback
    .tables.partial-*/                                a set being written (left only by a crash)

An ingest adds one download to the current set or replaces the download of the same name; a removal
drops one; a rollback points the link at the previous version. Readers go through the symlink
(`tables/*.csv`), so the Makefile's glob and dbt's `$KZ_OFFICIAL_DIR/*.csv*` need no change. A reader
that resolved the link before a switch keeps reading its set, which stays until KEEP_VERSIONS newer ones.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock

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


def _check_plain(cells: list[Cell]) -> None:
    texts = {c.source_id for c in cells} | {c.table_code for c in cells} | {c.age.code for c in cells}
    unsafe = sorted(text for text in texts if not _PLAIN.match(text))
    if unsafe:
        raise ValueError(f"values that would need CSV quoting: {unsafe}")


def write_table(path: Path, cells: list[Cell]) -> None:
    """Rows sorted by key. Lines are formatted directly (the csv module is several times slower
    here): every field is a code, a number or a source id, none needing CSV quoting, which is
    checked once per distinct value below."""
    population = cells[0].table_code == POPULATION_TABLE
    columns, to_line = (POPULATION_COLUMNS, population_line) if population else (CANONICAL_COLUMNS, canonical_line)
    _check_plain(cells)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(columns) + "\n")
        handle.writelines(map(to_line, sorted(cells, key=Cell.key)))


# Versions kept beside the output for rollback (the current one is always kept as well).
KEEP_VERSIONS = 5
DOWNLOADS = "downloads"
LEGACY_DOWNLOAD = "earlier-ingest"
_KEY_FIELDS = {False: 13, True: 4}  # canonical: table_code … specialty_code; population: year … settlement


@dataclass
class Download:
    """One download of the official set: what went in, and its canonical lines per table (no header)."""

    name: str
    entry: Mapping[str, object]
    lines: dict[str, list[str]] = field(default_factory=dict)


def download_lines(tables: dict[str, list[Cell]]) -> dict[str, list[str]]:
    out = {}
    for table_code, cells in tables.items():
        to_line = population_line if table_code == POPULATION_TABLE else canonical_line
        _check_plain(cells)
        out[table_code] = [to_line(cell) for cell in sorted(cells, key=Cell.key)]
    return out


def line_key(table_code: str, line: str) -> tuple[str, ...]:
    return tuple(line.split(",")[: _KEY_FIELDS[table_code == POPULATION_TABLE]])


def line_persons(table_code: str, line: str) -> int:
    return int(line.split(",")[_KEY_FIELDS[table_code == POPULATION_TABLE]])


def current_downloads(out_dir: Path) -> dict[str, Download]:
    """The downloads of the set `out_dir` shows now (none before the first ingest). A set written before
    the ingest kept downloads apart is one download, `earlier-ingest`."""
    out_dir = Path(os.path.abspath(out_dir))
    manifest_path = out_dir / MANIFEST
    if not manifest_path.is_file():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entries = manifest.get("downloads")
    if entries is None:
        entries = {LEGACY_DOWNLOAD: {"inputs": manifest.get("inputs", []), "ingested_at": manifest.get("ingested_at")}}
        folders = {LEGACY_DOWNLOAD: out_dir}
    else:
        folders = {name: out_dir / DOWNLOADS / name for name in entries}
    downloads = {}
    for name, entry in entries.items():
        download = Download(name, entry)
        for path in sorted(folders[name].glob("*.csv")) + sorted(folders[name].glob("population/*.csv")):
            with open(path, encoding="utf-8") as handle:
                download.lines[path.stem] = handle.readlines()[1:]
        downloads[name] = download
    return downloads


def write_set(out_dir: Path, downloads: dict[str, Download]) -> Path:
    """Switch `out_dir` to a new version holding `downloads`: each in downloads/<name>/, and their union at
    the top level (what dbt reads). Call it under `ingest_lock(out_dir)`. Returns the new version folder."""
    out_dir = Path(os.path.abspath(out_dir))  # not resolve(): out_dir is usually the symlink itself
    version = _write_version(out_dir, downloads)
    previous = _point_link_at(out_dir, version)
    history = _history(out_dir)
    if not history and previous is not None:
        history = [previous.name]  # a set written before the history was kept
    _save_history(out_dir, [*history, version.name])
    _remove_old_versions(out_dir, keep={version.name})
    return version


def _history_path(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.history.json")


def _history(out_dir: Path) -> list[str]:
    """The versions the output was switched to, oldest first: what a rollback steps back through."""
    try:
        names = json.loads(_history_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [name for name in names if isinstance(name, str) and (out_dir.parent / name).is_dir()]


def _save_history(out_dir: Path, names: list[str]) -> None:
    path = _history_path(out_dir)
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(names[-KEEP_VERSIONS:], indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _write_lines(path: Path, table_code: str, lines: list[str]) -> None:
    columns = POPULATION_COLUMNS if table_code == POPULATION_TABLE else CANONICAL_COLUMNS
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(columns) + "\n")
        handle.writelines(lines)


def _merged(downloads: dict[str, Download]) -> dict[str, list[str]]:
    """The union of the downloads, one line per cell (the pipeline refused differing figures already)."""
    tables: dict[str, dict[tuple[str, ...], str]] = {}
    for download in downloads.values():
        for table_code, lines in download.lines.items():
            cells = tables.setdefault(table_code, {})
            for line in lines:
                cells.setdefault(line_key(table_code, line), line)
    return {code: [cells[key] for key in sorted(cells)] for code, cells in tables.items()}


def _write_version(out_dir: Path, downloads: dict[str, Download]) -> Path:
    """Write the whole set into a hidden folder, then rename it to its version name: a folder named
    like a version is always complete."""
    stamp = datetime.now(UTC)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the tables are meant to be read by others
    try:
        merged = _merged(downloads)
        for table_code, lines in sorted(merged.items()):
            _write_lines(table_path(staging, table_code), table_code, lines)
        for name, download in sorted(downloads.items()):
            for table_code, lines in sorted(download.lines.items()):
                _write_lines(table_path(staging / DOWNLOADS / name, table_code), table_code, lines)
        manifest = {
            "updated_at": stamp.isoformat(timespec="seconds"),
            "downloads": {
                name: {**download.entry, "rows_per_table": {c: len(v) for c, v in sorted(download.lines.items())}}
                for name, download in sorted(downloads.items())
            },
            "rows_per_table": {code: len(lines) for code, lines in sorted(merged.items())},
            "files": {code: str(table_path(Path(), code)) for code in sorted(merged)},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        version = out_dir.with_name(f"{out_dir.name}.v{stamp:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}")
        os.rename(staging, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return version


def versions(out_dir: Path) -> list[Path]:
    """Every complete version beside the output, oldest first."""
    out_dir = Path(os.path.abspath(out_dir))
    if not out_dir.parent.is_dir():
        return []
    found = [p for p in out_dir.parent.iterdir() if p.name.startswith(f"{out_dir.name}.v") and p.is_dir()]
    return sorted(found, key=lambda p: p.name)


def rollback(out_dir: Path) -> Path:
    """Point the output back at the version it showed before the current one; returns it. The version left
    is forgotten (removed by the next write). Call it under the lock."""
    out_dir = Path(os.path.abspath(out_dir))
    if not out_dir.is_symlink():
        raise FileNotFoundError(f"{out_dir} is not an ingest output (no version link): nothing to roll back")
    current = os.readlink(out_dir)
    history = _history(out_dir)
    while history and history[-1] == current:
        history.pop()
    if not history:
        raise FileNotFoundError(f"{out_dir} shows the oldest version kept ({current}): nothing to roll back to")
    previous = out_dir.parent / history[-1]
    _point_link_at(out_dir, previous)
    _save_history(out_dir, history)
    return previous


def _point_link_at(out_dir: Path, version: Path) -> Path | None:
    """The switch: one rename of a fresh symlink over the output path. Returns the set the output
    showed before (None on the first ingest)."""
    link = out_dir.with_name(f".{out_dir.name}.link-{secrets.token_hex(4)}")
    os.symlink(version.name, link)  # relative, so the data folder can be moved or mounted elsewhere
    previous: Path | None
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
    """Remove versions other than `keep` and those in the history (the KEEP_VERSIONS last switched to), and
    sets left by crashed ingests. Runs under the ingest lock, so no other ingest is writing a partial set."""
    keep = keep | set(_history(out_dir))
    for path in out_dir.parent.iterdir():
        name = path.name
        ours = name.startswith(f"{out_dir.name}.v") or name.startswith(
            (f".{out_dir.name}.partial-", f".{out_dir.name}.link-", f".{out_dir.name}.history.json.")
        )
        if not ours or name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def ingest_lock_path(out_dir: Path) -> Path:
    """The lock file of the output `out_dir`, beside it (a build takes it too, while it copies the set)."""
    out_dir = Path(os.path.abspath(out_dir))
    return out_dir.with_name(f".{out_dir.name}.lock")


@contextmanager
def ingest_lock(out_dir: Path) -> Iterator[None]:
    """One ingest (or removal, or rollback) at a time per output, from reading the current set to the
    switch, so none removes the set another is writing or drops a download another just added."""
    lock_path = ingest_lock_path(out_dir)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path)):
        yield


def _sync_directory(folder: Path) -> None:
    """Make the switch durable: after a power cut the link names the new set or the old one."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
