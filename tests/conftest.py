"""Shared fixtures: paths, and a warehouse built once per test session into a temporary location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warehouse.publish import build_and_publish

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
BNS_SAMPLES_DIR = SHARED_DIR / "bns-samples"


def default_counts_dir() -> Path:
    return Path(os.environ.get("KZ_COUNTS_DIR", REPO_ROOT / "data" / "reference" / "tables")).resolve()


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole warehouse, built and published once into a temporary folder."""
    published = tmp_path_factory.mktemp("warehouse") / "kz_migration.duckdb"
    return build_and_publish(
        published,
        env={"KZ_COUNTS_DIR": str(default_counts_dir())},
    )
