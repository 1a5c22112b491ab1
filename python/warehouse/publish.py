"""Build the warehouse with dbt and publish it atomically for BI tools.

Every build runs in a private folder of its own under ``warehouse/.build/`` (database, dbt target and
logs), so two builds can never write into, or delete, each other's files. Builds onto one published path
are serialised by a build lock: a second build waits for the first and says so (``--no-wait`` refuses it
with a one-line message instead). Only when every model and test of ``dbt build`` has passed, and every
relation dbt was asked to build is present in the private file, is that file checkpointed, closed and
renamed over the published file. A rename replaces the directory entry in one step: a BI tool that holds
the old file open read-only keeps reading the old version undisturbed, the next connection sees the new
one, and a failed, killed or refused build never touches the published file.

A build reads the official set as it was when it started: it links the set's tables into its private folder
first (warehouse/official_set.py), so an ingest during the build changes nothing it reads. A failed build says
what each failed data test found (warehouse/failed_tests.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from warehouse import dbt_build, failed_tests, official_set
from warehouse.progress import run_with_heartbeat
from warehouse.version import project_version

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFAULT_PUBLISHED_PATH = REPO_ROOT / "warehouse" / "kz_migration.duckdb"
# The official layer when nothing is ingested: a header-only canonical file (DuckDB's reader needs a match).
EMPTY_OFFICIAL_DIR = DEFAULT_PROJECT_DIR / "sources_empty"
_OWNER_FILE = "owner.json"
# The build's own copy of the official set, in its private folder (warehouse/official_set.py).
OFFICIAL_COPY = "official"
# Under the build root: the last published build's dbt target and log (docs/build.md), replaced by the next.
LAST_BUILD = "last"


class BuildFailed(RuntimeError):
    """The build failed or was refused; the published warehouse was left as it was."""


@dataclass(frozen=True)
class Paths:
    """Where one published warehouse lives, and where its builds and locks live beside it."""

    published: Path

    @classmethod
    def for_published(cls, published: Path) -> Paths:
        return cls(published=Path(published).resolve())

    @property
    def build_root(self) -> Path:
        return self.published.parent / ".build"

    @property
    def build_lock(self) -> Path:
        return self.published.with_name(self.published.name + ".build.lock")

    @property
    def build_owner(self) -> Path:
        return self.published.with_name(self.published.name + ".build.owner")

    @property
    def publish_lock(self) -> Path:
        return self.published.with_name(self.published.name + ".publish.lock")

    @property
    def current_build(self) -> Path:
        """A link to the private folder of the build that holds the build lock. dbt is given the build's copy of
        the official set through it, so the folder its sources read is the same for every build: dbt parses a
        file again whenever an environment variable it reads changes (the parse itself is kept by
        warehouse/dbt_build.py)."""
        return self.build_root / "current"

    @property
    def official_state(self) -> Path:
        return official_set.state_file(self.published)


@dataclass(frozen=True)
class PrivateBuild:
    """One build's own folder: nothing else ever writes into it."""

    folder: Path
    database_name: str

    @property
    def database(self) -> Path:
        # The same file name as the published file: DuckDB names the catalog after the file, and dbt's views
        # refer to it, so a private file named otherwise publishes views that cannot be read.
        return self.folder / self.database_name

    @property
    def target(self) -> Path:
        return self.folder / "target"

    @property
    def logs(self) -> Path:
        return self.folder / "logs"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_private_build(build_root: Path, published_name: str) -> PrivateBuild:
    """A fresh private folder, named so that no other build (running or killed) can share it."""
    build_root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{Path(published_name).stem}.{os.getpid()}.", dir=build_root))
    (folder / _OWNER_FILE).write_text(json.dumps({"pid": os.getpid(), "started": time.time()}))
    return PrivateBuild(folder, Path(published_name).name)


