"""Every repository path and file that README.md and docs/*.md name exists.

Checked: markdown links to files (anchors dropped) and backticked spans that look like a path
(``python/analysis/report/page.py``, ``dbt_project/models/marts/``) or a file name (``CITATION.cff``). A link
is looked up from the document's folder, a backticked path from the repository root, ``dbt_project/`` or
``python/``; a bare file name must be the name of some file in the repository. What the build writes (the
warehouse, the report, the official set, the exports) does not exist in a clean checkout and is skipped by
its leading folder or name (GENERATED_*). Runs in well under a second, with no warehouse: run it alone after
moving modules (``.venv/bin/python -m pytest tests/test_doc_paths.py -q -p no:xdist``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]

# Written by the build, an ingest or a run, never committed: a path under these is not looked up.
GENERATED_PREFIXES = (
    "warehouse/",
    "report/",
    "data/official/",
    ".venv/",
    "dbt_project/target",
    "dbt_project/logs",
    "target/",
    "../shared/",
)
# Files the build writes beside the report or the export, named without their folder.
GENERATED_NAMES = {
    "index.html",
    "replication.csv",
    "contradictions.csv",
    "data_dictionary.csv",
    "marts.csv",
    "kz_migration.duckdb",
    "semantic_manifest.json",
    "manifest.json",
    "run_results.json",
    "build_results.json",  # written by python/warehouse/dbt_build.py into a build's target folder
    "catalog.json",
    "static_index.html",
    "population_by_region.csv",  # an ingested population workbook's table, under data/official/tables/population
    ".tables.lock",  # the ingest's lock beside data/official/tables
}
# Named in the docs but not files of this repository, each for its reason.
NOT_IN_THE_REPOSITORY = {
    "_rels/.rels": "a part inside every .xlsx package",
    "taldau_index_2929753_departures.json": "an example of a download's name, as the user saves it",
}
FILE_SUFFIXES = (
    ".py", ".sql", ".md", ".csv", ".yml", ".yaml", ".toml", ".cff", ".json", ".lock", ".in", ".txt", ".xlsx",
)
TOP_LEVEL_FILES = {"Makefile", "LICENSE"}

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_CODE = re.compile(r"`([^`\n]+)`")
# A span with spaces, placeholders, globs, options or SQL/shell syntax is a command or pattern, not a path.
_NOT_A_PATH = re.compile(r"[\s<>*{}…$=:;,'\"()|\[\]?]|^-|^\.\.\.|\.\.\.$")


def _repo_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    files = {line for line in listed.splitlines() if line}
    # Files added in the working tree but not yet committed count too (a doc and its file land together).
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"], cwd=REPO_ROOT, capture_output=True, text=True,
        check=True,
    ).stdout
    return files | {line for line in untracked.splitlines() if line}


def _looks_like_path(span: str) -> bool:
    if _NOT_A_PATH.search(span) or span.startswith(("http", "//")) or "://" in span:
        return False
    if span in TOP_LEVEL_FILES:
        return True
    if "/" in span:
        # a dotted module (analysis.report) or a fraction (1/3) has no path segment with a letter then a slash
        if any(part.endswith("_") for part in span.split("/")):
            return False  # a list of prefixes (`cis_/other_country_`), not a path
        return bool(re.match(r"^\.{0,2}/?[A-Za-z_.][\w.\-]*/", span)) or span.endswith(FILE_SUFFIXES)
    return span.endswith(FILE_SUFFIXES) and re.match(r"^[\w.\-]+$", span) is not None


def _is_generated(path: str) -> bool:
    if path in NOT_IN_THE_REPOSITORY:
        return True
    clean = path.removeprefix("./")
    return clean.startswith(GENERATED_PREFIXES) or Path(clean).name in GENERATED_NAMES


def _exists(path: str, doc: Path, files: set[str], folders: set[str], link: bool) -> bool:
    path = path.split("#", 1)[0].rstrip("/")
    if not path:
        return True
    # A link resolves from its document (as a browser does); a backticked path from the repository root, or,
    # as the docs write dbt and Python paths, from dbt_project/ (`models/…`) or python/ (`analysis/…`).
    bases = [doc.parent] if link else [REPO_ROOT, REPO_ROOT / "dbt_project", REPO_ROOT / "python"]
    for base in bases:
        resolved = (base / path).resolve()
        try:
            relative = resolved.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            continue
        if relative in files or relative in folders:
            return True
    # A bare file name: some file in the repository has that name.
    return "/" not in path and any(name.rsplit("/", 1)[-1] == path for name in files)


def missing_paths(doc: Path, files: set[str], text: str | None = None) -> list[str]:
    """``doc:line: `path``` for every path the document (or ``text``, as if it were the document) names that
    does not exist."""
    folders = {str(Path(name).parent.as_posix()) for name in files}
    folders |= {parent.as_posix() for name in files for parent in Path(name).parents}
    found = []
    in_fence = False
    for number, line in enumerate((doc.read_text(encoding="utf-8") if text is None else text).splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue  # code blocks are commands and queries, checked by the tests that run them
        for target in _LINK.findall(line):
            if target.startswith(("http://", "https://", "mailto:", "#")) or _is_generated(target):
                continue
            if not _exists(target, doc, files, folders, link=True):
                found.append(f"{doc.relative_to(REPO_ROOT)}:{number}: link ({target}) names a path that does not exist")
        for span in _CODE.findall(_LINK.sub("", line)):
            if not _looks_like_path(span) or _is_generated(span):
                continue
            if not _exists(span, doc, files, folders, link=False):
                found.append(f"{doc.relative_to(REPO_ROOT)}:{number}: `{span}` names a path that does not exist")
    return found


@pytest.fixture(scope="module")
def files() -> set[str]:
    return _repo_files()


@pytest.mark.parametrize("doc", DOCS, ids=[d.relative_to(REPO_ROOT).as_posix() for d in DOCS])
def test_every_path_a_doc_names_exists(doc: Path, files: set[str]) -> None:
    missing = missing_paths(doc, files)
    assert not missing, "paths named in the docs that do not exist:\n" + "\n".join(missing)


def test_the_check_names_each_missing_path_with_its_line(files: set[str]) -> None:
    text = (
        "The contract: `CONTRACTS.md` and `python/analysis/report/page.py`.\n"
        "```sh\ncat `not/checked.py`\n```\n"
        "See [marts](marts.md#semantic-layer-metricflow), [gone](gone.md#a), `report/index.html`, `fct_x`,\n"
        "`analysis.report`, [the README](../README.md) and `tests/analysis/test_sdid.py`.\n"
    )
    found = missing_paths(REPO_ROOT / "docs" / "x.md", files, text)
    assert found == [
        "docs/x.md:1: `CONTRACTS.md` names a path that does not exist",
        "docs/x.md:5: link (gone.md#a) names a path that does not exist",
        "docs/x.md:6: `tests/analysis/test_sdid.py` names a path that does not exist",
    ]
