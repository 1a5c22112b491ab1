"""Tells the three BNS download formats apart by their content, not their file name."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bns_ingest.iblock_csv import iblock_delimiter
from bns_ingest.taldau_json import is_taldau_response, request_index_id
from bns_ingest.textfile import TextFileError, check_size, decode, load_json

XLSX = "dynamic_xlsx"
IBLOCK = "iblock_csv"
TALDAU = "taldau_json"
TALDAU_REQUEST = "taldau_request"
# Recognised only to be refused with a precise reason.
TALDAU_CSV = "taldau_csv"  # Taldau's own CSV export names no index
DAMAGED_XLSX = "damaged_xlsx"
ODS = "ods"  # an OpenDocument spreadsheet (LibreOffice's own format): the pipeline names the .xlsx to save
OLD_EXCEL = "old_excel"  # Excel 97-2003 .xls, or an encrypted xlsx (both OLE2 containers)
EMPTY = "empty"
UNREADABLE = "unreadable"  # too large, not valid JSON, or not text: detect_reason() says which
_TALDAU_CSV_HEADER = "date,value,transformation"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

REFUSALS = {
    TALDAU_CSV: "a Taldau CSV export (date,value,transformation) does not name its index: save the "
    "GetIndexTreeData JSON response and its request json instead",
    DAMAGED_XLSX: "the xlsx package is damaged or incomplete (not a readable zip archive): download it again",
    OLD_EXCEL: "an Excel 97-2003 (.xls) workbook or a password-protected one: open it in Excel and save it "
    "as an unprotected .xlsx workbook",
    EMPTY: "empty file: it holds no bytes, or only blank lines",
}


def detect_format(path: Path) -> str | None:
    return detect(path)[0]


def detect(path: Path) -> tuple[str | None, str]:
    """(format, reason): the reason explains an UNREADABLE file; None means no BNS format."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if "xl/workbook.xml" in names:
                    return XLSX, ""
                # ODF packages begin with a stored member «mimetype» that names the kind of document.
                if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIMETYPE):
                    return ODS, ""
                return None, ""
        except (zipfile.BadZipFile, OSError):
            return DAMAGED_XLSX, ""
    if head.startswith(_OLE2):
        return OLD_EXCEL, ""
    if not head.strip():
        return EMPTY, ""
    try:
        check_size(path)
        # The head may end inside a multi-byte character; decode drops nothing the checks below need.
        text_head = decode(head[: len(head) - len(head) % 4] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head)
    except TextFileError as error:
        return UNREADABLE, str(error)
    stripped = text_head.text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        try:
            data = load_json(path)
        except TextFileError as error:
            return UNREADABLE, str(error)
        if is_taldau_response(data):
            return TALDAU, ""
        return (TALDAU_REQUEST if request_index_id(data) else None), ""
    if stripped.splitlines()[:1] == [_TALDAU_CSV_HEADER]:
        return TALDAU_CSV, ""
    return (IBLOCK if iblock_delimiter(text_head.text) else None), ""
