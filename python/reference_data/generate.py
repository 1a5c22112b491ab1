"""The whole generation: read inputs, fit every table, mark provenance, check, write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reference_data import countries, education, regional_totals, sex_age, tables
from reference_data.canonical import COLUMNS, write_table
from reference_data.checks import check_constraints
from reference_data.frames import each_group, each_row
from reference_data.inputs import (
    ALMATY,
    InputError,
    Seeds,
    interpolate,
    load_constraints,
    load_prior,
    load_seeds,
)
from reference_data.paths import Paths, table_file
from reference_data.provenance import mark_published
from reference_data.regional_totals import YEARS

TABLE_CODES = ("by_country", "by_sex_age", "by_education", "by_specialty")


def almaty_series_with_pins(paths: Paths, constraints: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    series = load_prior(paths, "almaty_series.csv",
                        ["year", "direction_code", "all_ages", "working_age", "higher", "secondary_vocational",
                         "general_secondary_share", "basis"],
                        ("year", "all_ages", "working_age", "higher", "secondary_vocational",
                         "general_secondary_share"))
    expected = {(y, d) for y in YEARS for d in ("arrival", "departure")}
    found = set(zip(series.year.astype(int), series.direction_code, strict=True))
    if found != expected:
        raise InputError(f"priors/almaty_series.csv: missing year-directions {sorted(expected - found)[:5]}")
    pins = {}
    working_age = constraints[(constraints.use == "hard") & (constraints.region_code == ALMATY)
                              & (constraints.population == "working_age")]
    for c in each_row(working_age):
        if c.education_code == "_T":
            series.loc[(series.year == c.year) & (series.direction_code == c.direction_code), "working_age"] = c.value
        else:
            pins[(c.year, c.direction_code, c.education_code)] = c.value
    return series, pins


def national_targets(paths: Paths, seeds: Seeds, constraints: pd.DataFrame) -> dict:
    """(year, direction, measure) -> national value for working_age, higher and specialists."""
    shares = load_prior(paths, "national_shares.csv", ["direction_code", "year", "measure", "share"],
                        ("year", "share"))
    working = shares[shares.measure == "working_age"]
    targets = {}
    for direction, group in each_group(working, "direction_code"):
        path = interpolate(group.set_index("year").share, YEARS)
        for year in YEARS:
            targets[(year, direction, "working_age")] = round(seeds.national_total(year, direction) * path.loc[year])
    overrides = load_prior(paths, "national_targets.csv", ["year", "direction_code", "measure", "value", "basis"],
                           ("year", "value"))
    for o in each_row(overrides):
        targets[(int(o.year), o.direction_code, o.measure)] = int(o.value)
    for c in each_row(constraints[(constraints.use == "target") & (constraints.population == "specialists")]):
        targets[(c.year, c.direction_code, "specialists")] = c.value
    return targets


def build(paths: Paths) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    seeds = load_seeds(paths)
    constraints = load_constraints(paths, seeds)
    almaty_series, education_pins = almaty_series_with_pins(paths, constraints)
    totals = regional_totals.region_totals(
        seeds, constraints, almaty_series,
        load_prior(paths, "region_propensity.csv", ["region_code", "direction_code", "year", "propensity"],
                   ("year", "propensity")),
        load_prior(paths, "region_cycles.csv", ["region_code", "direction_code", "amplitude", "period_years",
                                                "peak_year"], ("amplitude", "period_years", "peak_year")),
        load_prior(paths, "region_level_paths.csv", ["region_code", "direction_code", "year", "base_year", "index"],
                   ("year", "base_year", "index")),
    )
    targets = national_targets(paths, seeds, constraints)
    national_wa = {(y, d): v for (y, d, m), v in targets.items() if m == "working_age"}
    frame = sex_age.working_age_totals(totals, almaty_series, national_wa)
    sex_age_cells = sex_age.build_sex_age(
        seeds, frame, load_prior(paths, "age_profile.csv", ["direction_code", "sex_code", "age", "weight"],
                                 ("age", "weight")))
    shares = load_prior(paths, "national_shares.csv", ["direction_code", "year", "measure", "share"],
                        ("year", "share"))
    level_shares = education.anchored_shares(shares[shares.measure.isin(education.LEVELS)]
                                             .rename(columns={"measure": "level"}), "level", education.LEVELS)
    education_cells = education.build_education(
        frame, education.almaty_education(almaty_series, education_pins), level_shares, targets)
    specialty_prior = load_prior(paths, "specialty_shares.csv", ["scope", "direction_code", "year", "specialty_code",
                                                                 "share"], ("year", "share"))
    pins = load_prior(paths, "almaty_specialty_counts.csv", ["year", "direction_code", "specialty_code", "persons",
                                                              "basis"], ("year", "persons"))
    specialty_cells = education.build_specialty(
        frame, education_cells,
        education.anchored_shares(specialty_prior[specialty_prior.scope == "almaty"], "specialty_code",
                                  education.SPECIALTIES),
        education.anchored_shares(specialty_prior[specialty_prior.scope == "rest"], "specialty_code",
                                  education.SPECIALTIES),
        {(int(p.year), p.direction_code, p.specialty_code): int(p.persons) for p in each_row(pins)},
    )
    country_codes = [c for c in seeds.countries if c != "_T"]
    hard_countries = constraints[(constraints.use == "hard") & (constraints.population == "all_ages")
                                 & (constraints.country_code != "_T")]
    national_pins: dict = {}
    almaty_pins: dict = {}
    for c in each_row(hard_countries):
        if c.region_code == "00":
            national_pins.setdefault((c.year, c.direction_code), {})[c.country_code] = c.value
        elif c.region_code == ALMATY:
            almaty_pins.setdefault((c.year, c.direction_code), {})[c.country_code] = c.value
        else:
            raise InputError(f"constraints.csv {c.constraint_id}: country figures are supported for 00 and 75 only")
    country_cells = countries.build_countries(
        totals, country_codes, seeds.country_groups,
        load_prior(paths, "country_weights.csv", ["direction_code", "country_code", "year", "weight"],
                   ("year", "weight")),
        load_prior(paths, "region_country_affinity.csv", ["region_code", "direction_code", "key", "factor"],
                   ("factor",)),
        load_prior(paths, "almaty_countries.csv", ["year", "direction_code", "country_code", "persons"],
                   ("year", "persons")),
        national_pins, almaty_pins,
    )
    built = {
        "by_country": tables.by_country(country_cells, country_codes),
        "by_sex_age": tables.by_sex_age(sex_age_cells),
        "by_education": tables.by_education(education_cells),
        "by_specialty": tables.by_specialty(specialty_cells),
    }
    frames = {code: pd.DataFrame(rows, columns=COLUMNS) for code, rows in built.items()}
    mark_published(frames, seeds, constraints)
    report = check_constraints(frames, constraints)
    failed = report[~report.holds]
    if len(failed):
        raise InputError("published figures not met by the fitted tables:\n" + failed.to_string(index=False))
    return frames, report


def generate(paths: Paths, out_dir: Path | None = None) -> dict[str, Path]:
    """Build every table and write it under ``out_dir`` (default: data/reference/tables)."""
    frames, _ = build(paths)
    out_dir = out_dir or paths.tables_dir
    written = {}
    for code in TABLE_CODES:
        target = table_file(out_dir, code)
        write_table(frames[code], target)
        written[code] = target
    return written
