"""Run the ensemble of reconstructions: for every member, its tables (:mod:`reference_data.ensemble`), a
warehouse of its own, the claims and the causal estimates, written as ``data/reference/ensemble/*.csv``.

    python -m reference_data.run_ensemble --members 8            # members 1..8 (+ member 0, the bundled tables)

Written (columns in :mod:`reference_data.ensemble`): ``data/reference/ensemble/{members,estimates,claims}.csv``, and
``member_tables_sha256.csv`` (the hash of every member's tables, for the determinism test).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.causal.run import run_all
from analysis.marts import load_marts
from claims.replication import load_claims, replicate
from reference_data.ensemble import (
    BASE_SEED,
    CLAIM_COLUMNS,
    DESIGN_COLUMNS,
    ESTIMATE_COLUMNS,
    MEMBER_COLUMNS,
    MEMBER_MARTS,
    OUTCOME_CODES,
    ensemble_dir,
    member_tables,
)
from reference_data.frames import each_row
from reference_data.generate import write_tables
from reference_data.inputs import InputError
from reference_data.paths import REPO_ROOT, Paths, default_paths, table_file
from warehouse.atomic import write_atomically
from warehouse.publish import build_and_publish


def _scalar(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def estimate_rows(member_id: int, results) -> list[dict]:
    """One row per design x outcome x estimator of :func:`analysis.causal.run_all`."""
    rows = []
    for result in results:
        outcome = OUTCOME_CODES.get(result.outcome, result.outcome)
        pre = result.event_study.pre_trend if result.event_study else None
        placebo_pre = result.placebo_pre_trend
        found = {
            "did": (result.did.estimate, result.did.p_cluster) if result.did else None,
            "did_placebo_in_space": ((result.placebo_space.estimate, result.placebo_space.p_value)
                                     if result.placebo_space else None),
            "did_placebo_in_time": ((result.placebo_time.estimate, result.placebo_time.p_value)
                                    if result.placebo_time else None),
            "pretrend_slope_difference": (pre.slope_difference, pre.slope_p) if pre else None,
            # the design-based pre-trend test the report leads with (the slope test above is conventional)
            "pretrend_placebo": ((placebo_pre.estimate, placebo_pre.p_value) if placebo_pre else None),
            "synthetic_control": ((result.synthetic.fit.average_post_gap, result.synthetic.p_value)
                                  if result.synthetic else None),
            "synthetic_control_demeaned": ((result.synthetic_demeaned.fit.average_post_gap,
                                            result.synthetic_demeaned.p_value)
                                           if result.synthetic_demeaned else None),
        }
        wild = getattr(result, "wild_bootstrap", None)
        conformal = getattr(result, "conformal", None)
        sdid = getattr(result, "sdid", None)
        if wild is not None:
            found["did_wild_bootstrap"] = (wild.estimate, wild.p_value)
        if conformal is not None:
            found["did_conformal"] = (conformal.estimate, conformal.p_value)
        if sdid is not None:
            found["synthetic_did"] = (sdid.fit.estimate, sdid.p_value)
        for estimator, values in found.items():
            if values is None:
                continue
            rows.append({"member_id": member_id, "design_code": result.design, "outcome_code": outcome,
                         "estimator_code": estimator, "estimate": _scalar(values[0]), "p_value": _scalar(values[1])})
    return rows


def analyse_member(member_id: int, counts_dir: Path, work: Path) -> tuple[list[dict], list[dict], dict]:
    """Build the member's warehouse and read its claims, its causal estimates and the design it was built with."""
    # The claims mart is built by dbt once the replication moved there; until then it is computed here.
    in_dbt = any((REPO_ROOT / "dbt_project" / "models").rglob("fct_claim_replication.sql"))
    marts = (*MEMBER_MARTS, "fct_claim_replication")
    built = marts if in_dbt else MEMBER_MARTS
    # cautious: a test runs only when every model it reads is built (relationships to unbuilt marts would fail).
    selection = ["--select", " ".join(f"+{name}" for name in built), "--indirect-selection", "cautious"]
    published = build_and_publish(work / "member.duckdb", dbt_args=selection,
                                  env={"KZ_COUNTS_DIR": str(counts_dir)})
    tables = load_marts(published, marts)
    replication = tables.get("fct_claim_replication")
    if replication is None:
        replication = replicate(tables, load_claims(), data_is_reconstruction=True)
    claims = [{"member_id": member_id, "claim_id": r.claim_id, "computed_value": _scalar(r.computed_value),
               "status": r.status} for r in each_row(replication)]
    design = tables["dim_study_design"].iloc[0]
    return estimate_rows(member_id, run_all(tables)), claims, {column: design[column] for column in DESIGN_COLUMNS}


