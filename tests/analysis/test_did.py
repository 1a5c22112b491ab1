import numpy as np
import pandas as pd
import pytest

from estimators.did import estimate_did, event_study


def _two_by_two(panel: pd.DataFrame, outcome: str) -> float:
    """Difference of (post mean − pre mean) between treated and controls: equals TWFE on a balanced panel."""
    means = panel.groupby(["is_treated", "is_post"])[outcome].mean()
    return (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])


def test_did_recovers_known_effect(panel_factory):
    panel = panel_factory(seed=1, effect=10.0)
    result = estimate_did(panel, "net")
    assert result.estimate == pytest.approx(_two_by_two(panel, "net"), abs=1e-8)
    assert abs(result.estimate - 10.0) < 4 * result.se_conventional
    assert result.interval is not None and result.interval.low < 10.0 < result.interval.high
    assert result.n_obs == 15 * 24 and result.treated_regions == ("T0",)
    assert result.first_post_year == 2022
    assert result.warning is not None and "unreliable" in result.warning
    assert result.se_cluster > 0 and result.se_conventional > 0


def test_did_unbalanced_panel_drops_missing_outcomes(panel_factory):
    panel = panel_factory(seed=2, effect=-6.0)
    # A control that only exists from 2017 and one that stops in 2016 (like Turkestan / South Kazakhstan).
    panel.loc[(panel.region_code == "C03") & (panel.year < 2017), "net"] = np.nan
    panel.loc[(panel.region_code == "C04") & (panel.year > 2016), "net"] = np.nan
    result = estimate_did(panel, "net")
    assert result.n_obs == 15 * 24 - 17 - 7
    assert abs(result.estimate + 6.0) < 4 * result.se_conventional


def test_did_rejects_bad_panels(panel_factory):
    panel = panel_factory(seed=3)
    with pytest.raises(ValueError, match="missing column"):
        estimate_did(panel.drop(columns="is_post"), "net")
    with pytest.raises(ValueError, match="duplicate"):
        estimate_did(pd.concat([panel, panel.head(1)]), "net")
    flipped = panel.copy()
    flipped.loc[0, "is_treated"] = False
    with pytest.raises(ValueError, match="constant within a region"):
        estimate_did(flipped, "net")


def test_event_study_matches_differences_and_is_flat_before_treatment(panel_factory):
    panel = panel_factory(seed=4, effect=8.0)
    result = event_study(panel, "net", reference_year=2021)
    coefficients = result.coefficients.set_index("year")
    wide = panel.pivot(index="year", columns="region_code", values="net")
    controls = wide.drop(columns="T0").mean(axis=1)
    # Balanced panel, one treated unit: each coefficient is a two-period, two-group difference.
    expected = (wide["T0"] - wide.loc[2021, "T0"]) - (controls - controls[2021])
    assert np.allclose(coefficients["estimate"], expected.loc[coefficients.index], atol=1e-8)
    pre = coefficients[(coefficients.index < 2022) & (coefficients.index != 2021)]
    assert (pre["estimate"].abs() < 4 * pre["se"]).all()
    post = coefficients[coefficients.index >= 2022]
    assert (post["ci_low"] < 8.0).all() and (post["ci_high"] > 8.0).all()
    assert coefficients.loc[2021, "estimate"] == 0.0
    assert result.pre_trend.n_pre_coefficients == 21
    assert not result.pre_trend.parallel_trends_rejected


def test_pretrend_check_flags_diverging_pretrend(panel_factory):
    panel = panel_factory(seed=5, effect=8.0, treated_pretrend_slope=0.8)
    check = event_study(panel, "net").pre_trend
    assert check.parallel_trends_rejected
    assert check.joint_p < 0.01
    assert check.slope_p < 0.01
    assert abs(check.slope_difference - 0.8) < 4 * check.slope_se


def test_event_study_reference_year_must_be_pre_period(panel_factory):
    panel = panel_factory(seed=6)
    with pytest.raises(ValueError, match="pre-period"):
        event_study(panel, "net", reference_year=2022)
    with pytest.raises(ValueError, match="not in the panel"):
        event_study(panel, "net", reference_year=1990)


def test_few_treated_warning_fires_below_five_treated_regions(panel_factory):
    panel = panel_factory(seed=7)
    four = panel.assign(is_treated=panel.region_code.isin(["T0", "C01", "C02", "C03"]))
    five = panel.assign(is_treated=panel.region_code.isin(["T0", "C01", "C02", "C03", "C04"]))
    assert estimate_did(four, "net").warning is not None and "only 4 treated" in estimate_did(four, "net").warning
    assert estimate_did(five, "net").warning is None
    assert event_study(four, "net").warning is not None and event_study(five, "net").warning is None


def test_why_the_warning_clustered_test_over_rejects_a_true_null_with_one_treated_region(panel_factory):
    # No effect anywhere: a valid 5% test rejects in about 5% of panels (binomial sd 1.5 points at n=200).
    def rejection_rate(treated: list[str]) -> float:
        rejected = 0
        for seed in range(200):
            panel = panel_factory(seed=5000 + seed, n_regions=15, first_year=2012)
            panel["is_treated"] = panel.region_code.isin(treated)
            rejected += estimate_did(panel, "net").p_cluster < 0.05
        return rejected / 200

    assert rejection_rate(["T0"]) > 0.30  # grossly over-rejects: the reason the warning exists
    assert rejection_rate(["T0", "C01", "C02", "C03", "C04"]) < 0.15  # much closer to nominal at five
