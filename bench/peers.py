"""What a user would otherwise write: two marts by hand, once in DuckDB SQL and once in pandas.

One mart per layer: `fct_yearly_flows` (flows: all-ages totals and the working-age split of the tables by
sex and age, rates, growth) and `fct_country_flows` (structure: countries with their groups, shares and
ranks). Both start from the canonical Parquet files (bench/expand_counts.py) and the seeds, as the dbt
models do, and must produce the same rows as the dbt marts (bench_scale.py checks every column but the
80% intervals, a join of the cross-validation's error bands that neither peer computes). The SQL is the best
we could write: one statement per mart, shares from aggregates joined back, growth from the previous year
joined, no raw copy. pandas has no Parquet reader here (pandas needs pyarrow or fastparquet for one, and the
project installs neither: pyarrow would also change pandas' string dtype for every analysis); its side
reads the Parquet files with DuckDB into a DataFrame whose code columns are categorical, then computes in
pandas. Run as a child process by bench_scale.py:

    python bench/peers.py sql-load    -          COUNTS_DIR  DATABASE     -
    python bench/peers.py sql         {flows,structure} table|COUNTS_DIR DATABASE -
    python bench/peers.py pandas-load -          COUNTS_DIR  SEEDS_DIR    RAW.pkl
    python bench/peers.py pandas      {flows,structure} RAW.pkl SEEDS_DIR  OUT.pkl

The whole build (the raw load and both marts in one process, as one `dbt run` does them):

    python bench/peers.py sql-all     {table,parquet} COUNTS_DIR DATABASE {keyed,plain}
    python bench/peers.py pandas-all  -          COUNTS_DIR  SEEDS_DIR    OUT_PREFIX
"""

from __future__ import annotations

import sys
from pathlib import Path

from bns_ingest.cells import CANONICAL_CELL_KEY
from bns_ingest.cells import CANONICAL_COLUMN_TYPES as COLUMN_TYPES

RULE_SET = "paper_2025"
OPEN_BAND_WIDTH = 5
MART_KEYS = {
    "flows": ("fct_yearly_flows", ["region_code", "year", "age_scope_code"]),
    "structure": ("fct_country_flows", ["region_code", "year", "direction_code", "country_code"]),
}

# ---------------------------------------------------------------------------------------------------------
# DuckDB SQL, written by hand in one statement per mart

READ_PARQUET = "read_parquet('{counts}/*.parquet')"

CELL_KEY = ", ".join(CANONICAL_CELL_KEY)

SQL_COUNTS = """
with folder as (
    select * from {source}
),
counts as (
    -- the layering of int_migration_counts_unioned: the published national seed wins over a folder cell
    select * from raw.bns_national_external_flows
    union all
    select folder.* from folder
    anti join raw.bns_national_external_flows as seed using ({key})
)
"""

# The measures as the marts define them (dbt_project/macros/flow_measures.sql), so that both sides round alike.
RATIO = "case when ({d}) <> 0 then round(1.0 * ({n}) / ({d}), {digits}) end"
GROWTH = (
    "case when not flows.has_boundary_change and previous.{c} <> 0 "
    "then round(100.0 * (flows.{c} - previous.{c}) / previous.{c}, 4) end"
)

