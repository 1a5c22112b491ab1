"""Benchmark: the marts built by dbt at 10^5, 10^6 and 10^7 canonical rows, against their peers.

For each size, expand_counts.py makes the canonical tables as Parquet files (typed, columnar: how a large
set of counts is stored; and the regions seed with its districts, in a copy of the dbt project); the seeds
are loaded once, untimed. dbt reads the files with KZ_COUNTS_FORMAT=parquet, its staging model a view of
them. Then, per mart layer, three sides alternate (dbt, DuckDB SQL by hand, pandas by hand; see peers.py),
each in its own process on its own copy of the seeded database, each starting from the same Parquet files:

* dbt:    `dbt run --select +<mart>` (views over the files, the mart with its enforced contract); the parse
          is warm (partial parsing), as on a user's second run;
* sql:    the same mart in one hand-written DuckDB statement (bench/peers.py);
* sql+key: the same statement, then the mart's grain declared as the primary key dbt's contract declares
          (DuckDB builds and checks the index): the hand-written mart with the key guarantee of dbt's;
* pandas: the same mart in pandas (bench/peers.py).
Beside each process's wall time, "dbt nodes s" is dbt's own time in its nodes (build_results.json): the build
without dbt's start-up and parse.

Prints, per size and layer: seconds (median), the ratios dbt / SQL and pandas / dbt, dbt's cost per input
row, and the peak memory of each process (GNU time's %M); and whether the three results hold the same
rows (dbt and SQL within 1e-9 relative, pandas within 1e-4 absolute: its own float rounding; every column
but the 80% intervals, which neither peer computes).

Then the whole build at each size, one process per side from the Parquet files to both marts, so that
dbt's start-up is paid once as a user pays it: `dbt run --select +fct_yearly_flows +fct_country_flows`
against the same by hand in DuckDB SQL (each mart straight from the files, without and with the marts'
primary keys; and the raw rows copied into a table first) and in pandas (`--no-whole` leaves it out). Beside
them, in the same rounds, dbt's floor: `dbt run` of a one-model project (bench_build_floor.py's), what any
dbt build pays before its own work. That floor plus the fastest hand-written SQL is the best case for any
dbt build of the marts (dbt adding nothing to DuckDB's work): the least dbt / SQL and the most pandas / dbt
any dbt build could reach, printed beside the goals. Then where dbt's node time went in the last whole build
(node_time.py, from dbt's debug log of it): the seconds DuckDB reported for the statements, per mart, and dbt's
own work.
Goals at 10^7 rows: dbt <= 1.2x the fastest hand SQL, pandas >= 2x dbt, peak memory < 2 GB, cost per row
not growing.

    .venv/bin/python bench/bench_scale.py [--sizes 1e5 1e6 1e7] [--pairs 1] [--layers [flows structure]] [--no-whole]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from bench_build_floor import write_floor_project
from expand_counts import make
from measure import (
    REPO_ROOT,
    VENV_BIN,
    Sample,
    alternate,
    dbt_env,
    median_sample,
    print_table,
    ratio,
    run_child,
    verdict,
)
from node_time import NodeTime, duckdb_seconds, node_time
from peers import MART_KEYS
from warehouse.dbt_build import read_results

PEERS = Path(__file__).with_name("peers.py")
NUMERIC_TYPES = ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "HUGEINT", "SMALLINT")
STAGED = "stg_bns__reconstructed_counts"  # the one model that reads the count files (a view of the Parquet files)
# Goals of the whole build at 10^7 rows.
SQL_GOAL = 1.2  # dbt at most this many times the fastest hand-written SQL
PANDAS_GOAL = 2.0  # pandas at least this many times slower than dbt
MEMORY_GOAL_MB = 2048  # peak memory of the dbt process
RELATIVE = "1e-9 * greatest(1, abs(l.{col}::double))"  # dbt against hand SQL: equal but for float order


# dbt's own time in its nodes (build_results.json), per (step, work folder): the build without dbt's start-up
# and parse, to set beside the hand-written statement's process.
ENGINE: dict[tuple[str, str], list[float]] = {}


def measured_nodes(engine: list[float]) -> float:
    """dbt's node seconds of the measured rounds (every round after the warm-up; the warm-up alone if none)."""
    return statistics.median(engine[-len(engine) // 2 :]) if len(engine) > 1 else engine[0]


def node_seconds(work: Path) -> float:
    return float(sum(result["execution_time"] for result in read_results(work / "target")))


def counts_env(database: Path, counts: Path) -> dict[str, str]:
    """dbt's environment: the build file, and the expanded counts as the Parquet files they are."""
    return dbt_env({"KZ_BUILD_PATH": str(database), "KZ_COUNTS_DIR": str(counts), "KZ_COUNTS_FORMAT": "parquet"})


def copy_project(destination: Path) -> Path:
    shutil.copytree(REPO_ROOT / "dbt_project", destination, ignore=shutil.ignore_patterns("target", "logs"))
    # seeds outside the project (seed-paths: ../data/claims, ../data/partner)
    for folder in ("claims", "partner"):
        shutil.copytree(REPO_ROOT / "data" / folder, destination.parent / "data" / folder)
    return destination


def dbt_command(project: Path, work: Path, *args: str, logs: str = "logs") -> list[str]:
    """dbt as the project runs it (python -m warehouse.dbt_build: one process, without dbt's JSON artifacts)."""
    return [
        str(VENV_BIN / "python"), "-m", "warehouse.dbt_build",
        *args,
        "--project-dir",
        str(project),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / logs),
        "--quiet",
    ]


def compare(
    left_db: Path,
    left: str,
    right_db: Path | None,
    right: str,
    key: list[str],
    tolerance: str,
    frame: pd.DataFrame | None = None,
) -> str:
    """Rows of left that have no equal row in right and the other way round ('equal' when none)."""
    with duckdb.connect(str(left_db), read_only=True) as connection:
        if right_db is not None:
            connection.execute(f"attach '{right_db}' as other (read_only)")
        else:
            connection.register("pandas_result", frame)
        columns = connection.execute(f"select * from {left} limit 0").description
        theirs = {column[0] for column in connection.execute(f"select * from {right} limit 0").description}
        conditions = []
        for name, type_code, *_ in columns:
            if name in key or name not in theirs:  # the 80% intervals: not computed by hand (bench/README.md)
                continue
            if str(type_code) in NUMERIC_TYPES or str(type_code).startswith("DECIMAL"):
                # numeric on both sides (pandas may hold an integer column as float, with NaN for null)
                conditions.append(
                    f"((l.{name} is null and r.{name} is null) "
                    f"or abs(l.{name}::double - r.{name}::double) <= {tolerance.format(col=name)})"
                )
            else:
                conditions.append(f"l.{name}::varchar is not distinct from r.{name}::varchar")
        on = " and ".join(f"l.{k}::varchar = r.{k}::varchar" for k in key)
        left_rows, right_rows, matched = connection.execute(
            f"select (select count(*) from {left}), (select count(*) from {right}), "
            f"(select count(*) from {left} as l join {right} as r on {on} where {' and '.join(conditions)})"
        ).fetchone()
    skipped = sum(1 for name, *_ in columns if name not in theirs)
    left_out = f"; {skipped} column(s) the peer does not compute" if skipped else ""
    if left_rows == right_rows == matched:
        return f"equal ({left_rows:,} rows{left_out})"
    return f"DIFFER: {left_rows:,} vs {right_rows:,} rows, {matched:,} equal"


def measure_load(work: Path, project: Path, counts: Path, seeded: Path, pairs: int) -> dict[str, Sample]:
    """The raw load alone: dbt's staging model (DuckDB's CSV reader into a table) against the same reader
    called by hand, and against pandas.read_csv. Leaves dbt's loaded database as work/loaded.duckdb."""
    loaded, sql_db, raw = work / "loaded.duckdb", work / "sql_load.duckdb", work / "raw.pkl"

    def run_dbt() -> Sample:
        shutil.copyfile(seeded, loaded)
        env = counts_env(loaded, counts)
        sample = run_child(dbt_command(project, work, "run", "--select", STAGED), env=env)
        ENGINE.setdefault(("load", str(work)), []).append(node_seconds(work))
        return sample

    def run_sql() -> Sample:
        shutil.copyfile(seeded, sql_db)
        return run_child([sys.executable, str(PEERS), "sql-load", "-", str(counts), str(sql_db), "-"])

    def run_pandas() -> Sample:
        return run_child(
            [sys.executable, str(PEERS), "pandas-load", "-", str(counts), str(project / "seeds"), str(raw)]
        )

    samples = alternate({"dbt": run_dbt, "sql": run_sql, "pandas": run_pandas}, pairs=pairs)
    return {side: median_sample(values) for side, values in samples.items()}


def measure_layer(
    layer: str, work: Path, project: Path, counts: Path, pairs: int
) -> tuple[str, dict[str, Sample], str, str]:
    """One mart layer from the loaded rows, three sides alternating; medians and the two equality checks."""
    mart, key = MART_KEYS[layer]
    loaded, raw = work / "loaded.duckdb", work / "raw.pkl"
    dbt_db, sql_db, pandas_out = work / f"dbt_{layer}.duckdb", work / f"sql_{layer}.duckdb", work / f"{layer}.pkl"
    keyed_db = work / f"sql_keyed_{layer}.duckdb"

    def run_dbt() -> Sample:
        shutil.copyfile(loaded, dbt_db)
        env = counts_env(dbt_db, counts)
        command = dbt_command(project, work, "run", "--select", f"+{mart}", "--exclude", STAGED)
        sample = run_child(command, env=env)
        ENGINE.setdefault((layer, str(work)), []).append(node_seconds(work))
        return sample

    def run_sql() -> Sample:
        shutil.copyfile(loaded, sql_db)
        return run_child([sys.executable, str(PEERS), "sql", layer, "table", str(sql_db), "-"])

    def run_sql_keyed() -> Sample:
        shutil.copyfile(loaded, keyed_db)
        return run_child([sys.executable, str(PEERS), "sql-keyed", layer, "table", str(keyed_db), "-"])

    def run_pandas() -> Sample:
        seeds = str(project / "seeds")
        return run_child([sys.executable, str(PEERS), "pandas", layer, str(raw), seeds, str(pandas_out)])

    sides = {"dbt": run_dbt, "sql": run_sql, "sql+key": run_sql_keyed, "pandas": run_pandas}
    samples = alternate(sides, pairs=pairs)
    medians = {side: median_sample(values) for side, values in samples.items()}
    sql_equal = compare(dbt_db, f"main.{mart}", sql_db, f"other.hand.{mart}", key, RELATIVE)
    pandas_equal = compare(dbt_db, f"main.{mart}", None, "pandas_result", key, "1e-4", pd.read_pickle(pandas_out))
    return mart, medians, sql_equal, pandas_equal


def measure_whole(
    work: Path, project: Path, counts: Path, seeded: Path, pairs: int
) -> tuple[dict[str, Sample], str, NodeTime, dict[str, float]]:
    """The whole build, each side in one process from the CSV files to both marts: `dbt run` of the marts
    and everything upstream of them (its start-up and parse paid once, as a user pays them) against the
    same work by hand. Medians, whether the marts agree, and where the last dbt round's node time went (in
    all and the seconds DuckDB reported for each mart's statements)."""
    dbt_db, out = work / "whole_dbt.duckdb", work / "whole_pandas"
    floor = write_floor_project(work / "floor")
    hand = {side: work / f"whole_{side.replace('+', '_').replace(' ', '_')}.duckdb" for side in WHOLE_SQL_SIDES}
    marts = [mart for mart, _ in MART_KEYS.values()]

    def run_dbt() -> Sample:
        shutil.copyfile(seeded, dbt_db)
        shutil.rmtree(work / WHOLE_LOGS, ignore_errors=True)  # this round's log alone
        env = counts_env(dbt_db, counts)
        select = [f"+{mart}" for mart in marts]
        sample = run_child(dbt_command(project, work, "run", "--select", *select, logs=WHOLE_LOGS), env=env)
        ENGINE.setdefault(("whole", str(work)), []).append(node_seconds(work))
        return sample

    def run_hand(side: str) -> Callable[[], Sample]:
        via, keyed = WHOLE_SQL_SIDES[side]

        def run() -> Sample:
            shutil.copyfile(seeded, hand[side])
            command = [sys.executable, str(PEERS), "sql-all", via, str(counts), str(hand[side]), keyed]
            return run_child(command)

        return run

    def run_pandas() -> Sample:
        return run_child([sys.executable, str(PEERS), "pandas-all", "-", str(counts), str(project / "seeds"), str(out)])

    def run_floor() -> Sample:
        env = dbt_env({"KZ_BUILD_PATH": str(work / "whole_floor.duckdb")})
        return run_child(dbt_command(floor, work / "floor_run", "run"), env=env)

    sides: dict[str, Callable[[], Sample]] = {"dbt": run_dbt, "dbt floor": run_floor}
    sides |= {side: run_hand(side) for side in WHOLE_SQL_SIDES}
    sides["pandas"] = run_pandas
    samples = alternate(sides, pairs=pairs)
    medians = {side: median_sample(values) for side, values in samples.items()}
    checks = []
    for layer, (mart, key) in MART_KEYS.items():
        sql_equal = compare(dbt_db, f"main.{mart}", hand["sql+key"], f"other.hand.{mart}", key, RELATIVE)
        frame = pd.read_pickle(f"{out}.{layer}.pkl")
        pandas_equal = compare(dbt_db, f"main.{mart}", None, "pandas_result", key, "1e-4", frame)
        checks.append(f"{mart}: SQL {sql_equal}, pandas {pandas_equal}")
    log = work / WHOLE_LOGS / "dbt.log"
    split = node_time(work / "target", log)
    per_mart = {mart: duckdb_seconds(log, {f"model.kz_migration.{mart}"}) for mart in marts}
    return medians, "; ".join(checks), split, per_mart


# The hand-written whole build, three ways: each mart straight from the Parquet files (no raw copy kept),
# without and with the marts' primary keys (the guarantee dbt's contracts give); and the raw rows copied into
# a table first, then the keyed marts from it. The goal is judged against the fastest of them.
WHOLE_LOGS = "whole_logs"  # dbt's debug log of the whole build's last round
WHOLE_SQL_SIDES = {"sql": ("parquet", "plain"), "sql+key": ("parquet", "keyed"), "sql via table": ("table", "keyed")}


def fastest_sql(m: dict[str, Sample]) -> str:
    return min(WHOLE_SQL_SIDES, key=lambda side: m[side].wall_s)


def micros_per_row(seconds: float, rows: int) -> float:
    return 1e6 * seconds / rows


def best_case_dbt(m: dict[str, Sample]) -> float:
    """The fastest any dbt build of the marts could be: dbt's floor plus the fastest hand-written SQL (the
    least work DuckDB was seen to need), as if dbt added nothing to either."""
    return m["dbt floor"].wall_s + min(m[side].wall_s for side in WHOLE_SQL_SIDES)


def whole_row(rows: int, m: dict[str, Sample], equal: str, engine: list[float]) -> list[str]:
    nodes = measured_nodes(engine)
    dbt = m["dbt"].wall_s
    return [
        f"{rows:,}",
        f"{dbt:.2f}",
        f"{nodes:.2f}",
        *(f"{m[side].wall_s:.2f}" for side in WHOLE_SQL_SIDES),
        f"{m['pandas'].wall_s:.2f}",
        *(f"{ratio(dbt, m[side].wall_s):.2f}x" for side in WHOLE_SQL_SIDES),
        f"{ratio(m['pandas'].wall_s, dbt):.2f}x",
        f"{m['dbt floor'].wall_s:.2f}",
        f"{ratio(best_case_dbt(m), m[fastest_sql(m)].wall_s):.2f}x",
        f"{ratio(m['pandas'].wall_s, best_case_dbt(m)):.2f}x",
        f"{micros_per_row(dbt, rows):.2f}",
        f"{m['dbt'].peak_rss_mb:.0f} / {m['sql+key'].peak_rss_mb:.0f} / {m['pandas'].peak_rss_mb:.0f}",
        equal,
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--pairs", type=int, default=1, help="measured rounds per size after a warm-up (default 1)")
    parser.add_argument(
        "--layers", nargs="*", default=["flows", "structure"], choices=sorted(MART_KEYS), help="none: whole build only"
    )
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep (default: a temporary one)")
    parser.add_argument("--no-whole", action="store_true", help="leave out the whole build (load and both marts)")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench_scale_"))
    table, whole = [], []
    whole_medians: dict[int, dict[str, Sample]] = {}
    splits: list[list[str]] = []
    for size in args.sizes:
        work = root / f"rows_{int(size)}"
        shutil.rmtree(work, ignore_errors=True)
        project = copy_project(work / "project")
        counts = work / "counts"
        plan, rows = make(int(size), counts, seeds_out=project / "seeds")
        years = f", years from {plan.first_year}" if plan.first_year else ""
        print(f"{rows:,} canonical rows: {plan.districts} district(s) per region{years}", file=sys.stderr)
        seeded = work / "seeded.duckdb"
        env = counts_env(seeded, counts)
        run_child(dbt_command(project, work, "seed"), env=env)  # also warms dbt's partial parse
        if args.layers:
            load = measure_load(work, project, counts, seeded, args.pairs)
            table.append(row(rows, f"load ({STAGED})", load, "-", ENGINE[("load", str(work))]))
        for layer in args.layers:
            mart, medians, sql_equal, pandas_equal = measure_layer(layer, work, project, counts, args.pairs)
            engine = ENGINE[(layer, str(work))]
            table.append(row(rows, f"{layer} ({mart})", medians, f"SQL {sql_equal}; pandas {pandas_equal}", engine))
        if not args.no_whole:
            medians, equal, split, per_mart = measure_whole(work, project, counts, seeded, args.pairs)
            whole.append(whole_row(rows, medians, equal, ENGINE[("whole", str(work))]))
            splits.append(split_row(rows, split, per_mart, medians))
            whole_medians[rows] = medians
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    if table:  # per layer only with --layers LAYER…
        print(
            f"dbt against the same work by hand, median of {args.pairs} alternating round(s) after a warm-up; "
            "seconds wall, us per input row, peak memory of each process"
        )
        print_table(
            [
                "input rows",
                "step",
                "dbt s",
                "dbt nodes s",
                "SQL s",
                "SQL+key s",
                "pandas s",
                "dbt/SQL",
                "dbt/SQL+key",
                "dbt nodes/SQL",
                "pandas/dbt",
                "dbt us/row",
                "SQL us/row",
                "peak MB dbt/SQL/pandas",
                "same rows",
            ],
            table,
        )
    if whole:
        print()
        print(
            "the whole build, Parquet files to both marts, one process per side (dbt's start-up paid once): "
            "dbt run --select +fct_yearly_flows +fct_country_flows against the same by hand"
        )
        print_table(
            [
                "input rows",
                "dbt s",
                "dbt nodes s",
                *(f"{side} s" for side in WHOLE_SQL_SIDES),
                "pandas s",
                *(f"dbt/{side}" for side in WHOLE_SQL_SIDES),
                "pandas/dbt",
                "dbt floor s",
                "best-case dbt/fastest SQL",
                "pandas/best-case dbt",
                "dbt us/row",
                "peak MB dbt/SQL+key/pandas",
                "same rows",
            ],
            whole,
        )
        print(
            "dbt floor: `dbt run` of a one-model project by the same dbt, in the same rounds: what any dbt build "
            "costs before its own work. best-case dbt: that floor plus the fastest hand-written SQL, as if dbt "
            "added nothing to DuckDB's work; best-case dbt/fastest SQL is the least dbt/SQL any dbt build could "
            "reach, pandas/best-case dbt the most pandas/dbt could reach"
        )
        print()
        marts = [mart for mart, _ in MART_KEYS.values()]
        print(
            "where dbt's node time went in the last whole build (seconds summed over dbt's threads; DuckDB s: what "
            "DuckDB reported for the nodes' statements in dbt's debug log; dbt's own s: the rest, its rendering, "
            "contracts, cache and events), beside the hand-written SQL's whole process"
        )
        print_table(
            ["input rows", "dbt node s", "DuckDB s", *(f"{mart} DuckDB s" for mart in marts), "dbt's own s",
             "hand sql s", "hand sql+key s"],
            splits,
        )
        print()
        print("\n".join(verdicts(whole_medians)))
    return 0


def split_row(rows: int, split: NodeTime, per_mart: dict[str, float], m: dict[str, Sample]) -> list[str]:
    return [
        f"{rows:,}", f"{split.node_s:.2f}", f"{split.duckdb_s:.2f}",
        *(f"{seconds:.2f}" for seconds in per_mart.values()), f"{split.dbt_s:.2f}",
        f"{m['sql'].wall_s:.2f}", f"{m['sql+key'].wall_s:.2f}",
    ]


def verdicts(whole_medians: dict[int, dict[str, Sample]]) -> list[str]:
    """The goals, judged on the whole build at the largest size measured (they are set at 10^7 rows)."""
    rows = max(whole_medians)
    m = whole_medians[rows]
    dbt = m["dbt"].wall_s
    lines = [f"goals, whole build at {rows:,} rows:"]
    fastest = fastest_sql(m)
    r = ratio(dbt, m[fastest].wall_s)
    others = ", ".join(f"{side} {ratio(dbt, m[side].wall_s):.2f}x" for side in WHOLE_SQL_SIDES if side != fastest)
    lines.append(
        f"  dbt / fastest hand SQL ({fastest}): {r:.2f}x (goal <= {SQL_GOAL}x: {verdict(r <= SQL_GOAL)}; "
        f"least any dbt build could reach, dbt's floor + that SQL: "
        f"{ratio(best_case_dbt(m), m[fastest].wall_s):.2f}x; against the others: {others})"
    )
    best = ratio(m["pandas"].wall_s, best_case_dbt(m))
    r = ratio(m["pandas"].wall_s, dbt)
    lines.append(
        f"  pandas / dbt: {r:.2f}x (goal >= {PANDAS_GOAL:.0f}x: {verdict(r >= PANDAS_GOAL)}; "
        f"best case for any dbt build: {best:.2f}x)"
    )
    peak = m["dbt"].peak_rss_mb
    lines.append(f"  dbt peak memory: {peak:,.0f} MB (goal < {MEMORY_GOAL_MB:,} MB: {verdict(peak < MEMORY_GOAL_MB)})")
    per_row = [micros_per_row(whole_medians[n]["dbt"].wall_s, n) for n in sorted(whole_medians)]
    growing = any(later > earlier for earlier, later in itertools.pairwise(per_row))
    shown = " -> ".join(f"{cost:.2f}" for cost in per_row)
    lines.append(f"  dbt us per input row by size: {shown} (goal: not growing: {verdict(not growing)})")
    return lines


def row(rows: int, step: str, m: dict[str, Sample], equal: str, engine: list[float]) -> list[str]:
    """One line of the table; `engine` holds dbt's node seconds of every round (the last ones are measured)."""
    nodes = measured_nodes(engine)
    keyed = m.get("sql+key")
    return [
        f"{rows:,}",
        step,
        f"{m['dbt'].wall_s:.2f}",
        f"{nodes:.2f}",
        f"{m['sql'].wall_s:.2f}",
        f"{keyed.wall_s:.2f}" if keyed else "-",
        f"{m['pandas'].wall_s:.2f}",
        f"{ratio(m['dbt'].wall_s, m['sql'].wall_s):.2f}x",
        f"{ratio(m['dbt'].wall_s, keyed.wall_s):.2f}x" if keyed else "-",
        f"{ratio(nodes, m['sql'].wall_s):.2f}x",
        f"{ratio(m['pandas'].wall_s, m['dbt'].wall_s):.2f}x",
        f"{micros_per_row(m['dbt'].wall_s, rows):.2f}",
        f"{micros_per_row(m['sql'].wall_s, rows):.2f}",
        f"{m['dbt'].peak_rss_mb:.0f} / {m['sql'].peak_rss_mb:.0f} / {m['pandas'].peak_rss_mb:.0f}",
        equal,
    ]


if __name__ == "__main__":
    sys.exit(main())
