"""The official set a build reads: taken once, at the build's start, so that an ingest during the build
changes nothing the build sees, and named, so that make knows which set the published warehouse holds.

`make ingest` switches `data/official/tables` to a new version folder at any moment. A build that read the
folder as dbt went along could mix two versions, and a Makefile that listed its files when it was parsed
stopped with «No rule to make target» when an ingest removed one of them. Instead the build links the
tables dbt reads (`*.csv*`) into its private folder, holding the ingest lock for that moment only (an
ingest running then is waited for, saying so), and dbt reads that copy. Hard links cost nothing and keep
the files even when later ingests remove their version folder.

The set is named by a fingerprint: its folder's name and the name, size and modification time of every
table. The publisher writes the fingerprint of the set it took into ``<warehouse>.official`` before dbt
starts; `python -m warehouse.official_set DIR STATE` (a prerequisite of the published warehouse in the
Makefile) rewrites that file whenever the set now differs from it, so the file is newer than the warehouse
exactly when the warehouse was not built from the set the folder shows now.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

# What dbt reads of the official layer (models/staging/bns/_bns__sources.yml: `$KZ_OFFICIAL_DIR/*.csv*`).
TABLE_PATTERN = "*.csv*"
EMPTY_SET = "none (no official tables: the bundled layers only)"


def tables(folder: Path) -> list[Path]:
    """The official tables in `folder` (none when it does not exist), in name order."""
    return sorted(path for path in Path(folder).glob(TABLE_PATTERN) if path.is_file())


# The ingested population workbook sits in `population/` of the set (staging/bns/_bns__sources.yml reads
# `$KZ_OFFICIAL_POPULATION_DIR/*.csv`): taken and fingerprinted with the tables, for the same reasons.
POPULATION_FOLDER = "population"


def population_tables(folder: Path) -> list[Path]:
    """The official population tables of the set `folder` shows (none when it has none), in name order."""
    return sorted(path for path in (Path(folder) / POPULATION_FOLDER).glob("*.csv") if path.is_file())


def fingerprint(folder: Path) -> str:
    """One line naming the set `folder` shows now. `folder` is usually the ingest's link: it is resolved once,
    and the version folder it names is complete and never rewritten, so no lock is needed to read it."""
    resolved = Path(os.path.realpath(folder))
    found = tables(resolved) + population_tables(resolved)
    if not found:
        return EMPTY_SET
    digest = hashlib.sha256()
    for path in found:
        status = path.stat()
        digest.update(f"{path.relative_to(resolved)}\t{status.st_size}\t{status.st_mtime_ns}\n".encode())
    return f"{resolved.name}: {len(found)} table(s), {digest.hexdigest()[:16]}"


@contextmanager
def _no_ingest_running(folder: Path) -> Iterator[None]:
    """Hold the ingest's own lock (bns_ingest.writer.ingest_lock) while the set is taken; wait, saying so,
    while an ingest, removal or rollback of the set runs. A folder the ingest did not write (no version link,
    no lock beside it) is read as it is."""
    from bns_ingest.writer import ingest_lock_path  # not at the top: make's check of the set needs no ingest

    folder = Path(os.path.abspath(folder))
    lock_path = ingest_lock_path(folder)
    if not (folder.is_symlink() or lock_path.exists()):
        yield
        return
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"An ingest into {folder.name} is running; the build waits for it to finish before it reads the "
              "official set…", file=sys.stderr, flush=True)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed there
        shutil.copy2(source, target)


def take(folder: Path, into: Path, empty_layer: Path) -> str:
    """Link the tables (and population tables) of the set `folder` shows now into `into` (a new folder) and
    return its fingerprint.
    With no tables, `into` gets the header-only file of `empty_layer` (DuckDB's reader needs one file)."""
    into.mkdir(parents=True)
    with _no_ingest_running(folder):
        resolved = Path(os.path.realpath(folder))
        found = tables(resolved)
        name = fingerprint(resolved)
        for path in found:
            _link_or_copy(path, into / path.name)
        population = population_tables(resolved)
        if population:
            (into / POPULATION_FOLDER).mkdir()
            for path in population:
                _link_or_copy(path, into / POPULATION_FOLDER / path.name)
    if not found:
        for path in tables(empty_layer):
            shutil.copyfile(path, into / path.name)
    return name


def state_file(published: Path) -> Path:
    """Beside the published warehouse: the fingerprint of the official set its newest build took."""
    return Path(published).with_name(Path(published).name + ".official")


def record(state: Path, name: str) -> bool:
    """Write `name` into `state` unless it holds it already (its modification time says when the set last
    changed); True when written."""
    try:
        if state.read_text(encoding="utf-8").strip() == name:
            return False
    except OSError:
        pass
    state.parent.mkdir(parents=True, exist_ok=True)
    staged = state.with_name(f".{state.name}.{os.getpid()}")
    staged.write_text(name + "\n", encoding="utf-8")
    os.replace(staged, state)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m warehouse.official_set DIR STATE`: record the fingerprint of the set DIR shows now in STATE."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m warehouse.official_set OFFICIAL_DIR STATE_FILE", file=sys.stderr)
        return 2
    record(Path(args[1]), fingerprint(Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
