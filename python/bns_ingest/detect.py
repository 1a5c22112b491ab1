"""Tells the three BNS download formats apart by their content, not their file name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from bns_ingest.iblock_csv import looks_like_iblock
from bns_ingest.taldau_json import is_taldau_response, request_index_id

XLSX = "dynamic_xlsx"
IBLOCK = "iblock_csv"
TALDAU = "taldau_json"
TALDAU_REQUEST = "taldau_request"
# Taldau's own CSV export: recognised only to be refused with a precise reason (it names no index).
TALDAU_CSV = "taldau_csv"
_TALDAU_CSV_HEADER = "date,value,transformation"


def detect_format(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return XLSX if "xl/workbook.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    # The 4 KiB head may end inside a multi-byte character; the tail is irrelevant here.
    text_head = head.decode("utf-8-sig", errors="ignore")
    stripped = text_head.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if is_taldau_response(data):
            return TALDAU
        return TALDAU_REQUEST if request_index_id(data) else None
    if stripped.splitlines()[:1] == [_TALDAU_CSV_HEADER]:
        return TALDAU_CSV
    return IBLOCK if looks_like_iblock(text_head) else None
