"""Ingest: find the downloads, parse each by its detected format, validate everything, write."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from bns_ingest.cells import POPULATION_TABLE, Cell
from bns_ingest.context import DEFAULT_SEEDS, Dimensions, IngestContext
from bns_ingest.detect import IBLOCK, ODS, REFUSALS, TALDAU, TALDAU_REQUEST, UNREADABLE, XLSX, detect, detect_format
from bns_ingest.dynamic_xlsx import parse_workbook
from bns_ingest.errors import IngestError, Problem
from bns_ingest.iblock_csv import parse_iblock
from bns_ingest.taldau_json import parse_taldau, request_index_id
from bns_ingest.textfile import load_json
from bns_ingest.validate import check_cities_within_regions, check_sums, drop_duplicates
from bns_ingest.writer import (
    MANIFEST,
    Download,
    canonical_line,
    current_downloads,
    download_lines,
    ingest_lock,
    line_key,
    line_persons,
    population_line,
    rollback,
    write_set,
)


def discover(src: Path) -> list[Path]:
    """The files to ingest: `src` itself, or every file under the folder (hidden and Office lock
    files excepted)."""
    if src.is_file():
        return [src]
    if not src.is_dir():
        raise IngestError([Problem(str(src), "no such file or folder")])
    files = [
        path
        for path in sorted(src.rglob("*"))
        if path.is_file() and not path.name.startswith((".", "~$")) and path.name != MANIFEST
    ]
    if not files:
        raise IngestError([Problem(str(src), "folder holds no files to ingest")])
    return files


def source_id_for(path: Path) -> str:
    return "bns_" + re.sub(r"[^\w]+", "_", path.stem.lower()).strip("_")


def _taldau_index(path: Path, requests: Mapping[Path, str | None]) -> str | None:
    beside = {index for request, index in requests.items() if request.parent == path.parent}
    if len(beside) == 1:
        return next(iter(beside))
    named = [index for index in beside if index is not None and index in path.name]
    return named[0] if len(named) == 1 else None


def file_label(path: Path, root: Path | None) -> str:
    """How problems name a file: its path relative to the SRC folder, so that same-named files in
    different subfolders stay apart; its name when SRC is the file itself."""
    if root is not None and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return path.name


def parse_sources(
    files: list[Path], ctx: IngestContext, source_ids: dict[Path, str] | None = None, root: Path | None = None
) -> list[Cell]:
    """Parse every file into cells, logging problems in `ctx` instead of stopping at the first.
    Problems name files relative to `root` (the SRC folder)."""
    detected = {path: detect(path) for path in files}
    formats = {path: kind for path, (kind, _) in detected.items()}
    requests: dict[Path, str] = {}
    for path, kind in formats.items():
        if kind == TALDAU_REQUEST and (index_id := request_index_id(load_json(path))):
            requests[path] = index_id
    responses = {path.parent for path, kind in formats.items() if kind == TALDAU}
    cells: list[Cell] = []
    for path, kind in formats.items():
        source_id = (source_ids or {}).get(path) or source_id_for(path)
        label = file_label(path, root)
        if kind == XLSX:
            cells += parse_workbook(path, ctx, source_id, label)
        elif kind == IBLOCK:
            cells += parse_iblock(path, ctx, source_id, label)
        elif kind == TALDAU:
            index = _taldau_index(path, requests)
            if index is None:
                ctx.problem_in_file(
                    label,
                    "cannot tell which Taldau index this response holds: save "
                    "the request json (with index_id) beside it",
                )
            else:
                cells += parse_taldau(path, index, ctx, label)
        elif kind == TALDAU_REQUEST:
            if path.parent not in responses:
                ctx.problem_in_file(
                    label,
                    "a Taldau request json with no response beside it: save the GetIndexTreeData response "
                    "in the same folder",
                )
        elif kind == ODS:
            ctx.problem_in_file(
                label,
                "an OpenDocument spreadsheet (.ods), not an Excel workbook: open it in LibreOffice Calc or Excel, "
                f"save it as {Path(label).stem}.xlsx (type «Excel 2007-365 (.xlsx)») and ingest that file",
            )
        elif kind in REFUSALS:
            ctx.problem_in_file(label, REFUSALS[kind])
        elif kind == UNREADABLE:
            ctx.problem_in_file(label, detected[path][1])
        elif kind is None:
            ctx.problem_in_file(label, "not a BNS dynamic-table xlsx, iblock CSV export or Taldau JSON")
    return cells


def validated_cells(
    files: list[Path],
    dims: Dimensions,
    tolerance: int = 0,
    source_ids: dict[Path, str] | None = None,
    partial_regions: bool = False,
    root: Path | None = None,
) -> list[Cell]:
    """All cells of `files`, or IngestError listing every problem found (files named relative
    to `root`), sorted by file, sheet, row and column."""
    ctx = IngestContext(dims)
    cells = parse_sources(files, ctx, source_ids, root)
    ctx.report_unknown_names()
    cells = drop_duplicates(cells, ctx)
    cells = check_cities_within_regions(cells, ctx)
    check_sums(cells, dims.regions, ctx, tolerance, partial_regions)
    if not cells and not ctx.log.problems:
        ctx.log.add(Problem(str(root or files[0]), "no figures in any file: nothing to ingest"))
    ctx.log.raise_if_any()
    return cells


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_name(src: Path) -> str:
    """The default name of a download in the official set: SRC's file or folder name, as a slug."""
    name = src.stem if src.is_file() else src.name
    return re.sub(r"[^\w.-]+", "_", name).strip("_.") or "download"


