"""The output folder is switched to a new ingest in one atomic step: `tables` is a symlink to a
complete version folder, readers never find it missing, and a crash before the switch leaves the
previous set in place."""

from __future__ import annotations

import glob
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from bns_ingest import ingest, writer

from .bns_layouts import REPUBLIC_LABEL, Sheet, read_rows, region_block, write_workbook

REPO = Path(__file__).resolve().parents[2]
YEARS = [2021, 2022, 2023]


def downloads(folder: Path, key: str) -> tuple[Path, list[int]]:
    """A folder with one arrivals workbook whose figures depend on `key`; returns it and the
    Republic's figures per year as printed in the workbook."""
    folder = folder / "arrivals"  # one download, named after its folder: each ingest replaces it
    folder.mkdir(parents=True, exist_ok=True)
    rows = region_block(YEARS, key)
    write_workbook(folder / "arrivals.xlsx", [Sheet("Прибывшие", "Прибывшие из-за пределов республики", YEARS, rows)])
    return folder, list(dict(rows)[REPUBLIC_LABEL])


def republic_figures(out: Path) -> list[int]:
    rows = read_rows(out / "by_country.csv")
    by_year = {int(r["year"]): int(r["persons"]) for r in rows if r["region_code"] == "00"}
    return [by_year[year] for year in YEARS]


def versions(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f"{out.name}.v"))


def test_each_ingest_switches_the_link_and_keeps_the_earlier_sets(tmp_path: Path) -> None:
    out = tmp_path / "official" / "tables"
    printed = []
    for key in ("first", "second", "third"):
        src, republic = downloads(tmp_path / key, key)
        printed.append(republic)
        ingest(src, out)
        assert out.is_symlink()
        assert republic_figures(out) == republic
    assert len(set(map(tuple, printed))) == 3  # the three ingests really differ
    current = out.resolve()
    kept = versions(out)
    assert len(kept) == 3 and current.name == kept[-1]
    assert republic_figures(out.parent / kept[1]) == printed[1]  # the second set, ready for a rollback
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name or ".link-" in p.name]


def test_make_and_dbt_globs_read_through_the_link(tmp_path: Path) -> None:
    src, _ = downloads(tmp_path / "src", "glob")
    out = tmp_path / "official" / "tables"
    rows = ingest(src, out)
    # The Makefile tests `$(wildcard data/official/tables/*.csv)`; dbt reads `$KZ_COUNTS_DIR/*.csv*`.
    assert [Path(p).name for p in glob.glob(str(out / "*.csv"))] == ["by_country.csv"]
    shell = subprocess.run(["bash", "-c", f"ls {out}/*.csv"], capture_output=True, text=True, check=True)
    assert shell.stdout.strip() == f"{out}/by_country.csv"
    counted = duckdb.sql(f"select count(*) from read_csv('{out}/*.csv*')").fetchone()
    assert counted == (rows["by_country"],)


def test_a_failure_before_the_switch_leaves_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "tables"
    old_src, old_republic = downloads(tmp_path / "old", "old")
    ingest(old_src, out)
    old_target = out.resolve()

    def fail_at_the_switch(out_dir: Path, version: Path) -> None:
        assert (version / "by_country.csv").is_file()  # the new set is written in full at this point
        raise RuntimeError("stopped before the switch")

    monkeypatch.setattr(writer, "_point_link_at", fail_at_the_switch)
    new_src, new_republic = downloads(tmp_path / "new", "new")
    assert new_republic != old_republic
    with pytest.raises(RuntimeError, match="stopped before the switch"):
        ingest(new_src, out)
    assert out.resolve() == old_target
    assert republic_figures(out) == old_republic


CRASH_BEFORE_SWITCH = """
import os, sys
from pathlib import Path
from bns_ingest import ingest, writer
writer._point_link_at = lambda out_dir, version: os._exit(9)  # the process dies, no cleanup runs
ingest(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_process_killed_before_the_switch_leaves_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    old_src, old_republic = downloads(tmp_path / "old", "old")
    ingest(old_src, out)
    old_target = out.resolve()
    new_src, new_republic = downloads(tmp_path / "new", "new")
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_BEFORE_SWITCH, str(new_src), str(out)],
        env={"PYTHONPATH": str(REPO / "python")},
        check=False,
    )
    assert crashed.returncode == 9
    assert out.resolve() == old_target
    assert republic_figures(out) == old_republic
    assert len(versions(out)) == 2  # the orphaned new set is still on disk ...
    ingest(new_src, out)
    assert republic_figures(out) == new_republic
    assert sorted(versions(out)) == sorted([old_target.name, out.resolve().name])  # ... until the next ingest


def test_a_reader_never_sees_the_output_missing(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    sources = [downloads(tmp_path / f"src{i}", f"k{i}")[0] for i in range(2)]
    ingest(sources[0], out)
    seen: list[int] = []
    stop = threading.Event()

    def read_continuously() -> None:
        while not stop.is_set():
            seen.append(len(glob.glob(str(out / "*.csv"))))

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for round_ in range(20):
            ingest(sources[round_ % 2], out)
    finally:
        stop.set()
        reader.join()
    assert len(seen) > 100  # the reader really ran during the switches
    assert set(seen) == {1}


def test_a_plain_output_folder_from_before_becomes_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "by_country.csv").write_text("from an older ingest\n", encoding="utf-8")
    src, republic = downloads(tmp_path / "src", "new")
    ingest(src, out)
    assert out.is_symlink()
    assert republic_figures(out) == republic
    (kept,) = [name for name in versions(out) if name != out.resolve().name]
    assert (out.parent / kept / "by_country.csv").read_text(encoding="utf-8") == "from an older ingest\n"
