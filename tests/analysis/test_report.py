"""The whole analysis end to end on a constructed warehouse: report, replication CSV and mart, CLI."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.__main__ import main
from analysis.report.content import ReportContent, almaty_regime_table, analyse
from analysis.report.page import _rule_set_note, render_html
from analysis.report.replication_section import replication_columns
from claims.replication import REPLICATION_TABLE, load_claims

from .claim_sql import replication_mart
from .mart_fixtures import ARRIVALS, COUNTRIES, DEPARTURES, RUS_ARR, YEARS, study_design, write_warehouse
from .test_series_and_causal import marts_with_territories


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The region panel (paper design) and the constant-borders territory panel (all-regions design), with the
    # replication mart as dbt builds it from them.
    marts = marts_with_territories()
    marts = {**marts, REPLICATION_TABLE: replication_mart(marts)}
    return write_warehouse(marts, tmp_path_factory.mktemp("warehouse") / "kz_migration.duckdb")


@pytest.fixture(scope="module")
def report_dir(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    assert main(["--warehouse", str(warehouse), "report", "--out", str(out)]) == 0
    return out


def test_report_is_one_self_contained_page_with_the_reconstruction_banner(report_dir: Path):
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert "Bundled reconstruction, not official data" in page
    # Every image is embedded; nothing refers to a file beside the page.
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) >= 9
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"""src=["'](?!data:)""", page)
    # Links point inside the page or at the downloads written beside it (the exported marts, the CSVs).
    targets = re.findall(r"""href=["']([^"']+)["']""", page)
    assert targets and all(t.startswith(("#", "data/", "replication.csv", "contradictions.csv")) for t in targets)
    for section in ("id='causal'", "id='replication'", "smallest attainable"):
        assert section in page


def test_every_claim_is_in_the_replication_csv_with_the_expected_outcomes(report_dir: Path):
    replication = pd.read_csv(report_dir / "replication.csv", dtype=str, keep_default_na=False)
    claims = load_claims()
    assert list(replication["claim_id"]) == list(claims["claim_id"])
    status = replication.set_index("claim_id")["status"]
    # Outcomes known from the constructed numbers, not from the code under test:
    assert DEPARTURES[2023] == 888 and status["C03"] == "reproduced"  # exact 888
    assert round(ARRIVALS[2023] / DEPARTURES[2023], 1) != 6.5 and status["C01"] == "not_reproduced"
    assert DEPARTURES[2000] / ARRIVALS[2000] == 3.6 and status["C09"] == "reproduced"
    assert status["C07"] == "reproduced" and status["C08"] == "reproduced"  # regimes built to match
    assert status["C51"] == "not_computable"  # no national education rows
    assert status["C63"] == "not_computable"
    r = np.corrcoef(RUS_ARR, sum(c[4] for c in COUNTRIES))[0, 1]
    computed = float(replication.set_index("claim_id").loc["C22", "computed_value"])
    assert computed == pytest.approx(r, abs=1e-4)


def test_contradictions_are_listed_once_per_pair(report_dir: Path):
    pairs = pd.read_csv(report_dir / "contradictions.csv", dtype=str)
    claims = load_claims()
    expected = {
        tuple(sorted((row.claim_id, other.strip())))
        for row in claims.itertuples()
        for other in row.contradicts.split(";")
        if other.strip()
    }
    assert set(zip(pairs["claim_id"], pairs["contradicted_claim_id"], strict=True)) == expected


def test_the_replication_csv_is_the_mart_of_the_warehouse(warehouse: Path, report_dir: Path):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        mart = connection.execute(f"select * from {REPLICATION_TABLE} order by claim_id").df()
    csv = pd.read_csv(report_dir / "replication.csv", dtype=str, keep_default_na=False)
    assert len(mart) == len(csv) == 64
    assert list(mart["status"]) == list(csv.sort_values("claim_id")["status"])
    assert list(mart["computed_value"]) == list(csv.sort_values("claim_id")["computed_value"])
    assert mart["data_is_reconstruction"].all()


