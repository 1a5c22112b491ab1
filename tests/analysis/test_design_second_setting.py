"""A build with another design moves the marts, the claims and the analysis together.

One extra build, into a throwaway folder, with the crisis a year earlier (2021) and Astana (71) as the treated
region, both given as dbt vars on the command line (the design's one home is dbt_project.yml's vars). Every check
compares the warehouse with what that setting implies, computed here from the same warehouse's flows and panel.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from analysis.causal.ensemble_spread import OTHER_DESIGN, ensemble_spread
from analysis.causal.headline import causal_headline_html
from analysis.causal.run import design_input, run_design
from analysis.design import read_design
from analysis.marts import load_marts
from analysis.report.causal_section import causal_section_html
from analysis.report.cells import html_table
from analysis.report.content import almaty_flow_table, analyse
from analysis.report.page import render_html
from analysis.report.paper_figures import _treated, figure_working_age_flows
from claims.replication import DEFAULT_CLAIMS, load_claims
from tests.conftest import REPO_ROOT, default_counts_dir
from warehouse.publish import build_and_publish

CRISIS, TREATED = 2021, "71"
DEFAULTS = yaml.safe_load((REPO_ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


@pytest.fixture(scope="module")
def other_setting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (DEFAULTS["crisis_start_year"], DEFAULTS["treated_region_code"]) != (CRISIS, TREATED)
    folder = tmp_path_factory.mktemp("other_design")
    return build_and_publish(
        folder / "kz_migration.duckdb",
        dbt_args=[
            "--vars",
            f"{{crisis_start_year: {CRISIS}, treated_region_code: '{TREATED}'}}",
            "--exclude-resource-type",
            "unit_test",
        ],
        env={"KZ_COUNTS_DIR": str(default_counts_dir()), "KZ_DBT_EXECUTABLE": ""},
    )


def _query(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).df()


def test_the_design_and_the_settings_say_the_setting(other_setting):
    with duckdb.connect(str(other_setting), read_only=True) as connection:
        design = read_design(connection)
        settings = connection.execute("select crisis_start_year, treated_region_code from dim_build_settings").df()
    assert (design.crisis_start_year, design.reference_year) == (CRISIS, CRISIS - 1)
    assert design.treated_region_code == TREATED
    assert design.control_region_codes == tuple(DEFAULTS["control_region_codes"])
    assert settings.iloc[0].tolist() == [CRISIS, TREATED]


def test_the_panels_and_the_regions_mark_the_setting(other_setting):
    panel = _query(
        other_setting, "select region_code, year, is_treated, is_post, is_control from fct_region_year_panel"
    )
    assert set(panel.loc[panel.is_treated, "region_code"]) == {TREATED}
    assert (panel["is_post"] == (panel["year"] >= CRISIS)).all()
    assert set(panel.loc[panel.is_control, "region_code"]) == set(DEFAULTS["control_region_codes"])
    regions = _query(other_setting, "select region_code from dim_regions where is_treated_region")
    assert regions["region_code"].tolist() == [TREATED]


def test_the_claims_follow_the_treated_region_and_the_crisis_year(other_setting):
    values = _query(other_setting, "select claim_id, value_number from intermediate.int_claim_values").set_index(
        "claim_id"
    )["value_number"]
    flows = _query(
        other_setting,
        f"select year, arrivals, departures from fct_yearly_flows "
        f"where region_code = '{TREATED}' and age_scope_code = 'working_age'",
    ).set_index("year")
    # C01: arrivals per departure in 2023; C12: ratio of the sums over the seed's period P2003_2013.
    assert values["C01"] == pytest.approx(flows.at[2023, "arrivals"] / flows.at[2023, "departures"], rel=1e-12)
    regime = flows.loc[2003:2013]
    assert values["C12"] == pytest.approx(regime["arrivals"].sum() / regime["departures"].sum(), rel=1e-12)
    # C64: the DiD of the treated region against the controls, post from the new crisis year.
    panel = _query(other_setting, "select * from intermediate.int_claim_did_panel")
    assert set(panel["region_code"]) == {TREATED, *DEFAULTS["control_region_codes"]}
    panel["post"] = panel["year"] >= CRISIS
    change = panel.groupby("region_code").apply(
        lambda rows: rows.loc[rows.post, "net_migration_working_age"].mean()
        - rows.loc[~rows.post, "net_migration_working_age"].mean(),
        include_groups=False,
    )
    controls = change.drop(TREATED).mean()
    assert values["C64"] == pytest.approx(change[TREATED] - controls, rel=1e-9)


def test_the_analysis_reads_the_setting(other_setting):
    tables = load_marts(other_setting)
    assert _treated(tables) == TREATED
    table = almaty_flow_table(tables)
    flows = tables["fct_yearly_flows"]
    expected = flows[(flows.region_code == TREATED) & (flows.age_scope_code == "working_age")].sort_values("year")
    shown = table.set_index("year")["working-age arrivals"].dropna().astype(float)
    assert shown.to_dict() == expected.set_index("year")["arrivals"].astype(float).to_dict()
    result = run_design(design_input(tables, "paper"), "paper", "net_migration_working_age", with_synthetic=False)
    assert set(result.regions) == {TREATED, *DEFAULTS["control_region_codes"]}
    assert result.post_years[0] == CRISIS
    assert result.event_study is not None
    coefficients = result.event_study.coefficients
    # The reference year (relative year 0) is the year before the crisis.
    assert ((coefficients["year"] - coefficients["relative_year"]) == CRISIS - 1).all()


def test_the_report_names_the_setting(other_setting):
    """Titles and prose name the build's treated region and crisis year, read from the seed, not Almaty or 2022."""
    regions = pd.read_csv(REPO_ROOT / "dbt_project" / "seeds" / "regions.csv", dtype=str).set_index("region_code")
    treated = regions.at[TREATED, "region_short_name_en"]
    controls = [regions.at[code, "region_short_name_en"] for code in DEFAULTS["control_region_codes"]]
    tables = load_marts(other_setting)
    content = analyse(tables, load_claims(DEFAULT_CLAIMS), "other", with_figures=False)
    page = render_html(content)
    assert f"<h1>External migration of {treated}'s working-age population" in page
    assert f"<h2>{html.escape(treated)}&#x27;s working-age flows</h2>" in page
    assert f"{treated} vs {controls[0]} and {controls[1]}" in page
    assert f"Causal estimate of the {CRISIS} shock" in page
    assert f"Did {treated} turn from a net sender" in page
    causal = causal_section_html(content) + causal_headline_html(
        content.causal, {}, html_table, later=content.later_years, reconstruction=content.reconstruction
    )
    assert f"{treated}'s net working-age migration" in causal
    # The default design's names and years are nowhere in the causal sections (Almaty city is only a control).
    for stale in ("Almaty's", "Almaty vs", "post = 2022", "relative to 2021", "pre-2022", "post-2021"):
        assert stale not in causal, stale
    # The ensemble was computed with the default design: its spread is not shown as this setting's.
    assert not tables["fct_reconstruction_ensemble_estimates"]["is_build_design"].any()
    assert set(ensemble_spread(tables).values()) == {OTHER_DESIGN}
    headline = causal_headline_html(content.causal, ensemble_spread(tables), html_table)
    assert OTHER_DESIGN in headline and " members)" not in headline
    # The figures shade the crisis from the setting's year and title the treated region.
    figure = figure_working_age_flows(tables)
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert figure.axes[0].get_title().startswith(f"{treated}: ")
    assert any(label.startswith(f"crisis and after, {CRISIS}–") for label in legend), legend
