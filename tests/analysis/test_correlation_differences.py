"""The r of year-to-year changes beside r on levels, and the part-whole flag of a pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from estimators.correlation import correlate
from estimators.paper_correlations import part_whole


def test_two_independent_trends_correlate_in_levels_but_not_in_changes():
    rng = np.random.default_rng(0)
    years = range(2000, 2024)
    a = pd.Series([10.0 * k + rng.normal() for k in range(24)], index=years)
    b = pd.Series([7.0 * k + rng.normal() for k in range(24)], index=years)
    result = correlate(a, b)
    assert result.estimate > 0.99
    # Independently: numpy's correlation of the first differences.
    expected = np.corrcoef(np.diff(a.to_numpy()), np.diff(b.to_numpy()))[0, 1]
    assert result.pearson_r_differences == pytest.approx(expected, abs=1e-12)
    assert abs(result.pearson_r_differences) < 0.5


def test_a_missing_year_breaks_the_chain_of_changes():
    a = pd.Series([1.0, 3.0, 2.0, 5.0, 4.0, 8.0], index=[2000, 2001, 2002, 2004, 2005, 2006])
    b = pd.Series([2.0, 1.0, 4.0, 3.0, 6.0, 5.0], index=[2000, 2001, 2002, 2004, 2005, 2006])
    # Changes 2001, 2002, 2005, 2006 only (2004 - 2002 spans a gap and is not a year-to-year change).
    da, db = np.array([2.0, -1.0, -1.0, 4.0]), np.array([-1.0, 3.0, 3.0, -1.0])
    assert correlate(a, b).pearson_r_differences == pytest.approx(np.corrcoef(da, db)[0, 1], abs=1e-12)


def test_part_whole_pairs_are_flagged_from_the_country_groups():
    tables = {"dim_countries": pd.DataFrame({"country_code": ["RUS", "CHN"], "group_code": ["CIS", "OTHER"]})}
    assert part_whole(tables, "almaty.departures.RUS", "almaty.departures.CIS") == "RUS is part of CIS"
    assert part_whole(tables, "almaty.arrivals.RUS", "almaty.arrivals.total") == "RUS is part of the total"
    assert part_whole(tables, "almaty.arrivals.CHN", "almaty.arrivals.NON_CIS") == "CHN is part of NON_CIS"
    assert part_whole(tables, "almaty.arrivals.CHN", "almaty.arrivals.CIS") == ""
    assert part_whole(tables, "almaty.arrivals.RUS", "almaty.departures.CIS") == ""
