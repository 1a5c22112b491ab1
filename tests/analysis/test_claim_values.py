"""Claim computations on small hand-built marts whose answers are known by construction."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.claim_values import CLAIM_FUNCTIONS, compute_all

from .mart_fixtures import COUNTRIES, RUS_ARR, YEARS, claim_marts


@pytest.fixture(scope="module")
def values() -> dict:
    return compute_all(claim_marts())


def test_balance_and_regimes(values):
    assert values["C01"] == pytest.approx(5892 / 888)
    assert values["C02"] == pytest.approx((5892 / 2000 - 1) * 100)
    assert values["C03"] == 888 and values["C05"] == 5892
    assert values["C04"] == pytest.approx(7100 / 888)
    assert values["C06"] == pytest.approx(100 * 5892 / 15000)
    assert values["C07"] == {2000, 2001, 2002, *range(2014, 2022)}
    assert values["C08"] == {*range(2003, 2014), 2022, 2023}
    assert values["C09"] == pytest.approx(3.6)
    assert values["C10"] is True
    assert values["C12"] == pytest.approx(1.6) and values["C13"] == pytest.approx(1.8)


def test_education(values):
    # Shares 60% of departures vs 40% of arrivals in every year: ratio 1.5 whatever the period.
    for claim_id in ("C11", "C14", "C15"):
        assert values[claim_id] == pytest.approx(1.5)
    assert values["C16"] is True
    assert values["C46"] == pytest.approx(0.4 * 5892 / (0.6 * 888))
    assert values["C49"] == pytest.approx([0.6 * 1800, 0.6 * 888])
    assert values["C51"] is None  # no national education rows in these marts
    assert values["C53"] == pytest.approx(0.2 * 5892 / (0.1 * 888))
    assert values["C62"] == pytest.approx(60.0)


def test_countries(values):
    total = sum(c[4] for c in COUNTRIES).astype(float)
    assert values["C22"] == pytest.approx(np.corrcoef(RUS_ARR, total)[0, 1])
    assert values["C23"] == pytest.approx(np.mean(100 * RUS_ARR / total))
    before, after = YEARS <= 2021, YEARS >= 2022
    assert values["C30"] == pytest.approx(
        [np.mean(100 * RUS_ARR[before] / total[before]), np.mean(100 * RUS_ARR[after] / total[after])]
    )
    assert values["C26"] == ("China", 400 * 22 + 24 * 2)
    assert values["C27"] == ("Germany", 320 * 24)
    assert values["C31"] == RUS_ARR[after].sum()
    assert values["C35"] == pytest.approx([400, 1.0, 0])
    assert values["C39"] == pytest.approx([0, 24])
    assert values["C36"] is None  # China constant before 2022: correlation undefined
    # "Other countries" = OTHER + not stated: 2022-2023 arrivals China 48, Germany 100, Lithuania 500, not stated 20.
    assert values["C40"] == pytest.approx(100 * 500 / (48 + 100 + 500 + 20))
    # Departures to other countries + not stated in 2022-2023: (5 + 320 + 0 + 100) * 2.
    assert values["C43"] == pytest.approx([0.0, 0.0, 100 * 200 / 850])
    assert list(values["C34"]) == [400 + 50 + 2 + 10] * 8


def test_specialties(values):
    # 2022-2023 arrivals: technical 600, economic 400, other 800 + it 200 = 1000; total 2000.
    assert values["C60"] == pytest.approx([50, 30, 20, 0, 0, 0, 0, 0])
    assert values["C56"] is False  # agricultural: 0 arrivals, 0 departures
    assert values["C59"] == pytest.approx(2000 / 400)
    assert values["C61"] == pytest.approx([100 * 180 / 400, 0, 100 * 100 / 400, 100 * 120 / 400, 0, 0])
    assert values["C57"] is None  # no 2001 specialty rows
    assert values["C63"] is None


def test_did_claim_is_positive(values):
    assert values["C64"] == pytest.approx(4000)


def test_every_claim_has_a_function_and_missing_marts_are_not_computable():
    claims = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "claims" / "paper_claims.csv", dtype=str)
    assert set(CLAIM_FUNCTIONS) == set(claims["claim_id"])
    assert all(value is None for value in compute_all({}).values())
