"""Fixtures for the reference-table tests: the committed CSVs and the inputs they were built from."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from reference_data.paths import table_file

REPO = Path(__file__).resolve().parents[2]
BUNDLED_TABLES_DIR = REPO / "data" / "reference" / "tables"
# `make ensemble` runs the hard-constraint tests on every member by pointing this at the member's tables.
TABLES_DIR = Path(os.environ.get("KZ_REFERENCE_TABLES_DIR", BUNDLED_TABLES_DIR))
SEEDS_DIR = REPO / "dbt_project" / "seeds"
TABLE_CODES = ("by_country", "by_sex_age", "by_education", "by_specialty")
KEY = ["table_code", "year", "region_code", "flow_code", "direction_code", "country_code", "sex_code",
       "settlement_code", "age_band_code", "age_from", "age_to", "education_code", "specialty_code"]


@pytest.fixture(scope="session")
def tables() -> dict[str, pd.DataFrame]:
    text = {"region_code": str, "age_from": str, "age_to": str}
    return {code: pd.read_csv(table_file(TABLES_DIR, code), dtype=text, keep_default_na=False)
            for code in TABLE_CODES}


@pytest.fixture(scope="session")
def seed():
    return lambda name: pd.read_csv(SEEDS_DIR / name, dtype=str, keep_default_na=False)
