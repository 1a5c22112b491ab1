"""python -m bns_ingest SRC [--name NAME] [--out DIR]: add BNS downloads to the official set.

The official set is a collection of downloads. Each ingest adds SRC as one download (named after SRC,
or --name), or replaces the download of that name; the other downloads stay. --remove NAME drops one,
--rollback shows the previous version again, --list prints what the set holds. The warehouse uses
official cells wherever the set has them and the bundled reconstruction everywhere else. The output
path is a symlink switched atomically to a new version folder beside it (DIR.v<time>-<id>); earlier
versions are kept there for rollback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bns_ingest.context import DEFAULT_SEEDS
from bns_ingest.errors import IngestError
from bns_ingest.pipeline import ingest, remove, roll_back
from bns_ingest.writer import current_downloads


def _describe(out: Path) -> list[str]:
    downloads = current_downloads(out)
    if not downloads:
        return [f"{out}: the official set is empty (the warehouse uses the bundled reconstruction only)"]
    lines = [f"{out} -> {out.resolve().name}: {len(downloads)} download(s)"]
    for name, download in sorted(downloads.items()):
        tables = ", ".join(f"{code} {len(rows)}" for code, rows in sorted(download.lines.items()))
        lines.append(f"  {name} (ingested {download.entry.get('ingested_at', '?')}): {tables or 'no rows'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bns_ingest", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("src", type=Path, nargs="?", help="a BNS download or a folder of them: one download")
    parser.add_argument("--name", help="name of the download in the official set (default: SRC's name)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("data/official/tables"),
        help="output path, a symlink to the current official set (default: data/official/tables)",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--remove", metavar="NAME", help="drop the download NAME from the official set")
    action.add_argument("--rollback", action="store_true", help="show the previous version of the official set")
    action.add_argument("--list", action="store_true", help="print the downloads of the official set")
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
        if args.list:
            print("\n".join(_describe(args.out)))
            return 0
        if args.remove:
            left = remove(args.out, args.remove)
            print(f"removed {args.remove!r}; the official set holds {', '.join(left) or 'nothing'}")
            return 0
        if args.rollback:
            version = roll_back(args.out)
            print(f"{args.out} -> {version.name} (the previous version)")
            print("\n".join(_describe(args.out)))
            return 0
        if args.src is None:
            parser.error("give SRC to ingest, or --remove NAME, --rollback or --list")
        rows = ingest(args.src, args.out, args.seeds, args.tolerance, args.allow_partial_regions, args.name)
    except IngestError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a read-only folder: the previous set is untouched
        print(f"error: the official set could not be written ({error}); it was left as it was", file=sys.stderr)
        return 1
    for table_code, count in rows.items():
        print(f"{table_code}: {count} rows")
    print("\n".join(_describe(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
