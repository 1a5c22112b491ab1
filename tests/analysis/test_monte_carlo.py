"""A small run of the size-and-power Monte Carlo (the full one is bench/bench_inference_mc.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.monte_carlo import METHODS, Design, holds_size, run_monte_carlo, simulate_panel, wide_table


def test_simulated_errors_have_the_requested_autocorrelation():
    rng = np.random.default_rng(0)
    design = Design(n_controls=15, pre_years=400, post_years=2)
    panel, _ = simulate_panel(design, rng)
    lag_correlations = []
    for _, unit in panel.groupby("region_code"):
        demeaned = unit["y"].to_numpy() - unit["y"].mean()
        lag_correlations.append(np.corrcoef(demeaned[1:], demeaned[:-1])[0, 1])
    # Unit + year effects: the year random walk is common, so take differences across units instead.
    wide = panel.pivot(index="year", columns="region_code", values="y")
    gaps = (wide.sub(wide.mean(axis=1), axis=0)).to_numpy()
    gaps -= gaps.mean(axis=0)
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
    assert bool(holds_size(table).loc[(2, 1.0, 0.05, "placebo_space")])


def test_power_grows_with_the_effect_for_the_conformal_test():
    table = run_monte_carlo(Design(n_controls=2), draws=40, seed=5, bootstrap_draws=99)
    conformal = table[(table["method_code"] == "conformal") & (table["alpha"] == 0.10)].set_index("effect_sd")
    assert conformal.loc[2.0, "rejection_rate"] > conformal.loc[0.0, "rejection_rate"]