SQL_FLOWS = (
    SQL_COUNTS
    + """,
totals as (
    select region_code, year,
           min(persons) filter (where direction_code = 'arrival') as arrivals,
           min(persons) filter (where direction_code = 'departure') as departures,
           bool_and(provenance like 'published:%') as is_published
    from counts
    where flow_code = 'external' and direction_code in ('arrival', 'departure') and country_code = '_T'
      and sex_code = '_T' and settlement_code = '_T' and age_band_code = '_T' and education_code = '_T'
      and specialty_code = '_T'
    group by region_code, year
),
per_table as (
    -- working-age persons of each table by sex and age, in exact decimals (the sum of band x share equals the
    -- marts' share x band sum); the first table by name of each region-year is kept below
    select counts.table_code, counts.region_code, counts.year,
           sum(counts.persons * w) filter (where counts.direction_code = 'arrival') as arrivals,
           sum(counts.persons * w) filter (where counts.direction_code = 'departure') as departures
    from (
        select counts.*, cast(greatest(0.0, least(coalesce(age_to, age_from + {width}), upper_age)
                                         - greatest(age_from, lower_age))
                              / (coalesce(age_to, age_from + {width}) - age_from) as decimal(18, 9)) as w
        from counts
        join raw.working_age_rules as rules
          on rules.rule_set_code = '{rule_set}' and counts.year = rules.year and counts.sex_code = rules.sex_code
        where flow_code = 'external' and direction_code in ('arrival', 'departure') and counts.sex_code in ('M', 'F')
          and age_band_code not in ('_T', 'WA') and country_code = '_T' and settlement_code = '_T'
          and education_code = '_T' and specialty_code = '_T'
    ) as counts
    group by all
),
working_age as (
    select region_code, year,
           cast(round(arg_min(arrivals, table_code)) as bigint) as arrivals,
           cast(round(arg_min(departures, table_code)) as bigint) as departures
    from per_table
    group by region_code, year
),
flows as (
    select region_code, year, 'all_ages' as age_scope_code, arrivals, departures, is_published from totals
    union all
    select region_code, year, 'working_age', arrivals, departures, false from working_age
),
joined as (
    select flows.*, regions.region_name_en, population.population as residents_on_1_january,
           population.source_id as population_source_id, changes.region_code is not null as has_boundary_change
    from flows
    join raw.regions as regions using (region_code)
    left join raw.bns_population_by_region as population
      on population.region_code = flows.region_code and population.year = flows.year
     and population.sex_code = '_T' and population.settlement_code = '_T'
    left join (select distinct region_code, change_year from raw.region_boundary_changes) as changes
      on changes.region_code = flows.region_code and changes.change_year = flows.year
)
select flows.region_code, flows.region_name_en, flows.year, flows.age_scope_code, flows.arrivals, flows.departures,
       flows.arrivals - flows.departures as net_migration,
       flows.arrivals + flows.departures as turnover,
       """
    + RATIO.format(n="100 * (flows.arrivals - flows.departures)", d="flows.arrivals + flows.departures", digits=4)
    + """ as migration_effectiveness_index,
       """
    + RATIO.format(n="flows.arrivals", d="flows.departures", digits=6)
    + """ as arrivals_per_departure,
       """
    + GROWTH.format(c="arrivals")
    + """ as arrivals_yoy_growth_pct,
       """
    + GROWTH.format(c="departures")
    + """ as departures_yoy_growth_pct,
       flows.residents_on_1_january,
       """
    + RATIO.format(n="1000 * flows.arrivals", d="flows.residents_on_1_january", digits=6)
    + """ as arrivals_per_1000_residents,
       """
    + RATIO.format(n="1000 * flows.departures", d="flows.residents_on_1_january", digits=6)
    + """ as departures_per_1000_residents,
       """
    + RATIO.format(n="1000 * (flows.arrivals - flows.departures)", d="flows.residents_on_1_january", digits=6)
    + """ as net_migration_per_1000_residents,
       flows.population_source_id, flows.has_boundary_change, flows.is_published
from joined as flows
left join joined as previous
  on previous.region_code = flows.region_code and previous.age_scope_code = flows.age_scope_code
 and previous.year = flows.year - 1
"""
)

SHARE = "case when ({total}) > 0 then cast(round(100.0 * persons / ({total}), 4) as double) end"

