"""Parser for raw Taldau portal responses: a JSON list of nodes, each with a place name in `text`,
values under `yMMYYYY` keys and period ids under `MMYYYY` keys. The index id is not in the
response; it comes from the request json saved beside it."""

from __future__ import annotations

import re
from pathlib import Path

from bns_ingest.cells import ALL_AGES, TOTAL, Cell, Location
from bns_ingest.context import IngestContext
from bns_ingest.tables import TALDAU_INDICES
from bns_ingest.textfile import TextFileError, load_json

_VALUE_KEY = re.compile(r"^y(\d{2})(\d{4})$")


def is_taldau_response(data: object) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(node, dict) and "text" in node and any(_VALUE_KEY.match(k) for k in node) for node in data)
    )


def request_index_id(data: object) -> str | None:
    """The index id named by a saved Taldau request, or None when `data` is not one."""
    if not isinstance(data, dict):
        return None
    body = data.get("request_body")
    index = data.get("index_id") or (body.get("p_index_id") if isinstance(body, dict) else None)
    return str(index) if index else None


def parse_taldau(path: Path, index_id: str, ctx: IngestContext, file: str = "") -> list[Cell]:
    """`file` names the response in problems (default: its file name)."""
    file = file or path.name
    if index_id not in TALDAU_INDICES:
        ctx.problem_in_file(
            file,
            f"Taldau index {index_id} is not in the explicit index mapping "
            f"(known: {', '.join(sorted(TALDAU_INDICES))})",
        )
        return []
    spec, expected_region = TALDAU_INDICES[index_id]
    source_id = f"taldau_{index_id}"
    try:
        nodes = load_json(path)
    except TextFileError as error:
        ctx.problem_in_file(file, str(error))
        return []
    cells: list[Cell] = []
    for position, node in enumerate(nodes if isinstance(nodes, list) else [], start=1):
        name = str(node.get("text", ""))
        for key, raw in node.items():
            match = _VALUE_KEY.match(key)
            if match is None:
                continue
            where = Location(file, "", f"node {position} ({name.strip()})", key, raw)
            if match.group(1) != "12":
                ctx.problem(where, "not a yearly value (period month is not 12)")
                continue
            year = int(match.group(2))
            if not spec.first_year <= year <= spec.last_year:
                ctx.problem(where, f"year outside the table's range {spec.first_year}–{spec.last_year}")
                continue
            persons = ctx.count(raw, where, negative_ok=False)
            if persons is None:
                continue
            region = ctx.region(name, year, where)
            if region is None:
                continue
            if region[0] != expected_region:
                ctx.problem(where, f"index {index_id} publishes region {expected_region} only")
                continue
            cells.append(
                Cell(
                    "national_total",
                    year,
                    region[0],
                    spec.flow,
                    spec.direction or "",
                    TOTAL,
                    TOTAL,
                    TOTAL,
                    ALL_AGES,
                    TOTAL,
                    TOTAL,
                    persons,
                    source_id,
                    where,
                    region[1],
                )
            )
    if not cells and not any(p.file == file for p in ctx.log.problems):
        ctx.problem_in_file(file, "no figures: the response holds no yearly value")
    return cells
