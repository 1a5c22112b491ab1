"""Numbers the README and docs state about the warehouse, checked against the warehouse the build produces.

Each test reads a statement out of the prose (by a pattern that fails when the statement disappears) and
compares it with the built file, the dbt target or the report's own code: a doc that drifts fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.marts import data_provenance, load_marts
from analysis.report.content import ReportContent
from analysis.report.page import _banner

from .conftest import REPO_ROOT, SessionBuild

README = REPO_ROOT / "README.md"
MARTS_DOC = REPO_ROOT / "docs" / "marts.md"
INGEST_DOC = REPO_ROOT / "docs" / "ingest.md"


@pytest.fixture(scope="module")
def connection(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


def _marts(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()
    return {str(r[0]) for r in rows}


def _found(pattern: str, text: str, where: str) -> list[str]:
    found = re.findall(pattern, text)
    assert found, f"{where} no longer states {pattern!r}: update this test with the doc"
    return found


def test_mart_counts_and_keys_in_the_readme(connection: duckdb.DuckDBPyConnection) -> None:
    marts = _marts(connection)
    keyed = {
        str(r[0])
        for r in connection.execute(
            "select distinct table_name from duckdb_constraints() where schema_name = 'main' "
            "and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    }
    readme = README.read_text(encoding="utf-8")
    for stated in _found(r"all (\d+) marts", readme, "README.md"):
        assert int(stated) == len(marts), f"README says all {stated} marts; the warehouse has {len(marts)}"
    assert keyed == marts  # the README says every mart has its key


def test_every_mart_is_listed_in_docs_marts(connection: duckdb.DuckDBPyConnection) -> None:
    listed = set(re.findall(r"^\| `((?:fct|dim)_[a-z0-9_]+)` \|", MARTS_DOC.read_text(encoding="utf-8"), flags=re.M))
    marts = _marts(connection)
    assert listed == marts, f"undocumented: {marts - listed}; no longer built: {listed - marts}"


def test_the_metric_count_in_docs_marts(session_build: SessionBuild) -> None:
    manifest = json.loads((session_build.target / "semantic_manifest.json").read_text(encoding="utf-8"))
    (stated,) = _found(r"(\d+) metrics over the marts", MARTS_DOC.read_text(encoding="utf-8"), "docs/marts.md")
    assert int(stated) == len(manifest["metrics"])


def test_the_metricflow_example_output_in_docs_marts(connection: duckdb.DuckDBPyConnection) -> None:
    """The documented `mf query` output: one row per paper regime, and the unlabelled years after them."""
    text = MARTS_DOC.read_text(encoding="utf-8")
    block = text[text.index("# metric_time__paper_regime ") :]
    rows = re.findall(r"^# (\d{4})–\d{4} +([\d.]+)|^# \d{4} and later \(outside the periods\) +([\d.]+)",
                      block.split("\n\n")[0], flags=re.M)
    periods = connection.execute(
        "select start_year, arrivals_per_departure from fct_period_flows where region_code = '75' "
        "and age_scope_code = 'working_age' and period_set_code = 'paper_regimes' order by start_year"
    ).fetchall()
    after = connection.execute(
        "select sum(arrivals) / sum(departures) from fct_yearly_flows where region_code = '75' "
        "and age_scope_code = 'working_age' and year > (select max(end_year) from fct_period_flows "
        "where period_set_code = 'paper_regimes')"
    ).fetchone()
    expected = [(str(year), value) for year, value in periods] + ([("", after[0])] if after and after[0] else [])
    assert len(rows) == len(expected), (rows, expected)
    for (year, value, unlabelled), (expected_year, expected_value) in zip(rows, expected, strict=True):
        assert year == expected_year
        assert float(value or unlabelled) == pytest.approx(float(expected_value), rel=5e-6)


def test_the_banner_share_quoted_in_docs_ingest(built_warehouse: Path) -> None:
    text = " ".join(INGEST_DOC.read_text(encoding="utf-8").split())
    pattern = r"\((\d+) of ([\d,]+) migration cells, which it prints as `([^`]+)`\)"
    ((official, total, printed),) = re.findall(pattern, text)
    provenance = data_provenance(load_marts(built_warehouse, ["dim_data_sources"]))
    cells = int(provenance["modeled_cells"].sum() + provenance["published_cells"].sum())
    assert int(total.replace(",", "")) == cells
    # The banner as the report draws it when that many cells are official.
    shown = provenance.assign(official_cells=[int(official)] + [0] * (len(provenance) - 1))
    content = ReportContent("w", True, shown, *([pd.DataFrame()] * 4), [], pd.DataFrame(), pd.DataFrame(), [], [])
    assert f"{int(official):,} of {cells:,} migration cells ({printed})" in _banner(content)


def test_make_help_lists_every_target_with_a_description() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    phony = " ".join(re.findall(r"^\.PHONY:((?:.*\\\n)*.*)", makefile, flags=re.M)).replace("\\\n", " ").split()
    shown = subprocess.run(["make", "--no-print-directory", "help"], cwd=REPO_ROOT, capture_output=True, text=True,
                           check=True).stdout
    # A target's line is `  name<padding>description`, or the name alone with the description on the next line.
    entries: list[list[str]] = []
    for line in shown.splitlines():
        if line.startswith("    "):
            entries[-1].append(line.strip())
        else:
            entries.append([part for part in re.split(r" {2,}", line.strip(), maxsplit=1) if part])
    assert all(len(entry) == 2 for entry in entries), [e for e in entries if len(e) != 2]
    names = set(re.findall(r"[a-z][a-z-]+", " ".join(name for name, _ in entries)))
    missing = [t for t in phony if t != "FORCE" and t not in names]
    assert not missing, f"make help does not list: {missing}"
