"""A failed data rule says which rule, which group and its numbers, not only dbt's «Got 1 result».

The real dbt builds the project's counts layers (`+int_migration_counts_unioned` and their tests) from a spoilt
copy of the bundled tables: one region's total arrivals in one year raised by 1,000, so the regions no longer add
up to the Republic. The expected line is computed here from the spoilt file with pandas.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from warehouse.publish import BuildFailed, build_and_publish

from .conftest import REPO_ROOT, default_counts_dir

YEAR, REGION, RAISE = 2015, "75", 1000
TOTAL_ONLY = {"country_code": "_T", "sex_code": "_T", "settlement_code": "_T", "age_band_code": "_T",
              "education_code": "_T", "specialty_code": "_T"}


def _spoilt_counts(folder: Path) -> pd.DataFrame:
    shutil.copytree(default_counts_dir(), folder)
    path = folder / "by_country.csv.gz"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = (table["year"] == str(YEAR)) & (table["region_code"] == REGION) & (table["direction_code"] == "arrival")
    for column, value in TOTAL_ONLY.items():
        row &= table[column] == value
    assert row.sum() == 1
    table.loc[row, "persons"] = str(int(table.loc[row, "persons"].iloc[0]) + RAISE)
    table.to_csv(path, index=False, compression="gzip")
    return table


def test_a_failed_rule_names_the_rule_the_group_and_its_numbers(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    table = _spoilt_counts(tmp_path / "spoilt")
    group = (table["year"] == str(YEAR)) & (table["direction_code"] == "arrival")
    for column, value in TOTAL_ONLY.items():
        group &= table[column] == value
    persons = table.loc[group].set_index("region_code")["persons"].astype(int)
    parts, total = int(persons.drop("00").sum()), int(persons["00"])
    assert parts == total + RAISE  # the bundled tables add up before the spoiling

    with pytest.raises(BuildFailed, match="dbt build failed"):
        build_and_publish(
            tmp_path / "kz_migration.duckdb",
            ["--select", "+int_migration_counts_unioned", "regions", "countries", "education_levels", "specialties",
             "--indirect-selection", "cautious",
             "--exclude-resource-type", "unit_test"],
            env={"KZ_COUNTS_DIR": str(tmp_path / "spoilt"), "KZ_DBT_EXECUTABLE": "", "KZ_OFFICIAL_DIR": ""},
        )
    said = [line for line in capfd.readouterr().err.splitlines() if line.startswith("data test failed:")]
    expected = (
        f"data test failed: regions_sum_to_republic in int_migration_counts_unioned: 1 group does not hold: "
        f"by_country, {YEAR}, external, arrival, _T, _T, _T, _T, _T, _T: parts {parts:,}, total {total:,}"
    )
    assert expected in said, "\n".join(said)
    # Almaty's countries no longer add up to its total either: that rule is named with its group too.
    countries = [line for line in said if "countries_sum_to_all_countries" in line]
    assert countries and f"does not hold: by_country, {YEAR}, {REGION}, external, arrival" in countries[0], said
    assert not any("Got 1 result" in line for line in said)


def test_a_design_that_names_no_region_fails_the_build_naming_each_rule(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The dbt vars are the design's one home; a treated region or a control the seed does not know (or a
    treated region among the controls) stops the build with the rule named, before any mart reads it."""
    known = set(pd.read_csv(REPO_ROOT / "dbt_project" / "seeds" / "regions.csv", dtype=str)["region_code"])
    unknown = next(f"{n:02d}" for n in range(99, 0, -1) if f"{n:02d}" not in known)
    with pytest.raises(BuildFailed, match="dbt build failed"):
        build_and_publish(
            tmp_path / "kz_migration.duckdb",
            ["--select", "+int_study_design", "+stg_reference__regions", "--indirect-selection", "buildable",
             "--exclude-resource-type", "unit_test",
             "--vars", f"{{treated_region_code: '{unknown}', control_region_codes: ['31', '{unknown}']}}"],
            env={"KZ_DBT_EXECUTABLE": "", "KZ_OFFICIAL_DIR": ""},
        )
    said = [line for line in capfd.readouterr().err.splitlines() if line.startswith("data test failed:")]
    rules = " | ".join(line for line in said if "int_study_design" in line)
    for rule in ("treated_region_code references", "the treated region is not a control",
                 "every control is a region of the seed"):
        assert rule in rules, said