def remove_abandoned_builds(build_root: Path, keep: Path | None = None) -> list[Path]:
    """Delete private build folders whose owning process is gone (killed builds, earlier failures).

    Called only while holding the build lock, so no live build of this warehouse can own one of them;
    the owner check also spares folders of a process that is still running (e.g. an orphaned dbt's parent).
    """
    removed: list[Path] = []
    if not build_root.is_dir():
        return removed
    for folder in build_root.iterdir():
        if folder.is_symlink() or not folder.is_dir() or folder == keep or folder.name == LAST_BUILD:
            continue
        owner = folder / _OWNER_FILE
        try:
            pid = int(json.loads(owner.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            pid = -1
        if pid > 0 and pid != os.getpid() and _pid_alive(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _describe_owner(owner_file: Path) -> str:
    try:
        owner = json.loads(owner_file.read_text())
        started = time.strftime("%H:%M:%S", time.localtime(float(owner["started"])))
        return f"pid {int(owner['pid'])}, started {started}"
    except (OSError, ValueError, KeyError, TypeError):
        return "owner unknown"


@contextmanager
def build_lock(paths: Paths, wait: bool = True, timeout: float = -1) -> Iterator[None]:
    """Hold the one build slot of ``paths.published``: a second build waits (saying so) or is refused."""
    paths.published.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(paths.build_lock))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _describe_owner(paths.build_owner)
        if not wait:
            raise BuildFailed(
                f"another build of {paths.published} is running ({holder}); not started (--no-wait)"
            ) from None
        print(f"Another build of {paths.published} is running ({holder}); waiting for it to finish…",
              file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BuildFailed(
                f"another build of {paths.published} was still running after {timeout:g} s ({holder}); "
                "not started"
            ) from None
    try:
        paths.build_owner.write_text(json.dumps({"pid": os.getpid(), "started": time.time()}))
        yield
    finally:
        lock.release()


@contextmanager
def publish_lock(published_path: Path) -> Iterator[None]:
    """Serialise every swap onto ``published_path`` between processes (dbt builds, the replication step).

    A publisher that copies the published file, adds to it and swaps it back holds the lock from the copy
    to the swap, so no other build can land in between and be overwritten by the older copy. Readers never
    take it.
    """
    lock_path = Paths.for_published(published_path).publish_lock
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path)):
        yield


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # A build killed with SIGKILL must not leave dbt running on: it would hold the private file's lock.
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _given_official_dir(env: dict[str, str]) -> Path:
    """KZ_OFFICIAL_DIR as given (relative to the repository), else the empty official layer."""
    given = env.get("KZ_OFFICIAL_DIR")
    if not given:
        return EMPTY_OFFICIAL_DIR
    return Path(given) if Path(given).is_absolute() else REPO_ROOT / given


def _official_dir(env: dict[str, str]) -> str:
    """KZ_OFFICIAL_DIR as given, or the empty official layer when it names no folder of count files (an
    official set whose last download was removed, or no ingest yet)."""
    if official_set.tables(_given_official_dir(env)):
        return env["KZ_OFFICIAL_DIR"]
    return str(EMPTY_OFFICIAL_DIR)


def take_official_set(paths: Paths, build: PrivateBuild, env: dict[str, str] | None) -> dict[str, str]:
    """The official set as it is now, linked into the build's folder, and recorded beside the published file
    as the set this build reads (warehouse/official_set.py); returns the environment that points dbt at it.
    dbt is given the copy through the `current` link, so that its path, which dbt's parse depends on, is the
    same in every build."""
    given = _given_official_dir({**os.environ, **(env or {})})
    copy = build.folder / OFFICIAL_COPY
    name = official_set.take(given, copy, EMPTY_OFFICIAL_DIR)
    official_set.record(paths.official_state, name)
    taken = {"KZ_OFFICIAL_DIR": str(paths.current_build / OFFICIAL_COPY)}
    if official_set.population_tables(copy):
        taken["KZ_OFFICIAL_POPULATION_DIR"] = str(paths.current_build / OFFICIAL_COPY / official_set.POPULATION_FOLDER)
    else:
        taken["KZ_OFFICIAL_POPULATION_DIR"] = str(EMPTY_OFFICIAL_DIR / official_set.POPULATION_FOLDER)
    return {**(env or {}), **taken}


def point_current_build(paths: Paths, build: PrivateBuild) -> None:
    """Point ``paths.current_build`` at ``build``'s folder (one rename, under the build lock). Each build still
    writes only into its own folder."""
    link = paths.current_build
    staged = link.with_name(f".{link.name}.{os.getpid()}")
    staged.unlink(missing_ok=True)
    staged.symlink_to(build.folder, target_is_directory=True)
    os.replace(staged, link)


def run_dbt_build(
    build: PrivateBuild,
    dbt_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    project_dir: Path = DEFAULT_PROJECT_DIR,
) -> None:
    """Run `dbt build` of `project_dir` into the private build; raise BuildFailed if any model or test fails."""
    run_env = {**os.environ, **(env or {}), "KZ_BUILD_PATH": str(build.database), "DO_NOT_TRACK": "1"}
    # dim_build_settings records the version of the project that built the warehouse (pyproject.toml).
    run_env.setdefault("KZ_PROJECT_VERSION", project_version())
    run_env["KZ_OFFICIAL_DIR"] = _official_dir(run_env)
    # dbt in a process of its own that keeps only the artifacts read after it (warehouse/dbt_build.py);
    # KZ_DBT_EXECUTABLE names another `dbt build` (the publishing tests' stand-in, tests/stand_in_dbt.py).
    stand_in = run_env.get("KZ_DBT_EXECUTABLE")
    command = [
        *([stand_in, "build"] if stand_in else [sys.executable, "-m", "warehouse.dbt_build"]),
        "--project-dir", str(project_dir),
        "--profiles-dir", str(REPO_ROOT),
        "--target-path", str(build.target),
        "--log-path", str(build.logs),
        *dbt_args,
    ]
    # dbt is silent while it parses (a full parse takes 10-20 s): its output passes through, and a line says
    # what it is doing whenever it has printed nothing for 8 s (progress.QUIET_SECONDS).
    returncode = run_with_heartbeat(command, "build", cwd=REPO_ROOT, env=run_env, preexec_fn=_die_with_parent)
    if returncode != 0:
        # dbt says only «Got 1 result» for a failed data test: say what the test found.
        for line in failed_tests.describe(build.target, build.database):
            print(f"data test failed: {line}", file=sys.stderr, flush=True)
        raise BuildFailed(
            f"dbt build failed (exit code {returncode}); the published warehouse was not changed. "
            f"The failed build is kept for inspection at {build.folder} until the next build."
        )


def publish_semantic_manifest(build: PrivateBuild, project_dir: Path) -> None:
    """Copy the build's semantic manifest to ``<project_dir>/target/semantic_manifest.json``, where MetricFlow's
    `mf` looks for it when run in the dbt project (as its documentation shows), so that `mf` needs no parse of
    its own. The file names relations by the catalog (`kz_migration`), so it serves any published copy of a
    build of this project; replaced in one rename, so a running `mf` never reads half a file."""
    produced = build.target / "semantic_manifest.json"
    try:
        content = json.loads(produced.read_text())
    except (OSError, ValueError):  # a stand-in dbt (tests) writes none
        return
    if not content.get("semantic_models"):  # a project without a semantic layer (tests' one-model project)
        return
    destination = project_dir / "target" / "semantic_manifest.json"
    staged = destination.with_name(f".{destination.name}.{os.getpid()}")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, staged)
        os.replace(staged, destination)
    except OSError as error:
        staged.unlink(missing_ok=True)
        print(f"warning: the semantic manifest could not be written to {destination} ({error}); "
              "`make mf` parses the project instead", file=sys.stderr)


