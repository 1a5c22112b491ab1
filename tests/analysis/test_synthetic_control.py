import numpy as np
import pandas as pd
import pytest

from estimators.synthetic_control import simplex_weights, synthetic_control

TRUE_WEIGHTS = {"C01": 0.5, "C02": 0.3, "C03": 0.2}


def _factor_panel(seed: int, effect: float, noise_sd: float = 0.3, n_donors: int = 12) -> pd.DataFrame:
    """Donors follow a two-factor model; the treated region is a known convex mix of three donors."""
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2024)
    factors = np.column_stack([np.cumsum(rng.normal(0, 3, len(years))), np.sin(years / 2.0) * 10])
    donors = {}
    for i in range(1, n_donors + 1):
        loadings = rng.uniform(-1.5, 1.5, 2)
        donors[f"C{i:02d}"] = 50 + rng.normal(0, 20) + factors @ loadings + rng.normal(0, noise_sd, len(years))
    treated = sum(w * donors[c] for c, w in TRUE_WEIGHTS.items()) + rng.normal(0, noise_sd, len(years))
    treated = treated + np.where(years >= 2022, effect, 0.0)
    rows = [
        {
            "region_code": code,
            "year": int(y),
            "is_treated": code == "T0",
            "is_post": bool(y >= 2022),
            "net": v,
        }
        for code, series in {"T0": treated, **donors}.items()
        for y, v in zip(years, series, strict=True)
    ]
    return pd.DataFrame(rows)


def test_simplex_weights_recover_exact_convex_combination():
    rng = np.random.default_rng(0)
    donors = rng.normal(size=(20, 5))
    truth = np.array([0.6, 0.0, 0.25, 0.15, 0.0])
    weights = simplex_weights(donors @ truth, donors)
    assert np.allclose(weights, truth, atol=1e-5)
    assert weights.min() >= 0 and weights.sum() == pytest.approx(1.0)


def test_synthetic_control_recovers_effect_and_weights():
    panel = _factor_panel(seed=3, effect=40.0)
    result = synthetic_control(panel, "net")
    fit = result.fit
    assert fit.weights.sum() == pytest.approx(1.0) and (fit.weights >= 0).all()
    for code, weight in TRUE_WEIGHTS.items():
        assert fit.weights[code] == pytest.approx(weight, abs=0.1)
    assert fit.average_post_gap == pytest.approx(40.0, abs=3.0)
    assert fit.pre_rmspe < 1.0
    assert fit.rmspe_ratio == pytest.approx(fit.post_rmspe / fit.pre_rmspe)
    gap = fit.gap
    assert np.allclose(gap["gap"], gap["treated"] - gap["synthetic"])
    assert result.n_placebos == 12
    assert result.p_value == pytest.approx(1 / 13) == result.min_attainable_p


def _exchangeable_panel(seed: int, n_regions: int = 10) -> pd.DataFrame:
    """No effect and every region drawn from the same factor model, so the treated one is not special."""
    rng = np.random.default_rng(seed)
    years = np.arange(2004, 2024)
    factors = np.column_stack([np.cumsum(rng.normal(0, 3, len(years))), np.sin(years / 2.0) * 10])
    rows = []
    for i in range(n_regions):
        series = rng.normal(0, 5) + factors @ rng.uniform(-1.5, 1.5, 2) + rng.normal(0, 1.0, len(years))
        code = "T0" if i == 0 else f"C{i:02d}"
        rows += [
            {"region_code": code, "year": int(y), "is_treated": i == 0, "is_post": bool(y >= 2022), "net": v}
            for y, v in zip(years, series, strict=True)
        ]
    return pd.DataFrame(rows)


def test_synthetic_control_without_effect_has_small_gap():
    result = synthetic_control(_factor_panel(seed=4, effect=0.0), "net")
    assert abs(result.fit.average_post_gap) < 3.0


