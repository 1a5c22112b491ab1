"""estimators.ols against statsmodels (the oracle): coefficients, both covariances, p-values, intervals,
F test."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from estimators.ols import ols


def _panel_design(rng: np.random.Generator, units: int, years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    unit = np.repeat(np.arange(units), years)
    year = np.tile(np.arange(years), units)
    treated_post = ((unit == 0) & (year >= years - 2)).astype(float)
    dummies = [np.ones(units * years)]
    dummies += [(unit == u).astype(float) for u in range(1, units)]
    dummies += [(year == t).astype(float) for t in range(1, years)]
    design = np.column_stack([treated_post, *dummies])
    y = design @ rng.normal(size=design.shape[1]) + rng.normal(scale=1 + unit, size=units * years)
    return y, design, unit


@pytest.mark.parametrize("units,years", [(3, 24), (16, 24)])
def test_conventional_and_clustered_fits_equal_statsmodels(units: int, years: int) -> None:
    rng = np.random.default_rng(units)
    y, design, unit = _panel_design(rng, units, years)
    ours = ols(y, design)
    theirs = sm.OLS(y, design).fit()
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-9)
    np.testing.assert_allclose(ours.pvalues, theirs.pvalues, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(ours.conf_int(0.05), theirs.conf_int(0.05), rtol=1e-9)
    assert ours.df_resid == theirs.df_resid

    ours_c = ols(y, design, groups=unit)
    theirs_c = sm.OLS(y, design).fit(cov_type="cluster", cov_kwds={"groups": unit}, use_t=True)
    np.testing.assert_allclose(ours_c.bse, theirs_c.bse, rtol=1e-8)
    np.testing.assert_allclose(ours_c.pvalues[0], theirs_c.pvalues[0], rtol=1e-7)
    np.testing.assert_allclose(ours_c.conf_int(0.1)[0], theirs_c.conf_int(0.1)[0], rtol=1e-8)


def test_joint_f_test_equals_statsmodels_and_a_rank_deficient_design_fits_like_its_pinv() -> None:
    rng = np.random.default_rng(7)
    y, design, _ = _panel_design(rng, 4, 20)
    restriction = np.zeros((3, design.shape[1]))
    restriction[0, 0] = restriction[1, 5] = restriction[2, 6] = 1.0
    statistic, p, q, df_denom = ols(y, design).f_test(restriction)
    joint = sm.OLS(y, design).fit().f_test(restriction)
    assert q == joint.df_num and df_denom == joint.df_denom
    np.testing.assert_allclose([statistic, p], [float(np.squeeze(joint.fvalue)), float(joint.pvalue)], rtol=1e-8)

    doubled = np.column_stack([design, design[:, 1]])  # a repeated column: rank one short
    ours, theirs = ols(y, doubled), sm.OLS(y, doubled).fit()
    np.testing.assert_allclose(doubled @ ours.params, doubled @ theirs.params, rtol=1e-9)
    assert ours.df_resid == theirs.df_resid == len(y) - np.linalg.matrix_rank(design)


def test_a_negative_variance_gives_no_standard_error_and_no_warning() -> None:
    import warnings

    from estimators.ols import OlsFit

    fit = OlsFit(np.array([1.0, 2.0]), np.diag([4.0, -1e-18]), df_resid=10.0, df_inference=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bse = fit.bse
        low, high = fit.conf_int(0.05)[1]
    assert bse[0] == 2.0 and np.isnan(bse[1]) and np.isnan(low) and np.isnan(high)
