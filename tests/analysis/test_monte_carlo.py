"""A small run of the size-and-power Monte Carlo (the full one is bench/bench_inference_mc.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from estimators.monte_carlo import (
    METHODS,
    Design,
    holds_size,
    library_p_values,
    run_monte_carlo,
    simulate_panel,
    wide_table,
)
from estimators.monte_carlo_fast import FastMethods


def test_simulated_errors_have_the_requested_autocorrelation():
    rng = np.random.default_rng(0)
    design = Design(n_controls=15, pre_years=400, post_years=2)
    panel, _ = simulate_panel(design, rng)
    # The year random walk is common to all units: remove it (cross-unit mean) and each unit's level.
    wide = panel.pivot(index="year", columns="region_code", values="y")
    gaps = wide.sub(wide.mean(axis=1), axis=0).to_numpy()
    gaps = gaps - gaps.mean(axis=0)
    rho = np.mean([np.corrcoef(gaps[1:, j], gaps[:-1, j])[0, 1] for j in range(gaps.shape[1])])
    assert rho == pytest.approx(0.5, abs=0.08)


def test_a_small_run_reports_every_method_with_its_monte_carlo_error():
    table = run_monte_carlo(Design(n_controls=2), draws=12, seed=3, bootstrap_draws=99)
    assert set(table["method_code"]) == set(METHODS)
    assert set(table["effect_sd"]) == {0.0, 1.0, 2.0} and set(table["alpha"]) == {0.05, 0.10}
    assert (table["draws"] == 12).all()
    for row in table.itertuples():
        assert row.mc_se == pytest.approx(math.sqrt(row.rejection_rate * (1 - row.rejection_rate) / 12))
    # With two controls a placebo-in-space rank p is 1/3 or 1 and the synthetic control's is >= 1/3:
    # neither can ever reject at 5% or 10%, whatever the effect.
    never = table[table["method_code"].isin(["placebo_space", "synthetic_control"])]
    assert (never["rejection_rate"] == 0).all()
    wide = wide_table(table)
    assert len(wide) == 2 * len(METHODS) and wide["holds_size"].dtype == bool
    assert bool(holds_size(table).loc[(2, 2, 1.0, 0.05, "placebo_space")])


@pytest.mark.parametrize("n_controls", [2, 6])
def test_the_fast_monte_carlo_path_gives_the_p_values_of_the_reports_functions(n_controls):
    design = Design(n_controls=n_controls)
    rng = np.random.default_rng(11)
    fast = FastMethods(design, bootstrap_draws=199, seed=1)
    compared = [m for m in METHODS if m != "wild_bootstrap"]
    if n_controls == 2:
        # SDID time weights are not unique with two controls (2 equations, 22 weights): solvers differ.
        compared = [m for m in compared if m != "sdid_placebo"] + ["wild_bootstrap"]  # WCR enumerated: exact
    for _ in range(2):
        panel, unit_sd = simulate_panel(design, rng)
        ours = fast.p_values(panel, unit_sd, (0.0, 2.0))
        theirs = library_p_values(panel, unit_sd, (0.0, 2.0), bootstrap_draws=199, seed=1)
        for mine, reference in zip(ours, theirs, strict=True):
            for method in compared:
                assert mine[method] == pytest.approx(reference[method], abs=2e-3), method


def test_power_grows_with_the_effect_for_the_conformal_test():
    table = run_monte_carlo(Design(n_controls=2), draws=40, seed=5, bootstrap_draws=99)
    conformal = table[(table["method_code"] == "conformal") & (table["alpha"] == 0.10)].set_index("effect_sd")
    assert conformal.loc[2.0, "rejection_rate"] > conformal.loc[0.0, "rejection_rate"]


def test_the_size_sentence_names_a_headline_test_the_monte_carlo_did_not_measure(tmp_path):
    from analysis.causal.method_note import headline_size_verdict

    table = run_monte_carlo(Design(n_controls=2), draws=6, seed=2, bootstrap_draws=19)
    path = tmp_path / "mc.csv"
    table[table["method_code"] != "pretrend_placebo"].to_csv(path, index=False)
    sentence = headline_size_verdict(path)
    assert "pre-trend placebo test is not in the Monte Carlo output" in sentence
    table.to_csv(path, index=False)
    assert "pre-trend placebo test holds its size" in headline_size_verdict(path)


def test_the_noise_ratio_sets_the_treated_sd_against_the_median_control():
    rng = np.random.default_rng(4)
    design = Design(n_controls=15, pre_years=600, post_years=2, noise_ratio=2.0)
    panel, _ = simulate_panel(design, rng)
    wide = panel.pivot(index="year", columns="region_code", values="y")
    innovations = wide.diff().sub(wide.diff().mean(axis=1), axis=0).iloc[1:]
    # The treated unit's year-to-year noise is about twice the median control's (AR(1) scales them alike).
    ratio = innovations["T"].std() / innovations.drop(columns="T").std().median()
    assert ratio == pytest.approx(2.0, rel=0.15)


def test_the_studentised_placebo_holds_its_size_where_the_raw_one_over_rejects():
    # Almaty-like: 15 controls, the treated unit twice as noisy as the median control, 4 post years.
    table = run_monte_carlo(Design(n_controls=15, post_years=4, noise_ratio=2.0), draws=150, seed=9, bootstrap_draws=19)
    null = table[(table["effect_sd"] == 0.0) & (table["alpha"] == 0.10)].set_index("method_code")["rejection_rate"]
    tolerance = 3 * math.sqrt(0.1 * 0.9 / 150)
    assert null["placebo_space_studentised"] <= 0.10 + tolerance
    assert null["placebo_space"] > 0.10 + tolerance


def test_the_method_note_counts_the_simulated_designs_from_the_output(tmp_path):
    """Controls, cells and the rank tests' floors come from the Monte Carlo's own rows, not from fixed numbers."""
    from analysis.causal.method_note import SimulatedDesigns

    rows = [
        {"n_controls": n, "post_years": post, "noise_ratio": 1.0, "alpha": alpha, "method_code": "placebo_space",
         "effect_sd": 0.0, "draws": 10, "rejection_rate": 0.1, "mc_se": 0.01, "seed": 1, "method": "m"}
        for n in (3, 25) for post in (3, 5) for alpha in (0.05, 0.10)
    ]
    path = tmp_path / "mc.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    simulated = SimulatedDesigns.read(path)
    assert simulated.controls == " (3 or 25)"
    # 2 control counts x 2 post lengths x 2 levels; 8 x 0.023 rounds to 0
    assert simulated.exceedances == " (with 8 designs and levels, about 0 exceedances are expected by chance)"
    # 1/4 > 0.10 > 0.05 > 1/26: three placebos never reject at either level, twenty-five can at both
    assert simulated.rank_floors == (" A rank test with 3 placebos can never reject at 5% (its smallest p is 1/4), "
                                     "with 3 never at 10% (1/4).")
    assert SimulatedDesigns.read(tmp_path / "absent.csv") == SimulatedDesigns()
