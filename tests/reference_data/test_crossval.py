"""The cross-validation of the reconstruction (reference_data.crossval) and the memory of real figures.

A small version runs the real generator on one fold; the rest checks the pieces against values worked by hand.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from reference_data import crossval, memory
from reference_data.generate import build, load_priors
from reference_data.inputs import load_constraints, load_seeds
from reference_data.paths import default_paths


@pytest.fixture(scope="module")
def constraints():
    paths = default_paths()
    return load_constraints(paths, load_seeds(paths))


def test_tolerance_is_half_the_rounding_unit():
    assert [crossval.tolerance(c) for c in ("exact", "at_least", "rounded_100", "rounded_100_at_least",
                                             "rounded_1000", "within_96", "within_100")] == [0, 0, 50, 50, 500, 96, 100]


def test_figures_derived_from_one_another_share_a_fold(constraints):
    figures = crossval.figure_folds(constraints, 10)
    # Almaty city 2023: published arrivals and the balance derived from them (all flows - interregional).
    almaty = figures[figures.constraint_id.isin(["A2023_ARR_T", "D75_2023_NET_T"])]
    assert len(almaty) == 2 and almaty.fold.nunique() == 1
    # A national year: the 2022 H1 departures and their parts by country.
    national = figures[figures.constraint_id.isin(["K2022H1_DEP__T", "K2022H1_DEP_RUS", "K2022H1_DEP_DEU"])]
    assert national.fold.nunique() == 1
    # Every group of region and year sits in exactly one fold, and the folds are all used.
    held = figures[figures.fold != "validation"]
    assert (held.groupby("group_key").fold.nunique() == 1).all()
    assert set(held.fold) == {str(k) for k in range(1, 11)}


def test_taldau_totals_and_the_papers_figures_are_never_held_out(constraints):
    figures = crossval.scored_figures(constraints)
    assert "K2023_ARR_T" not in set(figures.constraint_id)  # = Taldau, the frame of every table
    assert not figures.constraint_id.str.startswith("P_C").any()  # the paper's figures are not official
    assert set(figures[figures.use == "validation"].constraint_id) == set(
        constraints[constraints.use == "validation"].constraint_id)


def test_the_fold_split_does_not_depend_on_the_order_of_the_rows(constraints):
    shuffled = constraints.sample(frac=1, random_state=3)
    one = crossval.figure_folds(constraints, 7).set_index("constraint_id").fold
    other = crossval.figure_folds(shuffled, 7).set_index("constraint_id").fold
    assert one.sort_index().equals(other.sort_index())


def test_scores_worked_by_hand():
    row = pd.Series({"months": "01-12", "use": "hard", "comparison": "exact", "value": 1795})
    annual = crossval.score(row, 470)
    assert annual["abs_pct_error"] == round(100 * (1795 - 470) / 1795, 4) and annual["is_within_rounding"] is False
    part = pd.Series({"months": "01-09", "use": "lower_bound", "comparison": "rounded_100_at_least", "value": 2600})
    assert crossval.score(part, 2551)["is_bound_respected"] is True
    assert crossval.score(part, 2549)["is_bound_respected"] is False
    balance = pd.Series({"months": "01-06", "use": "signed_part_year", "comparison": "exact", "value": -481})
    assert crossval.score(balance, -500)["is_bound_respected"] is True


def test_one_fold_refit_predicts_what_the_refit_tables_hold(constraints):
    """The small version: one fold refit by the real generator. A held-out figure is predicted from tables that
    never saw it, and its prediction equals the refit table's cell read independently."""
    paths = default_paths()
    seen = []

    def fit(train: pd.DataFrame):
        seen.append(set(train.constraint_id))
        frames, _ = build(paths, priors=load_priors(paths), constraints=train)
        fit.frames = frames
        return frames

    result = crossval.cross_validate(constraints, fit, folds=10, only_folds=[1])
    fold = result[result.fold == "1"]
    assert len(fold) > 0
    assert not (set(fold.constraint_id) & seen[-1])
    by_country = fit.frames["by_country"]
    for row in fold[(fold.country_code == "_T") & (fold.population == "all_ages")
                    & (fold.direction_code != "net")].itertuples():
        cell = by_country[(by_country.year == row.year) & (by_country.region_code == row.region_code)
                          & (by_country.direction_code == row.direction_code) & (by_country.country_code == "_T")]
        assert int(cell.persons.iloc[0]) == row.predicted
    # Validation figures were scored on a fit that saw every figure but them.
    validation = result[result.fold == "validation"]
    assert len(validation) == (constraints.use == "validation").sum()