def test_cli_correlates_named_series(warehouse: Path, capsys: pytest.CaptureFixture[str]):
    total = sum(c[4] for c in COUNTRIES).astype(float)
    assert main(["--warehouse", str(warehouse), "correlate", "almaty.arrivals.RUS", "almaty.arrivals.total"]) == 0
    output = capsys.readouterr().out
    r = float(re.search(r"Pearson r = (-?[\d.]+)", output).group(1))  # type: ignore[union-attr]
    assert r == pytest.approx(np.corrcoef(RUS_ARR, total)[0, 1], abs=1e-3)
    assert f"n = {len(YEARS)} years" in output


def test_cli_rejects_an_unknown_series(warehouse: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--warehouse", str(warehouse), "correlate", "almaty.sideways.RUS", "almaty.arrivals.total"]) == 2
    assert "direction must be one of" in capsys.readouterr().err


def test_cli_reports_a_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--warehouse", str(tmp_path / "absent.duckdb"), "report", "--out", str(tmp_path)]) == 1
    assert "does not exist" in capsys.readouterr().err


def _cells(page: str) -> list[str]:
    return [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", page)]


def _p_value_cells(page: str) -> list[str]:
    """Every table cell under a p-value heading (p_value, pearson_p, placebo_space_min_p, …)."""
    cells = []
    for table in re.findall(r"<table[^>]*>.*?</table>", page, flags=re.S):
        heads = [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
        for row in re.findall(r"<tr>(.*?)</tr>|<tr [^>]*>(.*?)</tr>", table):
            values = _cells("".join(row))
            if values:  # the heading row has no <td>
                cells += [
                    v
                    for h, v in zip(heads, values, strict=True)
                    if h == "p_value" or h.endswith(("_p", " p", "p (not valid)"))
                ]
    return cells


def test_causal_section_states_panels_verdicts_and_the_paper_design_limit(report_dir: Path):
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    causal = page[page.index("id='causal'") : page.index("id='replication'")]
    assert "<code>fct_region_year_panel</code>" in causal and "<code>fct_territory_year_panel</code>" in causal
    assert "p-value can only be 1/3 or 1" in causal
    headline = page[page.index("id='headline'") : page.index("id='flows'")]
    verdicts = [c for c in _cells(headline) if c.startswith(("rejected (p ", "not rejected (p ", "not testable (p "))]
    assert len(verdicts) == 4  # one per design × outcome, in the table a reader sees first
    # the paper design's two controls: the placebo pre-trend test can never reach 10% (min p 1/3), and says so
    assert sum(v.startswith("not testable (p ") and v.endswith("min 0.333)") for v in verdicts) == 2
    assert "not estimated" not in causal  # every step ran on both panels


def test_p_values_below_one_in_a_thousand_read_less_than_never_zero(report_dir: Path):
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    # Russia vs total arrivals (the paper's first pair): its Pearson p, computed here with scipy, is tiny.
    assert stats.pearsonr(RUS_ARR, sum(c[4] for c in COUNTRIES)).pvalue < 0.001
    correlations = page[page.index("id='correlations'") : page.index("id='causal'")]
    assert "< 0.001" in _cells(correlations)
    p_cells = _p_value_cells(page)
    assert len(p_cells) > 30 and "< 0.001" in p_cells
    assert not any(re.search(r"(?<![\d.])0\.000(?!\d)", cell) for cell in p_cells)
    assert not re.search(r"p = 0\.000\b", html.unescape(page))


def test_replication_section_shows_whatever_columns_replication_produces(warehouse: Path):
    tables = marts_with_territories()
    content = analyse(tables, load_claims(), str(warehouse), with_figures=False)
    extended = content.replication.drop(columns=["topic"]).assign(reviewer_note="checked by hand")
    shown = replication_columns(extended)
    assert list(shown.columns[:3]) == ["claim_id", "period", "measure"]
    assert "reviewer_note" in shown.columns and "data_is_reconstruction" not in shown.columns
    page = render_html(dataclasses.replace(content, replication=extended))
    section = page[page.index("id='replication'") : page.index("id='sources'")]
    assert "<dt>reviewer note</dt>" in section  # in each claim's details, with a human name
    assert section.count("checked by hand") == len(extended)


def test_report_names_the_working_age_rule_set_and_warns_when_it_is_not_the_papers() -> None:
    def note(rule_set: str | None) -> str:
        content = ReportContent(
            warehouse="w",
            reconstruction=True,
            provenance=pd.DataFrame(),
            almaty_flows=pd.DataFrame(),
            almaty_regimes=pd.DataFrame(),
            correlations=pd.DataFrame(),
            causal=[],
            replication=pd.DataFrame(),
            contradictions=pd.DataFrame(),
            paper_figures=[],
            causal_figures=[],
            working_age_rule_set=rule_set,
        )
        return _rule_set_note(content)

    assert "paper_2025" in note("paper_2025") and "banner" not in note("paper_2025")
    assert "banner" in note("statutory") and "statutory" in note("statutory")
    assert "not recorded" in note(None)


def test_regime_table_shows_almatys_working_age_regimes_in_order() -> None:
    regimes = pd.DataFrame(
        {
            "region_code": ["75", "75", "75", "31"],
            "age_scope_code": ["working_age", "working_age", "all_ages", "working_age"],
            "regime_number": [2, 1, 1, 1],
            "regime_direction": ["net_inflow", "net_outflow", "net_outflow", "net_outflow"],
            "start_year": [2003, 2000, 2000, 2000],
            "end_year": [2013, 2002, 2023, 2023],
            "length_years": [11, 3, 24, 24],
            "arrivals": [10.0, 1.0, 5.0, 5.0],
            "departures": [5.0, 2.0, 9.0, 9.0],
            "net_migration": [5.0, -1.0, -4.0, -4.0],
            "arrivals_per_departure": [2.0, 0.5, 0.6, 0.6],
            "avg_of_yearly_departures_per_arrival": [0.5, 2.0, 1.8, 1.8],
        }
    )
    table = almaty_regime_table({"fct_net_migration_regimes": regimes, "dim_study_design": study_design()})
    assert list(table["first year"]) == [2000, 2003]
    assert list(table["direction"]) == ["net outflow", "net inflow"]
    assert almaty_regime_table({}).empty


def test_no_machine_path_in_what_the_report_writes(warehouse: Path, report_dir: Path):
    """A report is shared: the warehouse is named by its file, never by where it sits on the writer's disk."""
    machine = str(warehouse.parent.resolve())
    for written in report_dir.rglob("*"):
        if written.suffix in (".html", ".csv"):
            assert machine not in written.read_text(encoding="utf-8"), written.name
    assert warehouse.name in (report_dir / "index.html").read_text(encoding="utf-8")


def test_a_shared_name_is_relative_under_the_working_directory_and_bare_outside(tmp_path: Path):
    from analysis.__main__ import shareable_name

    inside = tmp_path / "warehouse" / "kz_migration.duckdb"
    assert shareable_name(inside, base=tmp_path) == "warehouse/kz_migration.duckdb"
    assert shareable_name(inside, base=tmp_path / "elsewhere") == "kz_migration.duckdb"


def test_the_brief_answer_quotes_the_headlines_own_test(warehouse: Path, report_dir: Path):
    """The summary line on the crisis and the headline table use one test: the studentised placebo in space."""
    from analysis.causal.formatting import format_p_value
    from analysis.causal.run import run_all
    from analysis.marts import load_marts

    page = (report_dir / "index.html").read_text(encoding="utf-8")
    answers = page[page.index("class='answers'"):]
    answers = answers[: answers.index("</ul>")]
    quoted = 0
    for result in run_all(load_marts(warehouse)):
        if result.did is None or result.studentised is None or "per_1000" in result.outcome:
            continue
        assert f"studentised placebo-in-space p {format_p_value(result.studentised.p_value)}" in answers
        quoted += 1
    assert quoted >= 1
