"""Wild cluster restricted bootstrap and conformal inference, each against an independent computation."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from estimators.inference import WEBB_WEIGHTS, conformal_p_value, conformal_test, wild_cluster_bootstrap

from .conftest import make_panel


def _formula_model(panel: pd.DataFrame):
    data = panel.assign(d=(panel["is_treated"] & panel["is_post"]).astype(float))
    return data, smf.ols("net ~ d + C(region_code) + C(year)", data=data)


def _brute_force_wcr(panel: pd.DataFrame, support: np.ndarray) -> tuple[float, float]:
    """Every weight pattern, each bootstrap sample refitted by statsmodels with CR1 cluster errors."""
    data, model = _formula_model(panel)
    groups = pd.factorize(data["region_code"])[0]
    fitted = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    t_actual = fitted.tvalues["d"]
    restricted = smf.ols("net ~ C(region_code) + C(year)", data=data).fit()
    design = model.exog  # the same dummies, refitted as arrays (the formula parse is the slow part)
    t_star = []
    for pattern in itertools.product(support, repeat=groups.max() + 1):
        y_star = restricted.fittedvalues.to_numpy() + restricted.resid.to_numpy() * np.asarray(pattern)[groups]
        refit = sm.OLS(y_star, design).fit(cov_type="cluster", cov_kwds={"groups": groups})
        t_star.append(refit.tvalues[model.exog_names.index("d")])
    return float(t_actual), float(np.mean(np.abs(t_star) >= abs(t_actual) * (1 - 1e-10)))


def test_wild_bootstrap_enumerates_rademacher_patterns_like_a_brute_force_refit():
    panel = make_panel(3, n_regions=3, effect=1.5)
    t_actual, p_brute = _brute_force_wcr(panel, np.array([-1.0, 1.0]))
    mine = wild_cluster_bootstrap(panel, "net", weights="rademacher")
    assert mine.enumerated and mine.n_placebos == 2**3
    assert mine.t_stat == pytest.approx(t_actual, rel=1e-9)
    assert mine.p_value == pytest.approx(p_brute, abs=1e-12)


def test_wild_bootstrap_with_webb_weights_matches_a_brute_force_refit():
    panel = make_panel(11, n_regions=3, effect=0.5)
    _, p_brute = _brute_force_wcr(panel, WEBB_WEIGHTS)
    mine = wild_cluster_bootstrap(panel, "net", weights="webb")
    assert mine.n_placebos == 6**3 and mine.p_value == pytest.approx(p_brute, abs=1e-12)


def _their_bootstrap(model, groups: np.ndarray, weights_type: str, draws: int):
    """wildboottest's own t statistic and bootstrap t* draws (WCR, null imposed, '11', CR1)."""
    from wildboottest.wildboottest import WildboottestCL

    restriction = np.zeros(len(model.exog_names))
    restriction[model.exog_names.index("d")] = 1
    boot = WildboottestCL(X=model.exog, Y=model.endog, cluster=groups, R=restriction, B=draws, seed=1,
                          parallel=False)  # numba's parallel compile costs more than it saves on 96 rows
    boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
    boot.get_weights(weights_type=weights_type)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    return float(np.ravel(boot.t_stat)[0]), np.ravel(boot.t_boot)


def _p_from_draws(t_stat: float, t_boot: np.ndarray) -> float:
    """The two-sided p of a set of draws, counting |t*| >= |t| up to rounding (as ours does)."""
    return float(np.mean(np.abs(t_boot) >= abs(t_stat) * (1 - 1e-10)))


def test_wild_bootstrap_agrees_with_the_wildboottest_package():
    """Values, not ties: the packages count |t*| = |t| differently (>= here, > there), and which side of
    |t| the identity pattern's t* lands on is decided by the last bit of the BLAS kernel the CPU picks.
    So the t statistics and every enumerated t* are compared as numbers, and both p-values are counted
    from the draws by one tie-robust rule."""
    pytest.importorskip("wildboottest.wildboottest")
    panel = make_panel(3, n_regions=4, effect=1.5)
    data, model = _formula_model(panel)
    groups = pd.factorize(data["region_code"])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "2^G < B, setting full_enumeration": what we want
        their_t, their_draws = _their_bootstrap(model, groups, "rademacher", 9999)
        their_webb_t, their_webb_draws = _their_bootstrap(model, groups, "webb", 19999)
    mine = wild_cluster_bootstrap(panel, "net", weights="rademacher")
    assert mine.enumerated and mine.n_placebos == their_draws.size == 2**4
    assert mine.t_stat == pytest.approx(their_t, rel=1e-6)
    # The 16 enumerated |t*| against a brute-force statsmodels refit of each pattern, value by value.
    brute = []
    restricted = smf.ols("net ~ C(region_code) + C(year)", data=data).fit()
    for pattern in itertools.product([-1.0, 1.0], repeat=4):
        y_star = restricted.fittedvalues.to_numpy() + restricted.resid.to_numpy() * np.asarray(pattern)[groups]
        refit = sm.OLS(y_star, model.exog).fit(cov_type="cluster", cov_kwds={"groups": groups})
        brute.append(abs(refit.tvalues[model.exog_names.index("d")]))
    np.testing.assert_allclose(np.sort(np.abs(their_draws)), np.sort(brute), rtol=1e-6)
    assert mine.p_value == pytest.approx(_p_from_draws(their_t, their_draws), abs=1e-12)
    # Webb: ours enumerates all 6^4 patterns, theirs draws 19,999: equal within 4 Monte Carlo SEs.
    webb = wild_cluster_bootstrap(panel, "net", weights="webb")
    assert webb.t_stat == pytest.approx(their_webb_t, rel=1e-6)
    theirs_webb = _p_from_draws(their_webb_t, their_webb_draws)
    mc_se = np.sqrt(webb.p_value * (1 - webb.p_value) / their_webb_draws.size)
    assert abs(webb.p_value - theirs_webb) < 4 * mc_se


