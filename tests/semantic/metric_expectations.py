"""What every metric of the semantic layer must equal, computed from the marts with plain DuckDB SQL.

Each metric is written here once more, independently of its YAML: the mart it counts, the geography level it
keeps (the regions, or the Republic's own rows, read from `dim_regions.is_republic`) and an expression over
sums of the mart's columns. Grouped by any set of keys, that expression gives the metric at that grain: a ratio,
share or rate is a ratio of the group's sums, never an average of the rows' ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

SPECIALTIES = ("technical", "economic", "pedagogical", "medical", "legal", "architecture_construction",
               "agricultural", "it", "other")


@dataclass(frozen=True)
class Mart:
    """A mart a semantic model reads, with the SQL of each of the model's own dimensions (by `mf` name)."""

    table: str
    dimensions: dict[str, str]


MARTS = {
    "flows": Mart("fct_yearly_flows", {
        "yearly_flow__age_scope_code": "f.age_scope_code",
        "yearly_flow__is_published": "f.is_published",
        "yearly_flow__has_boundary_change": "f.has_boundary_change",
        "yearly_flow__has_residents": "f.residents_on_1_january is not null",
    }),
    "groups": Mart("fct_country_group_flows", {
        "country_group_flow__direction_code": "f.direction_code",
        "country_group_flow__group_code": "f.group_code",
        "country_group_flow__is_top_level": "f.is_top_level",
        "country_group_flow__is_published": "f.is_published",
    }),
    "education": Mart("fct_education_flows", {
        "education_flow__direction_code": "f.direction_code",
        "education_flow__education_code": "f.education_code",
        "education_flow__is_specialist": "f.is_specialist",
        "education_flow__is_published": "f.is_published",
    }),
    "specialty": Mart("fct_specialty_flows", {
        "specialty_flow__specialty_code": "f.specialty_code",
        "specialty_flow__is_published": "f.is_published",
    }),
    "sex_age": Mart("fct_sex_age_flows", {
        "sex_age_flow__age_band_code": "f.age_band_code",
    }),
}

# Dimensions every metric can be grouped by (`mf` name -> SQL), besides each mart's own: the region entity
# with its attributes, and metric_time at the year and at the study's periods. `p` holds each year's period of
# each set, from the seed `analysis_periods` (years outside every period of a set: 'before' / 'after').
COMMON_DIMENSIONS = {
    "metric_time__year": "cast(f.year as varchar)",
    "metric_time__paper_regime": "p.paper_regime",
    "metric_time__crisis_split": "p.crisis_split",
    "region": "f.region_code",
    "region__region_name_en": "r.region_name_en",
    "region__region_kind": "r.region_kind",
    "region__is_republic": "r.is_republic",
    "region__is_treated_region": "r.is_treated_region",
    "region__territory_code": "r.territory_code",
}

PERIOD_SETS = {"metric_time__paper_regime": "paper_regimes", "metric_time__crisis_split": "crisis_split"}


def _years_in_periods() -> str:
    columns = []
    for dimension, period_set in PERIOD_SETS.items():
        name = dimension.removeprefix("metric_time__")
        columns.append(
            f"coalesce(max(periods.start_year || '–' || periods.end_year) "
            f"filter (where periods.period_set_code = '{period_set}'), "
            f"case when years.year < (select min(start_year) from raw.analysis_periods "
            f"where period_set_code = '{period_set}') then 'before' else 'after' end) as {name}")
    return ("select years.year, " + ", ".join(columns) + " from (select distinct year from fct_yearly_flows) as years "
            "left join raw.analysis_periods as periods on years.year between periods.start_year and periods.end_year "
            "group by years.year")


@dataclass(frozen=True)
class Metric:
    mart: str
    expression: str
    republic: bool = False  # True: the Republic's own rows; False: the regions