SQL_STRUCTURE = (
    SQL_COUNTS
    + """,
rows as (
    select region_code, year, direction_code, country_code, persons, provenance like 'published:%' as is_published
    from counts
    where table_code = 'by_country' and flow_code = 'external' and direction_code in ('arrival', 'departure')
      and age_band_code = '_T' and sex_code = '_T' and settlement_code = '_T' and education_code = '_T'
      and specialty_code = '_T' and country_code <> '_T'
),
grouped as (
    select rows.region_code, regions.region_name_en, rows.year, rows.direction_code, rows.country_code,
           countries.country_name_en, countries.is_aggregate, top.group_code,
           baltic.country_code is not null as is_baltic,
           rows.persons, rows.is_published
    from rows
    join raw.regions as regions using (region_code)
    join raw.countries as countries using (country_code)
    left join (select m.* from raw.country_group_memberships as m join raw.country_groups as g using (group_code)
               where g.is_top_level) as top
      on top.country_code = rows.country_code and rows.year between top.valid_from_year and top.valid_to_year
    left join (select * from raw.country_group_memberships where group_code = 'BALTIC') as baltic
      on baltic.country_code = rows.country_code and rows.year between baltic.valid_from_year and baltic.valid_to_year
),
scope as (
    select region_code, year, direction_code, sum(persons) as all_persons,
           sum(persons) filter (where group_code <> 'CIS') as non_cis_persons
    from grouped group by all
),
in_group as (
    select region_code, year, direction_code, group_code, sum(persons) as group_persons from grouped group by all
)
select grouped.*,
       """
    + SHARE.format(total="all_persons")
    + """ as share_of_all_pct,
       """
    + SHARE.format(total="group_persons")
    + """ as share_of_group_pct,
       case when grouped.group_code <> 'CIS' then """
    + SHARE.format(total="non_cis_persons")
    + """ end as share_of_non_cis_pct,
       case when not is_aggregate then cast(rank() over ranked as integer) end as rank_in_year,
       case when not is_aggregate then cast(rank() over ranked_in_group as integer) end as rank_in_group_in_year
from grouped
join scope using (region_code, year, direction_code)
join in_group on in_group.region_code = grouped.region_code and in_group.year = grouped.year
 and in_group.direction_code = grouped.direction_code and in_group.group_code is not distinct from grouped.group_code
window ranked as (partition by grouped.region_code, grouped.year, grouped.direction_code, not is_aggregate
                  order by persons desc),
       ranked_in_group as (partition by grouped.region_code, grouped.year, grouped.direction_code, grouped.group_code,
                           not is_aggregate order by persons desc)
"""
)


def _read_parquet_sql(counts: Path) -> str:
    return READ_PARQUET.format(counts=counts)


def _load_raw(connection, counts: Path) -> str:  # type: ignore[no-untyped-def]
    """The raw rows copied into a table, as a user would write it; returns a select of them."""
    connection.execute(f"create or replace table main.raw_counts as select * from {_read_parquet_sql(counts)}")
    return f"(select {', '.join(COLUMN_TYPES)} from main.raw_counts)"


def _create_mart(connection, layer: str, rows: str, keyed: bool) -> None:  # type: ignore[no-untyped-def]
    """One mart by hand from `rows` (a parenthesised select of canonical cells), optionally with its grain
    declared as dbt's contract declares it: a primary key DuckDB enforces."""
    mart, key = MART_KEYS[layer]
    template = SQL_FLOWS if layer == "flows" else SQL_STRUCTURE
    query = template.format(source=rows, width=OPEN_BAND_WIDTH, rule_set=RULE_SET, key=CELL_KEY)
    connection.execute("create schema if not exists hand")
    connection.execute(f"create or replace table hand.{mart} as {query}")
    if keyed:
        connection.execute(f"alter table hand.{mart} add primary key ({', '.join(key)})")


def run_sql_load(counts: Path, database: Path) -> None:
    """The raw load alone: the Parquet files copied into a table."""
    import duckdb

    with duckdb.connect(str(database)) as connection:
        _load_raw(connection, counts)


def run_sql_all(via: str, counts: Path, database: Path, keyed: bool) -> None:
    """The whole build by hand in one process: both marts from the Parquet files. `via` "table" copies the
    raw rows into a table first and builds the marts from it; "parquet" builds each mart straight from the
    files, reading them once per mart (only the columns and row groups it needs) and keeping no raw copy."""
    import duckdb

    with duckdb.connect(str(database)) as connection:
        rows = _load_raw(connection, counts) if via == "table" else f"(select * from {_read_parquet_sql(counts)})"
        for layer in MART_KEYS:
            _create_mart(connection, layer, rows, keyed)


