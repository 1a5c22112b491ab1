"""Benchmark: what bytecode compilation costs at install against what it saves at first import.

`make venv` used to compile every installed module at install (`uv pip install --compile-bytecode`); it now
lets Python compile on first import, into .venv/pycache (the Makefile's BYTECODE_CACHE). Measured here, each
in a bytecode folder of its own (PYTHONPYCACHEPREFIX, so the venv is left as it is):

* install-time compilation: `compileall` of the whole site-packages, as `--compile-bytecode` does;
* per package the build imports (dbt with the duckdb adapter, duckdb, pandas, statsmodels, matplotlib, scipy,
  and the project's own entry points): the import with no bytecode (compiled in the import) against the same
  import once its bytecode is kept (the saving, paid at most once per module with the cache);
* the modules a first `make build` compiles against all the installed ones.

Prints CPU seconds (the machine may be loaded; wall beside) and the ratio of install-time compilation to the
one-off compilation on first import.

    .venv/bin/python bench/bench_bytecode.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from measure import REPO_ROOT, Sample, print_table, ratio, run_child

IMPORTS = {
    "dbt (cli, build task, duckdb adapter)": "dbt.cli.main, dbt.task.build, dbt.adapters.duckdb.impl",
    "duckdb": "duckdb",
    "pandas": "pandas",
    "statsmodels": "statsmodels.api",
    "matplotlib (pyplot)": "matplotlib.pyplot",
    "scipy (optimize, stats)": "scipy.optimize, scipy.stats",
    "the analysis CLI (python -m analysis)": "analysis.__main__",
    "the publisher and the export": "warehouse.publish, warehouse.export",
}
# Everything above in one process: the packages share dependencies, so their savings do not add up.
TOGETHER = "everything above, in one process"
IMPORTS[TOGETHER] = ", ".join(IMPORTS.values())


def env_with_cache(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"PYTHONPYCACHEPREFIX": str(cache), "PYTHONPATH": str(REPO_ROOT / "python"), "MPLBACKEND": "Agg"})
    return env


def import_sample(statement: str, cache: Path) -> Sample:
    return run_child([sys.executable, "-c", f"import {statement}"], env=env_with_cache(cache))


def count_bytecode(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.pyc"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="cold/warm import pairs per package (median)")
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    site = Path(sysconfig.get_paths()["purelib"])
    with tempfile.TemporaryDirectory(prefix="bench_bytecode_") as temp:
        scratch = Path(temp)
        everything = scratch / "all"
        compile_all = run_child([sys.executable, "-m", "compileall", "-q", "-j", "0", str(site)],
                                env=env_with_cache(everything))
        installed = count_bytecode(everything / site.relative_to("/"))
        rows, first_build = [], scratch / "first_build"
        for name, statement in IMPORTS.items():
            colds, warms = [], []
            for round_number in range(args.rounds):
                cache = scratch / f"{name[:8]}-{round_number}"
                colds.append(import_sample(statement, cache))
                warms.append(import_sample(statement, cache))
            import_sample(statement, first_build)
            cold = statistics.median(s.cpu_s for s in colds)
            warm = statistics.median(s.cpu_s for s in warms)
            rows.append([name, f"{cold:.2f}", f"{warm:.2f}", f"{cold - warm:.2f}", f"{ratio(cold, warm):.2f}x"])
        used = count_bytecode(first_build / site.relative_to("/"))
    print("first import of what `make build` uses: CPU s with no bytecode against with its bytecode kept "
          f"(median of {args.rounds})")
    print_table(["package", "no bytecode", "bytecode kept", "saved", "ratio"], rows)
    saved = float(rows[-1][3])
    print()
    print_table(
        ["compilation", "modules", "CPU s", "wall s"],
        [["all installed (uv --compile-bytecode)", installed, f"{compile_all.cpu_s:.1f}", f"{compile_all.wall_s:.1f}"],
         ["on first import, what the build imports", used, f"{saved:.1f} (saved above, paid once)", "—"]],
    )
    print(f"install-time compilation / what it saves at first import: {ratio(compile_all.cpu_s, saved):.2f}x CPU; "
          f"modules compiled: {installed} against {used} ({ratio(installed, used):.1f}x)")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
