"""Benchmark: the project's `dbt build` against dbt's own floor, measured in one run.

The floor is a minimal dbt project (one model, two tests) built by the same dbt, adapter and machine, the
same way (fresh target folder, fresh database): whatever dbt costs to start, parse and run anything at all.
After one warm-up build of each, the two sides alternate (A B A B …) so that both see the same load.
Prints the median wall and CPU seconds of each side, and the ratios project / floor. Goal: wall ratio <= 2.

    .venv/bin/python bench/bench_build_floor.py [--pairs 3] [--vars '{working_age_rule_set: statutory}']
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from measure import REPO_ROOT, VENV_BIN, Sample, alternate, dbt_env, median_sample, print_table, ratio, run_child

GOAL = 2.0

FLOOR_PROJECT = {
    "dbt_project.yml": "name: floor\nversion: '1.0'\nconfig-version: 2\nprofile: floor\nmodel-paths: [models]\n",
    "profiles.yml": (
        "floor:\n  target: build\n  outputs:\n    build:\n      type: duckdb\n"
        "      path: \"{{ env_var('FLOOR_BUILD_PATH') }}\"\n      threads: 2\n"
    ),
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


def dbt_build(project_dir: Path, scratch: Path, env_extra: dict[str, str], extra_args: list[str]) -> Sample:
    """One build into a fresh database and target folder, as `make dbt-test` and the publisher run it."""
    run = Path(tempfile.mkdtemp(dir=scratch))
    env = dbt_env(
        env_extra | {"KZ_BUILD_PATH": str(run / "build.duckdb"), "FLOOR_BUILD_PATH": str(run / "floor.duckdb")}
    )
    command = [
        str(VENV_BIN / "dbt"),
        "build",
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(run / "target"),
        "--log-path",
        str(run / "logs"),
        *extra_args,
    ]
    if project_dir.name == "floor":
        command += ["--profiles-dir", str(project_dir)]
    sample = run_child(command, env=env)
    nodes = len(json.loads((run / "target" / "run_results.json").read_text())["results"])
    NODE_COUNTS[project_dir.name] = nodes
    return sample


NODE_COUNTS: dict[str, int] = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="measured rounds after the warm-up (default 3)")
    parser.add_argument("--vars", default=None, help="--vars passed to the project's build")
    parser.add_argument("--threads", type=int, default=None, help="--threads for both builds (default: the profiles')")
    args = parser.parse_args()
    threads = ["--threads", str(args.threads)] if args.threads else []
    project_args = (["--vars", args.vars] if args.vars else []) + threads

    with tempfile.TemporaryDirectory(prefix="bench_floor_") as temp:
        scratch = Path(temp)
        floor = write_floor_project(scratch / "floor")
        project = REPO_ROOT / "dbt_project"
        counts_dir = str(REPO_ROOT / "data" / "reference" / "tables")
        samples = alternate(
            {
                "project": lambda: dbt_build(project, scratch, {"KZ_COUNTS_DIR": counts_dir}, project_args),
                "floor": lambda: dbt_build(floor, scratch, {}, threads),
            },
            pairs=args.pairs,
        )
    project_median, floor_median = median_sample(samples["project"]), median_sample(samples["floor"])
    wall_ratio = ratio(project_median.wall_s, floor_median.wall_s)
    cpu_ratio = ratio(project_median.cpu_s, floor_median.cpu_s)
    print(f"dbt build, median of {args.pairs} alternating pairs after a warm-up")
    print_table(
        ["side", "nodes", "wall s", "CPU s", "peak MB"],
        [
            [
                "project",
                NODE_COUNTS["dbt_project"],
                f"{project_median.wall_s:.2f}",
                f"{project_median.cpu_s:.2f}",
                f"{project_median.peak_rss_mb:.0f}",
            ],
            [
                "floor (1 model, 2 tests)",
                NODE_COUNTS["floor"],
                f"{floor_median.wall_s:.2f}",
                f"{floor_median.cpu_s:.2f}",
                f"{floor_median.peak_rss_mb:.0f}",
            ],
        ],
    )
    verdict = "met" if wall_ratio <= GOAL else "MISSED"
    print(f"ratio project / floor: {wall_ratio:.2f}x wall (goal <= {GOAL:.0f}x: {verdict}), {cpu_ratio:.2f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