def run_sql(layer: str, source: str, database: Path, keyed: bool = False) -> None:
    """The mart by hand, from dbt's staging relation (source 'table': a view of the Parquet files, so that both
    sides start from the same rows) or straight from the Parquet files (source: their folder)."""
    import duckdb

    if source == "table":
        rows = f"(select {', '.join(COLUMN_TYPES)} from staging.stg_bns__reconstructed_counts)"
    else:
        rows = f"(select * from {_read_parquet_sql(Path(source))})"
    with duckdb.connect(str(database)) as connection:
        _create_mart(connection, layer, rows, keyed)


# ---------------------------------------------------------------------------------------------------------
# pandas, written by hand


def _read_counts(counts: Path, seeds: Path):  # type: ignore[no-untyped-def]
    import duckdb
    import pandas as pd

    codes = [c for c, t in COLUMN_TYPES.items() if t == "VARCHAR" and c != "source_id"]
    columns = [c for c in COLUMN_TYPES if c != "source_id"]
    seed = pd.read_csv(
        seeds / "bns_national_external_flows.csv",
        usecols=columns,
        dtype={c: str for c in codes} | {"year": "int32", "age_from": float, "age_to": float, "persons": "int64"},
        keep_default_na=False,
        na_values=[""],
    )
    # The Parquet files into a DataFrame with DuckDB's reader (no pandas reader without pyarrow), each code
    # column as a categorical: an ENUM of the values of the files and the seed becomes a pandas Categorical.
    with duckdb.connect() as connection:
        connection.register("seed", seed)
        files = f"read_parquet('{counts}/*.parquet')"
        for c in codes:
            connection.execute(
                f"create type {c}_values as enum (select distinct {c} from "
                f"(select {c} from {files} union select {c} from seed) where {c} is not null order by 1)"
            )
        select = ", ".join(f"{c}::{c}_values as {c}" if c in codes else c for c in columns)
        frame = connection.execute(f"select {select} from {files}").df()
    seed = seed.astype({c: pd.CategoricalDtype(frame[c].cat.categories) for c in codes})
    # the layering of int_migration_counts_unioned: the published national seed wins over a folder cell,
    # looked for only among the rows of the tables the seed has
    key = list(CANONICAL_CELL_KEY)
    candidates = frame.index[frame.table_code.isin(seed.table_code.unique())]
    covered = frame.loc[candidates, key].reset_index().merge(seed[key], on=key)["index"]
    frame = frame.drop(index=covered)
    return pd.concat([frame, seed], ignore_index=True)


def _round(series, digits):  # type: ignore[no-untyped-def]
    import numpy as np

    # DuckDB rounds halves away from zero; numpy to even.
    factor = 10.0**digits
    return np.sign(series) * np.floor(np.abs(series) * factor + 0.5) / factor


