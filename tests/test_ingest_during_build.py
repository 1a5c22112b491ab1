"""An ingest while `make build` runs: make finishes, and the report is made from the published warehouse.

Issue 20: an ingest during a build let the build publish from the old set, then make stopped with «No rule to
make target 'data/official/tables/downloads/taldau/national_total.csv'» (the Makefile listed the official
set's files when it was read) and the report was not regenerated. Here `make build` runs the real Makefile,
publisher, ingest and analysis report; dbt is the stand-in (tests/stand_in_dbt.py), which copies the session's
real warehouse, records the official tables it was given and pauses until the test has ingested.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from bns_ingest import ingest
from warehouse import official_set
from warehouse.publish import build_and_publish

from .conftest import REPO_ROOT, SessionBuild
from .ingest.bns_layouts import Sheet, region_block, write_taldau, write_workbook
from .test_publish import TINY_PROJECT, _write_counts

YEARS = [2022, 2023]


def _taldau(folder: Path) -> Path:
    folder.mkdir(parents=True)
    write_taldau(folder, "2929752", {2022: "5", 2023: "7"})
    return folder


def _arrivals(folder: Path) -> Path:
    folder.mkdir(parents=True)
    sheet = Sheet("Прибывшие", "Прибывшие из-за пределов республики", YEARS, region_block(YEARS, "a"))
    write_workbook(folder / "arrivals.xlsx", [sheet])
    return folder


def _digests(folder: Path) -> set[tuple[str, str]]:
    return {(path.name, hashlib.sha256(path.read_bytes()).hexdigest()) for path in official_set.tables(folder)}


def _wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _make_env(**extra: str) -> dict[str, str]:
    # The outer make's flags (make test runs pytest with -j) and layer settings must not reach this make.
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "KZ_OFFICIAL_DIR", "KZ_WAREHOUSE_PATH",
            "KZ_COUNTS_DIR"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def test_an_ingest_during_make_build_neither_breaks_make_nor_leaves_a_stale_report(
    tmp_path: Path, session_build: SessionBuild, stand_in_dbt_executable: Path
) -> None:
    official = tmp_path / "official" / "tables"
    ingest(_taldau(tmp_path / "taldau"), official)
    assert (official / "downloads" / "taldau" / "national_total.csv").is_file()
    first_set = _digests(official)
    published = tmp_path / "warehouse" / "kz_migration.duckdb"
    report = tmp_path / "report"
    pause = tmp_path / "pause"
    pause.mkdir()
    make = subprocess.Popen(
        # -o: the virtual environment is taken as it is (never reinstalled inside a test).
        ["make", "--no-print-directory", "-o", ".venv/.installed", "build", f"KZ_WAREHOUSE_PATH={published}",
         f"OFFICIAL_DIR={official}", f"REPORT_DIR={report}", f"EXPORT_DIR={report / 'data'}"],
        cwd=REPO_ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env=_make_env(KZ_DBT_EXECUTABLE=str(stand_in_dbt_executable), KZ_STAND_IN_PAUSE=str(pause),
                      KZ_STAND_IN_WAREHOUSE=str(session_build.published)),
    )
    try:
        _wait_for(lambda: any(pause.glob("started-*")) or make.poll() is not None, 300, "the build's dbt to start")
        assert make.poll() is None, make.communicate()[0]
        # The ingest replaces the download «taldau» with another table: downloads/taldau/national_total.csv goes.
        # It does not wait for the build: the build held the set only while it linked its copy.
        started = time.monotonic()
        ingest(_arrivals(tmp_path / "regions"), official, name="taldau")
        assert time.monotonic() - started < 60
        assert not (official / "downloads" / "taldau" / "national_total.csv").exists()
    finally:
        (pause / "go").touch()
    output, _ = make.communicate(timeout=600)
    assert make.returncode == 0, output
    assert "No rule to make target" not in output

    # The build that ran during the ingest read the set as it was when it started, and published it; make then
    # saw that the official set had changed and built again before the report, which took the new set.
    assert "the published warehouse is older than its inputs" in output, output
    with duckdb.connect(str(published), read_only=True) as connection:
        seen = set(connection.execute("select file_name, sha256 from stand_in.official_tables").fetchall())
        built_at = connection.execute("select built_at from main.dim_build_settings").fetchone()[0]
    assert seen == _digests(official) != first_set
    assert official_set.state_file(published).read_text().strip() == official_set.fingerprint(official)

    # The report names the build it was made from: the published one.
    index = (report / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'<span id="warehouse-build">build of ([^<]+) UTC</span>', index)
    assert shown is not None, "the report does not say which build it was made from"
    assert shown.group(1) == built_at.isoformat(sep=" ", timespec="seconds")


def test_a_build_reads_the_official_set_as_it_was_when_it_started(tmp_path: Path, stand_in_dbt: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The publisher alone (tiny project, stand-in dbt): an ingest while dbt runs changes nothing the build reads,
    and the fingerprint beside the published file names the set the build took, not the one shown now."""
    official = tmp_path / "official" / "tables"
    ingest(_taldau(tmp_path / "taldau"), official)
    before = _digests(official)
    before_name = official_set.fingerprint(official)
    published = tmp_path / "kz_migration.duckdb"
    counts = _write_counts(tmp_path / "counts", {2023: (300, 40)})
    seen: list[set[tuple[str, str]]] = []
    from warehouse import publish

    real_run = publish.run_dbt_build

    def ingest_while_dbt_runs(build, dbt_args=(), env=None, project_dir=TINY_PROJECT):  # type: ignore[no-untyped-def]
        ingest(_arrivals(tmp_path / "regions"), official, name="taldau")
        seen.append(_digests(Path(env["KZ_OFFICIAL_DIR"])))
        real_run(build, dbt_args, env, project_dir)

    monkeypatch.setattr(publish, "run_dbt_build", ingest_while_dbt_runs)
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts), "KZ_OFFICIAL_DIR": str(official)},
                      project_dir=TINY_PROJECT)
    assert seen == [before] and _digests(official) != before
    assert official_set.state_file(published).read_text().strip() == before_name
    # What make's prerequisite does next: the set differs from the recorded one, so the record is rewritten
    # (and is then newer than the warehouse, which make therefore rebuilds).
    assert official_set.main([str(official), str(official_set.state_file(published))]) == 0
    assert official_set.state_file(published).read_text().strip() == official_set.fingerprint(official) != before_name


def test_a_build_waits_for_a_running_ingest_saying_so(tmp_path: Path, stand_in_dbt: Path,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    """While an ingest holds the official set's lock, a build waits to take its copy and says why in one line."""
    from bns_ingest.writer import ingest_lock

    official = tmp_path / "official" / "tables"
    ingest(_taldau(tmp_path / "taldau"), official)
    published = tmp_path / "kz_migration.duckdb"
    counts = _write_counts(tmp_path / "counts", {2023: (300, 40)})
    env = {"KZ_COUNTS_DIR": str(counts), "KZ_OFFICIAL_DIR": str(official)}
    build = subprocess.Popen(
        [sys.executable, "-m", "warehouse.publish", "--published-path", str(published),
         "--project-dir", str(TINY_PROJECT)],
        cwd=REPO_ROOT, env={**os.environ, **env, "PYTHONPATH": str(REPO_ROOT / "python")}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    with ingest_lock(official):
        assert build.stderr is not None
        said = build.stderr.readline()
        assert said.startswith("An ingest into tables is running; the build waits for it to finish"), said
        assert build.poll() is None and not published.exists()
    _, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    assert published.exists()
