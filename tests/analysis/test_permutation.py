import numpy as np
import pytest

from estimators.did import estimate_did
from estimators.permutation import placebo_in_space, placebo_in_time, rank_p_value


def test_rank_p_value_counts_ties_and_larger_in_absolute_value():
    # |placebos| >= 2: -3, 2 -> (1 + 2) / (1 + 4)
    assert rank_p_value(2.0, [-3.0, 2.0, 1.0, -0.5]) == pytest.approx(3 / 5)
    assert rank_p_value(-10.0, [1.0, 2.0]) == pytest.approx(1 / 3)


def test_placebo_in_space_large_effect_reaches_minimum_p(panel_factory):
    panel = panel_factory(seed=11, n_regions=12, effect=25.0)
    result = placebo_in_space(panel, "net")
    assert result.n_placebos == 11
    assert result.min_attainable_p == pytest.approx(1 / 12)
    assert result.p_value == pytest.approx(1 / 12)
    assert result.estimate == pytest.approx(estimate_did(panel, "net").estimate)


def test_placebo_estimates_equal_separate_regressions(panel_factory):
    panel = panel_factory(seed=12, n_regions=6)
    result = placebo_in_space(panel, "net")
    controls = panel[panel.region_code != "T0"].copy()
    for row in result.placebo_estimates.itertuples():
        controls["is_treated"] = controls.region_code == row.region_code
        assert row.estimate == pytest.approx(estimate_did(controls, "net").estimate, abs=1e-8)


def test_placebo_in_space_lists_regions_without_post_or_pre_data(panel_factory):
    panel = panel_factory(seed=13, n_regions=8, effect=5.0)
    panel.loc[(panel.region_code == "C01") & (panel.year >= 2022), "net"] = np.nan
    panel.loc[(panel.region_code == "C02") & (panel.year < 2022), "net"] = np.nan
    result = placebo_in_space(panel, "net")
    assert result.excluded == {
        "C01": "no post-period observations",
        "C02": "no pre-period observations",
    }
    assert result.n_placebos == 5


def test_placebo_in_space_p_value_is_uniform_under_no_effect(panel_factory):
    n_sims, n_regions = 200, 10
    p_values = np.array(
        [
            placebo_in_space(panel_factory(seed=1000 + s, n_regions=n_regions, first_year=2010), "net").p_value
            for s in range(n_sims)
        ]
    )
    # Under the null every rank 1..10 is equally likely: P(p <= 0.1) = 0.1, P(p <= 0.5) = 0.5.
    for level in (0.1, 0.5):
        count = int(np.sum(p_values <= level + 1e-12))
        sd = np.sqrt(n_sims * level * (1 - level))
        assert abs(count - n_sims * level) < 3.5 * sd, (level, count)
    assert p_values.min() == pytest.approx(1 / n_regions)


def test_placebo_in_time_uses_only_pre_period(panel_factory):
    panel = panel_factory(seed=21, effect=30.0)
    result = placebo_in_time(panel, "net", min_pre_years=3)
    # Pre-period 2000-2021, window of 2 years, 3 pre years needed: fake years 2003..2020.
    assert list(result.placebo_estimates["fake_first_post_year"]) == list(range(2003, 2021))
    assert result.n_placebos == 18 and result.post_length == 2
    assert result.p_value == pytest.approx(1 / 19) == result.min_attainable_p
    shifted = panel.copy()
    shifted.loc[shifted.year >= 2022, "net"] += 1000.0
    again = placebo_in_time(shifted, "net", min_pre_years=3)
    assert np.allclose(again.placebo_estimates["estimate"], result.placebo_estimates["estimate"])


def test_placebo_in_time_small_when_no_effect_is_not_extreme(panel_factory):
    panel = panel_factory(seed=22, effect=0.0)
    result = placebo_in_time(panel, "net")
    assert result.p_value > result.min_attainable_p


def test_permutation_needs_single_treated_region(panel_factory):
    panel = panel_factory(seed=23)
    panel.loc[panel.region_code == "C01", "is_treated"] = True
    with pytest.raises(ValueError, match="exactly one treated"):
        placebo_in_space(panel, "net")


def test_rank_p_value_leaves_undefined_placebos_out_of_numerator_and_denominator():
    # Defined placebos 3 and 1; |3| >= 2 -> (1 + 1) / (1 + 2).
    assert rank_p_value(2.0, [np.nan, 3.0, 1.0, np.nan]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="no rank"):
        rank_p_value(np.nan, [1.0, 2.0])


def test_placebo_in_space_drops_and_reports_an_absorbed_placebo(panel_factory):
    panel = panel_factory(seed=31, n_regions=8, effect=20.0)
    controls = [f"C{i:02d}" for i in range(1, 8)]
    # Among the controls, 2023 is observed only for C05, so C05 x post is the 2023 year dummy: its
    # placebo DiD is not identified. (The real run still identifies Almaty's effect: T0 has 2023.)
    panel.loc[panel.region_code.isin([c for c in controls if c != "C05"]) & (panel.year == 2023), "net"] = np.nan
    panel.loc[(panel.region_code == "C05") & (panel.year == 2022), "net"] = np.nan
    result = placebo_in_space(panel, "net")
    assert result.undefined_placebos == ("C05",)
    assert result.n_placebos == 6 and result.min_attainable_p == pytest.approx(1 / 7)
    assert np.isnan(result.placebo_estimates.set_index("region_code").loc["C05", "estimate"])
    # The p-value from six separate regressions, one per identified placebo region.
    observed = panel.dropna(subset=["net"])
    actual = abs(estimate_did(observed, "net").estimate)
    others = observed[observed.region_code != "T0"].copy()
    placebo_effects = []
    for region in (c for c in controls if c != "C05"):
        others["is_treated"] = others.region_code == region
        placebo_effects.append(abs(estimate_did(others, "net").estimate))
    expected = (1 + sum(e >= actual for e in placebo_effects)) / 7
    assert result.p_value == pytest.approx(expected)


def test_placebo_in_time_refuses_an_explicit_zero_post_length(panel_factory):
    panel = panel_factory(seed=24)
    with pytest.raises(ValueError, match="post_length must be at least 1"):
        placebo_in_time(panel, "net", post_length=0)
    with pytest.raises(ValueError, match="min_pre_years must be at least 1"):
        placebo_in_time(panel, "net", min_pre_years=0)
    # One-year windows: fake years 2003..2021 (three pre years before each, window inside 2000-2021).
    one_year = placebo_in_time(panel, "net", post_length=1)
    assert one_year.post_length == 1
    assert list(one_year.placebo_estimates["fake_first_post_year"]) == list(range(2003, 2022))
