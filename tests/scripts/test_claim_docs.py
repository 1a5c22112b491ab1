"""docs/marts.md shows the claims' SQL as the dbt models define it, and every defined claim is listed."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "claim_docs.py"
spec = importlib.util.spec_from_file_location("claim_docs", SCRIPT)
assert spec and spec.loader
claim_docs = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = claim_docs
spec.loader.exec_module(claim_docs)

from claim_docs import (  # noqa: E402
    BEGIN,
    DOCS,
    END,
    MODELS_DIR,
    TOPICS,
    is_current,
    main,
    render,
    replace_section,
    warehouse_sql,
)


def test_the_docs_show_the_models_as_they_are():
    assert main(["--check"]) == 0


def test_the_check_fails_when_a_model_changes():
    stale = replace_section(DOCS.read_text(encoding="utf-8"), render().replace("c01 as (", "c01_old as ("))
    assert not is_current(stale)
    assert is_current(replace_section(stale, render()))


def test_every_model_is_shown_whole_with_warehouse_names():
    section = DOCS.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0]
    for topic in TOPICS:
        sql = warehouse_sql(f"int_claim_values__{topic}")
        assert sql in section
        assert "{{" not in sql and "ref(" not in sql
        defined = re.findall(r"^c(\d\d) as \($", (MODELS_DIR / f"int_claim_values__{topic}.sql").read_text(), re.M)
        for number in defined:
            assert f"| C{number} |" in section
    assert "from fct_country_flows" in section and "from intermediate.int_claim_did_panel" in section
