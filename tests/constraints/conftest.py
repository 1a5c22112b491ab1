"""Starts the `dbt compile` the constraint tests need as soon as collection ends, so that dbt's parse runs
beside the session's other tests instead of in front of these."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_started: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
PUBLISHED_NAME = "kz_migration.duckdb"  # the session fixture publishes under this name (tests/conftest.py)


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(item.nodeid.startswith("tests/constraints/") and "broken_rule" in item.nodeid for item in session.items):
        from .test_removed_tests_still_caught import start_compile

        scratch = Path(tempfile.mkdtemp(prefix="constraints_compile_"))
        _started["compile"] = (start_compile(PUBLISHED_NAME, scratch), scratch)


@pytest.fixture(scope="module")
def compile_started(built_warehouse: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    if "compile" not in _started or built_warehouse.name != PUBLISHED_NAME:
        from .test_removed_tests_still_caught import start_compile

        scratch = Path(tempfile.mkdtemp(prefix="constraints_compile_"))
        _started["compile"] = (start_compile(built_warehouse.name, scratch), scratch)
    yield _started["compile"]
