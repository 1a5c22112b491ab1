"""Build the warehouse with dbt and publish it atomically for BI tools.

dbt writes into a private build file. Only when every model and test of `dbt build` has passed is that file
checkpointed, closed and renamed over the published file. A rename replaces the directory entry in one
step: a BI tool that holds the old file open read-only keeps reading the old version undisturbed, the next
connection sees the new one, and a failed build never touches the published file.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PUBLISHED_PATH = REPO_ROOT / "warehouse" / "kz_migration.duckdb"


class BuildFailed(RuntimeError):
    """dbt build failed; the published warehouse was left as it was."""


@dataclass(frozen=True)
class Paths:
    published: Path
    build: Path

    @classmethod
    def for_published(cls, published: Path) -> Paths:
        published = published.resolve()
        return cls(published=published, build=published.parent / ".build" / published.name)


def _remove_database_files(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def run_dbt_build(build_path: Path, dbt_args: Sequence[str] = (), env: dict[str, str] | None = None) -> None:
    """Run `dbt build` into build_path; raise BuildFailed if any model or test fails."""
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), "build",
        "--project-dir", str(REPO_ROOT / "dbt_project"),
        "--profiles-dir", str(REPO_ROOT),
        *dbt_args,
    ]
    run_env = {**os.environ, **(env or {}), "KZ_BUILD_PATH": str(build_path), "DO_NOT_TRACK": "1"}
    completed = subprocess.run(command, cwd=REPO_ROOT, env=run_env, check=False)
    if completed.returncode != 0:
        raise BuildFailed(
            f"dbt build failed (exit code {completed.returncode}); the published warehouse was not changed. "
            f"The failed build is kept for inspection at {build_path}."
        )


@contextmanager
def publish_lock(published_path: Path) -> Iterator[None]:
    """Serialise every swap onto ``published_path`` between processes (dbt builds, the replication step).

    An advisory lock on a file beside the warehouse: a publisher that copies the published file, adds to it
    and swaps it back holds the lock from the copy to the swap, so no other build can land in between and
    be overwritten by the older copy. Readers never take it.
    """
    lock_path = Path(published_path).with_name(Path(published_path).name + ".publish.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def finalize_and_swap(build_path: Path, published_path: Path) -> None:
    """Checkpoint the build file so it is self-contained, then rename it over the published file."""
    with duckdb.connect(str(build_path)) as connection:
        connection.execute("checkpoint")
    leftover_wal = build_path.with_name(build_path.name + ".wal")
    if leftover_wal.exists():
        raise BuildFailed(f"{leftover_wal} survived the checkpoint; refusing to publish a file that needs it")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(build_path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(build_path, published_path)
    directory = os.open(published_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def build_and_publish(
    published_path: Path, dbt_args: Sequence[str] = (), env: dict[str, str] | None = None
) -> Path:
    """Build into a private file and, only if everything passed, publish it at published_path."""
    paths = Paths.for_published(published_path)
    paths.build.parent.mkdir(parents=True, exist_ok=True)
    _remove_database_files(paths.build)
    run_dbt_build(paths.build, dbt_args, env)
    with publish_lock(paths.published):
        finalize_and_swap(paths.build, paths.published)
    return paths.published


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--published-path",
        type=Path,
        default=Path(os.environ.get("KZ_WAREHOUSE_PATH", DEFAULT_PUBLISHED_PATH)),
        help="where BI tools find the warehouse (default: $KZ_WAREHOUSE_PATH or warehouse/kz_migration.duckdb)",
    )
    parser.add_argument("dbt_args", nargs="*", help="extra arguments for dbt build (after --)")
    args = parser.parse_args(argv)
    try:
        published = build_and_publish(args.published_path, args.dbt_args)
    except BuildFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Published warehouse: {published}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
