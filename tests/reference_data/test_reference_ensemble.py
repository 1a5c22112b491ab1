"""The ensemble of reconstructions: draws per seed, the committed ensemble files, and the LP bounds.

Building a member takes minutes (its own warehouse), so `make test` checks the draws and the committed
files; `make ensemble` rebuilds the members and runs the hard-constraint tests on every one of them.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pytest

from reference_data.draws import draw, load_ranges
from reference_data.ensemble import BASE_SEED
from reference_data.generate import load_priors
from reference_data.inputs import load_constraints, load_seeds
from reference_data.paths import default_paths

from .conftest import REPO

ENSEMBLE = REPO / "data" / "reference" / "ensemble"
CONSTRAINTS = REPO / "data" / "reference" / "constraints.csv"


@pytest.fixture(scope="module")
def inputs():
    paths = default_paths()
    seeds = load_seeds(paths)
    return load_priors(paths), load_constraints(paths, seeds), load_ranges(paths)


def test_a_draw_is_a_function_of_its_seed(inputs):
    priors, constraints, ranges = inputs
    first = draw(priors, constraints, ranges, np.random.default_rng(BASE_SEED + 1))
    again = draw(priors, constraints, ranges, np.random.default_rng(BASE_SEED + 1))
    other = draw(priors, constraints, ranges, np.random.default_rng(BASE_SEED + 2))
    for name in priors:
        pd.testing.assert_frame_equal(first.priors[name], again.priors[name])
    assert first.part_year_scale == again.part_year_scale
    assert not first.priors["region_propensity.csv"].equals(other.priors["region_propensity.csv"])


def test_a_draw_moves_no_published_figure(inputs):
    """Only press-rounded targets move, and within half their rounding unit; every other figure stays."""
    priors, constraints, ranges = inputs
    drawn = draw(priors, constraints, ranges, np.random.default_rng(BASE_SEED + 3)).constraints
    moved = drawn.value != constraints.value
    assert moved.any()
    assert set(constraints[moved].use) == {"target"} and set(constraints[moved].comparison) == {"rounded_100"}
    assert (drawn.value - constraints.value).abs().max() <= 49


def test_every_modeled_assumption_is_drawn_from_a_stated_range(inputs):
    priors, _, ranges = inputs
    assert set(ranges.prior) - {"constraints.csv", "part_year_scale"} == set(priors) - {
        "national_targets.csv", "almaty_specialty_counts.csv"}  # those two are claims of the paper, fixed
    assert (ranges.basis.str.len() > 20).all()
    readme = (REPO / "data" / "reference" / "README.md").read_text(encoding="utf-8")
    assert "ensemble_ranges.csv" in readme


@pytest.fixture(scope="module")
def ensemble():
    return {name: pd.read_csv(ENSEMBLE / f"{name}.csv", dtype={"claim_id": str}) for name in
            ("members", "estimates", "claims")}


def test_the_ensemble_files_follow_the_contract(ensemble):
    members, estimates, claims = ensemble["members"], ensemble["estimates"], ensemble["claims"]
    assert list(members.columns) == ["member_id", "seed", "note", "treated_region_code", "control_region_codes",
                                     "bordering_russia_region_codes", "crisis_start_year", "working_age_rule_set_code"]
    assert list(estimates.columns) == ["member_id", "design_code", "outcome_code", "estimator_code", "estimate",
                                       "p_value"]
    assert list(claims.columns) == ["member_id", "claim_id", "computed_value", "status"]
    assert members.member_id.tolist() == list(range(len(members))) and len(members) >= 3
    assert members.seed.tolist() == [0, *(BASE_SEED + k for k in range(1, len(members)))]
    paper_claims = set(pd.read_csv(REPO / "data" / "claims" / "paper_claims.csv", dtype=str).claim_id)
    assert claims.groupby("member_id").claim_id.apply(set).eq(paper_claims).all()
    assert set(claims.status) <= {"reproduced", "not_reproduced", "not_computable"}
    assert set(estimates.outcome_code) == {"net_working_age", "net_working_age_per_1000"}
    assert estimates.groupby(["design_code", "outcome_code", "estimator_code"]).member_id.nunique().eq(
        len(members)).all()


def fixed_claims() -> dict[str, int]:
    """Claims whose one value is a single hard figure of constraints.csv ("paper claim Cnn")."""
    constraints = pd.read_csv(CONSTRAINTS, dtype=str, keep_default_na=False)
    hard = constraints[(constraints.use == "hard") & constraints.note.str.contains("paper claim")]
    claim = hard.note.str.extract(r"paper claim (C\d+)", expand=False)
    counts = claim.value_counts()
    return {c: int(hard.value[claim == c].iloc[0]) for c in counts.index if counts[c] == 1}


def test_a_quantity_fixed_by_published_figures_shows_no_spread(ensemble):
    claims = ensemble["claims"]
    fixed = fixed_claims()
    assert set(fixed) >= {"C03", "C50"}
    for claim_id, value in fixed.items():
        values = claims.loc[claims.claim_id == claim_id, "computed_value"]
        assert values.nunique() == 1 and values.iloc[0] == value, (claim_id, values.tolist())


def test_a_modeled_quantity_does_show_a_spread(ensemble):
    estimates = ensemble["estimates"]
    did = estimates[(estimates.design_code == "paper") & (estimates.estimator_code == "did")]
    assert did.groupby("outcome_code").estimate.nunique().gt(1).all()


def test_the_ensemble_marts_hold_the_files_with_their_spread(built_warehouse, ensemble):
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        mart = connection.sql("select * from fct_reconstruction_ensemble_estimates").df()
        claims = connection.sql("select * from fct_reconstruction_ensemble_claims").df()
    estimates = ensemble["estimates"]
    assert len(mart) == len(estimates) and len(claims) == len(ensemble["claims"])
    key = ["design_code", "outcome_code", "estimator_code"]
    expected = estimates.groupby(key).estimate.agg(["min", "median", "max", "count"])
    got = mart.groupby(key)[["estimate_min_across_members", "estimate_median_across_members",
                             "estimate_max_across_members", "members_with_estimate"]].first()
    np.testing.assert_allclose(got.to_numpy(dtype=float), expected.loc[got.index].to_numpy(dtype=float))
    reproduced = ensemble["claims"].assign(ok=lambda f: f.status == "reproduced").groupby("claim_id").ok.sum()
    got_reproduced = claims.groupby("claim_id").members_reproducing.first()
    assert (got_reproduced.sort_index() == reproduced.sort_index()).all()
    # Every member was built with the design the session's warehouse was built with (members.csv says which).
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        design = connection.sql("select * from dim_study_design").df().iloc[0]
    members = ensemble["members"]
    for column in ("treated_region_code", "control_region_codes", "crisis_start_year", "working_age_rule_set_code"):
        assert (members[column].astype(str) == str(design[column])).all(), column
    assert mart.is_build_design.all() and claims.is_build_design.all()


def test_lp_bounds_match_the_arithmetic_of_the_published_figures():
    """Almaty's working-age net in 2022 can be no larger than all arrivals less the regions' published lower
    bounds, and no smaller than minus all departures less theirs (Jan-Sep figures less half the unit)."""
    bounds = pd.read_csv(REPO / "data" / "reference" / "bounds.csv", dtype={"region_code": str})
    almaty = bounds[(bounds.region_code == "75") & (bounds.year == 2022)].iloc[0]
    constraints = pd.read_csv(CONSTRAINTS, dtype=str, keep_default_na=False)
    others = constraints[(constraints.year == "2022") & (constraints.use == "lower_bound")
                         & (constraints.population == "all_ages") & (constraints.country_code == "_T")
                         & ~constraints.region_code.isin(["00", "75"])]

    def least(direction: str) -> int:
        rows = others[others.direction_code == direction]
        per_region = (rows.value.astype(int) - rows.comparison.map(lambda c: 50 if "rounded" in c else 0)).groupby(
            rows.region_code).max()
        return int(per_region.sum())

    assert almaty.upper == 17425 - least("arrival")
    assert almaty.lower == -(24147 - least("departure"))
    assert re.search("HiGHS", almaty.basis)


def test_the_reconstruction_lies_inside_the_lp_bounds(tables):
    bounds = pd.read_csv(REPO / "data" / "reference" / "bounds.csv", dtype={"region_code": str})
    education = tables["by_education"]
    totals = education[education.education_code == "_T"].pivot_table(
        index=["region_code", "year"], columns="direction_code", values="persons")
    for row in bounds.itertuples():
        net = totals.loc[(row.region_code, row.year)]
        assert row.lower <= net.arrival - net.departure <= row.upper, row


def test_a_member_regenerates_byte_for_byte_from_its_seed(tmp_path):
    """Member 1's tables are not committed, their hashes are: the recorded seed gives the same bytes again."""
    import hashlib

    from reference_data.ensemble import member_tables
    from reference_data.generate import write_tables

    recorded = pd.read_csv(ENSEMBLE / "member_tables_sha256.csv")
    recorded = recorded[recorded.member_id == 1].set_index("table_code").sha256
    frames, _ = member_tables(default_paths(), 1, BASE_SEED + 1)
    written = write_tables(frames, tmp_path)
    assert {code: hashlib.sha256(path.read_bytes()).hexdigest() for code, path in written.items()} == recorded.to_dict()
