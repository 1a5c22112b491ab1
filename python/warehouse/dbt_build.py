"""`dbt build` run in this process, keeping only the artifacts the publisher and `mf` read.

dbt writes `manifest.json` (2.5 MB here) and `semantic_manifest.json` once after its parse and again at the end,
`run_results.json` (0.5 MB), `graph.gpickle` and every node's compiled SQL: about 2 s of a 12 s build on this
machine, for files nobody reads in a private build folder that the next build deletes (bench/README.md). Here
dbt parses (`dbt parse`, reusing the last parse as usual) and builds from that manifest in one process with
`--no-write-json`, and this module writes what is read afterwards:

* ``build_results.json``: per node its unique_id, kind, status, message, failures, relation (schema, alias,
  materialization), the node a test is attached to and a test's compiled SQL. The publisher checks the build
  with it (`warehouse.publish.expected_relations`) and says what a failed test found (`warehouse.failed_tests`);
* ``semantic_manifest.json``, for MetricFlow's `mf` (the publisher leaves it where `mf` looks).

KZ_DBT_FULL_ARTIFACTS=1 lets dbt write all of its own artifacts as well (for a reader of them).

Each build (the publisher's, a test's) goes into a private folder of its own, so dbt would find no earlier parse
there and parse the whole project again (3.5 s against 0.8 s here, bench/README.md). Its last parse is kept per
project and settings in the virtual environment (``<venv>/.cache/dbt-parse``, ``parse_slot``) and copied into
the build's target folder first; dbt then decides, as always, what it must parse again (a changed file, vars,
profile or dbt version: everything). The parse is given a build path in that slot instead of the build's own:
the path is part of dbt's profile check but of nothing a model sees, and the file name (the catalog's name) is
the build's. KZ_DBT_PARSE_CACHE=0 turns this off.

    python -m warehouse.dbt_build [run|seed|test|build] [dbt arguments]   (build when no command is given)

Exit codes as dbt's: 0 every node passed, 1 a node failed, 2 dbt could not run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

RESULTS_FILE = "build_results.json"


def _option_arity(command: Any) -> dict[str, bool]:
    """Option string -> whether it takes a value, for one of dbt's click commands."""
    arity = {}
    for param in command.params:
        takes_value = not getattr(param, "is_flag", False) and getattr(param, "nargs", 1) != 0
        for option in (*param.opts, *param.secondary_opts):
            arity[option] = takes_value
    return arity


def parse_arguments(build_args: Sequence[str]) -> list[str]:
    """The part of a `dbt build` command line that `dbt parse` accepts (project, profile, target, vars, paths):
    the parse must see the same project and vars as the build it is for."""
    from dbt.cli.main import cli

    parse_options = _option_arity(cli.commands["parse"])
    build_options = _option_arity(cli.commands["build"])
    kept: list[str] = []
    arguments = list(build_args)
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        option, has_inline_value = argument.split("=", 1)[0], "=" in argument
        takes_value = build_options.get(option, parse_options.get(option, False)) and not has_inline_value
        span = arguments[index : index + (2 if takes_value else 1)]
        if option in parse_options:
            kept += span
        index += len(span)
    return kept


def _option_value(arguments: Sequence[str], option: str) -> str | None:
    """The value given to `option` (``--option value`` or ``--option=value``), the last one if repeated."""
    found = None
    for index, argument in enumerate(arguments):
        if argument == option and index + 1 < len(arguments):
            found = arguments[index + 1]
        elif argument.startswith(option + "="):
            found = argument.split("=", 1)[1]
    return found


def _project_dir(arguments: Sequence[str]) -> Path:
    return Path(_option_value(arguments, "--project-dir") or os.environ.get("DBT_PROJECT_DIR", "."))


def _target_path(build_args: Sequence[str]) -> Path:
    """Where dbt writes: --target-path (or DBT_TARGET_PATH, else "target") under the project folder, as dbt
    resolves it (an absolute path stays as it is)."""
    arguments = list(build_args)
    given = _option_value(arguments, "--target-path") or os.environ.get("DBT_TARGET_PATH", "target")
    return _project_dir(arguments) / given


PARTIAL_PARSE = "partial_parse.msgpack"


def _without_paths(arguments: Sequence[str]) -> list[str]:
    """Arguments without --target-path/--log-path and their values: where a build writes, not what it parses."""
    kept: list[str] = []
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in ("--target-path", "--log-path"):
            skip = True
        elif not argument.startswith(("--target-path=", "--log-path=")):
            kept.append(argument)
    return kept


def parse_slot(parse_args: Sequence[str], cache: Path | None = None) -> Path | None:
    """The folder that keeps the last parse of this project with these settings (None: no cache).

    One slot per project folder, parse arguments (vars, profile, target), profiles folder, KZ_EVALUATE (which
    packages load) and database file name, so that builds of other settings do not take each other's parse."""
    if cache is None:
        setting = os.environ.get("KZ_DBT_PARSE_CACHE", "")
        if setting == "0" or (not setting and sys.prefix == sys.base_prefix):
            return None  # off, or no virtual environment to keep it in
        cache = Path(setting) if setting else Path(sys.prefix) / ".cache" / "dbt-parse"
    arguments = _without_paths(parse_args)
    key = json.dumps([
        str(_project_dir(arguments).resolve()), arguments, os.environ.get("DBT_PROFILES_DIR", ""),
        os.environ.get("KZ_EVALUATE", ""), Path(os.environ.get("KZ_BUILD_PATH", "")).name,
    ])
    return cache / hashlib.sha256(key.encode()).hexdigest()[:16]


