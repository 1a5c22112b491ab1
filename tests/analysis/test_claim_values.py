"""Claim computations on small hand-built marts whose answers are known by construction.

Every test runs twice: on the claims' SQL (the dbt models, run by :mod:`.claim_sql`) and on the independent
pandas oracle (:mod:`.claim_oracle`), so both are held to the same known answers.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from .claim_oracle import CLAIM_FUNCTIONS
from .claim_sql import MODELS_DIR, SqlClaim, sql_values
from .mart_fixtures import ARRIVALS, COUNTRIES, RUS_ARR, YEARS, claim_marts

Engine = Callable[[dict], dict[str, Any]]


class _Oracle(dict):
    """The pandas oracle's value of a claim, computed when asked for (the DiD claim is slow)."""

    def __init__(self, marts: dict) -> None:
        super().__init__()
        self.marts = marts

    def __missing__(self, claim_id: str) -> Any:
        self[claim_id] = CLAIM_FUNCTIONS[claim_id](self.marts)
        return self[claim_id]


@pytest.fixture(scope="module", params=["sql", "pandas_oracle"])
def engine(request) -> Engine:
    return SqlClaim if request.param == "sql" else _Oracle


@pytest.fixture(scope="module")
def values(engine) -> dict:
    return sql_values(claim_marts()) if engine is SqlClaim else engine(claim_marts())


def test_balance_and_regimes(values):
    assert values["C01"] == pytest.approx(5892 / 888)
    assert values["C02"] == pytest.approx((5892 / 2000 - 1) * 100)
    assert values["C03"] == 888 and values["C05"] == 5892
    assert values["C04"] == pytest.approx(7000 / 888)  # the smaller of 7200 / 888 and 7000 / 888
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
    assert values["C39"][0] == 0 and dict(values["C39"][1]) == {2022: 24, 2023: 24}
    assert values["C36"] is None  # China constant before 2022: correlation undefined
    # "Other countries" = OTHER + not stated: 2022-2023 arrivals China 48, Germany 100, Lithuania 500, not stated 20.
    assert values["C40"] == pytest.approx(100 * 500 / (48 + 100 + 500 + 20))
    # Departures to other countries + not stated in 2022-2023: (5 + 320 + 0 + 100) * 2.
    assert values["C43"] == pytest.approx([0.0, 0.0, 100 * 200 / 850])
    assert list(pd.Series(values["C34"])) == [400 + 50 + 2 + 10] * 8


def test_specialties(values):
    # 2022-2023 arrivals: technical 600, economic 400, other 800 + it 200 = 1000; total 2000.
    assert values["C60"] == pytest.approx([50, 30, 20, 0, 0, 0, 0, 0])
    assert values["C56"] is False  # agricultural: 0 arrivals, 0 departures
    assert values["C59"] == pytest.approx([2000 / 400, 2000])
    assert values["C61"] == pytest.approx([100 * 180 / 400, 0, 100 * 100 / 400, 100 * 120 / 400, 0, 0])
    assert values["C57"] is None  # no 2001 specialty rows
    assert values["C63"] is None


def test_did_claim_is_positive(values):
    assert values["C64"].value == pytest.approx(4000)
    assert "pre-trend test: parallel trends" in values["C64"].note


