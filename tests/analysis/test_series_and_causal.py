"""Named series read the right mart rows; the causal designs select the right regions and years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from analysis.causal.details import follow_up_sentence
from analysis.causal.headline import headline_table
from analysis.causal.labels import DesignNames
from analysis.causal.results import DesignFacts
from analysis.causal.run import (
    TERRITORY_PANEL,
    design_input,
    design_panel,
    run_all,
    run_design,
    units_with_moved_borders,
)
from analysis.causal.verdicts import estimates_table, format_p_value, pretrend_verdict
from analysis.marts import load_marts
from analysis.series import UnknownSeries, parse_series_name, yearly_series
from estimators.did import event_study
from tests.conftest import REPO_ROOT

from .conftest import make_panel
from .mart_fixtures import ARRIVALS, COUNTRIES, DEPARTURES, RESIDENTS, TREATMENT_EFFECT, YEARS, report_marts

# Territories with constant 2000–2023 borders and the regions each is made of (as fct_territory_year_panel).
TERRITORY_MEMBERS = {
    "75": "75",
    "31": "31",
    "27": "27",
    "11": "11",
    "19": "19 33",
    "35": "35 62",
    "63": "10 63",
    "51": "51 61 79",
}


def territory_panel() -> pd.DataFrame:
    """A fct_territory_year_panel for the test warehouse (the real mart is built by dbt).

    Almaty, Zhambyl and West Kazakhstan are copied from the region panel (their borders never moved);
    the other territories get their own series, so the all-regions design gives a different DiD from the
    region panel and a test can tell which panel a design read.
    """
    regions = report_marts()["fct_region_year_panel"].set_index(["region_code", "year"])
    rng = np.random.default_rng(17)
    year_effect = np.cumsum(rng.normal(0.0, 40.0, len(YEARS)))
    rows = []
    for code, members in TERRITORY_MEMBERS.items():
        level = rng.normal(0.0, 300.0)
        residents = RESIDENTS * len(members.split())
        for k, year in enumerate(YEARS):
            if code in ("75", "31", "27"):
                net = float(regions.loc[(code, int(year)), "net_migration_working_age"])
                residents = RESIDENTS
            else:
                net = level + year_effect[k] + rng.normal(0.0, 25.0)
            rows.append(
                {
                    "territory_code": code,
                    "territory_name_en": f"territory {code}",
                    "member_region_codes": members,
                    "year": int(year),
                    "net_migration_working_age": net,
                    "net_migration_working_age_per_1000_residents": 1000.0 * net / residents,
                    "residents_on_1_january": residents,
                    "is_treated": code == "75",
                    "is_bordering_russia": code in ("15", "23", "27", "39", "55", "59", "63"),
                    "is_post": bool(year >= 2022),
                }
            )
    return pd.DataFrame(rows)


def marts_with_territories() -> dict[str, pd.DataFrame]:
    return {**report_marts(), TERRITORY_PANEL: territory_panel()}


def _two_by_two(panel: pd.DataFrame, region_column: str, outcome: str) -> float:
    """(post − pre mean) of the treated unit minus that of the controls: the TWFE DiD of a balanced panel."""
    means = panel.groupby(["is_treated", "is_post"])[outcome].mean()
    assert panel.groupby(region_column).size().nunique() == 1  # balanced, so the identity holds
    return (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])


@pytest.fixture(scope="module")
def marts() -> dict[str, pd.DataFrame]:
    return report_marts()


def _country(code: str) -> tuple:
    return next(c for c in COUNTRIES if c[0] == code)


def test_series_from_each_mart(marts):
    working = yearly_series(marts, "almaty.arrivals.working_age")
    assert list(working.index) == list(YEARS)
    assert working.to_dict() == {int(y): float(ARRIVALS[y]) for y in YEARS}
    net = yearly_series(marts, "75.net.working_age")
    assert net[2000] == ARRIVALS[2000] - DEPARTURES[2000]
    germany = _country("DEU")
    assert yearly_series(marts, "almaty.departures.DEU").tolist() == [float(v) for v in germany[5]]
    assert yearly_series(marts, "almaty.net.deu")[2010] == germany[4][10] - germany[5][10]
    cis = sum(c[5] for c in COUNTRIES if c[2] == "CIS")
    assert yearly_series(marts, "almaty.departures.CIS").tolist() == pytest.approx(cis.tolist())
    non_cis = sum(c[4] for c in COUNTRIES if c[2] != "CIS")
    assert yearly_series(marts, "almaty.arrivals.NON_CIS").tolist() == pytest.approx(non_cis.tolist())
    higher = yearly_series(marts, "almaty.departures.education.higher")
    assert higher[2023] == pytest.approx(0.6 * DEPARTURES[2023])
    technical = yearly_series(marts, "almaty.arrivals.specialty.technical")
    assert technical.to_dict() == {2022: 300.0, 2023: 300.0}


@pytest.mark.parametrize(
    "name, message",
    [
        ("almaty.arrivals", "must be REGION.DIRECTION.WHAT"),
        ("atlantis.arrivals.total", "unknown region"),
        ("almaty.inflow.total", "direction must be one of"),
        ("almaty.arrivals.education", "needs a code"),
        ("almaty.arrivals.total.extra", "only education and specialty"),
        ("almaty.arrivals.russia", "WHAT must be"),
    ],
)
def test_bad_series_names_are_refused_with_the_reason(name, message):
    with pytest.raises(UnknownSeries, match=message):
        parse_series_name(name)


def test_a_country_absent_from_the_mart_is_refused(marts):
    with pytest.raises(UnknownSeries, match="has no rows"):
        yearly_series(marts, "almaty.arrivals.FRA")


def test_paper_design_uses_almaty_and_its_two_controls_only(marts):
    panel = marts["fct_region_year_panel"]
    rows = design_panel(panel, "paper", "net_migration_working_age")
    assert set(rows["region_code"]) == {"75", "31", "27"}
    result = run_design(panel, "paper", "net_migration_working_age")
    assert result.placebo_space is not None and result.placebo_space.n_placebos == 2
    assert result.placebo_space.min_attainable_p == pytest.approx(1 / 3)
    assert result.synthetic is None  # two donors: no synthetic control in the paper design
    assert result.did is not None and result.did.estimate == pytest.approx(TREATMENT_EFFECT, rel=0.05)


def test_all_regions_design_recovers_the_effect_with_permutation_inference(marts):
    panel = marts["fct_region_year_panel"]
    result = run_design(panel, "all_regions", "net_migration_working_age_per_1000_residents")
    assert not result.problems
    assert result.did is not None and result.did.estimate == pytest.approx(TREATMENT_EFFECT / 1000, rel=0.05)
    # The effect dwarfs the noise: Almaty ranks first among the 7 controls, and the synthetic control's
    # post/pre RMSPE ratio is the largest of all placebos.
    assert result.placebo_space is not None
    assert result.placebo_space.p_value == pytest.approx(result.placebo_space.min_attainable_p) == pytest.approx(1 / 8)
    assert result.synthetic is not None and result.synthetic.p_value == pytest.approx(1 / 8)
    assert result.synthetic.fit.weights.sum() == pytest.approx(1.0)
    table = estimates_table([result]).set_index("method")
    assert table.loc["synthetic_control", "min_attainable_p"] == pytest.approx(1 / 8)
    assert table.loc["synthetic_control", "n_placebos"] == 7 and (table["design"] == "all_regions").all()
    assert table.loc["twfe_did", "estimate"] == result.did.estimate
    assert table.loc["twfe_did", "ci_low"] == result.did.interval.low


def test_a_panel_without_the_treated_region_is_reported_not_raised(marts):
    panel = marts["fct_region_year_panel"]
    result = run_design(panel[panel["region_code"] != "75"], "all_regions", "net_migration_working_age")
    assert "panel" in result.problems and result.did is None
    assert result.estimates == {} and estimates_table([result]).empty


def test_each_design_reads_its_own_panel():
    tables = marts_with_territories()
    results = {(r.design, r.outcome): r for r in run_all(tables)}
    outcome = "net_migration_working_age"
    paper, everyone = results["paper", outcome], results["all_regions", outcome]
    assert paper.panel_mart == "fct_region_year_panel" and everyone.panel_mart == TERRITORY_PANEL
    assert paper.regions == ("27", "31", "75")
    assert everyone.regions == tuple(sorted(TERRITORY_MEMBERS))
    region_rows = tables["fct_region_year_panel"]
    paper_rows = region_rows[region_rows.region_code.isin(["75", "31", "27"])]
    assert paper.did.estimate == pytest.approx(_two_by_two(paper_rows, "region_code", outcome), rel=1e-9)
    territories = tables[TERRITORY_PANEL]
    assert everyone.did.estimate == pytest.approx(_two_by_two(territories, "territory_code", outcome), rel=1e-9)
    # The two panels hold different controls, so reading the wrong one would show.
    assert _two_by_two(region_rows, "region_code", outcome) != pytest.approx(everyone.did.estimate, rel=1e-3)
    assert everyone.synthetic is not None and everyone.synthetic.n_placebos == len(TERRITORY_MEMBERS) - 1
    assert (estimates_table([everyone])["panel"] == TERRITORY_PANEL).all()


def test_without_the_territory_mart_the_all_regions_design_says_why_and_does_not_fall_back(marts):
    results = run_all(marts)  # report_marts has only the region panel
    all_regions = [r for r in results if r.design == "all_regions"]
    assert len(all_regions) == 2
    for result in all_regions:
        assert result.did is None and result.synthetic is None and result.regions == ()
        assert "fct_territory_year_panel is not in the warehouse" in result.problems["panel"]
    assert all(r.did is not None for r in results if r.design == "paper")


def test_all_regions_design_refuses_a_panel_with_regions_created_by_border_changes(marts):
    panel = marts["fct_region_year_panel"].assign(region_first_year=1991, region_last_year=None)
    # A region panel as published: Abai (10) appears in 2022 beside its parent, South Kazakhstan (51) ends in
    # 2016 (here any region's rows will do); each region's first and last year as the mart carries them.
    abai = panel[(panel.region_code == "11") & (panel.year >= 2022)].assign(region_code="10", region_first_year=2022)
    south = panel[(panel.region_code == "11") & (panel.year <= 2016)].assign(region_code="51", region_last_year=2016)
    split = pd.concat([panel, abai, south], ignore_index=True)
    with pytest.raises(ValueError, match=r"abolished by a border change \(10, 51\).*fct_territory_year_panel"):
        design_panel(split, "all_regions", "net_migration_working_age")
    assert units_with_moved_borders(panel) == []
    assert set(design_panel(split, "paper", "net_migration_working_age").region_code) == {"75", "31", "27"}


@pytest.mark.parametrize(
    "p, shown",
    [(0.0, "< 0.001"), (0.0004, "< 0.001"), (0.00099, "< 0.001"), (0.001, "0.001"), (0.0123, "0.012"), (1.0, "1.000")],
)
def test_p_values_below_one_in_a_thousand_are_never_shown_as_zero(p, shown):
    assert format_p_value(p) == shown
    assert format_p_value(float("nan")) == "" and format_p_value(None) == ""


def test_pretrend_verdict_states_the_decision_and_the_p_values():
    diverging = make_panel(seed=5, effect=8.0, treated_pretrend_slope=0.8)
    # The slope test computed independently: pre-period rows, region and year effects, treated × year.
    pre = diverging[~diverging.is_post].assign(trend=lambda f: f.is_treated * (f.year - f.year.mean()))
    slope_p = smf.ols("net ~ trend + C(region_code) + C(year)", data=pre).fit().pvalues["trend"]
    assert slope_p < 0.001
    verdict = pretrend_verdict(event_study(diverging, "net").pre_trend)
    assert verdict.startswith("parallel pre-trends rejected at 0.05 (")
    assert "slope p < 0.001" in verdict
    parallel = make_panel(seed=4, effect=8.0)
    parallel_pre = parallel[~parallel.is_post].assign(trend=lambda f: f.is_treated * (f.year - f.year.mean()))
    parallel_slope_p = smf.ols("net ~ trend + C(region_code) + C(year)", data=parallel_pre).fit().pvalues["trend"]
    verdict = pretrend_verdict(event_study(parallel, "net").pre_trend)
    assert verdict.startswith("parallel pre-trends not rejected")
    assert f"slope p = {parallel_slope_p:.3f}" in verdict
    results = [r for r in run_all(marts_with_territories()) if r.event_study is not None]
    assert results and all(pretrend_verdict(r.event_study.pre_trend).startswith("parallel pre") for r in results)


@pytest.mark.parametrize("seed", range(6))
def test_with_two_controls_placebo_in_space_gives_one_third_or_one(seed):
    # Two controls: each placebo is one control against the other, so the estimates are equal and opposite.
    panel = make_panel(seed=300 + seed, n_regions=3, effect=float(seed - 3))
    result = run_design(
        panel.assign(
            region_code=panel.region_code.map({"T0": "75", "C01": "31", "C02": "27"}), is_control=~panel.is_treated
        ),
        "paper",
        "net",
    )
    estimates = result.placebo_space.placebo_estimates["estimate"].to_numpy()
    assert estimates[0] == pytest.approx(-estimates[1])
    expected = 1 / 3 if abs(result.did.estimate) > abs(estimates[0]) else 1.0
    assert result.placebo_space.p_value == pytest.approx(expected)


def test_every_result_says_which_years_it_used():
    # Persons run to 2025; the rate has no population after 2023, as in the marts.
    panel = make_panel(2, n_regions=3, last_year=2025).rename(columns={"net": "net_migration_working_age"})
    panel["region_code"] = panel["region_code"].map({"T0": "75", "C01": "31", "C02": "27"})
    panel["is_control"] = ~panel["is_treated"]
    panel["net_migration_working_age_per_1000_residents"] = panel["net_migration_working_age"].where(
        panel["year"] <= 2023
    )
    persons = run_design(panel, "paper", "net_migration_working_age", facts=DesignFacts(study_last_year=2023))
    rate = run_design(
        panel, "paper", "net_migration_working_age_per_1000_residents", facts=DesignFacts(study_last_year=2023)
    )
    assert persons.window == "2000–2025, post 2022–2025" and rate.window == "2000–2023, post 2022–2023"
    table = estimates_table([persons, rate])
    assert table.groupby("outcome", sort=False)["years"].unique().map(list).tolist() == [
        [persons.window],
        [rate.window],
    ]
    assert headline_table([persons, rate])["outcome, years"].tolist() == [
        "persons, 2000–2025, post 2022–2025",
        "per 1,000 residents, 2000–2023, post 2022–2023",
    ]
    assert "2024–2025 are the follow-up" in follow_up_sentence([persons, rate])
    assert "per 1,000 residents: to 2023 only" in follow_up_sentence([persons, rate])
    # the territory panel's borders are constant, every year
    assert "2000–2023" not in DesignNames("all_regions", "Almaty").title


def test_the_published_region_panel_names_every_region_a_border_change_made_or_ended(built_warehouse):
    """On the session's warehouse: the regions the seed starts after the panel's first year or ends before its
    last (read from the seed itself) are the ones the all-regions design refuses, and the territory panel has none."""
    tables = load_marts(built_warehouse, ["fct_region_year_panel", "fct_territory_year_panel", "dim_study_design"])
    panel = tables["fct_region_year_panel"]
    seed = pd.read_csv(REPO_ROOT / "dbt_project" / "seeds" / "regions.csv", dtype={"region_code": str})
    seed = seed[seed.region_code.isin(set(panel.region_code))]
    expected = seed.loc[
        (seed.first_year > panel.year.min()) | (seed.last_year.notna() & (seed.last_year < panel.year.max())),
        "region_code",
    ]
    assert sorted(expected) == units_with_moved_borders(panel) and len(expected) >= 5
    with pytest.raises(ValueError, match="border change"):
        design_panel(panel, "all_regions", "net_migration_working_age")
    territories = design_input(tables, "all_regions")
    assert units_with_moved_borders(territories) == []


def test_design_labels_name_the_regions_they_are_given():
    two = DesignNames("paper", "Astana", ("Zhambyl", "West Kazakhstan"), 2)
    assert two.title == "Astana vs Zhambyl and West Kazakhstan"
    assert two.short == "Paper: Astana vs Zhambyl, West Kazakhstan"
    three = DesignNames("paper", "Astana", ("Abai", "Zhambyl", "West Kazakhstan"), 3)
    assert three.title == "Astana vs Abai, Zhambyl and West Kazakhstan"
    assert DesignNames("all_regions", "Astana", (), 15).short == "All 15 other territories"
    assert DesignNames("all_regions", "Astana", (), 0).short == "All other territories"
    assert "Astana and Zhambyl as published" in DesignNames("paper", "Astana", ("Zhambyl",), 1).panel_reason