def pandas_flows(rows, seeds: Path):  # type: ignore[no-untyped-def]
    import numpy as np
    import pandas as pd

    external = rows[
        (rows.flow_code == "external")
        & rows.direction_code.isin(["arrival", "departure"])
        & (rows.country_code == "_T")
        & (rows.settlement_code == "_T")
        & (rows.education_code == "_T")
        & (rows.specialty_code == "_T")
    ]
    totals = external[(external.sex_code == "_T") & (external.age_band_code == "_T")]
    all_ages = totals.pivot_table(
        index=["region_code", "year"], columns="direction_code", values="persons", aggfunc="min"
    ).reindex(columns=["arrival", "departure"])
    published = totals.assign(p=totals.provenance.str.startswith("published:")).groupby(["region_code", "year"]).p.all()
    all_ages = all_ages.rename(columns={"arrival": "arrivals", "departure": "departures"}).astype(float)
    all_ages["is_published"] = published
    all_ages["age_scope_code"] = "all_ages"

    rules = pd.read_csv(seeds / "working_age_rules.csv")
    rules = rules[rules.rule_set_code == RULE_SET]
    ages = external[external.sex_code.isin(["M", "F"]) & ~external.age_band_code.isin(["_T", "WA"])].merge(
        rules, on=["year", "sex_code"]
    )
    end = ages.age_to.astype(float).fillna(ages.age_from.astype(float) + OPEN_BAND_WIDTH)
    start = ages.age_from.astype(float)
    share = (np.minimum(end, ages.upper_age) - np.maximum(start, ages.lower_age)).clip(lower=0.0) / (end - start)
    ages = ages.assign(w=ages.persons * share)
    per_table = (
        ages.pivot_table(
            index=["table_code", "region_code", "year"], columns="direction_code", values="w", aggfunc="sum"
        )
        .reindex(columns=["arrival", "departure"])
        .reset_index()
    )
    per_table = per_table.sort_values("table_code").drop_duplicates(["region_code", "year"])
    working = (
        per_table.set_index(["region_code", "year"])
        .drop(columns="table_code")
        .rename(columns={"arrival": "arrivals", "departure": "departures"})
    )
    # persons of working age are whole persons, rounded once per region-year (halves away from zero)
    working[["arrivals", "departures"]] = _round(working[["arrivals", "departures"]], 0)
    working["is_published"] = False
    working["age_scope_code"] = "working_age"

    flows = pd.concat([all_ages, working]).reset_index()
    regions = pd.read_csv(seeds / "regions.csv", dtype={"region_code": str})[["region_code", "region_name_en"]]
    population = pd.read_csv(seeds / "bns_population_by_region.csv", dtype={"region_code": str})
    population = population[(population.sex_code == "_T") & (population.settlement_code == "_T")]
    changes = pd.read_csv(seeds / "region_boundary_changes.csv", dtype={"region_code": str})
    changes = changes[["region_code", "change_year"]].drop_duplicates().rename(columns={"change_year": "year"})
    flows = (
        flows.merge(regions, on="region_code")
        .merge(
            population[["region_code", "year", "population", "source_id"]].rename(
                columns={"population": "residents_on_1_january", "source_id": "population_source_id"}
            ),
            on=["region_code", "year"],
            how="left",
        )
        .merge(changes.assign(has_boundary_change=True), on=["region_code", "year"], how="left")
    )
    flows["has_boundary_change"] = flows.has_boundary_change.fillna(False).astype(bool)
    flows = flows.sort_values(["region_code", "age_scope_code", "year"]).reset_index(drop=True)
    flows["net_migration"] = flows.arrivals - flows.departures
    flows["turnover"] = flows.arrivals + flows.departures
    flows["migration_effectiveness_index"] = _round(
        100 * flows.net_migration / flows.turnover.where(flows.turnover != 0), 4
    )
    flows["arrivals_per_departure"] = _round(flows.arrivals / flows.departures.where(flows.departures != 0), 6)
    previous = flows.groupby(["region_code", "age_scope_code"])[["year", "arrivals", "departures"]].shift()
    for column in ("arrivals", "departures"):
        ok = ~flows.has_boundary_change & (previous.year == flows.year - 1) & (previous[column] != 0)
        growth = 100.0 * (flows[column] - previous[column]) / previous[column]
        flows[f"{column}_yoy_growth_pct"] = _round(growth.where(ok), 4)
    residents = flows.residents_on_1_january.where(flows.residents_on_1_january != 0)
    flows["arrivals_per_1000_residents"] = _round(1000 * flows.arrivals / residents, 6)
    flows["departures_per_1000_residents"] = _round(1000 * flows.departures / residents, 6)
    flows["net_migration_per_1000_residents"] = _round(1000 * flows.net_migration / residents, 6)
    return flows


