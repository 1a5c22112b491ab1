"""Small hand-built marts whose answers are known by construction, and a DuckDB file holding them.

``claim_marts`` has exactly the columns the claim computations read. ``report_marts`` adds the columns
and marts the report, figures, correlations and causal analysis read (derived from the same numbers with
plain pandas), and ``write_warehouse`` stores them as tables of a DuckDB file shaped like the published
warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

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


def claim_marts() -> dict[str, pd.DataFrame]:
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
            "is_control": r in ("31", "27"),
            "net_migration_working_age": base + 5 * (y - 2000) + (4000 if r == "75" and y >= 2022 else 0),
        }
        for r, base in [("75", -1000), ("31", -300), ("27", -200), ("11", 0)]
        for y in YEARS
    ]
    return {
        "dim_study_design": study_design(),
        "fct_yearly_flows": pd.DataFrame(yearly).assign(
            net_migration=lambda frame: frame["arrivals"] - frame["departures"]
        ),
        "fct_country_flows": pd.DataFrame(countries),
        "fct_education_flows": pd.DataFrame(education),
        "fct_specialty_flows": pd.DataFrame(specialty),
        "fct_region_year_panel": pd.DataFrame(panel),
    }


def study_design(treated: str = "75", crisis_start_year: int = 2022) -> pd.DataFrame:
    """dim_study_design as the default build publishes it (dbt_project.yml's vars), one row."""
    return pd.DataFrame(
        {
            "treated_region_code": [treated],
            "treated_region_short_name_en": [{"75": "Almaty", "71": "Astana"}.get(treated, f"Region {treated}")],
            "control_region_codes": ["31;27"],
            "control_region_short_names_en": ["Zhambyl;West Kazakhstan"],
            "bordering_russia_region_codes": ["15;23;27;39;55;59;63"],
            "crisis_start_year": [crisis_start_year],
            "reference_year": [crisis_start_year - 1],
            "working_age_rule_set_code": ["paper_2025"],
            "study_first_year": [2000],
            "study_last_year": [2023],
        }
    )


PANEL_REGIONS = {"75": -1000, "31": -300, "27": -200, "11": 0, "15": 150, "19": -50, "23": 80, "35": -120}
RESIDENTS = 1_000_000
TREATMENT_EFFECT = 4000


def _panel() -> pd.DataFrame:
    """Region × year panel: a region level, a common year effect, region noise, and the effect in Almaty."""
    rng = np.random.default_rng(7)
    year_effect = dict(zip(YEARS, np.cumsum(rng.normal(0.0, 40.0, len(YEARS))), strict=True))
    rows = []
    for region, base in PANEL_REGIONS.items():
        for y in YEARS:
            net = base + year_effect[y] + rng.normal(0.0, 25.0)
            if region == "75" and y >= 2022:
                net += TREATMENT_EFFECT
            rows.append(
                {
                    "region_code": region,
                    "year": int(y),
                    "is_treated": region == "75",
                    "is_post": bool(y >= 2022),
                    "is_control": region in ("31", "27"),
                    "net_migration_working_age": float(net),
                    "net_migration_working_age_per_1000_residents": 1000.0 * net / RESIDENTS,
                    "residents_on_1_january": RESIDENTS,
                }
            )
    return pd.DataFrame(rows)


def report_marts() -> dict[str, pd.DataFrame]:
    marts = claim_marts()
    marts["fct_region_year_panel"] = _panel()

    countries = marts["fct_country_flows"]
    yearly = marts["fct_yearly_flows"]
    every_age = countries.pivot_table(index="year", columns="direction_code", values="persons", aggfunc="sum")
    all_ages = pd.DataFrame(
        {
            "region_code": "75",
            "year": every_age.index,
            "age_scope_code": "all_ages",
            "arrivals": every_age["arrival"].to_numpy(),
            "departures": every_age["departure"].to_numpy(),
        }
    )
    yearly = pd.concat([yearly, all_ages], ignore_index=True)
    yearly["net_migration"] = yearly["arrivals"] - yearly["departures"]
    yearly["arrivals_per_departure"] = yearly["arrivals"] / yearly["departures"]
    yearly["net_migration_per_1000_residents"] = 1000.0 * yearly["net_migration"] / RESIDENTS
    marts["fct_yearly_flows"] = yearly

    keys = ["region_code", "year", "direction_code"]
    groups = countries.groupby([*keys, "group_code"], as_index=False)["persons"].sum()
    baltic = countries[countries["is_baltic"]].groupby(keys, as_index=False)["persons"].sum()
    marts["fct_country_group_flows"] = pd.concat([groups, baltic.assign(group_code="BALTIC")], ignore_index=True)

    crisis = countries[countries["year"] >= 2022]
    period = crisis.groupby(
        ["region_code", "direction_code", "country_code", "country_name_en", "group_code"], as_index=False
    )["persons"].sum()
    group_total = period.groupby(["direction_code", "group_code"])["persons"].transform("sum")
    non_cis = period["group_code"] != "CIS"
    non_cis_total = period[non_cis].groupby("direction_code")["persons"].transform("sum")
    period["share_of_group_pct"] = 100.0 * period["persons"] / group_total
    period["share_of_non_cis_pct"] = (100.0 * period.loc[non_cis, "persons"] / non_cis_total).reindex(period.index)
    marts["fct_country_period_flows"] = period.assign(period_code="P2022_2023", start_year=2022, end_year=2023)

    education = marts["fct_education_flows"]
    wide = education.pivot_table(
        index=["region_code", "year"], columns=["education_code", "direction_code"], values="persons"
    )
    totals = education.groupby(["region_code", "year", "direction_code"])["working_age_persons"].max().unstack()
    structure = pd.DataFrame(index=wide.index)
    structure["working_age_arrivals"] = totals["arrival"]
    structure["working_age_departures"] = totals["departure"]
    for level in ("higher", "secondary_vocational"):
        structure[f"{level}_arrivals"] = wide[(level, "arrival")]
        structure[f"{level}_departures"] = wide[(level, "departure")]
        structure[f"{level}_net_migration"] = structure[f"{level}_arrivals"] - structure[f"{level}_departures"]
        structure[f"{level}_share_of_arrivals_pct"] = 100 * structure[f"{level}_arrivals"] / totals["arrival"]
        structure[f"{level}_share_of_departures_pct"] = 100 * structure[f"{level}_departures"] / totals["departure"]
    marts["fct_education_structure"] = structure.reset_index()

    marts["dim_data_sources"] = pd.DataFrame(
        {
            "table_code": ["by_country", "national_total"],
            "source_id": ["reference", "taldau"],
            "provenance_kind": ["modeled", "published"],
            "cell_count": [1000, 35],
            "is_modeled": [True, False],
        }
    )
    return marts


def write_warehouse(marts: dict[str, pd.DataFrame], path: Path) -> Path:
    """Store every mart as a table of a new DuckDB file at ``path``."""
    with duckdb.connect(str(path)) as connection:
        for name, frame in marts.items():
            connection.register("frame", frame)
            connection.execute(f"create table {name} as select * from frame")
            connection.unregister("frame")
        connection.execute("checkpoint")
    return path