def expected_relations(target: Path) -> set[tuple[str, str]]:
    """(schema, name) of every model and seed dbt built, from this build's own results (dbt_build.RESULTS_FILE)."""
    results = dbt_build.read_results(target)
    if not results:
        raise BuildFailed(f"cannot read dbt's results in {target / dbt_build.RESULTS_FILE}") from None
    # Exposures and saved queries (lineage and the semantic layer) are "no-op" in a build; every model, seed,
    # snapshot and test must have passed.
    built_kinds = ("model.", "seed.", "snapshot.", "test.", "unit_test.")
    failed = [
        r["unique_id"] for r in results
        if r["status"] not in ("success", "pass", "warn")
        and not (r["status"] == "no-op" and not r["unique_id"].startswith(built_kinds))
    ]
    if failed:
        raise BuildFailed(f"dbt reported {len(failed)} node(s) not passed: {', '.join(sorted(failed)[:5])}")
    return {
        (result["schema"], result["alias"]) for result in results
        if result["resource_type"] in ("model", "seed") and result["materialized"] != "ephemeral"
    }


def verify_build(build: PrivateBuild, expected: set[tuple[str, str]]) -> None:
    """Refuse to publish a build file that lacks any relation dbt built (or holds none at all)."""
    if not build.database.is_file():
        raise BuildFailed(f"the build file {build.database} is missing; refusing to publish")
    if not expected:
        raise BuildFailed("dbt built no models or seeds; refusing to publish an empty warehouse")
    with duckdb.connect(str(build.database), read_only=True) as connection:
        present = set(connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "union all select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall())
    missing = sorted(expected - present)
    if missing:
        names = ", ".join(f"{schema}.{name}" for schema, name in missing[:5])
        raise BuildFailed(f"the build file lacks {len(missing)} relation(s) dbt built ({names}); not published")


def finalize_and_swap(build_path: Path, published_path: Path) -> None:
    """Checkpoint the build file so it is self-contained, then rename it over the published file."""
    if not Path(build_path).is_file():
        raise BuildFailed(f"the build file {build_path} is missing; refusing to publish")
    try:
        with duckdb.connect(str(build_path)) as connection:
            connection.execute("checkpoint")
    except duckdb.Error as error:  # a full disk shows here as DuckDB's IOException, not as an OSError
        raise BuildFailed(f"the build file could not be checkpointed ({error}); the published warehouse was not "
                          "changed") from None
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


def keep_as_last_build(build: PrivateBuild, build_root: Path) -> None:
    """Keep what dbt wrote for the build just published (its target folder, with each node's SQL and
    build_results.json, and logs/dbt.log) as ``<build root>/last``, replacing the one before; its database is
    the published file now. Called under the build lock: no other build of this warehouse moves these."""
    shutil.rmtree(build.folder / OFFICIAL_COPY, ignore_errors=True)
    (build.folder / _OWNER_FILE).unlink(missing_ok=True)
    last, replaced = build_root / LAST_BUILD, build_root / f".{LAST_BUILD}.{os.getpid()}"
    with suppress(FileNotFoundError):
        os.replace(last, replaced)
    os.replace(build.folder, last)
    shutil.rmtree(replaced, ignore_errors=True)


def build_and_publish(
    published_path: Path,
    dbt_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    wait: bool = True,
    wait_timeout: float = -1,
    project_dir: Path = DEFAULT_PROJECT_DIR,
) -> Path:
    """Build into a private folder and, only if everything passed, publish it at published_path.

    `project_dir` is the dbt project (tests pass a one-model project to exercise publishing quickly)."""
    paths = Paths.for_published(published_path)
    with build_lock(paths, wait=wait, timeout=wait_timeout):
        remove_abandoned_builds(paths.build_root)
        build = new_private_build(paths.build_root, paths.published.name)
        point_current_build(paths, build)
        try:
            build_env = take_official_set(paths, build, env)
            run_dbt_build(build, dbt_args, build_env, project_dir)
            print("==> [build] every node passed: checking the build file, then publishing it", flush=True)
            verify_build(build, expected_relations(build.target))
            with publish_lock(paths.published):
                finalize_and_swap(build.database, paths.published)
                publish_semantic_manifest(build, project_dir)
            keep_as_last_build(build, paths.build_root)
        finally:
            paths.current_build.unlink(missing_ok=True)
    return paths.published


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--published-path",
        type=Path,
        default=Path(os.environ.get("KZ_WAREHOUSE_PATH", DEFAULT_PUBLISHED_PATH)),
        help="where BI tools find the warehouse (default: $KZ_WAREHOUSE_PATH or warehouse/kz_migration.duckdb)",
    )
    parser.add_argument("--no-wait", action="store_true",
                        help="refuse to start while another build of the same warehouse runs, instead of waiting")
    parser.add_argument("--wait-timeout", type=float, default=-1,
                        help="seconds to wait for another build before giving up (default: no limit)")
    parser.add_argument("--project-dir", type=Path, default=DEFAULT_PROJECT_DIR,
                        help="the dbt project to build (default: dbt_project)")
    parser.add_argument("dbt_args", nargs="*", help="extra arguments for dbt build (after --)")
    args = parser.parse_args(argv)
    try:
        published = build_and_publish(
            args.published_path, args.dbt_args, wait=not args.no_wait, wait_timeout=args.wait_timeout,
            project_dir=args.project_dir,
        )
    except BuildFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: the build could not be written ({error}); the published warehouse was not changed",
              file=sys.stderr)
        return 1
    print(f"Published warehouse: {published}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
