"""Every metric of the semantic layer, asked through MetricFlow, equals what the marts hold, at every grain.

Three independent checks against the marts (plain DuckDB SQL, never the semantic layer's YAML):

* every metric at every grain — no group-by, each time grain (year and the study's periods), each dimension of
  the region entity, region × year, and each dimension of the metric's own semantic model — against sums of the
  marts' rows grouped the same way (tests/semantic/metric_expectations.py), keeping the geography level the
  metric claims: a sum over the regions, or the Republic's own row, never both;
* per region and year, against the columns the marts store (counts, and ratios rounded in the marts);
* per period, against the period marts (fct_period_flows, ...), which sum the years of each period.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from .conftest import SemanticLayer, metric_names, semantic_yaml
from .metric_expectations import MARTS, PERIOD_SETS, SPECIALTIES, expected_sql, grains, metrics

# The marts round ratios to 6 and shares to 4 decimals; the metrics are not rounded.
MART_ROUNDING = 5.000001e-5  # half a unit in the 4th decimal, and a tie
OUTSIDE = " (outside the periods)"
WHOLE_QUERY_GRAINS = ("total", "region_and_year")


def _local_grains() -> dict[str, tuple[str, list[str]]]:
    """query name -> (mart, [dimension]) for each dimension of each semantic model of its own."""
    return {f"{mart}:{dimension}": (mart, [dimension]) for mart, spec in MARTS.items() for dimension in spec.dimensions}


def _metrics_of(mart: str) -> list[str]:
    return [name for name, metric in metrics().items() if metric.mart == mart]


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(built_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def answers(semantic_layer: SemanticLayer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """MetricFlow's answer to every query of this module, from one engine (all read the warehouse only)."""
    every_metric = metric_names()
    by_model: dict[str, list[str]] = {}
    for name, metric in metrics().items():
        by_model.setdefault(metric.mart, []).append(name)
    # All 92 metrics in one query (MetricFlow joining the semantic models' answers) at the coarsest and the finest
    # grain; at the others, one query per semantic model, joined here (mf_batch.py says why).
    queries: dict[str, dict] = {
        name: {"metrics": every_metric, "group_by": keys} if name in WHOLE_QUERY_GRAINS
        else {"metric_groups": list(by_model.values()), "group_by": keys}
        for name, keys in grains().items()
    }
    for name, (mart, keys) in _local_grains().items():
        queries[name] = {"metrics": _metrics_of(mart), "group_by": keys}
    for dimension in PERIOD_SETS:
        queries[f"periods:{dimension}"] = {"metrics": list(_period_mart_queries()), "group_by": ["region", dimension]}
    for saved_query in semantic_yaml()["saved_queries"]:
        queries[f"saved:{saved_query['name']}"] = {"saved_query": saved_query["name"]}
    return semantic_layer.batch(queries, tmp_path_factory.mktemp("mf_answers"))


def _period_key(label: str, first_start: int) -> str:
    """The period key of the expectations for one of MetricFlow's period labels (see metric_expectations)."""
    if label.endswith(OUTSIDE):
        return "before" if int(label[:4]) < first_start else "after"
    return label


