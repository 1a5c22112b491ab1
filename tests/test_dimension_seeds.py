"""Dimension seeds checked against maintained libraries and against each other."""

from __future__ import annotations

import csv

import pycountry

from .conftest import REPO_ROOT

SEEDS = REPO_ROOT / "dbt_project" / "seeds"


def _rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_country_codes_are_iso_3166_alpha3_and_names_match() -> None:
    for row in _rows("countries"):
        code = row["country_code"]
        if row["is_aggregate"] == "true":
            assert code.startswith("_"), code
            continue
        country = pycountry.countries.get(alpha_3=code)
        assert country is not None, f"{code} is not an ISO 3166-1 alpha-3 code"
        known_names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        assert row["country_name_en"] in known_names or pycountry.countries.lookup(row["country_name_en"]) == country, (
            f"{code}: {row['country_name_en']!r} is not a pycountry name of {country.name!r}"
        )


def test_every_country_is_in_exactly_one_top_level_group_each_year() -> None:
    top_level = {r["group_code"] for r in _rows("country_groups") if r["is_top_level"] == "true"}
    memberships = _rows("country_group_memberships")
    for country in _rows("countries"):
        if country["country_code"] == "_T":
            continue
        for year in (1991, 2000, 2022, 2030):
            groups = [
                m["group_code"] for m in memberships
                if m["country_code"] == country["country_code"] and m["group_code"] in top_level
                and int(m["valid_from_year"]) <= year <= int(m["valid_to_year"])
            ]
            assert len(groups) == 1, (country["country_code"], year, groups)


def test_paper_cis_list() -> None:
    cis = {m["country_code"] for m in _rows("country_group_memberships") if m["group_code"] == "CIS"}
    assert cis == {"ARM", "AZE", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB"}


def test_region_variants_are_unambiguous_in_every_year() -> None:
    regions = {r["region_code"]: r for r in _rows("regions")}
    variants = _rows("region_name_variants")
    for year in range(1991, 2031):
        seen: dict[str, str] = {}
        for v in variants:
            start = int(v["valid_from_year"] or 0)
            end = int(v["valid_to_year"] or 9999)
            if not start <= year <= end:
                continue
            key = " ".join(v["name_variant"].lower().split())
            assert seen.setdefault(key, v["region_code"]) == v["region_code"], (year, v["name_variant"])
            region = regions[v["region_code"]]
            # A spelling valid in a year must point at a region that exists in that year.
            if v["place_kind"] != "city_within_region" and (v["valid_from_year"] or v["valid_to_year"]):
                assert int(region["first_year"]) <= year <= int(region["last_year"] or 9999), (year, v)


def test_every_region_has_its_bns_name_among_variants() -> None:
    variants = {(v["name_variant"], v["region_code"]) for v in _rows("region_name_variants")}
    for region in _rows("regions"):
        assert (region["region_name_ru"], region["region_code"]) in variants, region["region_name_ru"]


def test_working_age_rules_cover_both_sets_every_year() -> None:
    rules = _rows("working_age_rules")
    for rule_set in ("paper_2025", "statutory"):
        years = {int(r["year"]) for r in rules if r["rule_set_code"] == rule_set}
        assert years == set(range(1991, 2031))
    paper = {
        (r["sex_code"], float(r["lower_age"]), float(r["upper_age"]))
        for r in rules
        if r["rule_set_code"] == "paper_2025"
    }
    assert paper == {("M", 16.0, 63.0), ("F", 16.0, 60.5)}


# The Kazakh Cyrillic alphabet (42 letters), with space and hyphen.
KAZAKH_LETTERS = set("АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ" + "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя" + " -")
# Where the seed's Kazakh country name differs from the iso-codes translation shipped with pycountry, and why.
KAZAKH_NAME_DEVIATIONS = {
    "MDA": "BNS's tables use the short name, as for every other country",
    "MNG": "Kazakh orthography writes the nasal ң: Моңғолия (iso-codes has Монғолия)",
    "NLD": "the Kazakh form has no Russian plural ending: Нидерланд (iso-codes has Нидерланды)",
    "USA": "the full name rather than the abbreviation АҚШ",
}


def test_kazakh_country_names_are_the_iso_codes_translation_unless_a_reason_is_given() -> None:
    import gettext

    kazakh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["kk"])
    for row in _rows("countries"):
        assert set(row["country_name_kk"]) <= KAZAKH_LETTERS, row
        if row["is_aggregate"] == "true":
            continue
        expected = kazakh.gettext(pycountry.countries.get(alpha_3=row["country_code"]).name)
        if row["country_code"] in KAZAKH_NAME_DEVIATIONS:
            assert row["country_name_kk"] != expected, f"{row['country_code']}: deviation no longer needed"
        else:
            assert row["country_name_kk"] == expected, (row["country_code"], row["country_name_kk"], expected)


def test_kazakh_region_names_follow_kato() -> None:
    suffix = {"region": " облысы", "city": " қаласы", "republic": ""}
    rows = _rows("regions")
    for row in rows:
        name = row["region_name_kk"]
        assert set(name) <= KAZAKH_LETTERS and name[0].isupper(), row
        assert name.endswith(suffix[row["region_kind"]]), row
    names = {row["region_code"]: row["region_name_kk"] for row in rows}
    assert names["00"] == "Қазақстан Республикасы" and names["75"] == "Алматы қаласы"
    # Kazakh letters where Kazakh spelling differs from Russian (Қарағанды, not Карaганда; Ақтөбе, not Актобе).
    assert names["35"] == "Қарағанды облысы" and names["15"] == "Ақтөбе облысы" and names["62"] == "Ұлытау облысы"
    assert len(set(names.values())) == len(names)
