"""The design-based pre-trend test: its statistics recomputed by hand, its size under a simulated null with
parallel trends, and its power against a pre-trend planted in the treated unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.causal.verdicts import placebo_pretrend_verdict
from estimators.monte_carlo import Design, simulate_panel
from estimators.pre_trend import PRE_TREND_ALPHA, placebo_pre_trend, pre_period_gaps

from .conftest import make_panel


def _oracle(panel: pd.DataFrame, outcome: str) -> tuple[pd.DataFrame, float]:
    """Balanced panel: gap = own outcome minus the others' mean, pre-period; ranks by counting."""
    pre = panel[~panel["is_post"]].pivot(index="year", columns="region_code", values=outcome)
    rows = {}
    for unit in pre.columns:
        gap = pre[unit] - pre.drop(columns=unit).mean(axis=1)
        fit = stats.linregress(gap.index.to_numpy(dtype=float), gap.to_numpy())
        centred = gap - gap.mean()
        persistence = np.mean(centred**2) / (0.5 * np.mean(np.diff(gap.to_numpy()) ** 2))
        rows[unit] = {"gap": centred, "t": abs(fit.slope / fit.stderr), "persistence": persistence}
    units = list(rows)
    n = len(units)
    slope_p = {u: sum(rows[v]["t"] >= rows[u]["t"] for v in units) / n for u in units}
    pers_p = {u: sum(rows[v]["persistence"] >= rows[u]["persistence"] for v in units) / n for u in units}
    combined = {u: slope_p[u] * pers_p[u] for u in units}
    treated = str(panel.loc[panel["is_treated"], "region_code"].iloc[0])
    p = sum(combined[v] <= combined[treated] for v in units) / n
    gaps = pd.DataFrame({u: rows[u]["gap"] for u in units})
    return gaps, p


@pytest.mark.parametrize("slope", [0.0, 0.4])
def test_statistics_and_p_value_equal_a_hand_computation(slope):
    panel = make_panel(3, n_regions=7, first_year=2005, treated_pretrend_slope=slope)
    gaps, p = _oracle(panel, "net")
    result = placebo_pre_trend(panel, "net")
    pd.testing.assert_frame_equal(pre_period_gaps(panel, "net")[gaps.columns], gaps, check_names=False, atol=1e-9)
    assert result.p_value == pytest.approx(p)
    assert result.n_units == 7 and result.min_attainable_p == pytest.approx(1 / 7)
    assert result.pre_years == 2021 - 2005 + 1 and result.first_post_year == 2022
    if slope:  # a planted trend of 0.4 a year against noise of SD 1: the treated unit is the most extreme
        assert result.p_value == pytest.approx(1 / 7) and result.estimate > 0


def _rejection_rate(panels: list[pd.DataFrame], outcome: str, level: float) -> float:
    return float(np.mean([placebo_pre_trend(p, outcome).p_value <= level + 1e-12 for p in panels]))


def test_size_is_near_nominal_under_parallel_trends():
    # 8 units, so p takes the values k/8: the test at level 2/8 rejects in 25% of draws if it is exact.
    draws = 120
    rate = _rejection_rate([make_panel(seed, n_regions=8, first_year=2008) for seed in range(draws)], "net", 0.25)
    assert abs(rate - 0.25) <= 3 * np.sqrt(0.25 * 0.75 / draws), rate


def test_size_holds_when_the_treated_unit_is_twice_as_noisy_with_autocorrelated_errors():
    # The Monte Carlo's design (AR(1) errors, rho 0.5, unequal unit SDs), treated SD twice the largest
    # control's: a scale-free test must not read extra noise as a pre-trend (the conventional F test does).
    rng = np.random.default_rng(7)
    design = Design(n_controls=7, pre_years=16, treated_sd_multiple=2.0)
    draws = 100
    panels = [simulate_panel(design, rng)[0] for _ in range(draws)]
    rate = _rejection_rate(panels, "y", 0.25)
    assert rate <= 0.25 + 3 * np.sqrt(0.25 * 0.75 / draws), rate


def test_a_pre_trend_planted_in_the_treated_unit_is_rejected():
    panels = [make_panel(seed, n_regions=8, first_year=2008, treated_pretrend_slope=0.3) for seed in range(40)]
    assert _rejection_rate(panels, "net", 1 / 8) >= 0.8


def test_the_verdict_says_when_the_pool_is_too_small_to_reject():
    three = make_panel(1, n_regions=3, treated_pretrend_slope=1.0)
    result = placebo_pre_trend(three, "net")
    assert result.min_attainable_p == pytest.approx(1 / 3) and not result.can_reject
    assert result.p_value == pytest.approx(1 / 3)  # the most extreme rank, yet
    assert not result.parallel_trends_rejected
    assert placebo_pretrend_verdict(result).startswith(f"parallel pre-trends not testable at {PRE_TREND_ALPHA:g}")
    many = placebo_pre_trend(make_panel(1, n_regions=16, treated_pretrend_slope=1.0), "net")
    assert many.can_reject and many.parallel_trends_rejected
    assert placebo_pretrend_verdict(many).startswith("parallel pre-trends rejected at 0.1 (placebo p = 0.062")


def test_a_treated_unit_with_too_short_a_pre_period_is_refused():
    panel = make_panel(0, n_regions=5, first_year=2020)
    with pytest.raises(ValueError, match="too short"):
        placebo_pre_trend(panel, "net")