def _treated_residuals(panel: pd.DataFrame, outcome: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A TWFE fit of `outcome` by statsmodels: the treated region's residuals in year order, and its post flags."""
    data = panel.assign(outcome=outcome.to_numpy())
    fitted = smf.ols("outcome ~ C(region_code) + C(year)", data=data).fit()
    treated = data["is_treated"].to_numpy()
    order = np.argsort(data.loc[treated, "year"].to_numpy())
    return fitted.resid.to_numpy()[treated][order], data.loc[treated, "is_post"].to_numpy()[order]


def _shift_p_value(residuals: np.ndarray, post: np.ndarray) -> float:
    """Every cyclic shift of the treated residuals by hand: the share at least as extreme as the actual one."""
    statistic = lambda u: np.abs(u[post]).sum() / np.sqrt(post.sum())  # noqa: E731
    actual = statistic(residuals)
    shifted = [statistic(np.roll(residuals, -k)) for k in range(len(residuals))]
    return float(np.mean(np.array(shifted) >= actual * (1 - 1e-10)))


def _brute_force_conformal(panel: pd.DataFrame, theta: float) -> float:
    """Null-adjusted TWFE fit by statsmodels, treated residuals, every cyclic shift by hand."""
    adjusted = panel["net"] - theta * (panel["is_treated"] & panel["is_post"])
    return _shift_p_value(*_treated_residuals(panel, adjusted))


@pytest.mark.parametrize("seed", [1, 2])
def test_conformal_p_value_matches_an_independent_moving_block_computation(seed):
    panel = make_panel(seed, n_regions=6, effect=2.0)
    result = conformal_test(panel, "net")
    assert result.p_value == pytest.approx(_brute_force_conformal(panel, 0.0), abs=1e-12)
    assert conformal_p_value(panel, "net") == pytest.approx(result.p_value, abs=1e-12)
    assert result.min_attainable_p == pytest.approx(1 / 24)
    # The interval's ends are where the brute-force test stops rejecting: not rejected just inside, rejected
    # just outside (an end found by root-finding sits on the jump of the step function, not on a grid point).
    low, high = result.interval.bounds
    tiny = 1e-6 * (high - low)
    assert _brute_force_conformal(panel, low + tiny) > 0.05 and _brute_force_conformal(panel, high - tiny) > 0.05
    assert _brute_force_conformal(panel, low - tiny) <= 0.05 and _brute_force_conformal(panel, high + tiny) <= 0.05
    step = (high - low) / 2 + 5.0
    assert _brute_force_conformal(panel, high + step) <= 0.05
    assert _brute_force_conformal(panel, low - step) <= 0.05


def test_conformal_interval_covers_a_large_effect_and_excludes_zero():
    panel = make_panel(4, n_regions=10, effect=25.0, noise_sd=1.0)
    result = conformal_test(panel, "net")
    assert result.interval.low <= 25.0 <= result.interval.high and result.interval.low > 0
    assert result.p_value == pytest.approx(1 / 24)  # the most extreme of the 24 shifts
    assert list(result.per_year["year"]) == [2022, 2023]


def _brute_force_one_year_set(panel: pd.DataFrame, year: int, grid: np.ndarray) -> tuple[float, float]:
    """The conformal set of one year's effect on a fine grid, by statsmodels fits (no code under test)."""
    keep = panel[~panel["is_post"] | (panel["year"] == year)]
    # Least squares residuals are linear in the outcome: the residuals of net - theta * D are those of net minus
    # theta times those of D, so two statsmodels fits give the null-adjusted fit at every grid point exactly.
    residuals, post = _treated_residuals(keep, keep["net"])
    of_treatment, _ = _treated_residuals(keep, (keep["is_treated"] & keep["is_post"]).astype(float))
    accepted = [theta for theta in grid if _shift_p_value(residuals - theta * of_treatment, post) > 0.05]
    # The identity, checked against a full refit at the two ends found.
    for theta in (min(accepted), max(accepted)):
        assert _shift_p_value(residuals - theta * of_treatment, post) == _brute_force_conformal(keep, theta)
    return min(accepted), max(accepted)


def test_per_year_conformal_sets_agree_with_a_brute_force_inversion_and_contain_their_estimate():
    panel = make_panel(3, n_regions=6, effect=4.0)
    result = conformal_test(panel, "net")
    for row in result.per_year.itertuples():
        interval = row.interval
        assert interval.bounded and interval.is_interval and interval.contains(row.estimate)
        spacing = 0.02
        grid = np.arange(interval.low - 1.0, interval.high + 1.0 + spacing, spacing)
        low, high = _brute_force_one_year_set(panel, int(row.year), grid)
        # The grid's accepted extremes lie within one spacing inside the root-found ends.
        assert interval.low <= low + 1e-9 and low - interval.low < spacing
        assert high <= interval.high + 1e-9 and interval.high - high < spacing
