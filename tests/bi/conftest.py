"""What the dbt YAML promises a BI tool: every published relation, its description and its columns' descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..conftest import REPO_ROOT
from ..yaml_files import load_yaml

MODELS_DIR = REPO_ROOT / "dbt_project" / "models"
# Layers whose relations a BI tool is meant to read: the marts (schema main) and the semantic layer's time spine.
PUBLISHED_LAYERS = {"marts": "main", "semantic": "semantic"}


@dataclass(frozen=True)
class DocumentedRelation:
    schema: str
    name: str
    description: str
    columns: dict[str, str]
    primary_key: tuple[str, ...] = field(default=())


def documented_relations() -> dict[tuple[str, str], DocumentedRelation]:
    """(schema, name) -> the model's description, column descriptions and declared primary key, from the YAML."""
    relations = {}
    for layer, schema in PUBLISHED_LAYERS.items():
        for path in sorted((MODELS_DIR / layer).rglob("*.yml")):
            for model in (load_yaml(path) or {}).get("models", []):
                columns = {column["name"]: column.get("description", "") for column in model.get("columns", [])}
                key = tuple(
                    column["name"] for column in model.get("columns", [])
                    if any(c.get("type") == "primary_key" for c in column.get("constraints", []))
                )
                for constraint in model.get("constraints", []):
                    if constraint.get("type") == "primary_key":
                        key = tuple(constraint["columns"])
                # A model may leave its layer's schema (e.g. intermediate steps kept beside the mart they feed).
                model_schema = (model.get("config") or {}).get("schema", schema)
                relations[(model_schema, model["name"])] = DocumentedRelation(
                    model_schema, model["name"], model.get("description", ""), columns, key
                )
    return relations
