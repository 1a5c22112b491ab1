"""docs/marts.md links each claim to the lines of the dbt model that define it, and every defined claim is listed."""

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

from claim_docs import BEGIN, DOCS, END, MODELS_DIR, TOPICS, is_current, main, render, replace_section  # noqa: E402

REPO_ROOT = DOCS.parents[1]
# `[…](../path/model.sql#L12-L20)` in a table row that starts with the claim's id.
_LINKED = re.compile(r"^\| (C\d\d) \|.*\]\(\.\./([^)#]+\.sql)#L(\d+)-L(\d+)\) \|$", flags=re.M)


def _section() -> str:
    return DOCS.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0]


def test_the_docs_link_the_models_as_they_are():
    assert main(["--check"]) == 0


def test_the_check_fails_when_a_model_changes():
    stale = replace_section(DOCS.read_text(encoding="utf-8"), render().replace("| C01 |", "| C01 (old) |"))
    assert not is_current(stale)
    assert is_current(replace_section(stale, render()))


def test_every_defined_claim_links_exactly_its_cte():
    linked = {claim: (path, int(first), int(last)) for claim, path, first, last in _LINKED.findall(_section())}
    defined = set()
    for topic in TOPICS:
        text = (MODELS_DIR / f"int_claim_values__{topic}.sql").read_text(encoding="utf-8")
        defined |= {f"C{number}" for number in re.findall(r"^c(\d\d) as \($", text, flags=re.M)}
    assert set(linked) == defined
    for claim, (path, first, last) in linked.items():
        lines = (REPO_ROOT / path).read_text(encoding="utf-8").splitlines()[first - 1 : last]
        # The linked lines are the claim's comment and CTE, whole: `cNN as (` … `)`, and no other claim's.
        starts = [line for line in lines if re.match(r"^c\d\d as \($", line)]
        assert starts == [f"{claim.lower()} as ("], (claim, path, first, last)
        assert lines[-1].startswith(")") and all(line.startswith("--") for line in lines[: lines.index(starts[0])])


def test_the_docs_copy_no_sql():
    assert "```sql" not in _section() and "select\n" not in _section()