def run_member(paths: Paths, member_id: int, seed: int, keep_tables: Path | None = None) -> dict:
    """Tables, warehouse, claims and estimates of one member, with its timings."""
    started = time.perf_counter()
    frames, draws = member_tables(paths, member_id, seed)
    generated = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"kz_ensemble_{member_id}_") as folder:
        work = Path(folder)
        counts = keep_tables / f"member_{member_id}" if keep_tables else work / "tables"
        counts.mkdir(parents=True, exist_ok=True)
        written = write_tables(frames, counts)
        hashes = [{"member_id": member_id, "table_code": code, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
                  for code, path in written.items()]
        if member_id == 0:
            for code in frames:
                if table_file(counts, code).read_bytes() != table_file(paths.tables_dir, code).read_bytes():
                    raise InputError(f"member 0: regenerated {code} differs from the bundled table: "
                                     "run `make reference`")
        estimates, claims, design = analyse_member(member_id, counts, work)
    finished = time.perf_counter()
    note = ("the bundled reconstruction (data/reference/tables)" if member_id == 0
            else f"priors drawn from priors/ensemble_ranges.csv; {draws} draw(s)")
    return {"member": {"member_id": member_id, "seed": seed, "note": note} | design, "estimates": estimates,
            "claims": claims, "hashes": hashes, "seconds": (generated - started, finished - generated)}


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda temporary: frame.to_csv(temporary, index=False, lineterminator="\n",
                                                          float_format="%.10g"))


def run(paths: Paths, members: int, keep_tables: Path | None = None) -> pd.DataFrame:
    """Members 0..``members`` into ``data/reference/ensemble``; returns the per-member timings."""
    outcomes, timings = [], []
    for member_id in range(members + 1):
        seed = 0 if member_id == 0 else BASE_SEED + member_id
        outcome = run_member(paths, member_id, seed, keep_tables)
        outcomes.append(outcome)
        generate_s, analyse_s = outcome["seconds"]
        timings.append({"member_id": member_id, "generate_s": generate_s, "warehouse_and_analysis_s": analyse_s})
        print(f"member {member_id} (seed {seed}): tables {generate_s:.1f} s, warehouse + claims + causal "
              f"{analyse_s:.1f} s; {outcome['member']['note']}", flush=True)
    folder = ensemble_dir(paths)
    write_csv(pd.DataFrame([o["member"] for o in outcomes], columns=MEMBER_COLUMNS), folder / "members.csv")
    write_csv(pd.DataFrame([r for o in outcomes for r in o["estimates"]], columns=ESTIMATE_COLUMNS),
              folder / "estimates.csv")
    write_csv(pd.DataFrame([r for o in outcomes for r in o["claims"]], columns=CLAIM_COLUMNS), folder / "claims.csv")
    # Each member's tables are not kept (1 MB each), their hashes are: a seed must give the same bytes again.
    write_csv(pd.DataFrame([r for o in outcomes for r in o["hashes"]], columns=["member_id", "table_code", "sha256"]),
              folder / "member_tables_sha256.csv")
    return pd.DataFrame(timings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference_data.run_ensemble", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=8, help="alternative members besides member 0 (default 8)")
    parser.add_argument("--keep-tables", type=Path, default=None,
                        help="also keep each member's tables under DIR/member_<k> (for the pytest checks)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        timings = run(default_paths(), args.members, args.keep_tables)
    except InputError as error:
        print(f"reference_data.run_ensemble: {error}", file=sys.stderr)
        return 1
    total = time.perf_counter() - started
    per_member = timings.drop(columns="member_id").sum(axis=1)
    print(f"{len(timings)} members in {total:.0f} s: {per_member.mean():.1f} s per member "
          f"(tables {timings.generate_s.mean():.1f} s, warehouse + claims + causal "
          f"{timings.warehouse_and_analysis_s.mean():.1f} s); N members cost about N x {per_member.mean():.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

