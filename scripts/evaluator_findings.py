"""dbt-project-evaluator's findings of a dbt run, by rule, from its results (`make evaluate`, `make test`).

The evaluator's tests warn (they do not fail dbt's run); this fails when any of them found something that the
exceptions seed (dbt_project/evaluator/dbt_project_evaluator_exceptions.csv) does not keep on purpose, or did
not run at all.

    python scripts/evaluator_findings.py path/to/target/build_results.json

The results file is the one warehouse/dbt_build.py writes, or dbt's own run_results.json (the same fields).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PACKAGE_TESTS = "test.dbt_project_evaluator."


def findings(run_results: Path) -> dict[str, tuple[str, int]]:
    """Each evaluator test of the run: its name -> (status, number of findings)."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return {
        result["unique_id"].removeprefix(PACKAGE_TESTS).rsplit(".", 1)[0]: (
            result["status"], int(result.get("failures") or 0))
        for result in results if result["unique_id"].startswith(PACKAGE_TESTS)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_results", type=Path)
    args = parser.parse_args(argv)
    by_rule = findings(args.run_results)
    if not by_rule:
        print(f"dbt-project-evaluator: no test of it ran ({args.run_results})", file=sys.stderr)
        return 1
    failed = {rule: outcome for rule, outcome in by_rule.items() if outcome[0] != "pass"}
    for rule, (status, count) in sorted(failed.items()):
        print(f"  {rule}: {status}, {count} finding(s)", file=sys.stderr)
    print(f"dbt-project-evaluator: {len(by_rule)} rules, {sum(c for _, c in failed.values())} finding(s) "
          f"outside the documented exceptions (docs/dbt_hygiene.md)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
