"""The whole generation: read inputs, fit every table, mark provenance, check, write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reference_data import countries, education, memory, regional_totals, sex_age, tables
from reference_data.canonical import COLUMNS, write_table
from reference_data.checks import check_constraints
from reference_data.floors import part_year_floors
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


PRIOR_SPECS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "almaty_series.csv": (["year", "direction_code", "all_ages", "working_age", "higher", "secondary_vocational",
                           "general_secondary_share", "basis"],
                          ("year", "all_ages", "working_age", "higher", "secondary_vocational",
                           "general_secondary_share")),
    "national_shares.csv": (["direction_code", "year", "measure", "share"], ("year", "share")),
    "national_targets.csv": (["year", "direction_code", "measure", "value", "basis"], ("year", "value")),
    "region_propensity.csv": (["region_code", "direction_code", "year", "propensity"], ("year", "propensity")),
    "region_cycles.csv": (["region_code", "direction_code", "amplitude", "period_years", "peak_year"],
                          ("amplitude", "period_years", "peak_year")),
    "age_profile.csv": (["direction_code", "sex_code", "age", "weight"], ("age", "weight")),
    "specialty_shares.csv": (["scope", "direction_code", "year", "specialty_code", "share"], ("year", "share")),
    "almaty_specialty_counts.csv": (["year", "direction_code", "specialty_code", "persons", "basis"],
                                    ("year", "persons")),
    "country_weights.csv": (["direction_code", "country_code", "year", "weight"], ("year", "weight")),
    "region_country_affinity.csv": (["region_code", "direction_code", "key", "factor"], ("factor",)),
    "almaty_countries.csv": (["year", "direction_code", "country_code", "persons"], ("year", "persons")),
    "memory.csv": (["scope", "decay", "basis"], ("decay",)),
    "region_concentration.csv": (["power", "basis"], ("power",)),
}


def load_priors(paths: Paths) -> dict[str, pd.DataFrame]:
    """Every modelling assumption, by file name (``priors/*.csv``)."""
    return {name: load_prior(paths, name, *spec) for name, spec in PRIOR_SPECS.items()}


def almaty_series_with_pins(series: pd.DataFrame, constraints: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    series = series.copy()
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


def national_targets(priors: dict[str, pd.DataFrame], seeds: Seeds, constraints: pd.DataFrame) -> dict:
    """(year, direction, measure) -> national value for working_age, higher and specialists."""
    shares = priors["national_shares.csv"]
    working = shares[shares.measure == "working_age"]
    targets = {}
    for direction, group in each_group(working, "direction_code"):
        path = interpolate(group.set_index("year").share, YEARS)
        for year in YEARS:
            targets[(year, direction, "working_age")] = round(seeds.national_total(year, direction) * path.loc[year])
    for o in each_row(priors["national_targets.csv"]):
        targets[(int(o.year), o.direction_code, o.measure)] = int(o.value)
    specialists = constraints[(constraints.use == "target") & (constraints.population == "specialists")
                              & (constraints.specialty_code == "_T")]
    for c in each_row(specialists):
        targets[(c.year, c.direction_code, "specialists")] = c.value
    return targets


def national_pins(constraints: pd.DataFrame, population: str, column: str) -> dict:
    """(year, direction) -> {member: value}: published (hard) or press-rounded (target) national figures."""
    rows = constraints[constraints.use.isin(["hard", "target"]) & (constraints.region_code == "00")
                       & (constraints.population == population) & (constraints.months == "01-12")
                       & (constraints[column] != "_T")]
    pins: dict = {}
    for c in each_row(rows):
        pins.setdefault((c.year, c.direction_code), {})[getattr(c, column)] = c.value
    return pins


def build(paths: Paths, priors: dict[str, pd.DataFrame] | None = None,
          constraints: pd.DataFrame | None = None,
          part_year_scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Fit every table. ``priors`` / ``constraints`` / ``part_year_scale`` replace the files and the
    default scale-up of part-year figures (an ensemble member's draw)."""
    seeds = load_seeds(paths)
    constraints = load_constraints(paths, seeds) if constraints is None else constraints
    priors = load_priors(paths) if priors is None else priors
    floors = part_year_floors(constraints, seeds, part_year_scale)
    country_floors: dict = {}
    specialty_floors: dict = {}
    for (year, direction, region, member), value in floors.items():
        if region != "00" or member == "_T":
            continue
        if member.startswith("specialty:"):
            # Lifted to the figure itself: scaled to a year, the 2022 H1 specialties exceed all the specialists.
            specialty_floors.setdefault((year, direction), {})[member.split(":")[1]] = value[0]
        elif not member.startswith("education:"):
            country_floors.setdefault((year, direction), {})[member] = value
    almaty_series, education_pins = almaty_series_with_pins(priors["almaty_series.csv"], constraints)
    totals = regional_totals.region_totals(
        seeds, constraints, almaty_series, priors["region_propensity.csv"], priors["region_cycles.csv"], floors,
        memory.decay_of(priors["memory.csv"], "region"), float(priors["region_concentration.csv"].power.iloc[0]),
        memory.parents(paths.seeds_dir))
    targets = national_targets(priors, seeds, constraints)
    national_wa = {(y, d): v for (y, d, m), v in targets.items() if m == "working_age"}
    frame = sex_age.working_age_totals(totals, almaty_series, national_wa)
    sex_age_cells = sex_age.build_sex_age(seeds, frame, priors["age_profile.csv"])
    shares = priors["national_shares.csv"]
    level_shares = education.anchored_shares(shares[shares.measure.isin(education.LEVELS)]
                                             .rename(columns={"measure": "level"}), "level", education.LEVELS)
    education_cells = education.build_education(
        frame, education.almaty_education(almaty_series, education_pins), level_shares, targets)
    specialty_prior = priors["specialty_shares.csv"]
    pins = priors["almaty_specialty_counts.csv"]
    specialty_cells = education.build_specialty(
        frame, education_cells,
        education.anchored_shares(specialty_prior[specialty_prior.scope == "almaty"], "specialty_code",
                                  education.SPECIALTIES),
        education.anchored_shares(specialty_prior[specialty_prior.scope == "rest"], "specialty_code",
                                  education.SPECIALTIES),
        {(int(p.year), p.direction_code, p.specialty_code): int(p.persons) for p in each_row(pins)},
        national_pins(constraints, "specialists", "specialty_code"), specialty_floors,
    )
    country_codes = [c for c in seeds.countries if c != "_T"]
    hard_countries = constraints[(constraints.use == "hard") & (constraints.population == "all_ages")
                                 & (constraints.country_code != "_T") & (constraints.months == "01-12")]
    almaty_pins: dict = {}
    for c in each_row(hard_countries):
        if c.region_code == ALMATY:
            almaty_pins.setdefault((c.year, c.direction_code), {})[c.country_code] = c.value
        elif c.region_code != "00":
            raise InputError(f"constraints.csv {c.constraint_id}: country figures are supported for 00 and 75 only")
    country_cells = countries.build_countries(
        totals, country_codes, seeds.country_groups, priors["country_weights.csv"],
        priors["region_country_affinity.csv"], priors["almaty_countries.csv"],
        national_pins(constraints, "all_ages", "country_code"), almaty_pins, country_floors,
        memory.decay_of(priors["memory.csv"], "country"),
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


def write_tables(frames: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, Path]:
    written = {}
    for code in TABLE_CODES:
        target = table_file(out_dir, code)
        write_table(frames[code], target)
        written[code] = target
    return written


def generate(paths: Paths, out_dir: Path | None = None) -> dict[str, Path]:
    """Build every table and write it under ``out_dir`` (default: data/reference/tables)."""
    frames, _ = build(paths)
    return write_tables(frames, out_dir or paths.tables_dir)
