"""Hard constraints of the bundled reference tables, recomputed from the CSVs with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reference_data.paths import table_file

from .conftest import KEY, REPO, TABLE_CODES, TABLES_DIR

YEARS = range(2000, 2026)  # the national Taldau series' last year


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    for column in ("country_code", "sex_code", "education_code", "specialty_code"):
        mask &= frame[column] == "_T"
    return frame[mask & frame.age_band_code.isin(["_T", "WA"])]


@pytest.mark.parametrize("code", TABLE_CODES)
def test_columns_keys_and_counts(tables, code):
    frame = tables[code]
    assert list(frame.columns) == [*KEY, "persons", "source_id", "provenance"]
    assert (frame.table_code == code).all()
    assert not frame.duplicated(KEY).any()
    assert frame.persons.dtype.kind == "i" and (frame.persons >= 0).all()
    assert (frame.flow_code == "external").all() and (frame.settlement_code == "_T").all()
    assert set(frame.direction_code) == {"arrival", "departure"}


@pytest.mark.parametrize("code", TABLE_CODES)
def test_regions_exist_only_in_their_years(tables, seed, code):
    regions = seed("regions.csv")
    frame = tables[code]
    for region in regions.itertuples():
        last = int(region.last_year or 9999)
        present = set(frame.loc[frame.region_code == region.region_code, "year"])
        expected = {y for y in YEARS if int(region.first_year) <= y <= last}
        assert present == expected, region.region_code


@pytest.mark.parametrize("code", TABLE_CODES)
def test_regions_add_up_to_the_republic(tables, code):
    frame = tables[code]
    cell = [c for c in KEY if c != "region_code"]
    regions = frame[frame.region_code != "00"].groupby(cell, dropna=False).persons.sum()
    republic = frame[frame.region_code == "00"].set_index(cell).persons
    pd.testing.assert_series_equal(regions.sort_index(), republic.sort_index(), check_names=False)


@pytest.mark.parametrize("code", ["by_country", "by_sex_age"])
def test_republic_equals_the_national_series(tables, seed, code):
    national = seed("bns_national_external_flows.csv")
    national = national[national.year.astype(int).between(2000, 2025)]
    expected = {(int(r.year), r.direction_code): int(r.persons) for r in national.itertuples()}
    frame = totals(tables[code])
    frame = frame[frame.region_code == "00"]
    got = {(int(r.year), r.direction_code): int(r.persons) for r in frame.itertuples()}
    assert got == expected


def test_country_table_and_age_table_agree_on_every_total(tables):
    left = totals(tables["by_country"]).set_index(["year", "region_code", "direction_code"]).persons
    right = totals(tables["by_sex_age"]).set_index(["year", "region_code", "direction_code"]).persons
    pd.testing.assert_series_equal(left.sort_index(), right.sort_index(), check_names=False)


def test_countries_add_up_and_every_seed_country_is_present(tables, seed):
    frame = tables["by_country"]
    codes = set(seed("countries.csv").country_code)
    assert set(frame.country_code) == codes
    assert frame.groupby(["year", "region_code", "direction_code"]).size().eq(len(codes)).all()
    parts = frame[frame.country_code != "_T"].groupby(["year", "region_code", "direction_code"]).persons.sum()
    whole = frame[frame.country_code == "_T"].set_index(["year", "region_code", "direction_code"]).persons
    pd.testing.assert_series_equal(parts.sort_index(), whole.sort_index(), check_names=False)


def test_sex_and_age_cells_add_up(tables):
    frame = tables["by_sex_age"]
    cells = frame[frame.age_band_code != "_T"]
    assert set(cells.age_band_code) == {f"Y{a}" for a in range(80)} | {"Y80_GE"}
    open_band = cells[cells.age_band_code == "Y80_GE"]
    assert (open_band.age_from == "80").all() and (open_band.age_to == "").all()
    singles = cells[cells.age_band_code != "Y80_GE"]
    assert (singles.age_to.astype(int) == singles.age_from.astype(int) + 1).all()
    assert (singles.age_band_code == "Y" + singles.age_from.astype(str)).all()
    by_age = cells.groupby(["year", "region_code", "direction_code", "sex_code"]).persons.sum()
    sex_totals = frame[frame.age_band_code == "_T"].set_index(["year", "region_code", "direction_code",
                                                                 "sex_code"]).persons
    pd.testing.assert_series_equal(by_age.sort_index(), sex_totals.sort_index(), check_names=False)
    wide = frame.pivot_table(index=["year", "region_code", "direction_code", "age_band_code"], columns="sex_code",
                             values="persons", aggfunc="sum")
    assert (wide["M"] + wide["F"] == wide["_T"]).all()


def working_age_from_ages(frame: pd.DataFrame, rules: pd.DataFrame) -> pd.Series:
    """Working-age persons by region-year-direction: each single year weighted by its share inside the bounds."""
    cells = frame[(frame.age_band_code != "_T") & (frame.sex_code != "_T")].copy()
    rules = rules[rules.rule_set_code == "paper_2025"].astype({"year": int, "lower_age": float, "upper_age": float})
    cells = cells.merge(rules, on=["year", "sex_code"], how="left")
    start = cells.age_from.astype(float)
    end = pd.to_numeric(cells.age_to.replace("", np.nan)).fillna(np.inf)
    inside = (np.minimum(end, cells.upper_age) - np.maximum(start, cells.lower_age)).clip(lower=0)
    cells["weighted"] = cells.persons * (inside / (end - start)).where(np.isfinite(end), 0.0)
    return cells.groupby(["year", "region_code", "direction_code"]).weighted.sum()


def test_education_total_equals_working_age_derived_from_ages(tables, seed):
    derived = working_age_from_ages(tables["by_sex_age"], seed("working_age_rules.csv"))
    education = tables["by_education"]
    stated = education[education.education_code == "_T"].set_index(["year", "region_code", "direction_code"]).persons
    assert (education.age_band_code == "WA").all()
    pd.testing.assert_series_equal(derived.sort_index(), stated.sort_index().astype(float), check_names=False)


def test_education_levels_add_up(tables, seed):
    frame = tables["by_education"]
    assert set(frame.education_code) == set(seed("education_levels.csv").education_code)
    parts = frame[frame.education_code != "_T"].groupby(["year", "region_code", "direction_code"]).persons.sum()
    whole = frame[frame.education_code == "_T"].set_index(["year", "region_code", "direction_code"]).persons
    pd.testing.assert_series_equal(parts.sort_index(), whole.sort_index(), check_names=False)


def test_specialties_add_up_to_higher_plus_secondary_vocational(tables, seed):
    frame = tables["by_specialty"]
    assert set(frame.specialty_code) <= set(seed("specialties.csv").specialty_code)
    index = ["year", "region_code", "direction_code"]
    parts = frame[frame.specialty_code != "_T"].groupby(index).persons.sum()
    whole = frame[frame.specialty_code == "_T"].set_index(index).persons
    pd.testing.assert_series_equal(parts.sort_index(), whole.sort_index(), check_names=False)
    education = tables["by_education"]
    is_specialist = education.education_code.isin(["higher", "secondary_vocational"])
    specialists = education[is_specialist].groupby(index).persons.sum()
    pd.testing.assert_series_equal(whole.sort_index(), specialists.sort_index(), check_names=False)


def constraint_cell(tables, c) -> int:
    if c.population.startswith("specialists"):
        frame = tables["by_specialty"]
        mask = frame.specialty_code == c.specialty_code
    elif c.population in ("working_age", "persons_15_plus"):
        frame = tables["by_education"]
        mask = frame.education_code == c.education_code
    else:
        frame = tables["by_country"]
        if c.country_code.startswith("group:"):
            cis = frame.country_code.isin(["ARM", "AZE", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB"])
            mask = cis if c.country_code == "group:CIS" else ~cis & (frame.country_code != "_T")
        else:
            mask = frame.country_code == c.country_code
    mask &= (frame.year == c.year) & (frame.region_code == c.region_code)
    if c.direction_code == "net":
        return int(frame[mask & (frame.direction_code == "arrival")].persons.sum()
                   - frame[mask & (frame.direction_code == "departure")].persons.sum())
    return int(frame[mask & (frame.direction_code == c.direction_code)].persons.sum())


def test_published_figures_hold():
    """Exact figures exactly, part-year figures as lower bounds (less half the rounding unit), balances from above."""
    constraints = pd.read_csv(REPO / "data" / "reference" / "constraints.csv", dtype=str, keep_default_na=False)
    constraints["year"] = constraints.year.astype(int)
    constraints["value"] = constraints.value.astype(int)
    tables = {code: pd.read_csv(table_file(TABLES_DIR, code), dtype={"region_code": str}) for code in TABLE_CODES}
    failures = []
    for c in constraints[constraints.use.isin(["hard", "lower_bound", "signed_part_year"])].itertuples():
        value = constraint_cell(tables, c)
        slack = 50 if c.comparison.startswith("rounded_100") else 0
        ok = {"hard": value == c.value, "lower_bound": value >= c.value - slack,
              "signed_part_year": value <= c.value}[c.use]
        if not ok:
            failures.append((c.constraint_id, c.value, value))
    assert failures == []
    assert len(constraints[constraints.use == "hard"]) >= 14
    assert len(constraints[(constraints.use == "hard") & (constraints.direction_code == "net")]) == 10


def test_provenance_marks_exactly_the_published_cells(tables):
    sources = (REPO / "data" / "reference" / "SOURCES.md").read_text(encoding="utf-8")
    for code, frame in tables.items():
        published = frame[frame.provenance.str.startswith("published:")]
        assert (published.provenance == "published:" + published.source_id).all(), code
        derived = frame[frame.provenance.str.startswith("derived:")]
        assert (derived.provenance == "derived:" + derived.source_id).all(), code
        assert set(frame.provenance.str.split(":").str[0]) <= {"published", "derived", "modeled"}, code
        assert (frame[frame.provenance == "modeled"].source_id == "kzmig_reconstruction").all(), code
        for source_id in frame.source_id.unique():
            for part in source_id.split("+"):
                assert f"`{part}`" in sources, part
    republic = totals(tables["by_country"])
    republic = republic[republic.region_code == "00"]
    assert republic.provenance.str.startswith("published:taldau_").all()
    almaty_2023 = totals(tables["by_country"])
    cell = almaty_2023[(almaty_2023.region_code == "75") & (almaty_2023.year == 2023)
                       & (almaty_2023.direction_code == "arrival")]
    assert cell.persons.tolist() == [6409] and cell.provenance.tolist() == ["published:azattyq_ruhy_2024"]


def test_derived_departures_are_published_arrivals_less_the_derived_balance(tables):
    """Almaty 2023: 6409 arrivals (BNS quote) - 5097 external balance (43210 all flows - 38113 interregional)."""
    frame = totals(tables["by_country"])
    almaty = frame[(frame.region_code == "75") & (frame.direction_code == "departure")].set_index("year")
    assert int(almaty.loc[2023, "persons"]) == 6409 - (43210 - 38113)
    assert int(almaty.loc[2024, "persons"]) == 6260 - (41184 - 36062)
    assert almaty.loc[2023, "provenance"].startswith("derived:azattyq_ruhy_2024+")
