"""CLI: ``python -m reference_data [--out DIR]`` regenerates every reference table."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reference_data.generate import generate
from reference_data.inputs import InputError
from reference_data.paths import default_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference_data", description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default data/reference/tables)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        written = generate(default_paths(), args.out)
    except InputError as error:
        print(f"reference_data: {error}", file=sys.stderr)
        return 1
    for code, path in written.items():
        print(f"{code}: {path}")
    print(f"generated in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