def expected_sql(chosen: dict[str, Metric], keys: list[str]) -> str:
    """(key columns named as `mf` names them, one column per metric) at the grain of `keys` (`mf` group-by
    names), for metrics that read the same mart at the same geography level."""
    (mart, republic), = {(metric.mart, metric.republic) for metric in chosen.values()}
    dimensions = {**COMMON_DIMENSIONS, **MARTS[mart].dimensions}
    selected = [f'cast({dimensions[key]} as varchar) as "{key}"' for key in keys]
    values = [f'({metric.expression}) as "{name}"' for name, metric in chosen.items()]
    group_by = f"group by {', '.join(str(i + 1) for i in range(len(keys)))}" if keys else ""
    return (
        f"with p as ({_years_in_periods()}) "
        f"select {', '.join([*selected, *values])} "
        f"from {MARTS[mart].table} as f "
        "inner join dim_regions as r on f.region_code = r.region_code "
        "inner join p on f.year = p.year "
        f"where r.is_republic = {str(republic).lower()} {group_by}"
    )


def _ratio(numerator: str, denominator: str, scale: str = "1.0") -> str:
    return f"{scale} * ({numerator}) / nullif({denominator}, 0)"


def metrics() -> dict[str, Metric]:
    """Every metric of the semantic layer -> how to compute it from the marts."""
    expected: dict[str, Metric] = {}

    def flows(scope: str, column: str, extra: str = "true") -> str:
        return f"sum(f.{column}) filter (where f.age_scope_code = '{scope}' and {extra})"

    counted = "f.residents_on_1_january is not null"
    for prefix, scope, republic in (("", "all_ages", False), ("national_", "all_ages", True),
                                    ("working_age_", "working_age", False)):
        arrivals, departures = flows(scope, "arrivals"), flows(scope, "departures")
        values = {
            "arrivals": arrivals,
            "departures": departures,
            "net_migration": f"{arrivals} - {departures}",
            "arrivals_per_departure": _ratio(arrivals, departures),
            "departures_per_arrival": _ratio(departures, arrivals),
            "residents": flows(scope, "residents_on_1_january"),
            "arrivals_per_1000_residents": _ratio(flows(scope, "arrivals", counted),
                                                  flows(scope, "residents_on_1_january"), "1000.0"),
            "departures_per_1000_residents": _ratio(flows(scope, "departures", counted),
                                                    flows(scope, "residents_on_1_january"), "1000.0"),
            "net_migration_per_1000_residents": _ratio(
                f"{flows(scope, 'arrivals', counted)} - {flows(scope, 'departures', counted)}",
                flows(scope, "residents_on_1_january"), "1000.0"),
        }
        if prefix != "national_":
            values["turnover"] = f"{arrivals} + {departures}"
            values["migration_effectiveness_index"] = _ratio(f"{arrivals} - {departures}",
                                                             f"{arrivals} + {departures}", "100.0")
        for name, expression in values.items():
            if prefix and name in ("arrivals_per_1000_residents", "departures_per_1000_residents"):
                continue  # the rates of arrivals and of departures alone exist for the regions, all ages
            expected[prefix + name] = Metric("flows", expression, republic)

    def persons(direction: str, where: str) -> str:
        return f"sum(f.persons) filter (where f.direction_code = '{direction}' and {where})"

    for direction, total in (("arrival", "arrivals_from_all_countries"), ("departure", "departures_to_all_countries")):
        plural = f"{direction}s"
        every = persons(direction, "f.is_top_level")
        expected[total] = Metric("groups", every)
        groups = {key: persons(direction, f"f.group_code = '{code}'")
                  for key, code in (("cis", "CIS"), ("other_country", "OTHER"), ("baltic", "BALTIC"))}
        for key, value in groups.items():
            expected[f"{key}_{plural}"] = Metric("groups", value)
        for key in ("cis", "other_country"):
            expected[f"{key}_share_of_{plural}_pct"] = Metric("groups", _ratio(groups[key], every, "100.0"))
        expected[f"baltic_share_of_other_country_{plural}_pct"] = Metric(
            "groups", _ratio(groups["baltic"], groups["other_country"], "100.0"))
    expected["cis_arrivals_per_other_country_arrival"] = Metric(
        "groups", _ratio(persons("arrival", "f.group_code = 'CIS'"), persons("arrival", "f.group_code = 'OTHER'")))
    expected["cis_departures_per_other_country_departure"] = Metric(
        "groups", _ratio(persons("departure", "f.group_code = 'CIS'"), persons("departure", "f.group_code = 'OTHER'")))

    every_level = {direction: persons(direction, "true") for direction in ("arrival", "departure")}
    expected["education_table_working_age_arrivals"] = Metric("education", every_level["arrival"])
    expected["education_table_working_age_departures"] = Metric("education", every_level["departure"])
    for key, where in (("higher_education", "f.education_code = 'higher'"),
                       ("secondary_vocational", "f.education_code = 'secondary_vocational'"),
                       ("specialist_education", "f.education_code in ('higher', 'secondary_vocational')")):
        level = {direction: persons(direction, where) for direction in ("arrival", "departure")}
        expected[f"{key}_arrivals"] = Metric("education", level["arrival"])
        expected[f"{key}_departures"] = Metric("education", level["departure"])
        share_in = {direction: _ratio(level[direction], every_level[direction], "100.0")
                    for direction in ("arrival", "departure")}
        expected[f"{key}_share_of_arrivals_pct"] = Metric("education", share_in["arrival"])
        expected[f"{key}_share_of_departures_pct"] = Metric("education", share_in["departure"])
        if key != "specialist_education":
            expected[f"{key}_net_migration"] = Metric("education", f"{level['arrival']} - {level['departure']}")
            expected[f"{key}_departure_to_arrival_share_ratio"] = Metric(
                "education", _ratio(share_in["departure"], share_in["arrival"]))
            expected[f"{key}_arrivals_per_departure"] = Metric("education",
                                                               _ratio(level["arrival"], level["departure"]))

    specialists = {"arrivals": "sum(f.arrivals)", "departures": "sum(f.departures)"}
    expected["specialist_arrivals"] = Metric("specialty", specialists["arrivals"])
    expected["specialist_departures"] = Metric("specialty", specialists["departures"])
    expected["specialist_net_migration"] = Metric("specialty", "sum(f.arrivals) - sum(f.departures)")
    expected["specialist_arrivals_per_departure"] = Metric(
        "specialty", _ratio(specialists["arrivals"], specialists["departures"]))
    expected["specialist_departures_per_arrival"] = Metric(
        "specialty", _ratio(specialists["departures"], specialists["arrivals"]))
    for code in SPECIALTIES:
        for direction, total in specialists.items():
            expected[f"{code}_share_of_specialist_{direction}_pct"] = Metric(
                "specialty", _ratio(f"sum(f.{direction}) filter (where f.specialty_code = '{code}')", total, "100.0"))
    by_sex = {f"{sex}_{direction}": f"sum(f.{direction}_{sex})"
              for sex in ("male", "female") for direction in ("arrivals", "departures")}
    for name, expression in by_sex.items():
        expected[name] = Metric("sex_age", expression)
    for direction in ("arrivals", "departures"):
        expected[f"{direction}_males_per_100_females"] = Metric(
            "sex_age", _ratio(by_sex[f"male_{direction}"], by_sex[f"female_{direction}"], "100.0"))
    return expected


def grains() -> dict[str, list[str]]:
    """Every grain a metric is checked at: none, each time grain, each common dimension, region × year."""
    grid: dict[str, list[str]] = {"total": []}
    for dimension in COMMON_DIMENSIONS:
        grid[dimension] = [dimension]
    grid["region_and_year"] = ["region", "metric_time__year"]
    return grid
