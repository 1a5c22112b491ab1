"""The semantic layer of the session's published warehouse (read-only), as `mf` sees it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ..conftest import REPO_ROOT, SessionBuild

DBT_PROJECT = REPO_ROOT / "dbt_project"
SEMANTIC_DIR = DBT_PROJECT / "models" / "semantic"
BIN = Path(sys.executable).parent


def metric_names() -> list[str]:
    metrics: list[str] = []
    for path in sorted(SEMANTIC_DIR.glob("*.yml")):
        metrics += [metric["name"] for metric in (yaml.safe_load(path.read_text()) or {}).get("metrics", [])]
    return metrics


@dataclass(frozen=True)
class SemanticLayer:
    """Runs `mf` as an analyst would, on the `published` target (the warehouse attached read-only).

    `mf` reads `<current directory>/target/semantic_manifest.json`; ``root`` is a project root of its own
    (dbt_project.yml linked in, target/ private to this session) so that no stale or concurrent parse in
    dbt_project/target can be read instead.
    """

    env: dict[str, str]
    root: Path

    def start_query(self, csv_path: Path, *args: str) -> subprocess.Popen[str]:
        command = [str(BIN / "mf"), "query", *args, "--csv", str(csv_path), "--quiet"]
        return subprocess.Popen(command, cwd=self.root, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    @staticmethod
    def result(process: subprocess.Popen[str], csv_path: Path) -> pd.DataFrame:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"mf query failed:\n{output}"
        return pd.read_csv(csv_path)


@pytest.fixture(scope="session")
def semantic_layer(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """`mf` on the session's warehouse, with the semantic manifest dbt wrote while building it (the same file a
    `dbt parse` on the `published` target writes: the relations are named by the catalog, `kz_migration`, in
    both; not parsing again saves a full parse of the project)."""
    root = tmp_path_factory.mktemp("semantic_root")
    (root / "dbt_project.yml").symlink_to(DBT_PROJECT / "dbt_project.yml")
    (root / "target").mkdir()
    shutil.copyfile(session_build.target / "semantic_manifest.json", root / "target" / "semantic_manifest.json")
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_TARGET": "published",
        "KZ_WAREHOUSE_PATH": str(session_build.published),
    }
    return SemanticLayer(env, root)
