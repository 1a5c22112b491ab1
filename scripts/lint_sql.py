"""sqlfluff on the dbt models (`make lint-sql`), skipping the models that passed unchanged under unchanged settings.

sqlfluff spends about a second per model parsing and checking it (about 45 CPU-seconds for the project), and
keeps no memory between runs. This records, after a run with zero findings, the hash of each model it passed,
under one key for everything else that can change a finding: every other file of the dbt project (macros, YAML,
dbt_project.yml, the list of model files), .sqlfluff, profiles.yml, the installed sqlfluff, templater and dbt
versions, and the environment variables the templater reads. The next run lints only the models whose hash
is not recorded under the current key (all of them whenever the key changes), as ruff and mypy do with their
caches. `--no-cache` lints every model.

The dbt templater parses the project in a target folder kept beside the record, so dbt's partial parsing
saves most of that parse too; the build database the templater opens is a private file there (never a
published warehouse). Both live under the virtual environment (`.venv/.cache/lint-sql`): a new environment,
with possibly other tool versions, starts with no record.

    python scripts/lint_sql.py dbt_project/models [--no-cache] [-- extra sqlfluff arguments]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from filelock import FileLock

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO_ROOT / "dbt_project"
DEFAULT_CACHE = Path(sys.prefix) / ".cache" / "lint-sql"
TOOLS = ("sqlfluff", "sqlfluff-templater-dbt", "dbt-core", "dbt-duckdb", "duckdb")
# dbt's own output folders, and the vendored packages (loaded only where KZ_EVALUATE=1, never by the lint's
# templater): nothing in them is an input of the lint.
SKIPPED_DIRS = {"target", "logs", "dbt_packages", "vendor", "__pycache__"}
BUILD_NAME = "lint.duckdb"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def project_files(project: Path) -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(project):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        files += [Path(folder) / name for name in sorted(names)]
    return files


def model_files(models: Path) -> list[Path]:
    return sorted(models.rglob("*.sql"))


def settings_key(models: Path, environment: Mapping[str, str], project: Path = DBT_PROJECT,
                 config_files: Iterable[Path] = (REPO_ROOT / ".sqlfluff", REPO_ROOT / "profiles.yml")) -> str:
    """One hash of everything but the models' own text that can change what sqlfluff reports on a model."""
    digest = hashlib.sha256()
    models_set = {path.resolve() for path in model_files(models)}
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        # A model's text is keyed on its own; its name is part of this key (refs between models).
        content = b"" if path.resolve() in models_set else path.read_bytes()
        digest.update(f"{relative}\0{_sha256(content)}\n".encode())
    for path in config_files:
        digest.update(f"{path.name}\0{_sha256(path.read_bytes()) if path.exists() else '-'}\n".encode())
    for tool in TOOLS:
        try:
            version = metadata.version(tool)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{tool}=={version}\n".encode())
    for name in sorted(environment):
        if name.startswith(("KZ_", "DBT_")) and name not in ("KZ_BUILD_PATH", "DBT_TARGET_PATH", "DBT_LOG_PATH"):
            digest.update(f"{name}={environment[name]}\n".encode())
    return digest.hexdigest()


def models_to_lint(
    models: Path, key: str, record: Mapping[str, object], root: Path = REPO_ROOT
) -> tuple[list[Path], dict[str, str]]:
    """The models whose current text has not passed under `key`, and the hash of every model (by path from root)."""
    hashes = {path.relative_to(root).as_posix(): _sha256(path.read_bytes()) for path in model_files(models)}
    passed = record.get("passed", {}) if record.get("key") == key else {}
    assert isinstance(passed, dict)
    pending = [root / name for name, digest in hashes.items() if passed.get(name) != digest]
    return pending, hashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=Path)
    parser.add_argument("--no-cache", action="store_true", help="lint every model, whatever passed before")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("sqlfluff_args", nargs="*", help="extra arguments for sqlfluff lint (after --)")
    args = parser.parse_args(argv)
    models = args.models.resolve()
    cache = args.cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    record_path = cache / "passed.json"
    env = {**os.environ, "KZ_BUILD_PATH": str(cache / "build" / BUILD_NAME),
           "DBT_TARGET_PATH": str(cache / "target"), "DBT_LOG_PATH": str(cache / "logs")}
    (cache / "build").mkdir(exist_ok=True)
    # One lint at a time per environment: they share the templater's target folder and build file.
    with FileLock(str(cache / "lint.lock")):
        key = settings_key(models, os.environ)
        try:
            record = {} if args.no_cache else json.loads(record_path.read_text())
        except (OSError, ValueError):
            record = {}
        pending, hashes = models_to_lint(models, key, record)
        if not pending:
            print(f"sqlfluff: all {len(hashes)} models passed unchanged, under unchanged settings, in an earlier "
                  f"run (record: {record_path}; --no-cache to lint them again)")
            return 0
        print(f"sqlfluff: linting {len(pending)} of {len(hashes)} models "
              f"({len(hashes) - len(pending)} passed unchanged before)", flush=True)
        command = [str(Path(sys.executable).with_name("sqlfluff")), "lint", *args.sqlfluff_args,
                   *(str(path.relative_to(REPO_ROOT)) for path in pending)]
        completed = subprocess.run(command, cwd=REPO_ROOT, env=env, check=False)
        if completed.returncode != 0:
            return completed.returncode
        passed = dict(record.get("passed", {})) if record.get("key") == key else {}
        passed.update({name: hashes[name] for name in (p.relative_to(REPO_ROOT).as_posix() for p in pending)})
        record_path.write_text(json.dumps({"key": key, "passed": passed}, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
