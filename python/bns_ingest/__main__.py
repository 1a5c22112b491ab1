"""python -m bns_ingest SRC [--out DIR]: ingest BNS downloads into the canonical raw tables.

Each ingest replaces the whole previous official set: tables of an earlier ingest are not carried
over, so put every download you want in SRC. The output path is a symlink switched atomically to a
new version folder beside it (DIR.v<time>-<id>); the previous version is kept there for rollback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bns_ingest.context import DEFAULT_SEEDS
from bns_ingest.errors import IngestError
from bns_ingest.pipeline import ingest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bns_ingest", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "src", type=Path, help="a BNS download or a folder of them: ALL the downloads of the new official set"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("data/official/tables"),
        help="output path, a symlink to the current set, which each ingest replaces as a whole "
        "(default: data/official/tables)",
    )
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="dimension seeds folder")
    parser.add_argument(
        "--tolerance",
        type=int,
        default=0,
        help="persons by which parts may differ from their total (default 0)",
    )
    parser.add_argument(
        "--allow-partial-regions",
        action="store_true",
        help="accept extracts that list the Republic and only some regions (the dbt build will refuse them)",
    )
    args = parser.parse_args(argv)
    try:
        rows = ingest(args.src, args.out, args.seeds, args.tolerance, args.allow_partial_regions)
    except IngestError as error:
        print(error, file=sys.stderr)
        return 1
    for table_code, count in rows.items():
        print(f"{table_code}: {count} rows")
    print(f"written to {args.out} -> {args.out.resolve().name} (the previous set replaced as a whole)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
