"""Size and power of every inference method, by Monte Carlo (the design is in analysis/monte_carlo.py).

Usage: PYTHONPATH=python python bench/bench_inference_mc.py [--draws 1000] [--controls 2 15]
       [--treated-sd-multiple 1 2] [--jobs 2] [--out data/benchmarks/inference_mc.csv]

Prints, per design (number of controls, treated SD multiple) and method, the rejection rate at 5% with no
effect (size, with its Monte Carlo standard error) and with effects of 1 and 2 pre-period SDs (power), and
whether the method holds its size (within two Monte Carlo SEs of 5% or below). Writes the long table the
report's method note reads. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd

from analysis.monte_carlo import METHODS, Design, run_monte_carlo, wide_table

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks" / "inference_mc.csv"
SEED = 20220105


def _run(args: tuple[Design, int, int, int]) -> pd.DataFrame:
    design, draws, seed, bootstrap_draws = args
    return run_monte_carlo(design, draws, seed, bootstrap_draws=bootstrap_draws)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--controls", type=int, nargs="+", default=[2, 15])
    parser.add_argument("--treated-sd-multiple", type=float, nargs="+", default=[1.0])
    parser.add_argument("--bootstrap-draws", type=int, default=999)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    designs = [Design(n, treated_sd_multiple=m) for m in args.treated_sd_multiple for n in args.controls]
    start = time.perf_counter()
    jobs = [(design, args.draws, args.seed + k, args.bootstrap_draws) for k, design in enumerate(designs)]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        table = pd.concat(list(pool.map(_run, jobs)), ignore_index=True)
    elapsed = time.perf_counter() - start
    table["method"] = table["method_code"].map(METHODS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.6g")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 200):
        print(wide_table(table).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\n{args.draws} draws per design, {len(designs)} designs, {elapsed:.0f} s; written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
