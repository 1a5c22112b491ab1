"""Benchmark: the project's published build against dbt's own floor, measured in one run.

The floor is a minimal dbt project (one model, two tests) built by the same dbt, adapter, profile and
machine, the same way: each side is built and published by `python -m warehouse.publish` (its private
build folder, dbt, the checks before the swap, the checkpoint and rename) onto a published path of its own.
That is what `make warehouse` runs, so the floor is whatever dbt and publishing cost to build anything at
all. By default both sides run as a user's second build does, reusing the last build's parse (warehouse/dbt_build.py
keeps it); `--cold` removes it before every build. After one warm-up build of each, the sides alternate
(A B A B ...) so that they see the same machine load.

Sides:
* project: the build `make warehouse` publishes: every model, seed and data test; dbt's unit tests, which
  test the SQL's logic on fixed inputs rather than the data, run in `make test` (as dbt recommends);
* project + unit tests: the same build with the unit tests too, as `make test` runs it (`--no-unit` skips it);
* floor: the one-model project;
* floor at the project's size: as many trivial tables, one-row seeds and not-null tests as the project has
  models, seeds and data tests (`--no-sized` skips it): what dbt's own per-node cost alone comes to, so the
  reader sees how much of the ratio is dbt's overhead per node and how much the project's SQL.
Prints the median wall and CPU seconds of each side and the ratios to the floor. Goals: wall ratio <= 2 to the
floor; <= 1.3 to the floor at the project's size (what the project adds to dbt's own cost per node).

Then where the node time goes, in the last measured build of the project and of the floor at its size (the
publisher keeps the dbt target and debug log of the build it published, warehouse/.build/last). Per side:
dbt's execution time of every node summed; the seconds DuckDB reported for the nodes' statements (dbt's
"SQL status: ... in N seconds"); the Python models' own time; and what is left, dbt's own work per node
(rendering, contracts, caching, events). From them, the least wall the project could take if dbt cost no
more per node than for the trivial ones: the floor at its size plus the project's extra DuckDB and Python
work spread over dbt's threads.

    .venv/bin/python bench/bench_build_floor.py [--pairs 3] [--cold] [--no-unit] [--vars '{...}']
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

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
from node_time import NodeTime, node_time
from warehouse.publish import LAST_BUILD, Paths

GOAL = 2.0
# Issue 25: what the project adds on top of dbt's own cost per node, against the floor at the project's size.
SIZED_GOAL = 1.3
PUBLISH_ARGS = ["--exclude-resource-type", "unit_test"]  # the Makefile's PUBLISH_DBT_ARGS

FLOOR_DBT_PROJECT = "name: floor\nversion: '1.0'\nconfig-version: 2\nprofile: kz_migration\nmodel-paths: [models]\n"
FLOOR_PROJECT = {
    "dbt_project.yml": FLOOR_DBT_PROJECT,
    "models/one_row.sql": "select 1 as id\n",
    "models/schema.yml": (
        "version: 2\nmodels:\n  - name: one_row\n    columns:\n      - name: id\n"
        "        data_tests: [not_null, unique]\n"
    ),
}


def write_floor_project(root: Path) -> Path:
    for relative, text in FLOOR_PROJECT.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def write_sized_floor(root: Path, models: int, seeds: int, tests: int) -> Path:
    """Trivial nodes in the project's numbers: `models` tables, `seeds` one-row seeds, `tests` not-null tests
    (spread over the models, one column each)."""
    (root / "models").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(exist_ok=True)
    tables = "seed-paths: [seeds]\nmodels:\n  floor:\n    +materialized: table\n"
    (root / "dbt_project.yml").write_text(FLOOR_DBT_PROJECT + tables)
    for index in range(seeds):
        (root / "seeds" / f"seed_{index}.csv").write_text("id,name\n1,x\n")
    per_model = -(-tests // max(models, 1))
    lines, left = ["version: 2", "models:"], tests
    for index in range(models):
        columns = [f"c{k}" for k in range(max(per_model, 1))]
        select = ", ".join(f"{index} as {column}" for column in columns)
        (root / "models" / f"model_{index}.sql").write_text(f"select {select}\n")
        lines += [f"  - name: model_{index}", "    columns:"]
        for column in columns:
            lines.append(f"      - name: {column}")
            if left > 0:
                lines.append("        data_tests: [not_null]")
                left -= 1
    (root / "models" / "schema.yml").write_text("\n".join(lines) + "\n")
    return root


def publish(project_dir: Path, published: Path, env_extra: dict[str, str], dbt_args: list[str], cold: bool) -> Sample:
    """One build and publish of project_dir onto `published`, as `make warehouse` runs it."""
    command = [
        str(VENV_BIN / "python"), "-m", "warehouse.publish", "--published-path", str(published),
        "--project-dir", str(project_dir), "--", *dbt_args,
    ]
    # warehouse/dbt_build.py keeps the last parse per project and settings; "0" turns that off
    return run_child(command, env=dbt_env(env_extra | ({"KZ_DBT_PARSE_CACHE": "0"} if cold else {})))


def count_nodes(
    project_dir: Path, scratch: Path, env_extra: dict[str, str], dbt_args: list[str], kinds: tuple[str, ...] = ()
) -> int:
    """Nodes the build runs (of the given resource types), from `dbt ls`."""
    command = [
        str(VENV_BIN / "dbt"), "ls", "--project-dir", str(project_dir), "--profiles-dir", str(REPO_ROOT),
        "--target-path", str(scratch / "ls_target"), "--log-path", str(scratch / "ls_logs"), "--quiet",
        "--resource-type", *(kinds or ("model", "seed", "test", "unit_test", "snapshot")), *dbt_args,
    ]
    env = dbt_env(env_extra | {"KZ_BUILD_PATH": str(scratch / "ls.duckdb")})
    listed = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    shutil.rmtree(scratch / "ls_target", ignore_errors=True)
    return len([line for line in listed.splitlines() if line.strip()])


def profile_threads() -> int:
    """dbt's threads in the builders' profile (profiles.yml)."""
    profile = yaml.safe_load((REPO_ROOT / "profiles.yml").read_text(encoding="utf-8"))["kz_migration"]
    return int(profile["outputs"][profile["target"]]["threads"])


def print_where_time_goes(project: NodeTime, sized: NodeTime, sized_wall_s: float, threads: int) -> None:
    """The node-time table of the two sides, and the least wall the project's own work allows."""
    print(
        "where the node time goes (the last measured build of each; seconds summed over dbt's "
        f"{threads} threads; DuckDB s: what DuckDB reported for the nodes' statements in dbt's debug log)"
    )
    rows = [
        [name, side.nodes, f"{side.node_s:.2f}", f"{side.duckdb_s:.2f}", f"{side.python_s:.2f}", f"{side.dbt_s:.2f}",
         f"{1000 * side.dbt_s / max(side.nodes, 1):.1f}"]
        for name, side in (("project", project), ("floor at the project's size", sized))
    ]
    print_table(["side", "nodes", "node s", "DuckDB s", "Python models s", "dbt s", "dbt ms per node"], rows)
    work = max(project.duckdb_s + project.python_s - sized.duckdb_s - sized.python_s, 0.0)
    per_node = 1000 * (project.dbt_s / max(project.nodes, 1) - sized.dbt_s / max(sized.nodes, 1))
    least = sized_wall_s + work / threads
    print(
        f"the project's own work beyond the trivial nodes': {work:.2f} s of DuckDB and Python models; dbt's own "
        f"work beyond theirs: {project.dbt_s - sized.dbt_s:.2f} s ({per_node:.1f} ms more per node)"
    )
    print(
        f"least wall if dbt cost no more per node than for the trivial nodes: {sized_wall_s:.2f} + {work:.2f} / "
        f"{threads} = {least:.2f} s, {ratio(least, sized_wall_s):.2f}x the floor at the project's size "
        f"(goal <= {SIZED_GOAL}x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="measured rounds after the warm-up (default 3)")
    parser.add_argument("--vars", default=None, help="--vars passed to the project's build")
    parser.add_argument("--cold", action="store_true", help="no parse reused: every build parses from scratch")
    parser.add_argument("--no-unit", action="store_true", help="leave out the side with dbt's unit tests")
    parser.add_argument("--no-sized", action="store_true", help="leave out the floor at the project's size")
    args = parser.parse_args()
    project_args = ["--vars", args.vars] if args.vars else []
    counts_env = {"KZ_COUNTS_DIR": str(REPO_ROOT / "data" / "reference" / "tables")}

    with tempfile.TemporaryDirectory(prefix="bench_floor_") as temp:
        scratch = Path(temp)
        floor = write_floor_project(scratch / "floor")
        project = REPO_ROOT / "dbt_project"
        sides: dict[str, tuple[Path, dict[str, str], list[str]]] = {
            "project": (project, counts_env, PUBLISH_ARGS + project_args),
            "project + unit tests": (project, counts_env, project_args),
            "floor (1 model, 2 tests)": (floor, {}, []),
        }
        if args.no_unit:
            del sides["project + unit tests"]
        sized_label = ""
        if not args.no_sized:
            kinds = ("model", "seed", "test")
            sizes = [count_nodes(project, scratch, counts_env, PUBLISH_ARGS, (kind,)) for kind in kinds]
            sized = write_sized_floor(scratch / "sized", *sizes)
            sized_label = f"floor at the project's size ({sizes[0]} tables, {sizes[1]} seeds, {sizes[2]} tests)"
            sides[sized_label] = (sized, {}, [])
        nodes = {name: count_nodes(p, scratch, e, a) for name, (p, e, a) in sides.items()}

        def published(name: str) -> Path:
            return scratch / "published" / str(list(sides).index(name)) / "kz_migration.duckdb"

        def side(name: str) -> Callable[[], Sample]:
            project_dir, env_extra, dbt_args = sides[name]
            return lambda: publish(project_dir, published(name), env_extra, dbt_args, args.cold)

        samples = alternate({name: side(name) for name in sides}, pairs=args.pairs)
        node_times = {}
        for name in ("project", sized_label):
            if name:
                last = Paths.for_published(published(name)).build_root / LAST_BUILD
                node_times[name] = node_time(last / "target", last / "logs" / "dbt.log")
    medians = {name: median_sample(values) for name, values in samples.items()}
    floor_median = medians["floor (1 model, 2 tests)"]
    parse = "cold parse (none reused)" if args.cold else "warm parse (the last build's reused, as on a second build)"
    print(f"build and publish (python -m warehouse.publish), {parse}; median of {args.pairs} alternating rounds "
          "after a warm-up")
    rows = []
    for name, median in medians.items():
        rows.append([
            name, nodes[name], f"{median.wall_s:.2f}", f"{median.cpu_s:.2f}", f"{median.peak_rss_mb:.0f}",
            f"{ratio(median.wall_s, floor_median.wall_s):.2f}x", f"{ratio(median.cpu_s, floor_median.cpu_s):.2f}x",
        ])
    print_table(["side", "nodes", "wall s", "CPU s", "peak MB", "wall / floor", "CPU / floor"], rows)
    wall_ratio = ratio(medians["project"].wall_s, floor_median.wall_s)
    print(f"ratio project / floor: {wall_ratio:.2f}x wall (goal <= {GOAL:.0f}x: {verdict(wall_ratio <= GOAL)})")
    for name, median in medians.items():
        if name.startswith("floor at the project's size"):
            sized = ratio(medians["project"].wall_s, median.wall_s)
            print(f"dbt's per-node cost alone, at the project's size: {ratio(median.wall_s, floor_median.wall_s):.2f}x "
                  f"the floor; the project: {sized:.2f}x that wall, "
                  f"{ratio(medians['project'].cpu_s, median.cpu_s):.2f}x CPU (goal <= {SIZED_GOAL}x wall: "
                  f"{verdict(sized <= SIZED_GOAL)})")
    if sized_label:
        print()
        print_where_time_goes(node_times["project"], node_times[sized_label], medians[sized_label].wall_s,
                              profile_threads())
    return 0


if __name__ == "__main__":
    sys.exit(main())
