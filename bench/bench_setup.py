"""Benchmark: a fresh clone to a published warehouse and report, with uv against the plain pip path.

Clones the current commit into a temporary folder (with `../shared` beside it, as in a checkout), then runs
the README's `make build` step by step (`make venv`, `make warehouse`, `make analysis`) and times each. Both
installers are measured in the same run, alternating (uv, pip, uv, pip …), on fresh clones, with the
package caches as the machine has them. Prints seconds per step and the ratios pip / uv.

    .venv/bin/python bench/bench_setup.py [--pairs 1] [--warmup]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import REPO_ROOT, Sample, alternate, print_table, ratio, run_child

STEPS = ("venv", "warehouse", "analysis")
TIMINGS: dict[str, list[dict[str, Sample]]] = {"uv": [], "pip": []}


def fresh_clone(scratch: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    clone = folder / "kz-migration"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    shared = REPO_ROOT.parent / "shared"
    if shared.exists():
        (folder / "shared").symlink_to(shared)
    return clone


def clone_to_report(installer: str, scratch: Path) -> Sample:
    clone = fresh_clone(scratch)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "KZ_", "DBT_", "PYTHONPATH"))}
    env["INSTALLER"] = installer
    steps = {step: run_child(["make", "--no-print-directory", step], env=env, cwd=clone) for step in STEPS}
    TIMINGS[installer].append(steps)
    assert (clone / "warehouse" / "kz_migration.duckdb").exists()
    shutil.rmtree(clone.parent, ignore_errors=True)
    return Sample(sum(s.wall_s for s in steps.values()), sum(s.cpu_s for s in steps.values()), 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--warmup", action="store_true", help="one unmeasured clone-to-report per installer first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_setup_") as temp:
        scratch = Path(temp)
        alternate(
            {"uv": lambda: clone_to_report("uv", scratch), "pip": lambda: clone_to_report("pip", scratch)},
            pairs=args.pairs,
            warmup=args.warmup,
        )
    if args.warmup:
        for installer in TIMINGS:
            del TIMINGS[installer][0]
    rows = []
    for step in (*STEPS, "clone to report"):

        def seconds(installer: str, step: str = step) -> float:
            runs = TIMINGS[installer]
            if step == "clone to report":
                return sorted(sum(r[s].wall_s for s in STEPS) for r in runs)[len(runs) // 2]
            return sorted(r[step].wall_s for r in runs)[len(runs) // 2]

        uv, pip = seconds("uv"), seconds("pip")
        rows.append([f"make {step}" if step in STEPS else step, f"{uv:.1f}", f"{pip:.1f}", f"{ratio(pip, uv):.2f}x"])
    print(f"fresh clone -> `make build`, median of {args.pairs} alternating pair(s)")
    print_table(["step", "uv s", "pip s", "pip / uv"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
