"""Ingest: find the downloads, parse each by its detected format, validate everything, write."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bns_ingest.cells import Cell
from bns_ingest.context import DEFAULT_SEEDS, Dimensions, IngestContext
from bns_ingest.detect import IBLOCK, REFUSALS, TALDAU, TALDAU_REQUEST, UNREADABLE, XLSX, detect, detect_format
from bns_ingest.dynamic_xlsx import parse_workbook
from bns_ingest.errors import IngestError, Problem
from bns_ingest.iblock_csv import parse_iblock
from bns_ingest.taldau_json import parse_taldau, request_index_id
from bns_ingest.textfile import load_json
from bns_ingest.validate import check_cities_within_regions, check_sums, drop_duplicates
from bns_ingest.writer import MANIFEST, write_tables


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


def _taldau_index(path: Path, requests: dict[Path, str]) -> str | None:
    beside = {index for request, index in requests.items() if request.parent == path.parent}
    if len(beside) == 1:
        return next(iter(beside))
    named = [index for index in beside if index in path.name]
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
    requests = {}
    for path, kind in formats.items():
        if kind == TALDAU_REQUEST:
            requests[path] = request_index_id(load_json(path))
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


def ingest(
    src: Path, out_dir: Path, seeds: Path = DEFAULT_SEEDS, tolerance: int = 0, partial_regions: bool = False
) -> dict[str, int]:
    """Ingest `src` (file or folder) into `out_dir`; returns rows per table. On any problem raises
    IngestError and leaves `out_dir` exactly as it was."""
    files = discover(src)
    dims = Dimensions.from_seeds(seeds)
    root = src if src.is_dir() else None
    cells = validated_cells(files, dims, tolerance, partial_regions=partial_regions, root=root)
    tables: dict[str, list[Cell]] = {}
    for cell in cells:
        tables.setdefault(cell.table_code, []).append(cell)
    inputs = [{"file": str(path), "format": detect_format(path), "sha256": _sha256(path)} for path in files]
    write_tables(out_dir, tables, inputs)
    return {code: len(rows) for code, rows in sorted(tables.items())}
