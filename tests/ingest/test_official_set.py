"""The official set grows download by download: an ingest adds one or replaces the one of the same name,
--remove drops one, --rollback steps back, and two downloads that disagree on a cell are refused."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bns_ingest import IngestError, ingest
from bns_ingest.pipeline import remove, roll_back
from bns_ingest.writer import KEEP_VERSIONS, current_downloads, versions

from .bns_layouts import REPUBLIC_LABEL, Sheet, read_rows, region_block, write_taldau, write_workbook

YEARS = [2022, 2023]
REPO = Path(__file__).resolve().parents[2]


def arrivals_download(folder: Path, key: str) -> Path:
    folder.mkdir(parents=True)
    rows = region_block(YEARS, key)
    write_workbook(folder / "arrivals.xlsx", [Sheet("Прибывшие", "Прибывшие из-за пределов республики", YEARS, rows)])
    return folder


def taldau_download(folder: Path, values: dict[int, object]) -> Path:
    folder.mkdir(parents=True)
    write_taldau(folder, "2929752", values)
    return folder


def republic_arrivals(out: Path) -> dict[int, int]:
    rows = read_rows(out / "by_country.csv")
    return {int(r["year"]): int(r["persons"]) for r in rows if r["region_code"] == "00"}


def national(out: Path) -> dict[int, int]:
    return {int(r["year"]): int(r["persons"]) for r in read_rows(out / "national_total.csv")}


def expected_republic(key: str) -> dict[int, int]:
    return dict(zip(YEARS, dict(region_block(YEARS, key))[REPUBLIC_LABEL], strict=True))


def test_a_second_download_is_added_and_the_first_kept(tmp_path: Path) -> None:
    out = tmp_path / "official" / "tables"
    ingest(arrivals_download(tmp_path / "regions", "a"), out)
    ingest(taldau_download(tmp_path / "taldau", {2022: "5", 2023: "7"}), out)
    assert sorted(current_downloads(out)) == ["regions", "taldau"]
    assert republic_arrivals(out) == expected_republic("a")
    assert national(out) == {2022: 5, 2023: 7}
    # Each download keeps its own cells beside the union dbt reads.
    assert (out / "downloads" / "taldau" / "national_total.csv").is_file()
    assert not (out / "downloads" / "regions" / "national_total.csv").exists()


def test_ingesting_under_the_same_name_replaces_that_download_only(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    ingest(arrivals_download(tmp_path / "regions", "a"), out)
    ingest(taldau_download(tmp_path / "t1", {2023: "7"}), out, name="taldau")
    ingest(taldau_download(tmp_path / "t2", {2022: "4", 2023: "8"}), out, name="taldau")
    assert national(out) == {2022: 4, 2023: 8}
    assert republic_arrivals(out) == expected_republic("a")


def test_two_downloads_disagreeing_on_a_cell_are_refused_naming_both(tmp_path: Path) -> None:
    out = tmp_path / "official" / "tables"
    ingest(taldau_download(tmp_path / "first", {2023: "7"}), out)
    before = sorted(p.name for p in out.parent.iterdir())
    with pytest.raises(IngestError) as caught:
        ingest(taldau_download(tmp_path / "second", {2023: "9"}), out)
    message = str(caught.value)
    assert "taldau_index_2929752_data.json" in message and "column y122023" in message
    assert "conflicts with 7 in the official download 'first'" in message
    assert national(out) == {2023: 7}
    assert sorted(p.name for p in out.parent.iterdir()) == before
    # The same figure from a second download (another file: it gives one more year) is no conflict.
    ingest(taldau_download(tmp_path / "again", {2022: "5", 2023: "7"}), out)
    assert sorted(current_downloads(out)) == ["again", "first"] and national(out) == {2022: 5, 2023: 7}


def test_the_same_files_under_a_second_name_are_refused_naming_the_earlier_file(tmp_path: Path) -> None:
    out = tmp_path / "official" / "tables"
    ingest(taldau_download(tmp_path / "taldau", {2022: "5", 2023: "7"}), out)
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "taldau", copy)
    (copy / "taldau_index_2929752_data.json").rename(copy / "arrivals_again.json")
    before = sorted(p.name for p in out.parent.iterdir())
    with pytest.raises(IngestError) as caught:
        ingest(copy, out)
    message = str(caught.value)
    assert ("arrivals_again.json: the same file (identical bytes) as 'taldau_index_2929752_data.json' in the "
            "official download 'taldau'") in message, message
    assert "--name taldau" in message and "--remove taldau" in message
    assert sorted(current_downloads(out)) == ["taldau"]
    assert sorted(p.name for p in out.parent.iterdir()) == before
    # Under its own name the same files replace that download, as before.
    ingest(copy, out, name="taldau")
    assert sorted(current_downloads(out)) == ["taldau"] and national(out) == {2022: 5, 2023: 7}


def test_remove_and_rollback(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    ingest(arrivals_download(tmp_path / "regions", "a"), out)
    ingest(taldau_download(tmp_path / "taldau", {2023: "7"}), out)
    assert remove(out, "taldau") == ["regions"]
    assert not (out / "national_total.csv").exists()
    assert republic_arrivals(out) == expected_republic("a")
    roll_back(out)  # undo the removal
    assert national(out) == {2023: 7} and sorted(current_downloads(out)) == ["regions", "taldau"]
    roll_back(out)  # undo the Taldau ingest
    assert sorted(current_downloads(out)) == ["regions"]
    with pytest.raises(IngestError, match="nothing to roll back to"):
        roll_back(out)
    with pytest.raises(IngestError, match=r"no download named 'nope'.*it holds: regions"):
        remove(out, "nope")


def test_only_the_last_versions_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    for year in range(2010, 2010 + KEEP_VERSIONS + 3):
        ingest(taldau_download(tmp_path / str(year), {year: "1"}), out, name="taldau")
    assert len(versions(out)) == KEEP_VERSIONS
    assert national(out) == {2010 + KEEP_VERSIONS + 2: 1}


def test_cli_list_remove_rollback(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    ingest(taldau_download(tmp_path / "taldau", {2023: "7"}), out)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bns_ingest", *args, "--out", str(out)],
            capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "python")}, check=False,
        )

    listed = cli("--list")
    assert listed.returncode == 0 and "taldau (ingested" in listed.stdout and "national_total 1" in listed.stdout
    removed = cli("--remove", "taldau")
    assert removed.returncode == 0 and "holds nothing" in removed.stdout
    assert "the official set is empty" in cli("--list").stdout
    rolled = cli("--rollback")
    assert rolled.returncode == 0 and national(out) == {2023: 7}
    refused = cli("--remove", "nope")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and "no download named" in refused.stderr
    # Neither a removal nor a rollback reads BNS input: their failures say what they could not do.
    assert refused.stderr.startswith("cannot remove the download 'nope'; the official set was left as it was:")
    assert "BNS input" not in refused.stderr
    oldest = cli("--rollback")  # the set shows its first version again
    assert oldest.returncode == 1 and "BNS input" not in oldest.stderr and "Traceback" not in oldest.stderr
    assert oldest.stderr.startswith("cannot roll the official set back; it was left as it was:"), oldest.stderr
    assert "nothing to roll back to" in oldest.stderr
