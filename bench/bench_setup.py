"""Benchmark: a fresh clone to a published warehouse and report, with uv against the plain pip path.

Clones the current commit into a temporary folder (with `../shared` beside it, as in a checkout), then runs
the README's one command, `make build`, timing each line of its output as it arrives: the time to the report,
the time to each stage (the first line of `[build]`, `[analysis]`, `[export]`), and the longest time without
a line (goal: none over 10 s). Both installers are measured in the same run, alternating (uv, pip, uv, pip …),
on fresh clones, with the package caches as the machine has them. Prints seconds and the ratios pip / uv.

Then, on the last uv clone, what a second `make build` redoes: with nothing changed (goal: under 5 s, saying it
is up to date), after a change to the analysis code (the report again, not the warehouse), and after a change to
a dbt model (the warehouse, then the report).

    .venv/bin/python bench/bench_setup.py [--pairs 1] [--warmup] [--no-pip]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import REPO_ROOT, TimedOutput, alternate, print_table, ratio, run_timed_lines, verdict

SILENCE_GOAL_S = 10.0
NO_CHANGE_GOAL_S = 5.0
FIRST_RUN_GOAL_S = 40.0
STAGES = {"install (venv)": "==> [setup]", "dbt build": "==> [build]", "analysis": "==> [analysis]",
          "export": "==> [export]"}
RUNS: dict[str, list[TimedOutput]] = {"uv": [], "pip": []}
LAST_CLONE: dict[str, Path] = {}


def fresh_clone(scratch: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    clone = folder / "kz-migration"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    shared = REPO_ROOT.parent / "shared"
    if shared.exists():
        (folder / "shared").symlink_to(shared)
    return clone


def user_env(installer: str) -> dict[str, str]:
    """The environment of a user's shell: nothing of this checkout's build leaks into the clone's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "KZ_", "DBT_", "PYTHONPATH", "PYTHONPYCACHEPREFIX"))}
    env["INSTALLER"] = installer
    return env


def make_build(clone: Path, installer: str) -> TimedOutput:
    return run_timed_lines(["make", "--no-print-directory", "build"], env=user_env(installer), cwd=clone)


def clone_to_report(installer: str, scratch: Path, keep: bool) -> TimedOutput:
    clone = fresh_clone(scratch)
    run = make_build(clone, installer)
    assert (clone / "warehouse" / "kz_migration.duckdb").exists() and (clone / "report" / "index.html").exists()
    RUNS[installer].append(run)
    if keep:
        if installer in LAST_CLONE:
            shutil.rmtree(LAST_CLONE[installer].parent, ignore_errors=True)
        LAST_CLONE[installer] = clone
    else:
        shutil.rmtree(clone.parent, ignore_errors=True)
    return run


