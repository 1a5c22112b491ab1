"""Atomic publishing: a failed build leaves the published file as it was; a reader does not block a build.

Each test runs the real dbt (the one-model project) for the build its guarantee is about, and the stand-in
(tests/stand_in_dbt.py, about 0.2 s instead of 5-10 s) for the builds that only set the scene."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from warehouse.publish import (
    LAST_BUILD,
    BuildFailed,
    Paths,
    PrivateBuild,
    build_and_publish,
    publish_semantic_manifest,
)

from .conftest import REPO_ROOT
from .stand_in_dbt import write_executable

# Publishing does not depend on what dbt builds: these tests build a one-model project.
TINY_PROJECT = REPO_ROOT / "tests" / "tiny_dbt_project"
CANONICAL_HEADER = (REPO_ROOT / "dbt_project" / "seeds" / "bns_national_external_flows.csv").read_text(
    encoding="utf-8"
).splitlines()[0].split(",")


def _write_counts(directory: Path, persons_by_year: dict[int, tuple[int, int]]) -> Path:
    """A minimal canonical table: Almaty city's total arrivals and departures for the given years."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "by_country.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL_HEADER, lineterminator="\n")
        writer.writeheader()
        for year, pair in persons_by_year.items():
            for direction, persons in zip(("arrival", "departure"), pair, strict=True):
                writer.writerow({
                    "table_code": "by_country", "year": year, "region_code": "75", "flow_code": "external",
                    "direction_code": direction, "country_code": "_T", "sex_code": "_T",
                    "settlement_code": "_T", "age_band_code": "_T", "age_from": 0, "age_to": "",
                    "education_code": "_T", "specialty_code": "_T", "persons": persons,
                    "source_id": "test_fixture", "provenance": "modeled",
                })
    return directory


# In a test that uses the stand-in, a build given this environment runs the real dbt.
REAL_DBT = {"KZ_DBT_EXECUTABLE": ""}

pytestmark = pytest.mark.usefixtures("stand_in_dbt")


def _build(published: Path, counts_dir: Path, real_dbt: bool = False) -> Path:
    env = {"KZ_COUNTS_DIR": str(counts_dir), **(REAL_DBT if real_dbt else {})}
    return build_and_publish(published, env=env, project_dir=TINY_PROJECT)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _private_folders(published: Path) -> list[Path]:
    """Build folders left under the build root (neither the link to the current build nor the record of the last
    published build is one)."""
    root = Paths.for_published(published).build_root
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and p.name != LAST_BUILD]


def _almaty_arrivals(path: Path) -> dict[int, int]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select year, arrivals from fct_yearly_flows where region_code = '75' order by year"
        ).fetchall()
    return dict(rows)


def test_failed_build_leaves_published_warehouse_untouched(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """The failing build is the real dbt's (its test of the counts fails); the good one before it the stand-in's.
    The publisher says what the failed test found: the offending row, not dbt's «Got 1 result»."""
    published = tmp_path / "kz_migration.duckdb"
    _build(published, _write_counts(tmp_path / "good", {2022: (100, 50), 2023: (300, 40)}))
    digest_before = _sha256(published)

    broken = _write_counts(tmp_path / "broken", {2022: (100, 50), 2023: (-1, 40)})
    with pytest.raises(BuildFailed, match="dbt build failed"):
        _build(published, broken, real_dbt=True)
    said = [line for line in capfd.readouterr().err.splitlines() if line.startswith("data test failed:")]
    assert said == ["data test failed: counts_are_not_negative on fct_yearly_flows: 1 failing row(s): "
                    "region_code 75, year 2023, arrivals -1, departures 40"], said

    assert _sha256(published) == digest_before
    assert _almaty_arrivals(published) == {2022: 100, 2023: 300}


@dataclass(frozen=True)
class RebuildUnderReader:
    published: Path
    reader_before: float  # what the reader read before the rebuild
    reader_after: float  # what the same connection read after it
    reader_returncode: int


@pytest.fixture(scope="module")
def rebuilt_under_reader(tmp_path_factory: pytest.TempPathFactory) -> RebuildUnderReader:
    """A published file (the stand-in's build) held open by a reader while the real dbt rebuilds and publishes it.
    Two tests read the outcome: the reader's, and the views of the file the real dbt published."""
    tmp_path = tmp_path_factory.mktemp("rebuild_under_reader")
    published = tmp_path / "kz_migration.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KZ_DBT_EXECUTABLE", str(write_executable(tmp_path)))
        _build(published, _write_counts(tmp_path / "v1", {2023: (300, 40)}))

    # A separate process, like a BI tool, holds the published file open read-only for the whole rebuild.
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            connection = duckdb.connect({str(published)!r}, read_only=True)
            query = "select arrivals from fct_yearly_flows where region_code = '75' and year = 2023"
            print(connection.execute(query).fetchone()[0], flush=True)
            sys.stdin.readline()
            print(connection.execute(query).fetchone()[0], flush=True)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        before = float(reader.stdout.readline())

        _build(published, _write_counts(tmp_path / "v2", {2023: (777, 40)}), real_dbt=True)

        reader.stdin.write("\n")
        reader.stdin.flush()
        after = float(reader.stdout.readline())
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    return RebuildUnderReader(published, before, after, reader.returncode)


