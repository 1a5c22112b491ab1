"""Every estimator answers through one result type: the same fields, the same tidy() row, one summary line."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.causal.run import run_design
from analysis.causal.verdicts import estimates_table
from estimators.correlation import correlate
from estimators.did import estimate_did, event_study
from estimators.inference import conformal_test, wild_cluster_bootstrap
from estimators.permutation import placebo_event_studies, placebo_in_space, placebo_in_time
from estimators.pre_trend import placebo_pre_trend
from estimators.result import EstimateResult, Interval
from estimators.sdid import synthetic_did
from estimators.sensitivity import sensitivity
from estimators.studentised import studentised_placebo_in_space
from estimators.synthetic_control import synthetic_control

from .conftest import make_panel

TIDY_COLUMNS = [
    "method",
    "design",
    "outcome",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_value",
    "min_attainable_p",
    "n_placebos",
    "n_excluded",
]
CONTROLS = 7


@pytest.fixture(scope="module")
def panel():
    return make_panel(seed=21, n_regions=CONTROLS + 1, effect=3.0)


@pytest.fixture(scope="module")
def results(panel) -> dict[str, EstimateResult]:
    studentised = studentised_placebo_in_space(panel, "net")
    events = event_study(panel, "net", reference_year=2021)
    found = [
        estimate_did(panel, "net"),
        placebo_in_space(panel, "net"),
        studentised,
        placebo_in_time(panel, "net"),
        placebo_pre_trend(panel, "net"),
        wild_cluster_bootstrap(panel, "net", draws=99),
        conformal_test(panel, "net"),
        synthetic_control(panel, "net", with_leave_one_out=False),
        synthetic_did(panel, "net"),
        sensitivity(events.coefficients, placebo_event_studies(panel, "net", 2021), 2021, studentised),
    ]
    return {result.method: result for result in found}


def test_every_estimator_returns_the_shared_result_with_one_tidy_row(results):
    assert len(results) == 10  # one method name each
    for method, result in results.items():
        assert isinstance(result, EstimateResult), method
        row = result.tidy()
        assert list(row) == TIDY_COLUMNS
        assert row["method"] == method and row["outcome"] == "net" and row["design"] == ""
        assert row["estimate"] == result.estimate and math.isfinite(row["estimate"])


def test_the_tidy_row_carries_the_same_numbers_as_the_fields(results):
    did = results["twfe_did"]
    # The DiD of a balanced panel is the treated unit's post-minus-pre change less the controls' average one.
    panel = make_panel(seed=21, n_regions=CONTROLS + 1, effect=3.0)
    change = panel.groupby(["region_code", "is_post"])["net"].mean().unstack().pipe(lambda f: f[True] - f[False])
    assert did.estimate == pytest.approx(change["T0"] - change.drop("T0").mean(), rel=1e-9)
    assert did.interval is not None and did.interval.low < did.estimate < did.interval.high
    assert did.interval.level == 0.95
    row = did.tidy()
    assert (row["ci_low"], row["ci_high"], row["p_value"]) == (did.interval.low, did.interval.high, did.p_value)


@pytest.mark.parametrize("method", ["placebo_in_space", "studentised_placebo_in_space", "synthetic_control"])
def test_a_rank_test_says_its_placebos_and_its_smallest_p(results, method):
    result = results[method]
    # Every control is a placebo (none is excluded in a balanced panel).
    assert result.n_placebos == CONTROLS and not result.excluded
    assert result.min_attainable_p == pytest.approx(1 / (CONTROLS + 1))
    assert result.min_attainable_p <= result.p_value <= 1


def test_the_pre_trend_pool_counts_the_treated_unit_and_the_bootstrap_its_draws(results):
    pre = results["placebo_pre_trend"]
    assert pre.n_placebos == CONTROLS and pre.min_attainable_p == pytest.approx(1 / (CONTROLS + 1))
    wild = results["wild_cluster_bootstrap"]
    # Webb weights on 8 clusters: 6**8 patterns exceed the enumeration limit, so 99 random draws.
    assert not wild.enumerated and wild.n_placebos == 99 and wild.min_attainable_p == pytest.approx(1 / 99)


def test_intervals_and_exclusions_share_one_name(results):
    for method in ("conformal", "synthetic_did", "sensitivity"):
        interval = results[method].interval
        assert isinstance(interval, Interval) and interval.level == 0.95
        assert interval.low <= results[method].estimate <= interval.high
    sdid = results["synthetic_did"]
    assert sdid.interval is not None
    assert sdid.interval.bounds == pytest.approx(
        (sdid.estimate - 1.959964 * sdid.se, sdid.estimate + 1.959964 * sdid.se)
    )
    assert math.isnan(results["sensitivity"].p_value) and "p " not in results["sensitivity"].summary()
    # A control without post-period years is excluded under the same field name by every estimator.
    panel = make_panel(seed=21, n_regions=CONTROLS + 1, effect=3.0)
    short = panel[~((panel.region_code == "C03") & panel.is_post)]
    assert placebo_in_space(short, "net").excluded == {"C03": "no post-period observations"}
    assert set(synthetic_control(short, "net", with_leave_one_out=False).excluded) == {"C03"}
    assert synthetic_did(short, "net").excluded == {"C03": "missing years"}


def test_summary_is_one_line_naming_method_estimate_and_p(results):
    text = results["placebo_in_space"].summary()
    assert "\n" not in text and text.startswith("placebo_in_space (net): ")
    assert f"p {results['placebo_in_space'].p_value:.3g}" in text and f"{CONTROLS} placebos or draws" in text


def test_correlation_is_an_estimate_too():
    rng = np.random.default_rng(3)
    x = rng.normal(size=20)
    y = x + rng.normal(size=20)
    result = correlate(x, y)
    assert result.tidy()["estimate"] == pytest.approx(float(np.corrcoef(x, y)[0, 1]), abs=1e-12)
    assert result.tidy()["ci_low"] < result.estimate < result.tidy()["ci_high"]
    assert result.as_dict()["pearson_r"] == result.estimate and result.method == "pearson"


def test_a_design_is_a_collection_of_results_whose_tidy_rows_make_the_table(panel):
    coded = panel.assign(region_code=panel.region_code.map(lambda c: "75" if c == "T0" else c))
    result = run_design(coded, "all_regions", "net")
    assert not result.problems
    table = estimates_table([result])
    assert list(table["method"]) == list(result.estimates) and table["method"].is_unique
    assert (table["design"] == "all_regions").all() and (table["years"] == result.window).all()
    assert result.did is result.estimates["twfe_did"] and result.studentised is not None
    # The headline test's tidy interval is the set of effects it does not reject (the design's inverted set).
    ends = table.set_index("method").loc["studentised_placebo_in_space", ["ci_low", "ci_high", "ci_level"]]
    assert (ends["ci_low"], ends["ci_high"], ends["ci_level"]) == (result.interval.low, result.interval.high, 0.95)
    assert table.set_index("method").loc["twfe_did", "estimate"] == estimate_did(coded, "net").estimate