def pandas_structure(rows, seeds: Path):  # type: ignore[no-untyped-def]
    import pandas as pd

    rows = rows[
        (rows.table_code == "by_country")
        & (rows.flow_code == "external")
        & rows.direction_code.isin(["arrival", "departure"])
        & (rows.age_band_code == "_T")
        & (rows.sex_code == "_T")
        & (rows.settlement_code == "_T")
        & (rows.education_code == "_T")
        & (rows.specialty_code == "_T")
        & (rows.country_code != "_T")
    ]
    rows = rows.assign(is_published=rows.provenance.str.startswith("published:"))[
        ["region_code", "year", "direction_code", "country_code", "persons", "is_published"]
    ]
    regions = pd.read_csv(seeds / "regions.csv", dtype={"region_code": str})[["region_code", "region_name_en"]]
    countries = pd.read_csv(seeds / "countries.csv")[["country_code", "country_name_en", "is_aggregate"]]
    memberships = pd.read_csv(seeds / "country_group_memberships.csv")
    groups = pd.read_csv(seeds / "country_groups.csv")
    rows = rows.merge(regions, on="region_code").merge(countries, on="country_code")
    top = memberships.merge(groups[groups.is_top_level][["group_code"]], on="group_code")
    for name, members, column in (
        ("top", top, "group_code"),
        ("baltic", memberships[memberships.group_code == "BALTIC"], None),
    ):
        pairs = rows[["country_code", "year"]].drop_duplicates().merge(members, on="country_code")
        pairs = pairs[(pairs.year >= pairs.valid_from_year) & (pairs.year <= pairs.valid_to_year)]
        if column:
            rows = rows.merge(pairs[["country_code", "year", column]], on=["country_code", "year"], how="left")
        else:
            rows = rows.merge(
                pairs[["country_code", "year"]].assign(is_baltic=True), on=["country_code", "year"], how="left"
            )
            rows["is_baltic"] = rows.is_baltic.fillna(False).astype(bool)
        del name
    scope = ["region_code", "year", "direction_code"]

    def share(keys: list[str]) -> pd.Series:
        total = rows.groupby(keys, dropna=False).persons.transform("sum")
        return _round(100.0 * rows.persons / total.where(total > 0), 4)

    rows["share_of_all_pct"] = share(scope)
    rows["share_of_group_pct"] = share([*scope, "group_code"])
    rows["_non_cis"] = rows.group_code != "CIS"
    rows["share_of_non_cis_pct"] = share([*scope, "_non_cis"]).where(rows.group_code.notna() & rows._non_cis)
    single = ~rows.is_aggregate
    ranks = rows[single].groupby(scope).persons.rank(method="min", ascending=False)
    rows["rank_in_year"] = ranks.reindex(rows.index)
    ranks = rows[single].groupby([*scope, "group_code"], dropna=False).persons.rank(method="min", ascending=False)
    rows["rank_in_group_in_year"] = ranks.reindex(rows.index)
    return rows.drop(columns="_non_cis")


def run_pandas(layer: str, raw: Path, seeds: Path, out: Path) -> None:
    """The mart in pandas from the raw rows pandas loaded (a pickle written by the pandas-load side)."""
    import pandas as pd

    rows = pd.read_pickle(raw)
    frame = pandas_flows(rows, seeds) if layer == "flows" else pandas_structure(rows, seeds)
    frame.to_pickle(out)


def main() -> int:
    side, layer, counts, place, out = sys.argv[1:6]
    if side == "sql-load":
        run_sql_load(Path(counts), Path(place))
    elif side in ("sql", "sql-keyed"):
        run_sql(layer, counts, Path(place), keyed=side == "sql-keyed")
    elif side == "sql-all":
        run_sql_all(layer, Path(counts), Path(place), keyed=out == "keyed")
    elif side == "pandas-all":
        rows = _read_counts(Path(counts), Path(place))
        pandas_flows(rows, Path(place)).to_pickle(f"{out}.flows.pkl")
        pandas_structure(rows, Path(place)).to_pickle(f"{out}.structure.pkl")
    elif side == "pandas-load":
        _read_counts(Path(counts), Path(place)).to_pickle(out)
    else:
        run_pandas(layer, Path(counts), Path(place), Path(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