def test_reader_holding_published_file_does_not_block_build(rebuilt_under_reader: RebuildUnderReader) -> None:
    """The rebuild under the reader is the real dbt's; the first build the stand-in's."""
    assert rebuilt_under_reader.reader_before == 300
    assert rebuilt_under_reader.reader_after == 300, "the open reader keeps its consistent snapshot"
    assert rebuilt_under_reader.reader_returncode == 0
    assert _almaty_arrivals(rebuilt_under_reader.published) == {2023: 777}, "a new connection sees the new build"


def test_views_of_the_published_file_can_be_read(rebuilt_under_reader: RebuildUnderReader) -> None:
    """dbt's views name the database's catalog, which DuckDB takes from the file name: it must survive the swap.
    The real dbt's views, in the file it published (rebuilt_under_reader)."""
    with duckdb.connect(str(rebuilt_under_reader.published), read_only=True) as connection:
        views = connection.execute(
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
        assert views, "the staging layer publishes views"
        for schema, view in views:
            connection.execute(f'select count(*) from "{schema}"."{view}"').fetchone()
        assert connection.execute("select arrivals from main.stg_almaty_counts").fetchall() == [(777,)]


def test_the_published_builds_semantic_manifest_is_left_where_mf_looks(tmp_path: Path) -> None:
    """`mf` run in the dbt project reads <project>/target/semantic_manifest.json: the publisher leaves the
    manifest of the build it published there (replacing the last one), and none for a project without metrics."""
    build = PrivateBuild(tmp_path / "build", "kz_migration.duckdb")
    build.target.mkdir(parents=True)
    project = tmp_path / "project"
    manifest = '{"semantic_models": [{"name": "yearly_flows"}], "metrics": []}'
    (build.target / "semantic_manifest.json").write_text(manifest)
    (project / "target").mkdir(parents=True)
    (project / "target" / "semantic_manifest.json").write_text('{"semantic_models": [{"name": "stale"}]}')
    publish_semantic_manifest(build, project)
    assert (project / "target" / "semantic_manifest.json").read_text() == manifest
    assert sorted(path.name for path in (project / "target").iterdir()) == ["semantic_manifest.json"]

    empty_project = tmp_path / "tiny"
    (build.target / "semantic_manifest.json").write_text('{"semantic_models": [], "metrics": []}')
    publish_semantic_manifest(build, empty_project)
    assert not (empty_project / "target").exists()


def test_the_last_published_build_keeps_what_dbt_wrote(tmp_path: Path) -> None:
    """After a publish, <build root>/last holds that build's dbt target (build_results.json) and nothing of its
    private life (owner file, official copy, database); the next publish replaces it, and no private folder is
    left beside it."""
    published = tmp_path / "kz_migration.duckdb"
    root = Paths.for_published(published).build_root
    for arrivals in (100, 300):
        _build(published, _write_counts(tmp_path / f"counts_{arrivals}", {2023: (arrivals, 40)}))
        last = root / LAST_BUILD
        results = json.loads((last / "target" / "build_results.json").read_text())["results"]
        assert {result["status"] for result in results} == {"success", "pass"}
        assert sorted(path.name for path in last.iterdir()) == ["target"]  # the stand-in writes no dbt log
        assert not _private_folders(published)
        assert sorted(path.name for path in root.iterdir()) == [LAST_BUILD]
        assert _almaty_arrivals(published) == {2023: arrivals}