def test_summary_by_kind_worked_by_hand():
    predictions = pd.DataFrame({
        "model_variant": "m", "kind": ["regional_total"] * 3 + ["part_year"] * 2,
        "is_bound": [False, False, False, True, True], "abs_pct_error": [10.0, 50.0, 20.0, None, None],
        "is_within_rounding": [True, False, False, None, None], "is_bound_respected": [None, None, None, True, False],
        "is_in_interval": [True, True, False, None, None]})
    summary = crossval.summarise(predictions).set_index("kind")
    assert summary.loc["regional_total", "median_abs_pct_error"] == 20.0
    assert summary.loc["regional_total", "share_within_10_pct"] == round(1 / 3, 4)
    assert summary.loc["regional_total", "interval_coverage"] == round(2 / 3, 4)
    assert summary.loc["part_year", "share_bounds_respected"] == 0.5
    assert summary.loc["all", "figures"] == 5


def test_intervals_and_their_widening():
    predictions = pd.DataFrame({"constraint_id": ["a", "b"], "kind": "regional_total", "predicted": [100, 100],
                                "published": [130, 100], "tolerance": [0, 0], "is_bound": [False, False]})
    members = pd.DataFrame({"constraint_id": ["a"] * 4 + ["b"] * 4, "member": [1, 2, 3, 4] * 2,
                            "predicted": [90, 110, 95, 105] * 2})
    plain = crossval.intervals(predictions, members).set_index("constraint_id")
    # 80% of {100, 90, 110, 95, 105}: numpy's linear quantiles 92 and 108.
    assert (plain.loc["a", "interval_low"], plain.loc["a", "interval_high"]) == (92, 108)
    assert not plain.loc["a", "is_in_interval"] and plain.loc["b", "is_in_interval"]
    # At level 0.8 both figures must be covered: 100 + f x 8 >= 130 first holds at f = 3.75.
    assert crossval.calibration_factors(plain.reset_index(), members) == {"regional_total": 3.75}
    # At level 1 the interval is the members' whole range, 90-110: 100 + f x 10 >= 130 at f = 3.
    assert crossval.calibration_factors(plain.reset_index(), members, level=1.0) == {"regional_total": 3.0}


def test_memory_fades_from_the_nearest_real_figure():
    anchors = {2024: math.log(2.0)}
    assert memory.remembered(anchors, 2024, 0.8) == pytest.approx(math.log(2.0))
    assert memory.remembered(anchors, 2025, 0.8) == pytest.approx(0.8 * math.log(2.0))
    assert memory.remembered(anchors, 2021, 0.8) == pytest.approx(0.8 ** 3 * math.log(2.0))
    assert memory.remembered(anchors, 2021, 0.0) == 0.0
    both = {2020: math.log(2.0), 2024: 0.0}
    assert memory.remembered(both, 2021, 0.5) == pytest.approx(0.75 * math.log(2.0) * 0.5)


def test_the_fix_carries_a_regions_real_level_into_the_next_year():
    """Almaty region's arrivals: 4,788 published for 2024, 5,754 for 2025. With the 2025 figures held out, the
    model before issue 21 put 2025 near 1,700 (no memory of 2024, flat propensities); the bundled model starts
    from the 2024 level and the region's high propensity, and comes much closer."""
    paths = default_paths()
    train = load_constraints(paths, load_seeds(paths))
    train = train[~train.constraint_id.str.startswith("P3_R19_2025")]
    values = []
    for bundled in (False, True):
        table = crossval.default_builder(paths, bundled)(train)["by_country"]
        cell = table[(table.year == 2025) & (table.region_code == "19") & (table.direction_code == "arrival")
                     & (table.country_code == "_T")]
        values.append(int(cell.persons.iloc[0]))
    assert values[0] < 2000 and values[1] > 2500, values


def test_an_interval_always_holds_its_prediction():
    """Members may all fall on one side of the refit's prediction; the interval still holds the prediction."""
    predictions = pd.DataFrame({"constraint_id": ["a"], "kind": "national_by_country", "predicted": [200],
                                "published": [150], "tolerance": [0], "is_bound": [False]})
    members = pd.DataFrame({"constraint_id": ["a"] * 4, "member": [1, 2, 3, 4], "predicted": [100, 110, 120, 130]})
    row = crossval.intervals(predictions, members, factor_of={"national_by_country": 2.0}).iloc[0]
    # Central 80% of {200, 100, 110, 120, 130}: 104 to 172, then 200 itself; widened x2 around 200: 8 to 200.
    assert (row.interval_low, row.interval_high) == (8, 200) and row.is_in_interval
    # Widened x3 the low end would be -88: a count of people stops at 0.
    wide = crossval.intervals(predictions.assign(direction_code="departure"), members,
                              factor_of={"national_by_country": 3.0}).iloc[0]
    assert wide.interval_low == 0