def _normalised(answer: pd.DataFrame, keys: list[str], marts: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = answer.copy()
    for key in keys:
        if key == "metric_time__year":
            frame[key] = frame[key].str[:4]
        elif key in PERIOD_SETS:
            first = marts.execute("select min(start_year) from raw.analysis_periods where period_set_code = ?",
                                  [PERIOD_SETS[key]]).fetchone()[0]
            frame[key] = [_period_key(label, first) for label in frame[key]]
        else:
            frame[key] = frame[key].str.lower()
    return frame


def _mismatches(expected: pd.DataFrame, actual: pd.DataFrame, keys: list[str], abs_tol: float = 1e-9) -> list[str]:
    merged = expected.merge(actual, on=[*keys, "metric"], how="outer", suffixes=("_mart", "_mf"))
    problems = []
    for row in merged.itertuples(index=False):
        mart, mf = row.value_mart, row.value_mf
        if pd.isna(mart) and pd.isna(mf):
            continue
        if pd.isna(mart) or pd.isna(mf) or not math.isclose(float(mart), float(mf), rel_tol=1e-9, abs_tol=abs_tol):
            problems.append(f"{row.metric} {[getattr(row, key) for key in keys]}: mart {mart}, mf {mf}")
    return problems


def _long(frame: pd.DataFrame, keys: list[str], names: list[str]) -> pd.DataFrame:
    long = frame.melt(id_vars=keys, value_vars=names, var_name="metric", value_name="value")
    long["value"] = pd.to_numeric(long["value"])
    return long


def _expected(marts: duckdb.DuckDBPyConnection, names: list[str], keys: list[str]) -> pd.DataFrame:
    """(keys, metric, value) from the marts: one query per mart and geography level."""
    by_source: dict[tuple[str, bool], dict] = {}
    for name in names:
        metric = metrics()[name]
        by_source.setdefault((metric.mart, metric.republic), {})[name] = metric
    frames = [_long(marts.execute(expected_sql(chosen, keys)).df(), keys, list(chosen))
              for chosen in by_source.values()]
    expected = pd.concat(frames, ignore_index=True)
    for key in keys:
        if key not in PERIOD_SETS:
            expected[key] = expected[key].str.lower()
    return expected


def test_every_metric_has_an_expectation_from_the_marts() -> None:
    assert set(metric_names()) == set(metrics()), (
        "a metric without a mart to check it against (or a check for a metric that does not exist): "
        f"{sorted(set(metric_names()) ^ set(metrics()))}"
    )


def test_every_simple_metric_keeps_one_geography_level() -> None:
    """The filter on the Republic sits on every simple metric, so every ratio and derived metric inherits it."""
    levels = {"{{ Dimension('region__is_republic') }} = false", "{{ Dimension('region__is_republic') }} = true"}
    for metric in semantic_yaml()["metrics"]:
        if metric["type"] == "simple":
            filters = metric.get("filter") or []
            filters = [filters] if isinstance(filters, str) else filters
            assert len(levels.intersection(filters)) == 1, f"{metric['name']} does not keep one geography level"


@pytest.mark.parametrize("grain", sorted(grains()))
def test_every_metric_equals_the_marts_at_every_grain(
    grain: str, answers: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    keys = grains()[grain]
    names = metric_names()
    actual = _long(_normalised(answers[grain], keys, marts), keys, names)
    expected = _expected(marts, names, keys)
    assert expected["value"].notna().sum() >= len(names) - 2, "the marts hold too little to compare"
    problems = _mismatches(expected, actual, keys)
    assert not problems, f"{len(problems)} differences at grain {keys or 'none'}, e.g.:\n" + "\n".join(problems[:15])


@pytest.mark.parametrize("query", sorted(_local_grains()))
def test_every_metric_equals_the_marts_by_its_semantic_models_own_dimensions(
    query: str, answers: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    mart, keys = _local_grains()[query]
    names = _metrics_of(mart)
    actual = _long(_normalised(answers[query], keys, marts), keys, names)
    problems = _mismatches(_expected(marts, names, keys), actual, keys)
    assert not problems, f"{len(problems)} differences by {keys}, e.g.:\n" + "\n".join(problems[:15])


def test_the_regions_add_up_to_the_republic_and_no_metric_counts_both(answers: dict[str, pd.DataFrame]) -> None:
    """The bug this layer had: `arrivals` by year summed the Republic with its regions (2 × the national figure
    from 2000, when the regional tables start). Now the regions' sum is the Republic's own series, year by year."""
    by_year = answers["metric_time__year"].set_index("metric_time__year")
    regional = pd.to_numeric(by_year["arrivals"]).dropna()
    national = pd.to_numeric(by_year["national_arrivals"])
    assert len(regional) >= 20 and national.notna().sum() > len(regional), "the national series starts earlier"
    assert (regional == national[regional.index]).all(), pd.concat([regional, national], axis=1)
    total = answers["total"]
    assert float(total["arrivals"].iloc[0]) == regional.sum()


def _stored(marts: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(region_code, year, metric, value) from the columns the marts store for each region and year."""
    def flows(scope: str, column: str) -> str:
        return f"select region_code, year, {column} as value from fct_yearly_flows where age_scope_code = '{scope}'"

    def group(code: str, direction: str, column: str = "persons") -> str:
        return (f"select region_code, year, {column} as value from fct_country_group_flows "
                f"where group_code = '{code}' and direction_code = '{direction}'")

    def education(column: str) -> str:
        return f"select region_code, year, {column} as value from fct_education_structure"

    def specialty(expression: str, where: str = "true") -> str:
        return f"select region_code, year, {expression} as value from fct_specialty_flows where {where} group by all"

    queries = {
        "education_table_working_age_arrivals": education("working_age_arrivals"),
        "education_table_working_age_departures": education("working_age_departures"),
        "specialist_education_share_of_arrivals_pct": education("specialist_share_of_arrivals_pct"),
        "specialist_education_share_of_departures_pct": education("specialist_share_of_departures_pct"),
        "specialist_arrivals": specialty("sum(arrivals)"),
        "specialist_departures": specialty("sum(departures)"),
        "specialist_net_migration": specialty("sum(net_migration)"),
    }
    for prefix, scope in (("", "all_ages"), ("national_", "all_ages"), ("working_age_", "working_age")):
        for column in ("arrivals", "departures", "net_migration", "arrivals_per_departure",
                       "net_migration_per_1000_residents"):
            queries[prefix + column] = flows(scope, column)
        queries[prefix + "residents"] = flows(scope, "residents_on_1_january")
    for column in ("arrivals_per_1000_residents", "departures_per_1000_residents"):
        queries[column] = flows("all_ages", column)
    for code, key in (("CIS", "cis"), ("OTHER", "other_country"), ("BALTIC", "baltic")):
        queries[f"{key}_arrivals"] = group(code, "arrival")
        queries[f"{key}_departures"] = group(code, "departure")
    for code, key in (("CIS", "cis"), ("OTHER", "other_country")):
        queries[f"{key}_share_of_arrivals_pct"] = group(code, "arrival", "share_of_all_pct")
        queries[f"{key}_share_of_departures_pct"] = group(code, "departure", "share_of_all_pct")
    queries["baltic_share_of_other_country_arrivals_pct"] = group("BALTIC", "arrival", "share_of_parent_group_pct")
    queries["baltic_share_of_other_country_departures_pct"] = group("BALTIC", "departure", "share_of_parent_group_pct")
    for level, key in (("higher", "higher_education"), ("secondary_vocational", "secondary_vocational")):
        for suffix in ("arrivals", "departures", "net_migration", "share_of_arrivals_pct", "share_of_departures_pct",
                       "departure_to_arrival_share_ratio", "arrivals_per_departure"):
            queries[f"{key}_{suffix}"] = education(f"{level}_{suffix}")
    for code in SPECIALTIES:
        for direction in ("arrivals", "departures"):
            queries[f"{code}_share_of_specialist_{direction}_pct"] = specialty(
                f"max(share_of_{direction}_pct)", f"specialty_code = '{code}'")
    frames = []
    for name, sql in queries.items():
        level = "=" if metrics()[name].republic else "<>"
        frame = marts.execute(f"select * from ({sql}) where region_code {level} '00'").df()
        frame["metric"] = name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_metrics_equal_the_columns_the_marts_store_per_region_and_year(
    answers: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    expected = _stored(marts)
    expected["year"] = expected["year"].astype(str)
    result = answers["region_and_year"].rename(columns={"region": "region_code", "metric_time__year": "year"})
    result["year"] = result["year"].str[:4]
    actual = _long(result, ["region_code", "year"], sorted(expected["metric"].unique()))
    assert expected["value"].notna().sum() > 10_000, "the marts hold too little to compare"
    problems = _mismatches(expected, actual, ["region_code", "year"], abs_tol=MART_ROUNDING)
    assert not problems, f"{len(problems)} differences, e.g.:\n" + "\n".join(problems[:15])


def _period_mart_queries() -> dict[str, tuple[str, str, str]]:
    """metric -> (period mart, column, rows) for the metrics the period marts hold."""
    queries = {}
    for prefix, scope in (("", "all_ages"), ("working_age_", "working_age")):
        for column in ("arrivals", "departures", "net_migration", "arrivals_per_departure", "departures_per_arrival"):
            queries[prefix + column] = ("fct_period_flows", column, f"age_scope_code = '{scope}'")
    for level, key in (("higher", "higher_education"), ("secondary_vocational", "secondary_vocational")):
        for suffix in ("share_of_arrivals_pct", "share_of_departures_pct", "departure_to_arrival_share_ratio",
                       "arrivals_per_departure", "net_migration"):
            queries[f"{key}_{suffix}"] = ("fct_education_period_structure", f"{level}_{suffix}", "true")
    queries["cis_share_of_arrivals_pct"] = ("fct_country_group_period_flows", "share_of_all_pct",
                                            "group_code = 'CIS' and direction_code = 'arrival'")
    queries["baltic_share_of_other_country_arrivals_pct"] = (
        "fct_country_group_period_flows", "share_of_parent_group_pct",
        "group_code = 'BALTIC' and direction_code = 'arrival'")
    queries["technical_share_of_specialist_arrivals_pct"] = ("fct_specialty_period_flows", "share_of_arrivals_pct",
                                                             "specialty_code = 'technical'")
    return queries


@pytest.mark.parametrize("dimension", sorted(PERIOD_SETS))
def test_metrics_per_period_equal_the_period_marts(
    dimension: str, answers: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    frames = []
    for name, (table, column, where) in _period_mart_queries().items():
        frame = marts.execute(
            f"select region_code, start_year || '–' || end_year as period, {column} as value from {table} "
            f"where {where} and period_set_code = ? and region_code <> '00'", [PERIOD_SETS[dimension]]).df()
        frame["metric"] = name
        frames.append(frame)
    expected = pd.concat(frames, ignore_index=True)
    answer = answers[f"periods:{dimension}"].rename(columns={"region": "region_code", dimension: "period"})
    actual = _long(answer[~answer["period"].str.endswith(OUTSIDE)], ["region_code", "period"],
                   list(_period_mart_queries()))
    assert len(expected) > 500, "the period marts hold too little to compare"
    problems = _mismatches(expected, actual, ["region_code", "period"], abs_tol=MART_ROUNDING)
    assert not problems, f"{len(problems)} differences, e.g.:\n" + "\n".join(problems[:15])


@pytest.mark.parametrize("dimension", sorted(PERIOD_SETS))
def test_every_period_row_has_a_readable_label(
    dimension: str, answers: dict[str, pd.DataFrame], marts: duckdb.DuckDBPyConnection
) -> None:
    """Each period is labelled by its years (`2003–2013`), not by a timestamp; the years outside the periods
    come back under a label that says so, never under an empty one."""
    labels = answers[dimension][dimension]
    assert labels.notna().all(), "a row without a period label"
    periods = {f"{start}–{end}" for start, end in marts.execute(
        "select start_year, end_year from raw.analysis_periods where period_set_code = ?",
        [PERIOD_SETS[dimension]]).fetchall()}
    inside = {label for label in labels if not label.endswith(OUTSIDE)}
    assert inside == periods
    for label in set(labels) - inside:
        assert re.fullmatch(r"\d{4}(–\d{4}| and later)? \(outside the periods\)", label), label


def test_saved_queries_come_back_ordered(answers: dict[str, pd.DataFrame]) -> None:
    for saved_query in semantic_yaml()["saved_queries"]:
        order_by = saved_query["query_params"].get("order_by")
        assert order_by, f"{saved_query['name']} has no order_by"
        result = answers[f"saved:{saved_query['name']}"]
        assert len(result) > 1, saved_query["name"]
        columns = [re.sub(r"^(TimeDimension|Dimension|Entity)\('(\w+)'(?:, '(\w+)')?\)$",
                          lambda match: match.group(2) + (f"__{match.group(3)}" if match.group(3) else ""), item)
                   for item in order_by]
        keys = list(result[columns].itertuples(index=False, name=None))
        assert keys == sorted(keys), f"{saved_query['name']} is not ordered by {columns}"


def test_saved_query_before_and_during_the_crisis(
    semantic_layer: SemanticLayer, marts: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Through the `mf` command itself, as an analyst runs it."""
    csv_path = tmp_path_factory.mktemp("crisis") / "crisis.csv"
    result = SemanticLayer.result(
        semantic_layer.start_query(csv_path, "--saved-query", "almaty_working_age_before_and_during_crisis"),
        csv_path)
    assert list(result["metric_time__crisis_split"]) == ["2000–2021", "2022–2023"], "only the periods, in order"
    # Counts come back as integers (6409, not 6409.0): the marts store them as BIGINT and MetricFlow sums them so.
    header, *lines = csv_path.read_text().splitlines()
    counts = ["working_age_arrivals", "working_age_departures", "working_age_net_migration"]
    for line in lines:
        cells = dict(zip(header.split(","), line.split(","), strict=True))
        assert all(re.fullmatch(r"-?\d+", cells[name]) for name in counts), line
    by_label = {row.metric_time__crisis_split: row for row in result.itertuples()}
    rows = marts.execute(
        "select start_year || '–' || end_year, arrivals, departures, net_migration, arrivals_per_departure "
        "from fct_period_flows "
        "where region_code = '75' and age_scope_code = 'working_age' and period_set_code = 'crisis_split'"
    ).fetchall()
    assert sorted(by_label) == sorted(row[0] for row in rows)
    for label, arrivals, departures, net, per_departure in rows:
        answer = by_label[label]
        assert answer.working_age_arrivals == arrivals
        assert answer.working_age_departures == departures
        assert answer.working_age_net_migration == net
        assert answer.working_age_arrivals_per_departure == pytest.approx(per_departure, abs=MART_ROUNDING)