def median_of(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def stage_seconds(run: TimedOutput, stage: str) -> float:
    """Seconds from the stage's first line to the next stage's first line (or the end)."""
    starts = sorted((run.first(marker) or run.sample.wall_s, name) for name, marker in STAGES.items())
    for index, (start, name) in enumerate(starts):
        if name == stage:
            end = starts[index + 1][0] if index + 1 < len(starts) else run.sample.wall_s
            return end - start if run.has(STAGES[stage]) else 0.0
    return 0.0


def first_run_table(installers: list[str]) -> None:
    rows = []
    for stage in STAGES:
        values = {i: median_of([stage_seconds(r, stage) for r in RUNS[i]]) for i in installers}
        rows.append([stage, *(f"{values[i]:.1f}" for i in installers),
                     *([f"{ratio(values['pip'], values['uv']):.2f}x"] if "pip" in installers else [])])
    totals = {i: median_of([r.sample.wall_s for r in RUNS[i]]) for i in installers}
    cpus = {i: median_of([r.sample.cpu_s for r in RUNS[i]]) for i in installers}
    silences = {i: max((r.longest_silence() for r in RUNS[i]), key=lambda s: s[0]) for i in installers}
    rows.append(["clone to report (make build)", *(f"{totals[i]:.1f}" for i in installers),
                 *([f"{ratio(totals['pip'], totals['uv']):.2f}x"] if "pip" in installers else [])])
    rows.append(["  CPU s", *(f"{cpus[i]:.1f}" for i in installers),
                 *([f"{ratio(cpus['pip'], cpus['uv']):.2f}x"] if "pip" in installers else [])])
    rows.append(["longest silence", *(f"{silences[i][0]:.1f}" for i in installers),
                 *(["—"] if "pip" in installers else [])])
    header = ["fresh clone -> report", *(f"{i} s" for i in installers), *(["pip / uv"] if "pip" in installers else [])]
    print_table(header, rows)
    print(f"clone to report with uv: {totals['uv']:.1f} s (goal < {FIRST_RUN_GOAL_S:.0f} s on a quiet 2-core machine: "
          f"{verdict(totals['uv'] < FIRST_RUN_GOAL_S)} here)")
    for installer in installers:
        seconds, line = silences[installer]
        print(f"longest silence, {installer}: {seconds:.1f} s, ended by «{line[:100]}» "
              f"(goal <= {SILENCE_GOAL_S:.0f} s: {verdict(seconds <= SILENCE_GOAL_S)})")


def rebuilds(clone: Path) -> None:
    """What a second `make build` redoes, on the clone of a finished first run."""
    rows, verdicts = [], []
    same = make_build(clone, "uv")
    up_to_date = same.has("Up to date") and not same.has("==> [build]") and not same.has("==> [analysis]")
    rows.append(["nothing changed", f"{same.sample.wall_s:.2f}", "no", "no", "yes" if up_to_date else "NO"])
    verdicts.append(f"no-change rebuild: {same.sample.wall_s:.2f} s, says it is up to date: {up_to_date} "
                    f"(goal < {NO_CHANGE_GOAL_S:.0f} s and says so: "
                    f"{verdict(same.sample.wall_s < NO_CHANGE_GOAL_S and up_to_date)})")
    changes = {
        "analysis code touched (python/analysis/__main__.py)": (clone / "python" / "analysis" / "__main__.py", False),
        "a dbt model touched (dim_regions.sql)": (
            clone / "dbt_project" / "models" / "marts" / "core" / "dim_regions.sql", True
        ),
    }
    for label, (path, warehouse_expected) in changes.items():
        os.utime(path)
        run = make_build(clone, "uv")
        built, reported = run.has("==> [build]"), run.has("==> [analysis]")
        rows.append([label, f"{run.sample.wall_s:.2f}", "yes" if built else "no", "yes" if reported else "no", "—"])
        verdicts.append(f"{label}: warehouse rebuilt {built} (expected {warehouse_expected}), report regenerated "
                        f"{reported} (expected True): {verdict(built == warehouse_expected and reported)}")
    print()
    print("second `make build` on the uv clone")
    print_table(["change", "wall s", "dbt build", "report", "says up to date"], rows)
    for line in verdicts:
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--warmup", action="store_true", help="one unmeasured clone-to-report per installer first")
    parser.add_argument("--no-pip", action="store_true", help="leave out the pip side (uv alone)")
    args = parser.parse_args()
    installers = ["uv"] if args.no_pip else ["uv", "pip"]
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="bench_setup_") as temp:
        scratch = Path(temp)
        alternate(
            {i: (lambda i=i: clone_to_report(i, scratch, keep=i == "uv").sample) for i in installers},
            pairs=args.pairs,
            warmup=args.warmup,
        )
        if args.warmup:
            for installer in installers:
                del RUNS[installer][0]
        print(f"fresh clone -> `make build`, median of {args.pairs} alternating round(s)")
        first_run_table(installers)
        rebuilds(LAST_CLONE["uv"])
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
