"""Every metric of the semantic layer, asked through `mf query`, equals what the marts hold.

The expected values are read from the marts with plain DuckDB SQL (columns as stored, or sums of rows), not from
the semantic layer's YAML, at the grain of region × year and at the grain of the study's periods (the time
spine's custom granularities `paper_regime` and `crisis_split`, against the period marts).
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from .conftest import SemanticLayer, metric_names

SPECIALTIES = ("technical", "economic", "pedagogical", "medical", "legal", "architecture_construction",
               "agricultural", "it", "other")


def _flows(scope: str, column: str) -> str:
    return f"select region_code, year, {column} as value from fct_yearly_flows where age_scope_code = '{scope}'"


def _group(group: str, direction: str, column: str = "persons") -> str:
    return (f"select region_code, year, {column} as value from fct_country_group_flows "
            f"where group_code = '{group}' and direction_code = '{direction}'")


def _group_ratio(numerator: str, denominator: str, direction: str) -> str:
    return (
        "select region_code, year, "
        f"sum(persons) filter (where group_code = '{numerator}') "
        f"/ nullif(sum(persons) filter (where group_code = '{denominator}'), 0) as value "
        f"from fct_country_group_flows where direction_code = '{direction}' group by all"
    )


def _sex_age(expression: str) -> str:
    return f"select region_code, year, {expression} as value from fct_sex_age_flows group by all"


def _education(column: str) -> str:
    return f"select region_code, year, {column} as value from fct_education_structure"


def _specialty(expression: str, where: str = "true") -> str:
    return f"select region_code, year, {expression} as value from fct_specialty_flows where {where} group by all"


def region_year_expectations() -> dict[str, str]:
    """Metric name -> SQL giving (region_code, year, value) straight from the marts."""
    expected = {
        "residents": _flows("all_ages", "residents_on_1_january"),
        "working_age_residents": _flows("working_age", "residents_on_1_january"),
        "departures_per_arrival": _flows("all_ages", "departures / nullif(arrivals, 0)"),
        "working_age_departures_per_arrival": _flows("working_age", "departures / nullif(arrivals, 0)"),
        "arrivals_from_all_countries": (
            "select region_code, year, sum(persons) filter (where is_top_level) as value "
            "from fct_country_group_flows where direction_code = 'arrival' group by all"),
        "departures_to_all_countries": (
            "select region_code, year, sum(persons) filter (where is_top_level) as value "
            "from fct_country_group_flows where direction_code = 'departure' group by all"),
        "cis_arrivals_per_other_country_arrival": _group_ratio("CIS", "OTHER", "arrival"),
        "cis_departures_per_other_country_departure": _group_ratio("CIS", "OTHER", "departure"),
        "baltic_share_of_other_country_arrivals_pct": _group("BALTIC", "arrival", "share_of_parent_group_pct"),
        "baltic_share_of_other_country_departures_pct": _group("BALTIC", "departure", "share_of_parent_group_pct"),
        "education_table_working_age_arrivals": _education("working_age_arrivals"),
        "education_table_working_age_departures": _education("working_age_departures"),
        "specialist_education_arrivals": _education("higher_arrivals + secondary_vocational_arrivals"),
        "specialist_education_departures": _education("higher_departures + secondary_vocational_departures"),
        "specialist_education_share_of_arrivals_pct": _education("specialist_share_of_arrivals_pct"),
        "specialist_education_share_of_departures_pct": _education("specialist_share_of_departures_pct"),
        "specialist_arrivals": _specialty("sum(arrivals)"),
        "specialist_departures": _specialty("sum(departures)"),
        "specialist_net_migration": _specialty("sum(net_migration)"),
        "specialist_arrivals_per_departure": _specialty("sum(arrivals) / nullif(sum(departures), 0)"),
        "specialist_departures_per_arrival": _specialty("sum(departures) / nullif(sum(arrivals), 0)"),
    }
    for column in ("arrivals", "departures", "net_migration", "arrivals_per_departure",
                   "arrivals_per_1000_residents", "departures_per_1000_residents", "net_migration_per_1000_residents"):
        expected[column] = _flows("all_ages", column)
    for column in ("arrivals", "departures", "net_migration", "arrivals_per_departure", "turnover",
                   "migration_effectiveness_index"):
        expected[f"working_age_{column}"] = _flows("working_age", column)
    for column in ("turnover", "migration_effectiveness_index"):
        expected[column] = _flows("all_ages", column)
    expected["working_age_net_migration_per_1000_residents"] = _flows("working_age", "net_migration_per_1000_residents")
    for sex in ("male", "female"):
        for direction in ("arrivals", "departures"):
            expected[f"{sex}_{direction}"] = _sex_age(f"sum({direction}_{sex})")
    for direction in ("arrivals", "departures"):
        expected[f"{direction}_males_per_100_females"] = _sex_age(
            f"100 * sum({direction}_male) / nullif(sum({direction}_female), 0)"
        )
    for group, key in (("CIS", "cis"), ("OTHER", "other_country"), ("BALTIC", "baltic")):
        expected[f"{key}_arrivals"] = _group(group, "arrival")
        expected[f"{key}_departures"] = _group(group, "departure")
    for group, key in (("CIS", "cis"), ("OTHER", "other_country")):
        expected[f"{key}_share_of_arrivals_pct"] = _group(group, "arrival", "share_of_all_pct")
        expected[f"{key}_share_of_departures_pct"] = _group(group, "departure", "share_of_all_pct")
    for level, key in (("higher", "higher_education"), ("secondary_vocational", "secondary_vocational")):
        for suffix in ("arrivals", "departures", "net_migration", "share_of_arrivals_pct", "share_of_departures_pct",
                       "departure_to_arrival_share_ratio", "arrivals_per_departure"):
            expected[f"{key}_{suffix}"] = _education(f"{level}_{suffix}")
    for code in SPECIALTIES:
        for direction in ("arrivals", "departures"):
            expected[f"{code}_share_of_specialist_{direction}_pct"] = _specialty(
                f"max(share_of_{direction}_pct)", f"specialty_code = '{code}'")
    return expected


def period_expectations() -> dict[str, str]:
    """Metric name -> SQL giving (region_code, period_set_code, start_year, value) from the period marts."""
    def flows(scope: str, column: str) -> str:
        return (f"select region_code, period_set_code, start_year, {column} as value "
                f"from fct_period_flows where age_scope_code = '{scope}'")

    def education(column: str) -> str:
        return f"select region_code, period_set_code, start_year, {column} as value from fct_education_period_structure"

    def groups(group: str, direction: str, column: str) -> str:
        return (f"select region_code, period_set_code, start_year, {column} as value "
                f"from fct_country_group_period_flows where group_code = '{group}' and direction_code = '{direction}'")

    expected = {}
    for column in ("arrivals", "departures", "net_migration", "arrivals_per_departure", "departures_per_arrival",
                   "turnover", "migration_effectiveness_index"):
        expected[column] = flows("all_ages", column)
        expected[f"working_age_{column}"] = flows("working_age", column)
    for level, key in (("higher", "higher_education"), ("secondary_vocational", "secondary_vocational")):
        for suffix in ("share_of_arrivals_pct", "share_of_departures_pct", "departure_to_arrival_share_ratio",
                       "arrivals_per_departure", "net_migration"):
            expected[f"{key}_{suffix}"] = education(f"{level}_{suffix}")
    expected["specialist_education_share_of_arrivals_pct"] = education("specialist_share_of_arrivals_pct")
    expected["cis_share_of_arrivals_pct"] = groups("CIS", "arrival", "share_of_all_pct")
    expected["cis_share_of_departures_pct"] = groups("CIS", "departure", "share_of_all_pct")
    expected["baltic_share_of_other_country_arrivals_pct"] = groups("BALTIC", "arrival", "share_of_parent_group_pct")
    expected["specialist_arrivals_per_departure"] = (
        "select region_code, period_set_code, start_year, sum(arrivals) / nullif(sum(departures), 0) as value "
        "from fct_specialty_period_flows group by all")
    for code in ("technical", "medical", "other"):
        expected[f"{code}_share_of_specialist_arrivals_pct"] = (
            "select region_code, period_set_code, start_year, share_of_arrivals_pct as value "
            f"from fct_specialty_period_flows where specialty_code = '{code}'")
    return expected


def _expected_frame(connection: duckdb.DuckDBPyConnection, queries: dict[str, str]) -> pd.DataFrame:
    frames = []
    for metric, sql in queries.items():
        frame = connection.execute(sql).df()
        frame["metric"] = metric
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# The marts round ratios to 6 and shares to 4 decimals; the metrics are not rounded.
MART_ROUNDING = 5.000001e-5  # half a unit in the 4th decimal, and a tie


def _mismatches(expected: pd.DataFrame, actual: pd.DataFrame, keys: list[str]) -> list[str]:
    merged = expected.merge(actual, on=[*keys, "metric"], how="outer", suffixes=("_mart", "_mf"))
    problems = []
    for row in merged.itertuples(index=False):
        mart, mf = row.value_mart, row.value_mf
        if pd.isna(mart) and pd.isna(mf):
            continue
        if pd.isna(mart) or pd.isna(mf) or not math.isclose(float(mart), float(mf), rel_tol=1e-9,
                                                            abs_tol=MART_ROUNDING):
            problems.append(f"{row.metric} {[getattr(row, key) for key in keys]}: mart {mart}, mf {mf}")
    return problems


def _long(frame: pd.DataFrame, keys: list[str], metrics: list[str]) -> pd.DataFrame:
    return frame.melt(id_vars=keys, value_vars=metrics, var_name="metric", value_name="value")


@pytest.fixture(scope="module")
def queries(semantic_layer: SemanticLayer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The three `mf query` runs of this module, started together (each only reads the warehouse)."""
    folder = tmp_path_factory.mktemp("mf_results")
    period_metrics = ",".join(period_expectations())
    runs = {
        "region_year": ("--metrics", ",".join(metric_names()), "--group-by", "region,metric_time__year"),
        "paper_regime": ("--metrics", period_metrics, "--group-by", "region,metric_time__paper_regime"),
        "crisis_saved_query": ("--saved-query", "almaty_working_age_before_and_during_crisis"),
    }
    started = {name: semantic_layer.start_query(folder / f"{name}.csv", *args) for name, args in runs.items()}
    return {name: SemanticLayer.result(process, folder / f"{name}.csv") for name, process in started.items()}


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(built_warehouse), read_only=True)
    yield connection
    connection.close()


