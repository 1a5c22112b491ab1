"""iblock CSV exports and Taldau responses go into the canonical tables."""

from __future__ import annotations

import shutil
from pathlib import Path

from bns_ingest import ingest
from bns_ingest.writer import table_path

from .bns_layouts import read_rows, spaced, write_iblock, write_taldau

# Regional balances of a small made-up extract; city administrations sit inside their region.
BALANCE = {
    ("2023", "РЕСПУБЛИКА КАЗАХСТАН", "Всего"): -5561,
    ("2023", "РЕСПУБЛИКА КАЗАХСТАН", "городская местность"): 12345,
    ("2023", "РЕСПУБЛИКА КАЗАХСТАН", "сельская местность"): -17906,
    ("2023", "ЖАМБЫЛСКАЯ ОБЛАСТЬ", "Всего"): -14194,
    ("2023", "ЖАМБЫЛСКАЯ ОБЛАСТЬ", "городская местность"): -3681,
    ("2023", "ЖАМБЫЛСКАЯ ОБЛАСТЬ", "сельская местность"): -10513,
    ("2023", "ТАРАЗ Г.А.", "Всего"): -2375,
    ("2024", "Г.АЛМАТЫ", "Всего"): 41184,
    ("2024", "Г.АЛМАТЫ", "городская местность"): 41184,
    ("2024", "ЗАПАДНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ", "Всего"): 1002,
}
PLACES = {
    "РЕСПУБЛИКА КАЗАХСТАН": "00",
    "ЖАМБЫЛСКАЯ ОБЛАСТЬ": "31",
    "Г.АЛМАТЫ": "75",
    "ЗАПАДНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ": "27",
}
SETTLEMENTS = {"Всего": "_T", "городская местность": "urban", "сельская местность": "rural"}


def test_iblock_unordered_spaced_values_and_cities_dropped(tmp_path: Path) -> None:
    records = [{"year": y, "place": p, "settlement": s, "val": spaced(v)} for (y, p, s), v in BALANCE.items()]
    write_iblock(tmp_path / "export.txt", list(reversed(records)))
    ingest(tmp_path / "export.txt", tmp_path / "out", partial_regions=True)  # an extract of a few regions
    table = read_rows(table_path(tmp_path / "out", "balance_all_flows"))
    got = {(r["year"], r["region_code"], r["settlement_code"]): int(r["persons"]) for r in table}
    expected = {(y, PLACES[p], SETTLEMENTS[s]): v for (y, p, s), v in BALANCE.items() if p in PLACES}
    assert got == expected  # Тараз г.а. is not a region: validated, then left out
    assert {(r["flow_code"], r["direction_code"], r["country_code"]) for r in table} == {("all", "net", "_T")}
    assert "-14 194" in (tmp_path / "export.txt").read_text(encoding="utf-8")


def test_taldau_response_with_request_beside_it(tmp_path: Path) -> None:
    values = {2021: "11039", 2022: "17425", 2023: "25387"}
    data = write_taldau(tmp_path, "2929752", values)
    renamed = data.with_name("response.txt")  # detection reads content, not names
    shutil.move(data, renamed)
    ingest(tmp_path, tmp_path / "out")
    table = read_rows(table_path(tmp_path / "out", "national_total"))
    assert {(r["year"], r["direction_code"], r["region_code"], r["source_id"]): int(r["persons"]) for r in table} == {
        (str(y), "arrival", "00", "taldau_2929752"): int(v) for y, v in values.items()
    }


def test_mixed_folder_of_three_formats(tmp_path: Path) -> None:
    src = tmp_path / "downloads"
    (src / "taldau").mkdir(parents=True)
    write_taldau(src / "taldau", "2929753", {2023: 15000})
    write_iblock(src / "balance.csv", [{"year": 2023, "place": "Г.АСТАНА", "val": "51 539"}])
    rows = ingest(src, tmp_path / "out")
    assert rows == {"balance_all_flows": 1, "national_total": 1}
    national = read_rows(table_path(tmp_path / "out", "national_total"))
    assert (national[0]["direction_code"], national[0]["persons"]) == ("departure", "15000")
