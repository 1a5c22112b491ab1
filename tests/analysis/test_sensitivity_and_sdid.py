"""Synthetic DiD and the event study against diff-diff (a test dependency); the sensitivity sets from their
definitions (they target the DiD shown, so they are no longer HonestDiD's sets, which centre on one reference year)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from estimators.did import estimate_did, event_study
from estimators.permutation import placebo_event_studies
from estimators.sdid import synthetic_did
from estimators.sensitivity import sensitivity
from estimators.studentised import studentised_placebo_in_space

from .conftest import make_panel

diff_diff = pytest.importorskip("diff_diff")


def _theirs_event_study(panel: pd.DataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return diff_diff.MultiPeriodDiD().fit(
            panel.assign(treated=panel["is_treated"].astype(int)),
            outcome="net",
            treatment="treated",
            time="year",
            post_periods=[2022, 2023],
            reference_period=2021,
            unit="region_code",
        )


@pytest.fixture(scope="module")
def trending_panel() -> pd.DataFrame:
    return make_panel(5, n_regions=8, effect=3.0, treated_pretrend_slope=0.2)


def test_event_study_coefficients_equal_diff_diffs(trending_panel):
    theirs = _theirs_event_study(trending_panel)
    mine = event_study(trending_panel, "net", reference_year=2021).coefficients.set_index("year")["estimate"]
    for year, effect in theirs.period_effects.items():
        assert mine[year] == pytest.approx(effect.effect, abs=1e-9)


def _sensitivity(panel: pd.DataFrame):
    coefficients = event_study(panel, "net", reference_year=2021).coefficients
    placebos = placebo_event_studies(panel, "net", 2021)
    return sensitivity(coefficients, placebos, 2021, studentised_placebo_in_space(panel, "net"))


def test_sensitivity_targets_exactly_the_did_shown(trending_panel):
    # The TWFE DiD of the report (statsmodels-free: estimate_did's OLS), not the event study's post mean.
    assert _sensitivity(trending_panel).estimate == pytest.approx(
        estimate_did(trending_panel, "net").estimate, abs=1e-9
    )
    rm = _sensitivity(trending_panel).grid.query("restriction == 'relative_magnitudes' and parameter == 0")
    assert float(rm["lb"].iloc[0]) == pytest.approx(estimate_did(trending_panel, "net").estimate, abs=1e-9)


def _brute_force_benchmark(gap: pd.Series, length: int) -> tuple[float, float]:
    """(robust, plain) benchmark from the definition: windows' mean departures, the worst year left out."""
    starts = range(len(gap) - length + 1)
    plain = max(abs((gap - gap.mean()).iloc[i : i + length].mean()) for i in starts)
    robust = min(
        max(
            abs((gap - gap.drop(year).mean()).iloc[i : i + length].mean())
            for i in starts
            if year not in gap.index[i : i + length]
        )
        for year in gap.index
    )
    return robust, plain


def test_the_benchmark_survives_one_outlying_year():
    panel = make_panel(6, n_regions=8, effect=15.0, noise_sd=1.0)
    rows = (panel["region_code"] == panel.loc[panel["is_treated"], "region_code"].iloc[0]) & (panel["year"] == 2000)
    spiked = panel.assign(net=panel["net"].where(~rows, panel["net"] - 40.0))
    result, clean = _sensitivity(spiked), _sensitivity(panel)
    beta = event_study(spiked, "net", reference_year=2021).coefficients.set_index("year")["estimate"]
    robust, plain = _brute_force_benchmark(beta.loc[2000:2021], 2)
    assert (result.benchmark, result.benchmark_plain) == pytest.approx((robust, plain), rel=1e-9)
    # The spike inflates the plain benchmark several-fold; the robust one stays near the clean panel's.
    assert result.benchmark_plain > 3 * clean.benchmark_plain
    assert result.benchmark < 2 * clean.benchmark
    # Leaving out one pre-year: the robust benchmark is the smallest of those, so it gives the largest breakdown;
    # every one of them is at least the breakdown with the plain benchmark (which includes the spike).
    low, high = result.breakdown_range
    assert high == pytest.approx(result.rm_breakdown, rel=1e-9)
    assert low >= result.rm_breakdown * result.benchmark / result.benchmark_plain - 1e-9


def test_breakdown_is_where_the_interval_first_includes_zero():
    panel = make_panel(5, n_regions=8, effect=15.0, treated_pretrend_slope=0.2)
    result = _sensitivity(panel)
    assert result.rm_breakdown > 0
    z = 1.959963984540054
    # At the breakdown the interval's nearer end is zero (from the definition, not the code's grid).
    near = abs(result.estimate) - result.rm_breakdown * result.benchmark - z * result.se
    assert near == pytest.approx(0.0, abs=1e-9)
    # The se is the treated unit's noise times the RMS of the placebos' studentised DiDs.
    test = studentised_placebo_in_space(panel, "net")
    placebo = placebo_event_studies(panel, "net", 2021)
    did = placebo[[2022, 2023]].mean(axis=1) - placebo[list(range(2000, 2022))].mean(axis=1)
    expected = test.treated_sd * float(np.sqrt(np.mean((did / test.placebos["noise_sd"].reindex(did.index)) ** 2)))
    assert result.se == pytest.approx(expected, rel=1e-9)


def test_synthetic_did_is_close_to_diff_diffs_and_its_weights_agree(trending_panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = diff_diff.SyntheticDiD(variance_method="placebo", seed=1).fit(
            trending_panel.assign(treated=trending_panel["is_treated"].astype(int)),
            "net",
            "treated",
            "region_code",
            "year",
            post_periods=[2022, 2023],
        )
    mine = synthetic_did(trending_panel, "net")
    # Exact QP against their Frank-Wolfe with sparsification: the same estimate to 0.5%, weights to 0.01.
    assert mine.fit.estimate == pytest.approx(theirs.att, rel=5e-3)
    for unit, weight in theirs.unit_weights.items():
        assert mine.fit.unit_weights[unit] == pytest.approx(weight, abs=0.01)
    # Their placebo SE draws 200 random placebos, ours uses each control once: close, not equal.
    assert mine.se == pytest.approx(theirs.se, rel=0.25)
    assert mine.n_placebos == 7


def test_synthetic_did_recovers_a_known_effect():
    panel = make_panel(8, n_regions=15, effect=10.0, noise_sd=0.5)
    result = synthetic_did(panel, "net")
    assert result.interval.low < 10.0 < result.interval.high
    assert abs(result.fit.estimate - 10.0) < 3 * result.se
