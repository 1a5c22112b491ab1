"""Reading and validating the generator's inputs: seeds, constraints and priors.

Every problem is reported with the file, the row (1-based, header = row 1) and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reference_data.paths import Paths

FIRST_YEAR = 2000
LAST_YEAR = 2025  # last year of the national Taldau series
DIRECTIONS = ("arrival", "departure")
ALMATY = "75"
REPUBLIC = "00"


NON_NEGATIVE = {"persons", "weight", "propensity", "population", "share", "all_ages", "working_age", "higher",
                "secondary_vocational", "factor"}


class InputError(ValueError):
    """An input file is malformed; the message names the file, row and problem."""


def read_csv(path: Path, required: list[str], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing columns {missing}")
    for column in numeric:
        converted = pd.to_numeric(frame[column], errors="coerce")
        bad = converted.isna() & (frame[column] != "")
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise InputError(f"{path}: row {row}: column {column!r} is not a number: {frame[column].iloc[row - 2]!r}")
        frame[column] = converted
        negative = converted < 0
        if column in NON_NEGATIVE and negative.any():
            row = int(negative.to_numpy().nonzero()[0][0]) + 2
            raise InputError(f"{path}: row {row}: column {column!r} is negative: {frame[column].iloc[row - 2]!r}")
    return frame


def check_codes(path: Path, frame: pd.DataFrame, column: str, allowed: set[str]) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise InputError(f"{path}: row {row}: unknown {column} {frame[column].iloc[row - 2]!r}")


@dataclass(frozen=True)
class Seeds:
    regions: pd.DataFrame
    countries: list[str]
    country_groups: dict[str, str]
    education_codes: list[str]
    specialty_codes: list[str]
    working_age: pd.DataFrame
    national: pd.DataFrame
    population: pd.Series  # residents on 1 January, index (year, region_code): the regional weights' base

    def residents(self, year: int, region: str) -> int:
        """Residents on 1 January: the published figure, or after the last published year a projection.

        The projection (last published count x its mean yearly growth over the previous five years, at
        most as many years as published) only weights the split of the national total over regions; it is
        never written anywhere, and the warehouse's rates after the last published year stay empty.
        """
        if (year, region) in self.population.index:
            return int(self.population.loc[(year, region)])
        published = self.population.xs(region, level="region_code") if region in set(
            self.population.index.get_level_values("region_code")) else None
        if published is None or published.empty or year < int(published.index.max()):
            raise InputError(f"bns_population_by_region.csv: no total population of region {region} in {year}")
        last = int(published.index.max())
        window = published.loc[max(int(published.index.min()), last - 5):last]
        growth = (window.iloc[-1] / window.iloc[0]) ** (1 / max(1, len(window) - 1)) if len(window) > 1 else 1.0
        return round(float(published.loc[last]) * growth ** (year - last))

    def regions_in(self, year: int) -> list[str]:
        """Regions (not the Republic) that existed in ``year``, in code order."""
        live = self.regions[(self.regions.region_code != REPUBLIC)
                            & (self.regions.first_year <= year) & (self.regions.last_year >= year)]
        return sorted(live.region_code)

    def national_total(self, year: int, direction: str) -> int:
        row = self.national[(self.national.year == year) & (self.national.direction_code == direction)]
        if len(row) != 1:
            raise InputError(f"bns_national_external_flows.csv: no single national total for {year} {direction}")
        return int(row.persons.iloc[0])

    def working_age_bounds(self, year: int, sex: str, rule_set: str = "paper_2025") -> tuple[float, float]:
        rule = self.working_age[(self.working_age.rule_set_code == rule_set) & (self.working_age.year == year)
                                & (self.working_age.sex_code == sex)]
        if len(rule) != 1:
            raise InputError(f"working_age_rules.csv: no single {rule_set} rule for {year} {sex}")
        return float(rule.lower_age.iloc[0]), float(rule.upper_age.iloc[0])


def load_seeds(paths: Paths) -> Seeds:
    seeds = paths.seeds_dir
    regions = read_csv(seeds / "regions.csv", ["region_code", "first_year", "last_year"], ("first_year",))
    regions["last_year"] = pd.to_numeric(regions.last_year.replace("", "9999"))
    countries = read_csv(seeds / "countries.csv", ["country_code", "display_order"], ("display_order",))
    members = read_csv(seeds / "country_group_memberships.csv", ["country_code", "group_code"])
    top_level = members[members.group_code.isin(["CIS", "OTHER", "NOT_STATED"])]
    education = read_csv(seeds / "education_levels.csv", ["education_code", "education_order"], ("education_order",))
    specialties = read_csv(seeds / "specialties.csv", ["specialty_code", "specialty_order"], ("specialty_order",))
    working_age = read_csv(seeds / "working_age_rules.csv", ["rule_set_code", "year", "sex_code", "lower_age",
                                                             "upper_age"], ("year", "lower_age", "upper_age"))
    national = read_csv(seeds / "bns_national_external_flows.csv", ["year", "direction_code", "persons"],
                        ("year", "persons"))
    population = read_csv(seeds / "bns_population_by_region.csv",
                          ["year", "region_code", "sex_code", "settlement_code", "population"], ("year", "population"))
    population = population[(population.sex_code == "_T") & (population.settlement_code == "_T")]
    return Seeds(
        regions=regions,
        countries=countries.sort_values("display_order").country_code.tolist(),
        country_groups=dict(zip(top_level.country_code, top_level.group_code, strict=True)),
        education_codes=education.sort_values("education_order").education_code.tolist(),
        specialty_codes=specialties.sort_values("specialty_order").specialty_code.tolist(),
        working_age=working_age,
        national=national[national.table_code == "national_total"],
        population=population.astype({"year": int, "population": int}).set_index(["year", "region_code"]).population,
    )


CONSTRAINT_COLUMNS = ["constraint_id", "source_id", "region_code", "year", "months", "population", "direction_code",
                      "country_code", "education_code", "specialty_code", "value", "comparison", "use", "note"]
CONSTRAINT_USES = {"hard", "lower_bound", "check", "target", "superseded", "out_of_scope", "signed_part_year",
                   "validation", "context", "conflict"}
CONSTRAINT_POPULATIONS = {"all_ages", "working_age", "specialists", "specialists_15_plus", "persons_15_plus",
                          "ethnic_russians"}


def load_constraints(paths: Paths, seeds: Seeds) -> pd.DataFrame:
    path = paths.constraints_file
    frame = read_csv(path, CONSTRAINT_COLUMNS, ("year", "value"))
    check_codes(path, frame, "use", CONSTRAINT_USES)
    check_codes(path, frame, "population", CONSTRAINT_POPULATIONS)
    check_codes(path, frame, "region_code", set(seeds.regions.region_code))
    check_codes(path, frame, "direction_code", {"arrival", "departure", "net"})
    groups = {"group:CIS", "group:NON_CIS"}
    check_codes(path, frame, "country_code", set(seeds.countries) | groups)
    check_codes(path, frame, "education_code", set(seeds.education_codes))
    check_codes(path, frame, "specialty_code", set(seeds.specialty_codes))
    duplicated = frame.constraint_id.duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0]) + 2
        raise InputError(f"{path}: row {row}: duplicate constraint_id {frame.constraint_id.iloc[row - 2]!r}")
    frame["year"] = frame.year.astype(int)
    frame["value"] = frame.value.astype(int)
    return frame


def load_prior(paths: Paths, name: str, required: list[str], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    return read_csv(paths.priors_dir / name, required, numeric)


def interpolate(anchors: pd.Series, years: range) -> pd.Series:
    """Linear interpolation of anchor-year values (index = year); flat beyond the first and last anchor."""
    anchors = anchors.sort_index()
    full = anchors.reindex(sorted(set(anchors.index) | set(years))).astype(float)
    full = full.interpolate(method="index", limit_direction="both")
    return full.loc[list(years)]
