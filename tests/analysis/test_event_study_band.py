"""The event-study band: on the treated unit's own noise scale, and none where two placebos cannot give a spread."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.causal.run import run_design
from analysis.report.causal_figures import event_study_band

from .conftest import make_panel


def _result(n_regions: int):
    panel = make_panel(3, n_regions=n_regions, effect=2.0).rename(columns={"net": "net_migration_working_age"})
    return run_design(panel, "all_regions", "net_migration_working_age", with_synthetic=False)


def test_the_band_is_the_studentised_placebo_spread_scaled_to_the_treated_unit():
    result = _result(16)
    band = event_study_band(result).set_index("year")
    test, placebos = result.studentised, result.placebo_events
    assert test is not None and placebos is not None
    # Recomputed by hand: each placebo's coefficient over its own pre-period SD (pandas std of its gap to the
    # other controls' mean, the panel being balanced), root mean square, times the treated unit's SD.
    wide = make_panel(3, n_regions=16, effect=2.0).pivot(index="year", columns="region_code", values="net")
    pre = wide.loc[:2021]
    controls = pre.drop(columns="T0")
    noise = {c: (controls[c] - controls.drop(columns=c).mean(axis=1)).std(ddof=1) for c in controls.columns}
    treated_sd = (pre["T0"] - controls.mean(axis=1)).std(ddof=1)
    for year in (2010, 2022, 2023):
        scaled = np.array([placebos.loc[c, year] / noise[c] for c in placebos.index])
        half = 1.96 * treated_sd * np.sqrt(np.mean(scaled**2))
        assert band.loc[year, "high"] - band.loc[year, "estimate"] == pytest.approx(half, rel=1e-9)
    assert band.loc[2021, "high"] == pytest.approx(band.loc[2021, "estimate"])  # the reference year


def test_two_placebos_give_no_band():
    band = event_study_band(_result(3))
    assert band["low"].isna().drop(band.index[band["year"] == 2021]).all()