@contextmanager
def _cached_parse(slot: Path | None, target: Path) -> Iterator[None]:
    """Start the parse from the slot's last parse, with the slot's build path; keep the new parse in the slot."""
    if slot is None:
        yield
        return
    kept = slot / PARTIAL_PARSE
    target.mkdir(parents=True, exist_ok=True)
    with suppress(OSError):  # none kept yet (or pruned meanwhile): dbt parses everything
        shutil.copyfile(kept, target / PARTIAL_PARSE)
    # Without KZ_BUILD_PATH the profile's own default path is the same for every build already.
    build_path = os.environ.get("KZ_BUILD_PATH")
    if build_path:
        os.environ["KZ_BUILD_PATH"] = str(slot / Path(build_path).name)
    try:
        yield
    finally:
        if build_path:
            os.environ["KZ_BUILD_PATH"] = build_path
    parsed = target / PARTIAL_PARSE
    if parsed.is_file():
        try:
            slot.mkdir(parents=True, exist_ok=True)
            # Copied whole, then renamed: a build parsing at the same time reads the old parse or the new one.
            staged = slot / f".{PARTIAL_PARSE}.{os.getpid()}"
            shutil.copyfile(parsed, staged)
            os.replace(staged, kept)
            _prune(slot.parent)
        except OSError:
            pass  # a cache that cannot be written costs the next build a full parse, nothing more


KEPT_SLOTS = 12  # projects x settings whose parse is kept (each about 2.6 MB for this project)


def _prune(cache: Path) -> None:
    """Keep the parses written last: the tests and benchmarks parse copies of the project that never come back."""
    def written(slot: Path) -> float:
        try:
            return (slot / PARTIAL_PARSE).stat().st_mtime
        except OSError:
            return 0.0

    slots = sorted((path for path in cache.iterdir() if path.is_dir()), key=written, reverse=True)
    for slot in slots[KEPT_SLOTS:]:
        shutil.rmtree(slot, ignore_errors=True)


def result_records(results: Sequence[Any]) -> list[dict[str, Any]]:
    """One record per node result of a dbt run (dbt's RunResult objects). `language` tells a Python model
    (whose node time is its own pandas and statsmodels work) from SQL ones (bench/node_time.py)."""
    records = []
    for result in results:
        node = result.node
        resource_type = str(getattr(node, "resource_type", "")).split(".")[-1].lower()
        config = getattr(node, "config", None)
        attached = getattr(node, "attached_node", None) or next(iter(getattr(node, "depends_on_nodes", []) or []), None)
        records.append({
            "unique_id": node.unique_id,
            "resource_type": resource_type,
            "language": getattr(node, "language", None),
            "name": node.name,
            "status": str(getattr(result.status, "value", result.status)),
            "message": result.message,
            "failures": result.failures,
            "schema": getattr(node, "schema", None),
            "alias": getattr(node, "alias", None),
            "materialized": getattr(config, "materialized", None),
            "attached_node": attached,
            "compiled_code": getattr(node, "compiled_code", None) if resource_type == "test" else None,
            "execution_time": result.execution_time,
        })
    return records


def write_results(target: Path, records: list[dict[str, Any]]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    staged = target / f".{RESULTS_FILE}.{os.getpid()}"
    staged.write_text(json.dumps({"results": records}, default=str), encoding="utf-8")
    os.replace(staged, target / RESULTS_FILE)


def read_results(target: Path) -> list[dict[str, Any]]:
    """The records `write_results` wrote into `target` (empty when there are none)."""
    try:
        loaded = json.loads((target / RESULTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return loaded.get("results", []) if isinstance(loaded, dict) else []


COMMANDS = ("build", "run", "seed", "test")


def build(build_args: Sequence[str], command: str = "build") -> int:
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import write_semantic_manifest

    full = os.environ.get("KZ_DBT_FULL_ARTIFACTS") == "1"
    lean = [] if full else ["--no-write-json"]
    target = _target_path(build_args)
    # Warnings and errors of the parse still show; its start-up lines would repeat the build's, so one line says
    # what runs (a full parse, after a change of dbt, the vars or the profile, takes several seconds).
    print(f"dbt {command}: parsing the project (reusing the last parse where nothing changed)", flush=True)
    parse_args = parse_arguments(build_args)
    with _cached_parse(parse_slot(parse_args), target):
        parsed = dbtRunner().invoke(["parse", *parse_args, *lean, "--log-level", "warn"])
    manifest = parsed.result
    if parsed.exception is not None or not parsed.success or not isinstance(manifest, Manifest):
        print(f"dbt parse failed: {parsed.exception or 'see the lines above'}", file=sys.stderr, flush=True)
        return 2
    if not full:
        target.mkdir(parents=True, exist_ok=True)
        write_semantic_manifest(manifest, str(target))
    built = dbtRunner(manifest=manifest).invoke([command, *build_args, *lean])
    if built.result is not None and hasattr(built.result, "results"):
        write_results(target, result_records(built.result.results))
    if built.exception is not None:
        print(f"dbt {command} could not run: {built.exception}", file=sys.stderr, flush=True)
        return 2
    return 0 if built.success else 1


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in COMMANDS:
        return build(arguments[1:], arguments[0])
    return build(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
