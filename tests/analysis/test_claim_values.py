"""Claim computations on small hand-built marts whose answers are known by construction."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.claim_values import CLAIM_FUNCTIONS, compute_all

YEARS = np.arange(2000, 2024)

# Almaty working-age arrivals / departures: outflow 2000-2002 and 2014-2021, inflow otherwise.
ARRIVALS = {
    2000: 2000,
    2001: 2100,
    2002: 2500,
    **dict.fromkeys(range(2003, 2014), 3000),
    **dict.fromkeys(range(2014, 2022), 1000),
    2022: 2000,
    2023: 5892,
}
DEPARTURES = {
    2000: 7200,
    2001: 7000,
    2002: 2600,
    **dict.fromkeys(range(2003, 2014), 1875),
    **dict.fromkeys(range(2014, 2022), 1800),
    2022: 1500,
    2023: 888,
}

# All-ages country flows: (code, name, group, baltic, arrivals per year, departures per year).
RUS_ARR = 500 + 20 * (YEARS - 2000) + np.where(YEARS >= 2022, 3000, 0)
COUNTRIES = [
    ("RUS", "Russia", "CIS", False, RUS_ARR, 900 + 10 * (YEARS % 3)),
    ("UZB", "Uzbekistan", "CIS", False, np.full(24, 300), np.full(24, 40)),
    ("CHN", "China", "OTHER", False, np.where(YEARS >= 2022, 24, 400), np.full(24, 5)),
    ("DEU", "Germany", "OTHER", False, np.full(24, 50), np.full(24, 320)),
    ("LTU", "Lithuania", "OTHER", True, np.where(YEARS >= 2022, 250, 2), np.zeros(24)),
    ("_U", "Not stated", "NOT_STATED", False, np.full(24, 10), np.full(24, 100)),
]


def _marts() -> dict[str, pd.DataFrame]:
    yearly = [
        {
            "region_code": "75",
            "year": y,
            "age_scope_code": "working_age",
            "arrivals": ARRIVALS[y],
            "departures": DEPARTURES[y],
        }
        for y in YEARS
    ]
    yearly.append(
        {"region_code": "00", "year": 2023, "age_scope_code": "working_age", "arrivals": 15000, "departures": 4000}
    )
    countries = [
        {
            "region_code": "75",
            "year": int(y),
            "direction_code": direction_code,
            "country_code": code,
            "country_name_en": name,
            "group_code": group,
            "is_baltic": baltic,
            "persons": int(persons[i]),
        }
        for code, name, group, baltic, arr, dep in COUNTRIES
        for direction_code, persons in (("arrival", arr), ("departure", dep))
        for i, y in enumerate(YEARS)
    ]
    education = []
    for y in YEARS:
        for direction_code, total, higher, vocational in (
            ("arrival", ARRIVALS[y], 0.4 * ARRIVALS[y], 0.2 * ARRIVALS[y]),
            ("departure", DEPARTURES[y], 0.6 * DEPARTURES[y], 0.1 * DEPARTURES[y]),
        ):
            levels = {"higher": higher, "secondary_vocational": vocational}
            levels["general_secondary"] = total - higher - vocational
            education.extend(
                {
                    "region_code": "75",
                    "year": y,
                    "direction_code": direction_code,
                    "education_code": code,
                    "persons": persons,
                    "working_age_persons": total,
                }
                for code, persons in levels.items()
            )
    specialty = []
    for y in (2022, 2023):
        for code, arr, dep in [
            ("technical", 300, 60),
            ("economic", 200, 50),
            ("it", 100, 10),
            ("other", 400, 80),
            ("agricultural", 0, 0),
        ]:
            specialty.append(
                {"region_code": "75", "year": y, "specialty_code": code, "arrivals": arr, "departures": dep}
            )
    panel = [
        {
            "region_code": r,
            "year": int(y),
            "is_treated": r == "75",
            "is_post": bool(y >= 2022),
            "net_migration_working_age": base + 5 * (y - 2000) + (4000 if r == "75" and y >= 2022 else 0),
        }
        for r, base in [("75", -1000), ("31", -300), ("27", -200), ("11", 0)]
        for y in YEARS
    ]
    return {
        "fct_yearly_flows": pd.DataFrame(yearly),
        "fct_country_flows": pd.DataFrame(countries),
        "fct_education_flows": pd.DataFrame(education),
        "fct_specialty_flows": pd.DataFrame(specialty),
        "fct_region_year_panel": pd.DataFrame(panel),
    }


@pytest.fixture(scope="module")
def values() -> dict:
    return compute_all(_marts())


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
    assert values["C40"] == pytest.approx(100 * 500 / (48 + 100 + 500))
    # Departures to other countries + not stated in 2022-2023: (5 + 320 + 0 + 100) * 2.
    assert values["C43"] == pytest.approx([0.0, 0.0, 100 * 200 / 850])
    assert list(values["C34"]) == [400 + 50 + 2] * 8


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
