"""The report's causal rows on a panel that runs past the crisis window: one window per question, every interval
shown contains its estimate and ends on a boundary of its test, and the answer in words comes from the numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.causal.formatting import HEADLINE_CONFIDENCE, five_percent_note
from analysis.causal.headline import answer_in_words, headline_table, later_years_table
from analysis.causal.later import run_later_years
from analysis.causal.run import REGION_PANEL, TERRITORY_PANEL, run_all
from estimators.inversion import invert_test

from .mart_fixtures import study_design

CODES = ["75", "31", "27", "11", "15", "19", "23", "35", "39", "43", "47", "51", "55", "59", "63", "71"]


def _tables(seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2026)
    year_effect = np.cumsum(rng.normal(0, 40, len(years)))
    rows = []
    for code in CODES:
        level, noise = rng.normal(0, 500), rng.uniform(50, 200)
        for k, year in enumerate(years):
            effect = {2022: 600.0, 2023: 900.0, 2024: 800.0, 2025: 300.0}.get(int(year), 0.0) if code == "75" else 0.0
            net = level + year_effect[k] + rng.normal(0, noise) + effect
            rows.append(
                {
                    "region_code": code,
                    "territory_code": code,
                    "region_name_en": f"region {code}",
                    "territory_name_en": f"region {code}",
                    "year": int(year),
                    "is_treated": code == "75",
                    "is_control": code in ("31", "27"),
                    "is_bordering_russia": code in ("15", "23", "27", "39", "55", "59", "63"),
                    "is_post": bool(year >= 2022),
                    "net_migration_working_age": net,
                    # No population after 2023: per 1,000 stops there, as in the marts.
                    "net_migration_working_age_per_1000_residents": net / 1000.0 if year <= 2023 else math.nan,
                }
            )
    panel = pd.DataFrame(rows)
    periods = pd.DataFrame(
        {"period_code": ["CRISIS", "FU_AFTER"], "start_year": [2022, 2024], "end_year": [2023, 2025]}
    )
    return {
        REGION_PANEL: panel[panel["region_code"].isin(["75", "31", "27"])].drop(columns=["territory_code"]),
        TERRITORY_PANEL: panel,
        "fct_period_flows": periods,
        "dim_study_design": study_design(),
    }


@pytest.fixture(scope="module")
def analysis():
    tables = _tables()
    return run_all(tables), run_later_years(tables)


def _is_boundary(p_values, end: float, alpha: float, scale: float) -> bool:
    """Not rejected just inside the end, rejected just outside: a boundary of the set, not a search limit."""
    tiny = 1e-6 * scale
    inside, outside = (
        (end + tiny, end - tiny) if p_values(np.array([end + tiny]))[0] > alpha else (end - tiny, end + tiny)
    )
    return bool(p_values(np.array([inside]))[0] > alpha >= p_values(np.array([outside]))[0])


def test_persons_and_per_1000_share_the_crisis_window(analysis):
    results, _ = analysis
    assert {r.window for r in results if r.did is not None} == {"2000–2023, post 2022–2023"}
    # The crisis DiD is the two-by-two of 2000–2021 against 2022–2023 (pandas, balanced panel).
    panel = _tables()[TERRITORY_PANEL]
    panel = panel[panel["year"] <= 2023]
    means = panel.groupby(["is_treated", "is_post"])["net_migration_working_age"].mean()
    expected = (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])
    main = next(r for r in results if r.design == "all_regions" and r.outcome == "net_migration_working_age")
    assert main.did is not None and main.did.estimate == pytest.approx(expected, rel=1e-9)


def test_every_interval_shown_contains_its_estimate_and_ends_on_a_boundary(analysis):
    results, later = analysis
    alpha = round(1 - HEADLINE_CONFIDENCE, 12)
    checked = 0
    for result in results:
        test = result.studentised
        assert test is not None
        interval = invert_test(test.p_values, test.estimate, test.treated_sd, HEADLINE_CONFIDENCE)
        assert interval.contains(test.estimate)
        for end in (interval.low, interval.high):
            if math.isfinite(end):
                assert _is_boundary(test.p_values, end, alpha, test.treated_sd)
                checked += 1
        for row in result.per_year.itertuples():
            assert row.conformal_interval.contains(row.estimate)
            assert row.conformal_interval.bounded
    for item in later:
        if item.effect is None:
            continue
        assert item.conformal_interval is not None and item.conformal_interval.contains(item.effect.estimate)
        for test in (item.effect, item.change):
            assert test is not None
            interval = invert_test(test.p_values, test.estimate, test.treated_sd, HEADLINE_CONFIDENCE)
            assert interval.contains(test.estimate)
    assert checked >= 4  # the all-territories rows have bounded 90% sets (15 placebos: min p 1/16)


def test_later_years_are_alone_and_per_1000_says_why_it_is_missing(analysis):
    _, later = analysis
    persons = [i for i in later if i.design == "all_regions" and i.outcome == "net_migration_working_age"]
    assert [i.year for i in persons] == [2024, 2025]
    panel = _tables()[TERRITORY_PANEL]
    for item in persons:
        alone = panel[(panel["year"] <= 2021) | (panel["year"] == item.year)]
        means = alone.groupby(["is_treated", "is_post"])["net_migration_working_age"].mean()
        expected = (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])
        assert item.effect is not None and item.effect.estimate == pytest.approx(expected, rel=1e-9)
    per_1000 = [i for i in later if i.outcome.endswith("per_1000_residents") and i.design == "all_regions"]
    assert all(i.effect is None and "no population is published" in i.missing for i in per_1000)
    table = later_years_table(later)
    assert table["DiD of that year"].str.contains("no population is published for 2025").any()


def test_the_answer_in_words_is_written_from_the_numbers(analysis):
    results, later = analysis
    text = answer_in_words(results, later)
    main = next(r for r in results if r.design == "all_regions" and r.outcome == "net_migration_working_age")
    assert main.studentised is not None
    assert f"p = {main.studentised.p_value:.3f}" in text and "2022–2023" in text
    assert "2024:" in text and "2025:" in text
    headline = headline_table(results)
    assert len(headline) == 4  # paper and all territories, persons and per 1,000; robustness designs elsewhere


def test_the_answer_says_whether_almatys_later_figures_are_published():
    tables = _tables()
    years = range(2000, 2026)
    tables["fct_yearly_flows"] = pd.DataFrame(
        {
            "region_code": "75",
            "year": list(years),
            "age_scope_code": "working_age",
            "is_published": [year != 2025 for year in years],
        }
    )
    results, later = run_all(tables), run_later_years(tables)
    assert {i.year: i.treated_published for i in later if i.design == "all_regions"} == {2024: True, 2025: False}
    assert "published for 2024 only" in answer_in_words(results, later)
    table = later_years_table(later)
    # The column is named from dim_study_design's short name of the treated region.
    assert set(table["Almaty's figures"]) == {"published", "modeled"}


def test_the_headline_says_why_its_sets_are_at_90_from_the_designs_own_unit_counts(analysis):
    """The note counts the units the designs rank (the treated one and each placebo), not a fixed number."""
    results, _ = analysis
    units = max(1 + len(r.studentised.placebos) for r in results if r.studentised is not None)
    assert units < 20  # every design here ranks fewer than 20 units, so none can reject at 5%
    assert five_percent_note(results) == (
        f" (at 5% none could: the most units any design ranks is {units}, so its smallest p is 1/{units})"
    )
    paper_only = [r for r in results if r.design == "paper"]
    paper_units = max(1 + len(r.studentised.placebos) for r in paper_only if r.studentised is not None)
    assert f"ranks is {paper_units}," in five_percent_note(paper_only) and paper_units < units
    assert five_percent_note([]) == ""
