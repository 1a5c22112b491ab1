"""scripts/lint_sql.py skips a model only when neither its text nor anything else that can change a finding changed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("lint_sql", REPO_ROOT / "scripts" / "lint_sql.py")
assert _spec and _spec.loader
lint_sql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lint_sql)


def _project(root: Path) -> tuple[Path, Path, list[Path]]:
    project = root / "dbt_project"
    (project / "models" / "marts").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "target").mkdir()
    (project / "dbt_project.yml").write_text("name: p\n")
    (project / "macros" / "m.sql").write_text("{% macro m() %}1{% endmacro %}\n")
    (project / "models" / "marts" / "a.sql").write_text("select 1 as a\n")
    (project / "models" / "marts" / "b.sql").write_text("select 2 as b\n")
    (project / "models" / "marts" / "_marts.yml").write_text("models: []\n")
    config = root / ".sqlfluff"
    config.write_text("[sqlfluff]\ndialect = duckdb\n")
    return project, project / "models", [config]


def _key(project: Path, config: list[Path], env: dict[str, str] | None = None) -> str:
    return lint_sql.settings_key(project / "models", env or {"KZ_COUNTS_DIR": "data/x"}, project, config)


def test_only_the_changed_model_is_linted_again(tmp_path: Path) -> None:
    project, models, config = _project(tmp_path)
    key = _key(project, config)
    pending, hashes = lint_sql.models_to_lint(models, key, {}, tmp_path)
    assert [p.name for p in pending] == ["a.sql", "b.sql"]  # nothing recorded: everything
    record = {"key": key, "passed": hashes}
    assert lint_sql.models_to_lint(models, key, record, tmp_path)[0] == []

    (models / "marts" / "b.sql").write_text("select 3 as b\n")
    assert _key(project, config) == key, "a model's text is keyed on its own"
    assert [p.name for p in lint_sql.models_to_lint(models, key, record, tmp_path)[0]] == ["b.sql"]


def test_every_other_input_changes_the_key(tmp_path: Path) -> None:
    project, models, config = _project(tmp_path)
    key = _key(project, config)
    (project / "target" / "manifest.json").write_text("{}")
    assert _key(project, config) == key, "dbt's output folders are not inputs"
    changes = [
        lambda: (project / "macros" / "m.sql").write_text("{% macro m() %}2{% endmacro %}\n"),
        lambda: (models / "marts" / "_marts.yml").write_text("models: [{name: a}]\n"),
        lambda: (models / "marts" / "c.sql").write_text("select 1 as c\n"),  # a new model (a ref may name it)
        lambda: config[0].write_text("[sqlfluff]\ndialect = duckdb\nmax_line_length = 80\n"),
    ]
    seen = {key}
    for change in changes:
        change()
        seen.add(_key(project, config))
    assert len(seen) == len(changes) + 1
    assert _key(project, config, {"KZ_COUNTS_DIR": "data/y"}) not in seen, "templated environment variables"
    assert _key(project, config, {"KZ_COUNTS_DIR": "data/x", "KZ_BUILD_PATH": "/tmp/a"}) == \
        _key(project, config, {"KZ_COUNTS_DIR": "data/x", "KZ_BUILD_PATH": "/tmp/b"}), "the private build path"
    # What passed under another key counts for nothing.
    _, hashes = lint_sql.models_to_lint(models, key, {}, tmp_path)
    pending, _ = lint_sql.models_to_lint(models, "another key", {"key": key, "passed": hashes}, tmp_path)
    assert len(pending) == len(hashes) == 3
