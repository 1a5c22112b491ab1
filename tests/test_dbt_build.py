"""warehouse/dbt_build.py: the parse sees the build's project, profile and vars, and nothing of its selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT
from warehouse.dbt_build import (
    PARTIAL_PARSE,
    _target_path,
    parse_arguments,
    parse_slot,
    read_results,
    write_results,
)


def test_the_parse_gets_the_project_and_vars_but_not_the_selection() -> None:
    build = [
        "--project-dir", "dbt_project", "--profiles-dir", ".", "--target-path=/tmp/t",
        "--exclude-resource-type", "unit_test", "--select", "+fct_yearly_flows", "--vars", "{crisis_start_year: 2021}",
        "--full-refresh", "--log-path", "/tmp/logs",
    ]
    assert parse_arguments(build) == [
        "--project-dir", "dbt_project", "--profiles-dir", ".", "--target-path=/tmp/t",
        "--vars", "{crisis_start_year: 2021}", "--log-path", "/tmp/logs",
    ]


def test_results_round_trip_and_a_missing_file_reads_as_none(tmp_path: Path) -> None:
    assert read_results(tmp_path) == []
    records = [{"unique_id": "model.p.m", "status": "success", "schema": "main", "alias": "m"}]
    write_results(tmp_path / "target", records)
    assert read_results(tmp_path / "target") == records
    assert [p.name for p in (tmp_path / "target").iterdir()] == ["build_results.json"]


# Three builds of a one-model project, each into a folder of its own as the publisher's are, in one child process
# (one start of dbt): the second reuses the first one's parse, the third parses the model that changed.
THREE_BUILDS = """
import json, os, sys
from pathlib import Path
from warehouse.dbt_build import build
project, root = Path(sys.argv[1]), Path(sys.argv[2])
for name, select in (("first", "1"), ("second", "1"), ("third", "2")):
    (project / "models" / "m.sql").write_text(f"select {select} as x\\n")
    os.environ["KZ_BUILD_PATH"] = str(root / name / "tiny.duckdb")
    code = build(["--project-dir", str(project), "--target-path", str(root / name / "target"),
                  "--log-path", str(root / name / "logs"), "--quiet"])
    assert code == 0, name
"""


def test_a_build_in_a_new_folder_reuses_the_last_parse_and_parses_what_changed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: parse_reuse\nversion: '1.0'\nconfig-version: 2\nprofile: kz_migration\nmodel-paths: [models]\n"
        "models:\n  parse_reuse:\n    +materialized: table\n"
    )
    cache, builds = tmp_path / "cache", tmp_path / "builds"
    env = {**os.environ, "KZ_DBT_PARSE_CACHE": str(cache), "DBT_PROFILES_DIR": str(REPO_ROOT), "DO_NOT_TRACK": "1",
           "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "python"), str(REPO_ROOT)])}
    done = subprocess.run([sys.executable, "-c", THREE_BUILDS, str(project), str(builds)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    def parsed_files(name: str) -> int:
        return json.loads((builds / name / "target" / "perf_info.json").read_text())["parsed_path_count"]

    def value(name: str) -> int:
        with duckdb.connect(str(builds / name / "tiny.duckdb"), read_only=True) as connection:
            return connection.execute("select x from m").fetchone()[0]

    assert parsed_files("first") >= 2  # dbt_project.yml and the model at least: nothing was kept yet
    assert parsed_files("second") == 0  # the same project and settings in another folder: nothing parsed again
    assert parsed_files("third") >= 1  # the changed model, parsed again
    assert (value("first"), value("second"), value("third")) == (1, 1, 2)
    # The slot keeps the parse only: the build path dbt was given while parsing is never opened.
    assert sorted(p.name for p in cache.rglob("*") if p.is_file()) == [PARTIAL_PARSE]


def test_other_settings_keep_their_parse_apart_and_the_output_folders_do_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KZ_EVALUATE", raising=False)
    base = ["--project-dir", "dbt_project", "--target-path", "/a/target", "--log-path", "/a/logs"]
    slot = parse_slot(base, tmp_path)
    assert slot is not None and slot.parent == tmp_path
    assert parse_slot(["--project-dir", "dbt_project", "--target-path=/b/t", "--log-path", "/b/l"], tmp_path) == slot
    others = [
        parse_slot([*base, "--vars", "{working_age_rule_set: statutory}"], tmp_path),
        parse_slot(["--project-dir", str(tmp_path)], tmp_path),
    ]
    monkeypatch.setenv("KZ_EVALUATE", "1")
    others.append(parse_slot(base, tmp_path))
    monkeypatch.delenv("KZ_EVALUATE")
    monkeypatch.setenv("KZ_BUILD_PATH", "/x/test.duckdb")  # another catalog name
    others.append(parse_slot(base, tmp_path))
    assert len({slot, *others}) == 5
    monkeypatch.setenv("KZ_DBT_PARSE_CACHE", "0")
    assert parse_slot(base) is None


def test_the_target_folder_is_where_dbt_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative to the project folder, as dbt resolves it (build_results.json and the kept parse go there)."""
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    monkeypatch.delenv("DBT_PROJECT_DIR", raising=False)
    assert _target_path(["--project-dir", "dbt_project"]) == Path("dbt_project/target")
    assert _target_path(["--project-dir=p", "--target-path", "t"]) == Path("p/t")
    assert _target_path(["--project-dir", "p", "--target-path=/abs/t"]) == Path("/abs/t")
    assert _target_path([]) == Path("target")
    monkeypatch.setenv("DBT_TARGET_PATH", "elsewhere")
    assert _target_path(["--project-dir", "p"]) == Path("p/elsewhere")
