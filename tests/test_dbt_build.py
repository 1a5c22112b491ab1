"""warehouse/dbt_build.py: the parse sees the build's project, profile and vars, and nothing of its selection."""

from __future__ import annotations

from pathlib import Path

from warehouse.dbt_build import parse_arguments, read_results, write_results


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