def test_every_claim_but_c63_has_one_sql_definition():
    claims = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "claims" / "paper_claims.csv", dtype=str)
    definitions = [
        f"C{number}"
        for path in sorted(MODELS_DIR.rglob("int_claim_values__*.sql"))
        for number in re.findall(r"^c(\d\d) as \($", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    ]
    assert len(definitions) == len(set(definitions))  # one CTE per claim, in one model
    # C63's measure is not defined by the paper: no value, so not computable.
    assert set(definitions) == set(claims["claim_id"]) - {"C63"}


# --- the claims without a test above: values by construction, and statements made true and false ---


def series(code: str, direction: int) -> np.ndarray:
    """Yearly flows of one fixture country (direction 4 = arrivals, 5 = departures)."""
    return next(c[direction] for c in COUNTRIES if c[0] == code).astype(float)


def group(name: str, direction: int) -> np.ndarray:
    return sum(c[direction] for c in COUNTRIES if c[2] == name).astype(float)


def non_cis(direction: int) -> np.ndarray:
    return sum(c[direction] for c in COUNTRIES if c[2] != "CIS").astype(float)


def at(values: np.ndarray, year: int) -> float:
    return float(values[year - 2000])


ARR, DEP = 4, 5


def test_cis_and_other_countries_2023(values):
    cis_arr, cis_dep = at(group("CIS", ARR), 2023), at(group("CIS", DEP), 2023)
    assert values["C17"] == cis_arr == 3960 + 300
    assert values["C18"] == pytest.approx(cis_arr / at(non_cis(ARR), 2023))
    assert values["C19"] == pytest.approx(100 * cis_arr / (cis_arr + at(non_cis(ARR), 2023)))
    assert values["C20"] == pytest.approx(cis_dep / at(non_cis(DEP), 2023))
    assert values["C21"] == cis_dep == 910 + 40


def test_russia_among_cis_departures(values):
    russia, cis = series("RUS", DEP), group("CIS", DEP)
    assert values["C24"] == pytest.approx(np.corrcoef(russia, cis)[0, 1]) and values["C24"] == pytest.approx(1.0)
    assert values["C25"] == pytest.approx(np.mean(100 * russia / cis))


def test_russia_growth_and_pooled_uzbekistan_share(values):
    russia = series("RUS", ARR)
    assert values["C29"] == pytest.approx(at(russia, 2023) / at(russia, 2021))
    total = sum(c[ARR] for c in COUNTRIES).astype(float)
    before, after = YEARS <= 2021, YEARS >= 2022
    # Pooled: a ratio of the period sums, which differs from the mean of yearly shares here.
    pooled = [100 * 300 * 22 / total[before].sum(), 100 * 600 / total[after].sum()]
    assert values["C32"] == pytest.approx(pooled)
    assert values["C32"][1] != pytest.approx(np.mean(100 * 300 / total[after]))


def test_country_sums(values):
    assert values["C33"] == [600, 0, 0, 0]  # Uzbekistan 300 a year; the others have no rows
    assert values["C38"] == [0, 0, 50 * 22]
    assert values["C42"] == [500, 0, 0]
    assert values["C37"] == pytest.approx([400 * 22, 100 * 400 / (400 + 50 + 2 + 10)])
    assert values["C41"] == pytest.approx(100 * 2 / (400 + 50 + 2 + 10))
    assert values["C44"] == [0, 0] and values["C45"] == [0, 0]  # no Greece in the fixture


def test_higher_education_counts(values):
    assert values["C48"] == pytest.approx(0.6 * 1800 / (0.6 * 1500))
    assert values["C50"] == pytest.approx(0.4 * 5892)
    assert values["C55"] == pytest.approx(0.1 * 888 / (0.1 * 1800))


def _replace(marts: dict, name: str, frame: pd.DataFrame) -> dict:
    return {**marts, name: frame}


def _cis_arrivals(uzbekistan: dict[int, int]) -> dict:
    """The claim marts with Uzbekistan's arrivals replaced in the given years."""
    marts = claim_marts()
    countries = marts["fct_country_flows"].copy()
    for year, persons in uzbekistan.items():
        rows = (countries.country_code == "UZB") & (countries.direction_code == "arrival") & (countries.year == year)
        countries.loc[rows, "persons"] = persons
    return _replace(marts, "fct_country_flows", countries)


def test_c28_first_cis_surplus_in_13_years(engine):
    # As built, the CIS balance is positive in 2009 (Russia 680 + Uzbekistan 300 in, 920 + 40 out).
    assert engine(claim_marts())["C28"] is False
    no_surplus_before = _cis_arrivals(dict.fromkeys(range(2000, 2022), 0))
    assert engine(no_surplus_before)["C28"] is True
    # A surplus in 2009 alone breaks it: 2009-2021 are the 13 years.
    assert engine(_cis_arrivals({**dict.fromkeys(range(2000, 2022), 0), 2009: 1000}))["C28"] is False
    # A surplus in 2008 does not.
    assert engine(_cis_arrivals({**dict.fromkeys(range(2000, 2022), 0), 2008: 1000}))["C28"] is True


def _education(set_persons: dict[tuple[int, str, str], float]) -> dict:
    marts = claim_marts()
    education = marts["fct_education_flows"].copy()
    for (year, direction, level), persons in set_persons.items():
        rows = (education.year == year) & (education.direction_code == direction) & (education.education_code == level)
        education.loc[rows, "persons"] = persons
    return _replace(marts, "fct_education_flows", education)


def test_c47_negative_every_year_closest_2006_gap(engine):
    # As built, higher-education arrivals (0.4 × 3000) exceed departures (0.6 × 1875) in 2003-2013.
    assert engine(claim_marts())["C47"] == [False, 2003, pytest.approx(-75.0)]
    gaps = {y: 200 for y in range(2000, 2022)} | {2006: 90}
    marts = _education({(y, "departure", "higher"): 0.4 * ARRIVALS[y] + gap for y, gap in gaps.items()})
    assert engine(marts)["C47"] == [True, 2006, pytest.approx(90.0)]


def test_c52_largest_vocational_gap_only_in_2000(engine):
    # Gaps 0.1 × departures − 0.2 × arrivals: 720 − 400 = 320 in 2000, 700 − 420 = 280 in 2001.
    assert engine(claim_marts())["C52"] is True
    assert engine(_education({(2001, "departure", "secondary_vocational"): 760}))["C52"] is False
    assert engine(_education({(2001, "departure", "secondary_vocational"): 740}))["C52"] is False  # a tie


def test_c54_share_in_2010_and_its_peak(engine):
    assert engine(claim_marts())["C54"][0] == pytest.approx(20.0)  # 20% in every year
    marts = _education({(2010, "arrival", "secondary_vocational"): 0.25 * 3000})
    assert engine(marts)["C54"] == [pytest.approx(25.0), 2010]
    later_peak = {(2010, "arrival", "secondary_vocational"): 750, (2023, "arrival", "secondary_vocational"): 0.3 * 5892}
    higher_later = _education(later_peak)
    assert engine(higher_later)["C54"] == [pytest.approx(25.0), 2023]


def _specialties(rows: list[tuple[int, str, int, int]]) -> dict:
    frame = pd.DataFrame(
        [{"region_code": "75", "year": y, "specialty_code": c, "arrivals": a, "departures": d} for y, c, a, d in rows]
    )
    return _replace(claim_marts(), "fct_specialty_flows", frame)


def test_c56_every_specialty_in_each_year(engine):
    both_years = [(y, c, 100, 50) for y in (2022, 2023) for c in ("technical", "economic", "other")]
    assert engine(_specialties(both_years))["C56"] is True
    # Technical: 300 in against 60 out over the two years, but 40 in against 60 out in 2022.
    one_bad_year = [*both_years[1:3], (2022, "technical", 40, 60), (2023, "technical", 260, 0), *both_years[3:]]
    assert engine(_specialties(one_bad_year))["C56"] is False
    assert engine(claim_marts())["C56"] is False  # agricultural: 0 in, 0 out


def test_c57_c58_medical_specialists(engine):
    rows = [(y, "medical", 100, 170) for y in range(2000, 2022)] + [(2001, "technical", 5, 5)]
    rows[1] = (2001, "medical", 760, 165)
    marts = _specialties(rows)
    assert engine(marts)["C57"] == pytest.approx([760, 760 / 165])
    assert engine(marts)["C58"] == pytest.approx((170 * 21 + 165) / (100 * 21 + 760))
    assert engine(claim_marts())["C58"] is None  # no specialty rows before 2022
