"""The canonical long format has two readers, Python's ingest and dbt's staging: one column list, checked equal.

Python's home is ``bns_ingest.cells.CANONICAL_COLUMN_TYPES``; dbt's is the macro ``canonical_column_types``
(a Jinja dict, which Python cannot import). This test reads the macro's text and compares names, order and types.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bns_ingest.cells import CANONICAL_CELL_KEY, CANONICAL_COLUMN_TYPES

MACRO = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "read_canonical_counts.sql"


def _macro_literal(name: str) -> object:
    """The literal a macro returns (``{{ return(...) }}``), read as Python (Jinja dicts and lists are the same)."""
    text = MACRO.read_text(encoding="utf-8")
    body = text.split(f"{{% macro {name}() %}}", 1)[1].split("{% endmacro %}", 1)[0]
    found = re.search(r"\{\{\s*return\((.*)\)\s*\}\}", body, flags=re.S)
    assert found, f"{MACRO.name}: macro {name} returns no literal"
    return ast.literal_eval(found.group(1))


def test_dbt_reads_the_columns_the_ingest_writes_with_the_same_types():
    assert _macro_literal("canonical_column_types") == CANONICAL_COLUMN_TYPES
    assert list(_macro_literal("canonical_column_types")) == list(CANONICAL_COLUMN_TYPES)  # and in file order


def test_dbt_and_the_ingest_identify_a_cell_by_the_same_columns():
    assert _macro_literal("canonical_cell_key") == list(CANONICAL_CELL_KEY)