def _conflicts(cells: list[Cell], others: dict[str, Download], ctx: IngestContext) -> None:
    """A cell of the new download that another download of the official set gives differently is an error:
    the set holds one figure per cell, and which one is right is the analyst's call."""
    given: dict[tuple[str, ...], tuple[int, str]] = {}
    for download in others.values():
        for table_code, lines in download.lines.items():
            for line in lines:
                given[line_key(table_code, line)] = (line_persons(table_code, line), download.name)
    if not given:
        return
    for cell in cells:
        to_line = population_line if cell.table_code == POPULATION_TABLE else canonical_line
        other = given.get(line_key(cell.table_code, to_line(cell)))
        if other is not None and other[0] != cell.persons:
            ctx.problem(
                cell.where,
                f"conflicts with {other[0]} in the official download {other[1]!r}: remove that one first "
                f"(--remove {other[1]}) or ingest this one under its name (--name {other[1]})",
            )


def _already_ingested(
    inputs: list[dict[str, object]], labels: list[str], others: dict[str, Download], ctx: IngestContext
) -> None:
    """A file of figures that another download of the official set already holds, byte for byte, is refused:
    under a second name it would be kept twice, and removing one copy would leave its figures in the set.
    Taldau request files hold no figures: a newer response beside the same request is a new download."""
    earlier: dict[str, tuple[str, str]] = {}
    for download in others.values():
        given = download.entry.get("inputs")
        for entry in given if isinstance(given, list) else []:
            if isinstance(entry, dict) and entry.get("sha256") and entry.get("format") != TALDAU_REQUEST:
                earlier.setdefault(str(entry["sha256"]), (download.name, Path(str(entry.get("file", "?"))).name))
    for entry, label in zip(inputs, labels, strict=True):
        if entry["format"] != TALDAU_REQUEST and str(entry["sha256"]) in earlier:
            name, file = earlier[str(entry["sha256"])]
            ctx.problem_in_file(
                label,
                f"the same file (identical bytes) as {file!r} in the official download {name!r}, already in the "
                f"official set: ingest it under that name to replace that download (--name {name} / NAME={name}), "
                f"or remove that one first (--remove {name} / make ingest-remove NAME={name})",
            )


def _by_table(cells: list[Cell]) -> dict[str, list[Cell]]:
    tables: dict[str, list[Cell]] = {}
    for cell in cells:
        tables.setdefault(cell.table_code, []).append(cell)
    return tables


def ingest(
    src: Path,
    out_dir: Path,
    seeds: Path = DEFAULT_SEEDS,
    tolerance: int = 0,
    partial_regions: bool = False,
    name: str | None = None,
) -> dict[str, int]:
    """Add the download `src` (file or folder) to the official set at `out_dir`, or replace the download of
    the same `name` (default: SRC's name); returns its rows per table. On any problem raises IngestError
    and leaves `out_dir` exactly as it was."""
    files = discover(src)
    dims = Dimensions.from_seeds(seeds)
    root = src if src.is_dir() else None
    name = name or download_name(src)
    with ingest_lock(out_dir):
        others = {n: d for n, d in current_downloads(out_dir).items() if n != name}
        ctx = IngestContext(dims)
        cells = validated_cells(files, dims, tolerance, partial_regions=partial_regions, root=root)
        inputs: list[dict[str, object]] = [
            {"file": str(path), "format": detect_format(path), "sha256": _sha256(path)} for path in files
        ]
        _already_ingested(inputs, [file_label(path, root) for path in files], others, ctx)
        _conflicts(cells, others, ctx)
        ctx.log.raise_if_any()
        tables = _by_table(cells)
        entry: dict[str, object] = {"ingested_at": datetime.now(UTC).isoformat(timespec="seconds"), "inputs": inputs}
        write_set(out_dir, {**others, name: Download(name, entry, download_lines(tables))})
    return {code: len(rows) for code, rows in sorted(tables.items())}


def remove(out_dir: Path, name: str) -> list[str]:
    """Drop one download from the official set (a new version; the previous stays for rollback). Returns
    the names of the downloads left."""
    with ingest_lock(out_dir):
        downloads = current_downloads(out_dir)
        if name not in downloads:
            known = ", ".join(sorted(downloads)) or "none"
            message = f"no download named {name!r} in the official set (it holds: {known})"
            raise IngestError(
                [Problem(str(out_dir), message)],
                heading=f"cannot remove the download {name!r}; the official set was left as it was:",
            )
        del downloads[name]
        write_set(out_dir, downloads)
    return sorted(downloads)


def roll_back(out_dir: Path) -> Path:
    """Show the previous version of the official set again."""
    with ingest_lock(out_dir):
        try:
            return rollback(out_dir)
        except FileNotFoundError as error:
            raise IngestError(
                [Problem(str(out_dir), str(error))],
                heading="cannot roll the official set back; it was left as it was:",
            ) from None
