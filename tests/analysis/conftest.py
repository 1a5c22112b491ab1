"""Synthetic region × year panels with a known treatment effect, for the estimator tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

PanelFactory = Callable[..., pd.DataFrame]


def make_panel(
    seed: int,
    n_regions: int = 15,
    first_year: int = 2000,
    last_year: int = 2023,
    first_post_year: int = 2022,
    effect: float = 0.0,
    noise_sd: float = 1.0,
    treated_pretrend_slope: float = 0.0,
) -> pd.DataFrame:
    """Region 'T0' is treated; controls 'C01'…; y = region effect + year effect + noise (+ effect after).

    ``treated_pretrend_slope`` adds a linear trend (per year) to the treated region before
    ``first_post_year`` only, i.e. a violation of parallel pre-trends.
    """
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    year_effect = np.cumsum(rng.normal(0.0, 2.0, len(years)))
    regions = ["T0"] + [f"C{i:02d}" for i in range(1, n_regions)]
    rows = []
    for region in regions:
        region_effect = rng.normal(0.0, 5.0)
        for k, year in enumerate(years):
            treated = region == "T0"
            post = year >= first_post_year
            y = region_effect + year_effect[k] + rng.normal(0.0, noise_sd)
            if treated and post:
                y += effect
            if treated and not post:
                y += treated_pretrend_slope * (year - first_post_year)
            rows.append({"region_code": region, "year": int(year), "is_treated": treated, "is_post": post, "net": y})
    return pd.DataFrame(rows)


@pytest.fixture
def panel_factory() -> PanelFactory:
    return make_panel