def test_every_metric_has_an_expectation_from_the_marts() -> None:
    assert set(metric_names()) == set(region_year_expectations()), (
        "a metric without a mart to check it against (or a check for a metric that does not exist): "
        f"{sorted(set(metric_names()) ^ set(region_year_expectations()))}"
    )


def test_every_metric_equals_the_mart_per_region_and_year(
    queries: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    result = queries["region_year"].copy()
    result["year"] = pd.to_datetime(result.pop("metric_time__year")).dt.year
    result = result.rename(columns={"region": "region_code"})
    result["region_code"] = result["region_code"].astype(str).str.zfill(2)
    actual = _long(result, ["region_code", "year"], metric_names())
    expected = _expected_frame(marts, region_year_expectations())
    assert expected["value"].notna().sum() > 10_000, "the marts hold too little to compare"
    problems = _mismatches(expected, actual, ["region_code", "year"])
    assert not problems, f"{len(problems)} differences, e.g.:\n" + "\n".join(problems[:15])


def test_ratios_are_ratios_of_sums_over_the_paper_regimes(
    queries: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    result = queries["paper_regime"].copy()
    result = result[result["metric_time__paper_regime"].notna()]
    result["start_year"] = pd.to_datetime(result.pop("metric_time__paper_regime")).dt.year
    result = result.rename(columns={"region": "region_code"})
    result["region_code"] = result["region_code"].astype(str).str.zfill(2)
    actual = _long(result, ["region_code", "start_year"], list(period_expectations()))
    expected = _expected_frame(marts, period_expectations())
    expected = expected[expected["period_set_code"] == "paper_regimes"].drop(columns="period_set_code")
    assert len(expected) > 1_000
    problems = _mismatches(expected, actual, ["region_code", "start_year"])
    assert not problems, f"{len(problems)} differences, e.g.:\n" + "\n".join(problems[:15])


def test_saved_query_before_and_during_the_crisis(
    queries: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    result = queries["crisis_saved_query"].dropna(subset=["metric_time__crisis_split"])
    by_start = {pd.Timestamp(row.metric_time__crisis_split).year: row for row in result.itertuples()}
    rows = marts.execute(
        "select start_year, arrivals, departures, net_migration, arrivals_per_departure from fct_period_flows "
        "where region_code = '75' and age_scope_code = 'working_age' and period_set_code = 'crisis_split'"
    ).fetchall()
    assert sorted(by_start) == sorted(row[0] for row in rows) == [2000, 2022]
    for start_year, arrivals, departures, net, per_departure in rows:
        answer = by_start[start_year]
        assert answer.working_age_arrivals == pytest.approx(arrivals, rel=1e-9)
        assert answer.working_age_departures == pytest.approx(departures, rel=1e-9)
        assert answer.working_age_net_migration == pytest.approx(net, rel=1e-9)
        assert answer.working_age_arrivals_per_departure == pytest.approx(per_departure, abs=MART_ROUNDING)
