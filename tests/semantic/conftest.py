"""The semantic layer of the session's published warehouse (read-only), as `mf` sees it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from ..conftest import REPO_ROOT, SessionBuild
from ..yaml_files import load_yaml

DBT_PROJECT = REPO_ROOT / "dbt_project"
SEMANTIC_DIR = DBT_PROJECT / "models" / "semantic"
BIN = Path(sys.executable).parent
MF_BATCH = Path(__file__).with_name("mf_batch.py")


def semantic_yaml() -> dict[str, list[dict]]:
    """metrics / saved_queries / semantic_models of every YAML file of the semantic layer."""
    found: dict[str, list[dict]] = {"metrics": [], "saved_queries": [], "semantic_models": []}
    for path in sorted(SEMANTIC_DIR.glob("*.yml")):
        content = load_yaml(path) or {}
        for key, items in found.items():
            items += content.get(key, [])
    return found


def metric_names() -> list[str]:
    return [metric["name"] for metric in semantic_yaml()["metrics"]]


@dataclass(frozen=True)
class SemanticLayer:
    """Runs `mf` as an analyst would, on the readers' profile (dbt_project/profiles.yml: the warehouse attached
    read-only).

    `mf` reads `<current directory>/target/semantic_manifest.json`; ``root`` is a project root of its own
    (dbt_project.yml and the readers' profile linked in, target/ private to this session) so that no stale or
    concurrent parse in dbt_project/target can be read instead.
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

    def batch(self, queries: dict[str, dict], folder: Path) -> dict[str, pd.DataFrame]:
        """Many queries through MetricFlow's engine in one process (tests/semantic/mf_batch.py); every column
        read as text, so that codes keep their leading zeros."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "queries.json").write_text(json.dumps(queries))
        completed = subprocess.run([sys.executable, str(MF_BATCH), str(folder / "queries.json"), str(folder)],
                                   cwd=self.root, env=self.env, text=True, capture_output=True, timeout=900)
        assert completed.returncode == 0, f"MetricFlow failed:\n{completed.stdout}\n{completed.stderr}"
        return {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
                for name in queries}


@pytest.fixture(scope="session")
def semantic_layer(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    """`mf` on the session's warehouse, with the semantic manifest dbt wrote while building it (the file the
    publisher leaves in dbt_project/target for `mf`: the relations are named by the catalog, `kz_migration`, so
    it serves the session's copy as well; not parsing again saves a full parse of the project)."""
    root = tmp_path_factory.mktemp("semantic_root")
    (root / "dbt_project.yml").symlink_to(DBT_PROJECT / "dbt_project.yml")
    (root / "profiles.yml").symlink_to(DBT_PROJECT / "profiles.yml")
    (root / "target").mkdir()
    shutil.copyfile(session_build.target / "semantic_manifest.json", root / "target" / "semantic_manifest.json")
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(root),
        "KZ_WAREHOUSE_PATH": str(session_build.published),
    }
    env.pop("DBT_TARGET", None)
    return SemanticLayer(env, root)
