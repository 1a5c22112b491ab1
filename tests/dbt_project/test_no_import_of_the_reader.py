"""The warehouse never imports its reader: no dbt Python model, and nothing they import, imports ``analysis``.

``analysis`` reads the published marts; if a model imported it, the build would depend on the code that reads
what the build writes. The packages the models may import (``claims``, ``estimators``) are checked whole.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "dbt_project" / "models"
PYTHON = REPO / "python"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports by absolute name (``from a.b import c`` gives ``a.b`` and ``a.b.c``),
    including imports inside functions."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def module_file(name: str) -> Path | None:
    """The project's file of a module name (a package's ``__init__.py``), or None for anything else."""
    base = PYTHON.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def reachable_modules(start: set[str]) -> set[str]:
    """The project's modules that importing ``start`` runs: each one, its parent packages, what they import."""
    seen: set[str] = set()
    todo = set(start)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            module = ".".join(parts[:depth])
            path = module_file(module)
            if module in seen or path is None:
                continue
            seen.add(module)
            todo |= imported_modules(path) - seen
    return seen


MODEL_FILES = sorted(MODELS.rglob("*.py"))


def test_there_are_python_models_to_check():
    assert MODEL_FILES, f"no dbt Python model under {MODELS}"


@pytest.mark.parametrize("model", MODEL_FILES, ids=lambda path: path.name)
def test_no_python_model_imports_the_analysis(model: Path):
    reachable = reachable_modules(imported_modules(model))
    readers = sorted(name for name in reachable if name.split(".")[0] == "analysis")
    assert not readers, f"{model.relative_to(REPO)} runs {readers} on import: the warehouse would import its reader"


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path):
    model = tmp_path / "model.py"
    model.write_text("def model(dbt, session):\n    from analysis.marts import load_marts\n    return None\n")
    assert "analysis.marts.load_marts" in imported_modules(model)


def test_the_check_follows_imports_through_other_modules():
    # The report imports the analysis' design through its own package; an estimator imports only estimators.
    assert "analysis.design" in reachable_modules({"analysis.report.content"})
    assert "estimators.ols" in reachable_modules({"estimators.did"})
    assert not any(name.startswith("analysis") for name in reachable_modules({"estimators.did"}))
