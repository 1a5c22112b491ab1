"""`python -m warehouse.export`: every mart as CSV and Parquet with a data dictionary, swapped in whole."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from warehouse import export as export_module
from warehouse.atomic import replace_directory
from warehouse.export import export, main


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Two marts with a key, comments and a row order that differs from the key's, and a table outside `main`."""
    path = tmp_path / "kz_migration.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table fct_b (region_code varchar primary key, persons bigint, share double)")
        connection.execute("insert into fct_b values ('75', 3, 0.5), ('00', 10, null), ('31', 0, 1.25)")
        connection.execute("comment on table fct_b is 'Flows.\n\nSecond paragraph.'")
        connection.execute("comment on column fct_b.persons is 'Persons who moved.'")
        connection.execute("create table dim_a (code varchar, name_kk varchar)")
        connection.execute("insert into dim_a values ('75', 'Алматы қаласы')")
        connection.execute("create schema raw")
        connection.execute("create table raw.seed (x integer)")
    return path


def test_every_mart_is_written_as_csv_and_parquet_with_its_dictionary(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "report" / "data"
    marts = export(warehouse, out, progress=False)
    assert [m.name for m in marts] == ["dim_a", "fct_b"]  # schema main only
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["README.md", "data_dictionary.csv", "marts.csv", "dim_a.csv", "dim_a.parquet", "fct_b.csv", "fct_b.parquet"]
    )
    # Rows in primary-key order, values as stored (an empty cell for null), UTF-8 (Kazakh letters survive).
    assert (out / "fct_b.csv").read_text(encoding="utf-8").splitlines() == [
        "region_code,persons,share",
        "00,10,",
        "31,0,1.25",
        "75,3,0.5",
    ]
    assert "Алматы қаласы" in (out / "dim_a.csv").read_text(encoding="utf-8")
    with duckdb.connect() as connection:
        parquet = connection.execute(f"select * from '{out / 'fct_b.parquet'}'").fetchall()
        types = connection.execute(f"describe select * from '{out / 'fct_b.parquet'}'").fetchall()
    assert parquet == [("00", 10, None), ("31", 0, 1.25), ("75", 3, 0.5)]
    assert [t[1] for t in types] == ["VARCHAR", "BIGINT", "DOUBLE"]
    with (out / "data_dictionary.csv").open(encoding="utf-8") as handle:
        dictionary = list(csv.DictReader(handle))
    persons = next(r for r in dictionary if r["mart"] == "fct_b" and r["column_name"] == "persons")
    assert persons == {
        "mart": "fct_b",
        "position": "2",
        "column_name": "persons",
        "data_type": "BIGINT",
        "is_primary_key": "false",
        "description": "Persons who moved.",
    }
    assert [r["column_name"] for r in dictionary if r["is_primary_key"] == "true"] == ["region_code"]
    assert len(dictionary) == 5
    with (out / "marts.csv").open(encoding="utf-8") as handle:
        listed = {r["mart"]: r for r in csv.DictReader(handle)}
    assert listed["fct_b"]["row_count"] == "3" and listed["fct_b"]["description"] == "Flows."
    assert "[fct_b](fct_b.csv)" in (out / "README.md").read_text(encoding="utf-8")


def test_a_second_export_replaces_the_first_whole(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    export(warehouse, out, progress=False)
    (out / "stale.csv").write_text("left from an older export")
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("insert into fct_b values ('47', 7, 0.0)")
    export(warehouse, out, progress=False)
    assert not (out / "stale.csv").exists()
    assert "47,7,0.0" in (out / "fct_b.csv").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_a_failed_export_leaves_the_previous_one_untouched(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "data"
    export(warehouse, out, progress=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = export_module._export_mart

    def fail_on_second(connection: duckdb.DuckDBPyConnection, mart: str, folder: Path) -> object:
        if mart == "fct_b":
            raise duckdb.IOException("disk full")
        return real(connection, mart, folder)

    monkeypatch.setattr(export_module, "_export_mart", fail_on_second)
    with pytest.raises(duckdb.IOException):
        export(warehouse, out, progress=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_replace_directory_swaps_a_folder_in(tmp_path: Path) -> None:
    old, new = tmp_path / "target", tmp_path / "new"
    old.mkdir()
    (old / "a").write_text("old")
    new.mkdir()
    (new / "b").write_text("new")
    replace_directory(new, old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]
    assert [p.name for p in old.iterdir()] == ["b"]


def test_cli_names_a_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "out")]) == 1
    assert "no warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