def test_synthetic_control_p_value_is_roughly_uniform_under_no_effect():
    n_sims = 80
    p_values = np.array([synthetic_control(_exchangeable_panel(seed=500 + s), "net").p_value for s in range(n_sims)])
    for level in (0.2, 0.5):
        count = int(np.sum(p_values <= level + 1e-12))
        sd = np.sqrt(n_sims * level * (1 - level))
        assert abs(count - n_sims * level) < 3.5 * sd, (level, count)


def test_donors_with_missing_years_are_excluded_and_listed():
    panel = _factor_panel(seed=5, effect=20.0)
    panel.loc[(panel.region_code == "C11") & (panel.year < 2017), "net"] = np.nan
    panel = panel[~((panel.region_code == "C12") & (panel.year >= 2022))]
    result = synthetic_control(panel, "net")
    assert set(result.excluded) == {"C11", "C12"}
    assert "2000–2016" in result.excluded["C11"]
    assert "C11" not in result.fit.weights.index and result.n_placebos == 10


def test_synthetic_control_is_deterministic():
    panel = _factor_panel(seed=6, effect=10.0)
    first, second = synthetic_control(panel, "net"), synthetic_control(panel, "net")
    assert first.fit.weights.equals(second.fit.weights)
    assert first.placebos.equals(second.placebos)


def test_demeaned_fit_handles_level_outside_donor_range():
    panel = _factor_panel(seed=7, effect=30.0)
    panel.loc[panel.region_code == "T0", "net"] += 500.0  # far above every donor
    plain = synthetic_control(panel, "net", with_placebos=False)
    demeaned = synthetic_control(panel, "net", with_placebos=False, demeaned=True)
    assert plain.fit.pre_rmspe > 100
    assert demeaned.fit.pre_rmspe < 1.0
    assert demeaned.fit.average_post_gap == pytest.approx(30.0, abs=3.0)


def test_placebos_that_copy_another_donor_are_undefined_and_left_out_of_the_p_value():
    panel = _factor_panel(seed=8, effect=40.0)
    # C13 is an exact copy of C04: as placebos each is fitted by the other with zero gap before and
    # after, a 0/0 RMSPE ratio that says nothing about an effect.
    twin = panel[panel.region_code == "C04"].assign(region_code="C13")
    result = synthetic_control(pd.concat([panel, twin], ignore_index=True), "net")
    assert result.undefined_placebos == ("C04", "C13")
    assert result.n_placebos == 11 and result.min_attainable_p == pytest.approx(1 / 12)
    # The real effect (40 against noise 0.3) outranks every defined placebo: p = 1 / (1 + 11), whereas
    # counting the two undefined placebos as infinitely extreme would give 3 / 14.
    defined = result.placebos.dropna(subset=["rmspe_ratio"])
    assert (defined["rmspe_ratio"] < result.fit.rmspe_ratio).all()
    assert result.p_value == pytest.approx(1 / 12)


def test_adh_prefit_filters_and_leave_one_out_donors_are_computed_from_the_placebos():
    from .conftest import make_panel

    panel = make_panel(21, n_regions=12, effect=4.0)
    result = synthetic_control(panel, "net")
    placebos, fit = result.placebos, result.fit
    for row in result.prefit_filtered.itertuples():
        kept = placebos[placebos["pre_rmspe"] ** 2 <= row.mspe_multiple * fit.pre_rmspe**2]
        expected = (1 + (kept["rmspe_ratio"] >= fit.rmspe_ratio * (1 - 1e-10)).sum()) / (1 + len(kept))
        assert row.n_placebos == len(kept) and row.p_value == pytest.approx(expected)
    # Stricter filters keep no more placebos.
    assert list(result.prefit_filtered["n_placebos"]) == sorted(result.prefit_filtered["n_placebos"], reverse=True)
    positive = set(fit.weights[fit.weights > 0].index)
    assert set(result.leave_one_out["dropped_donor"]) == positive
    assert result.placebo_gaps is not None and set(result.placebo_gaps.columns) == set(placebos["region_code"])
