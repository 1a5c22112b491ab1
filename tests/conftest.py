"""Shared fixtures: paths, and a warehouse built once per test session into a temporary location."""

from __future__ import annotations

import os
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from warehouse import publish
from warehouse.publish import build_and_publish

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
BNS_SAMPLES_DIR = SHARED_DIR / "bns-samples"


def default_counts_dir() -> Path:
    return Path(os.environ.get("KZ_COUNTS_DIR", REPO_ROOT / "data" / "reference" / "tables")).resolve()


@dataclass(frozen=True)
class SessionBuild:
    """The session's warehouse and what dbt wrote while building it.

    ``target`` is a copy of that build's dbt target folder (manifest.json with every node's compiled SQL,
    run_results.json, semantic_manifest.json), taken before the publisher removed its private folder: tests that
    need dbt's view of the project read it there instead of parsing the project again."""

    published: Path
    target: Path


def _session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this session sees: the basetemp, or with pytest-xdist the workers' common parent."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def _build_keeping_target(published: Path, target_copy: Path) -> None:
    real_run = publish.run_dbt_build

    def run_and_keep_target(build, *args, **kwargs):  # type: ignore[no-untyped-def]
        real_run(build, *args, **kwargs)
        shutil.copytree(build.target, target_copy, ignore=shutil.ignore_patterns("compiled", "run"))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publish, "run_dbt_build", run_and_keep_target)
        build_and_publish(published, env={"KZ_COUNTS_DIR": str(default_counts_dir()), "KZ_DBT_EXECUTABLE": ""})


@pytest.fixture(scope="session")
def session_build(tmp_path_factory: pytest.TempPathFactory) -> SessionBuild:
    """The whole warehouse, built with the real dbt and published once into a temporary folder, by the real
    publisher. With pytest-xdist the first worker to need it builds it; the others wait for it and reuse it."""
    root = _session_root(tmp_path_factory)
    folder = root / "session_warehouse"
    built = SessionBuild(folder / "kz_migration.duckdb", folder / "dbt_target")
    done, failed = folder / "done", folder / "failed"
    with FileLock(str(root / "session_warehouse.lock")):
        if failed.exists():
            pytest.fail(f"the session's warehouse failed to build in another worker:\n{failed.read_text()}")
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                _build_keeping_target(built.published, built.target)
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
