"""Shared fixtures: paths, and a warehouse built once per test session into a temporary location."""

from __future__ import annotations

import os
import shutil
import traceback
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from warehouse.publish import LAST_BUILD, Paths, build_and_publish

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
BNS_SAMPLES_DIR = SHARED_DIR / "bns-samples"


def default_counts_dir() -> Path:
    return Path(os.environ.get("KZ_COUNTS_DIR", REPO_ROOT / "data" / "reference" / "tables")).resolve()


@dataclass(frozen=True)
class SessionBuild:
    """The session's warehouse and what dbt wrote while building it.

    ``target`` is that build's dbt target folder (build_results.json with each node's outcome, relation and a
    test's compiled SQL, written by warehouse/dbt_build.py; semantic_manifest.json), which the publisher keeps
    with dbt's log as the last published build (warehouse/.build/last): tests that need dbt's view of the
    project read it there instead of parsing the project again."""

    published: Path
    target: Path


def _session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this session sees: the basetemp, or with pytest-xdist the workers' common parent."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@pytest.fixture(scope="session")
def session_build(tmp_path_factory: pytest.TempPathFactory) -> SessionBuild:
    """The whole warehouse, built with the real dbt and published once into a temporary folder, by the real
    publisher. With pytest-xdist the first worker to need it builds it; the others wait for it and reuse it."""
    root = _session_root(tmp_path_factory)
    folder = root / "session_warehouse"
    published = folder / "kz_migration.duckdb"
    built = SessionBuild(published, Paths.for_published(published).build_root / LAST_BUILD / "target")
    done, failed = folder / "done", folder / "failed"
    with FileLock(str(root / "session_warehouse.lock")):
        if failed.exists():
            pytest.fail(f"the session's warehouse failed to build in another worker:\n{failed.read_text()}")
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                build_and_publish(published, env={"KZ_COUNTS_DIR": str(default_counts_dir()), "KZ_DBT_EXECUTABLE": ""})
            except BaseException:
                failed.write_text(traceback.format_exc())
                raise
            done.touch()
    return built


@pytest.fixture(scope="session")
def built_warehouse(session_build: SessionBuild) -> Path:
    """The whole warehouse, built and published once into a temporary folder."""
    return session_build.published


@pytest.fixture(scope="session")
def stand_in_dbt_executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .stand_in_dbt import write_executable

    return write_executable(tmp_path_factory.mktemp("stand_in_dbt"))


@pytest.fixture
def stand_in_dbt(stand_in_dbt_executable: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Builds started by this test (in this process or in a child) run tests/stand_in_dbt.py instead of dbt."""
    monkeypatch.setenv("KZ_DBT_EXECUTABLE", str(stand_in_dbt_executable))
    return stand_in_dbt_executable


# Longest files first. `make test` runs pytest-xdist with --dist loadfile --no-loadscope-reorder: each test file
# goes whole to the next free worker, in the order collected here. Left to itself xdist sends the files with the
# most tests first, so a file of a few slow tests (the forced-kernel reports, the build on the real samples)
# started last and one worker ran it alone at the end. The order is the time each file took in the last run
# (pytest's cache, .pytest_cache); a file never timed keeps its place after the timed ones. It changes the
# order only, never which tests run.
FILE_SECONDS_KEY = "kz_migration/file_seconds"
_file_seconds: defaultdict[str, float] = defaultdict(float)


def _test_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cache = getattr(config, "cache", None)
    seconds = cache.get(FILE_SECONDS_KEY, {}) if cache is not None else {}
    if not seconds:
        return
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(_test_file(item.nodeid), index)
    # Stable: the tests of one file keep their order.
    items.sort(key=lambda item: (-seconds.get(_test_file(item.nodeid), 0.0), first_seen[_test_file(item.nodeid)]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _file_seconds[_test_file(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    # The controller (or a run without xdist) records; with xdist it receives every worker's reports.
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _file_seconds:
        return
    seconds = cache.get(FILE_SECONDS_KEY, {})
    seconds.update({name: round(value, 2) for name, value in _file_seconds.items()})
    cache.set(FILE_SECONDS_KEY, seconds)
