"""Named series read the right mart rows; the causal designs select the right regions and years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.causal import PAPER_CONTROLS, design_panel, run_design, summary_table
from analysis.series import UnknownSeries, parse_series_name, yearly_series

from .mart_fixtures import ARRIVALS, COUNTRIES, DEPARTURES, TREATMENT_EFFECT, YEARS, report_marts


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
    assert set(rows["region_code"]) == {"75", *PAPER_CONTROLS}
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
    table = summary_table([result])
    assert table.loc[0, "synthetic_min_p"] == pytest.approx(1 / 8)


def test_a_panel_without_the_treated_region_is_reported_not_raised(marts):
    panel = marts["fct_region_year_panel"]
    result = run_design(panel[panel["region_code"] != "75"], "all_regions", "net_migration_working_age")
    assert "panel" in result.problems and result.did is None
    assert np.isnan(summary_table([result]).loc[0, "did_estimate"] or np.nan)
