"""Size and power of every inference method, by Monte Carlo (the design is in estimators/monte_carlo.py).

Usage: PYTHONPATH=python python bench/bench_inference_mc.py [--draws 400] [--measured]
       [--controls 2 15] [--noise-ratio 1 2] [--post-years 2 4] [--jobs 2] [--out data/benchmarks/inference_mc.csv]

``--measured`` reads the warehouse (KZ_WAREHOUSE_PATH or warehouse/kz_migration.duckdb), runs the report's
designs and simulates each one's number of controls at Almaty's measured noise ratio in each outcome (the
studentised placebo's ``noise_ratio``), plus every ``--noise-ratio`` given (default 1 and 2: equal noise, and
twice the median control's), each with every ``--post-years`` (2: the crisis window; 4: 2022–2025). The
controls' noise is unequal in every draw (SDs uniform on 0.5–2).

Prints, per design (controls, post years, noise ratio) and method, the rejection rate with no effect (size,
with its Monte Carlo standard error) and with effects of 1 and 2 pre-period SDs (power), and whether the method
holds its size (within two Monte Carlo SEs of the level or below). Writes the long table the report's method
note reads. Deterministic for a given seed and warehouse.
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

from estimators.monte_carlo import METHODS, Design, run_monte_carlo, wide_table

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks" / "inference_mc.csv"
SEED = 20220105


def measured_noise_ratios() -> list[tuple[int, float]]:
    """(controls, Almaty's noise ratio) of every design and outcome the report runs on the warehouse."""
    from analysis.causal.run import run_all
    from analysis.marts import DEFAULT_WAREHOUSE, load_marts

    tables = load_marts(Path(os.environ.get("KZ_WAREHOUSE_PATH", DEFAULT_WAREHOUSE)))
    return [
        (result.studentised.n_placebos, result.studentised.noise_ratio)
        for result in run_all(tables)
        if result.studentised is not None
    ]


def _run(args: tuple[Design, int, int, int]) -> pd.DataFrame:
    design, draws, seed, bootstrap_draws = args
    return run_monte_carlo(design, draws, seed, bootstrap_draws=bootstrap_draws)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--controls", type=int, nargs="+", default=[2, 15])
    parser.add_argument("--noise-ratio", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--post-years", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--measured", action="store_true", help="add the designs and noise ratios of the warehouse")
    parser.add_argument("--bootstrap-draws", type=int, default=999)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    pairs = {(n, round(r, 2)) for n in args.controls for r in args.noise_ratio}
    if args.measured:
        measured = measured_noise_ratios()
        for n, ratio in measured:
            pairs |= {(n, round(ratio, 2))} | {(n, round(r, 2)) for r in args.noise_ratio}
        print("measured (controls, noise ratio):", ", ".join(f"({n}, {r:.2f})" for n, r in measured))
    designs = [Design(n, post_years=post, noise_ratio=r) for n, r in sorted(pairs) for post in args.post_years]
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
