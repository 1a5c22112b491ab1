"""Two builds of one warehouse at once: they never share a file, and the published file is never emptied.

Reproduces issue 11's race: a second build that starts just before the first publishes used to delete the
first's build file, so the first published a fresh, empty database. These tests start the second build
at exactly that moment (while the first is between dbt's exit and the swap), kill it at the worst
moments, and read the published file with DuckDB each time.

The builds that set the scene run the stand-in for dbt (tests/stand_in_dbt.py: the same relations and dbt's
artifacts in about 0.2 s). The real dbt runs where what it does matters: the rival that waits and then
publishes, and the rival killed while dbt writes. The kill between dbt's exit and the swap needs no dbt: the test
holds the publish lock, so the rival cannot get past that moment whatever dbt it ran. Each docstring says which.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse import publish
from warehouse.publish import BuildFailed, Paths, build_and_publish

from .conftest import SessionBuild
from .test_publish import REAL_DBT, TINY_PROJECT, _almaty_arrivals, _private_folders, _write_counts

pytestmark = pytest.mark.usefixtures("stand_in_dbt")

SECOND_BUILD = """
import sys
from warehouse.publish import main
sys.exit(main(sys.argv[1:]))
"""


def _table_count(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select count(*) from duckdb_tables()").fetchone()[0]


def _start_second_build(
    published: Path, counts: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "KZ_COUNTS_DIR": str(counts), **(env or {})}
    # dbt's log goes to /dev/null: an unread pipe would fill and stall the rival's dbt.
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_BUILD, "--published-path", str(published), "--project-dir", str(TINY_PROJECT),
         *extra],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def test_second_build_during_first_publish_waits_and_never_empties(tmp_path: Path, monkeypatch) -> None:
    """The rival runs the real dbt, after waiting; the first build runs the stand-in."""
    published = tmp_path / "kz_migration.duckdb"
    first_counts = _write_counts(tmp_path / "first", {2023: (300, 40)})
    second_counts = _write_counts(tmp_path / "second", {2023: (777, 40)})
    real_run = publish.run_dbt_build
    second: list[subprocess.Popen[str]] = []

    def run_then_start_rival(build, dbt_args=(), env=None, project_dir=TINY_PROJECT):
        real_run(build, dbt_args, env, project_dir)
        # The first build's dbt has exited; its file is not yet published: the old code's fatal window.
        rival = _start_second_build(published, second_counts, env=REAL_DBT)
        second.append(rival)
        # The rival has reached the build lock (the old code's clean-up ran just before it) when it says it waits.
        assert rival.stderr is not None
        said = rival.stderr.readline()
        assert "Another build of" in said and "waiting" in said, said + rival.communicate()[1]
        assert os.path.exists(build.database), "the first build's file is still there"

    monkeypatch.setattr(publish, "run_dbt_build", run_then_start_rival)
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(first_counts)}, project_dir=TINY_PROJECT)
    assert _table_count(published) > 0
    assert _almaty_arrivals(published) == {2023: 300}

    # The rival waited for the first build, then built and published its own file.
    _, err = second[0].communicate(timeout=180)
    assert second[0].returncode == 0, err
    assert _almaty_arrivals(published) == {2023: 777}
    assert not _private_folders(published), "private folders cleaned up"


def test_no_wait_refuses_with_one_line_message(tmp_path: Path) -> None:
    """No dbt runs: the rival is refused before it starts one."""
    published = tmp_path / "kz_migration.duckdb"
    counts = _write_counts(tmp_path / "c", {2023: (300, 40)})
    with publish.build_lock(Paths.for_published(published)):
        rival = _start_second_build(published, counts, "--no-wait")
        _, err = rival.communicate(timeout=60)
    assert rival.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: another build of"), err
    assert "Traceback" not in err
    assert not published.exists()


def _killed_rival_leaves_first_published(tmp_path: Path, kill_when_ready) -> None:  # type: ignore[no-untyped-def]
    published = tmp_path / "kz_migration.duckdb"
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(_write_counts(tmp_path / "a", {2023: (300, 40)}))},
                      project_dir=TINY_PROJECT)
    before = published.read_bytes()
    root = Paths.for_published(published).build_root
    kill_when_ready(published, _write_counts(tmp_path / "b", {2023: (777, 40)}), root)
    assert published.read_bytes() == before
    assert _almaty_arrivals(published) == {2023: 300}
    assert _table_count(published) > 0

    # The next build cleans up the killed build's private folder and publishes normally.
    assert _private_folders(published), "the killed build left its private folder"
    counts_c = _write_counts(tmp_path / "c", {2023: (555, 40)})
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts_c)}, project_dir=TINY_PROJECT)
    assert _almaty_arrivals(published) == {2023: 555}
    assert not _private_folders(published)


def test_second_build_killed_during_dbt_leaves_first_published(tmp_path: Path) -> None:
    """SIGKILL while the rival's real dbt writes its build file; the builds before and after run the stand-in."""

    def kill_during_dbt(published: Path, counts: Path, root: Path) -> None:
        rival = _start_second_build(published, counts, env=REAL_DBT)
        _wait_for(lambda: root.is_dir() and any((folder / published.name).exists() for folder in root.iterdir()),
                  timeout=600)
        assert _children(rival.pid), "dbt is still running"
        os.killpg(rival.pid, signal.SIGKILL)
        rival.wait(timeout=30)

    _killed_rival_leaves_first_published(tmp_path, kill_during_dbt)


def test_second_build_killed_between_dbt_and_the_swap_leaves_first_published(tmp_path: Path) -> None:
    """SIGKILL after the rival's dbt (the stand-in) exited and its build passed the checks, while it waits for the
    publish lock (held here) to swap: the last moment before the rename."""

    def kill_after_dbt(published: Path, counts: Path, root: Path) -> None:
        with publish.publish_lock(published):
            rival = _start_second_build(published, counts)
            build_file = []

            def checked_and_waiting() -> bool:
                # dbt has exited (no child left) and its build file is complete, not yet swapped (`last` is the
                # first build's record, not a build).
                build_file[:] = [f / published.name for f in root.iterdir() if f.name != publish.LAST_BUILD
                                 and (f / "target" / "build_results.json").exists()] if root.is_dir() else []
                return bool(build_file) and not _children(rival.pid) and rival.poll() is None

            _wait_for(checked_and_waiting)
            # By now it has most likely verified the build and blocks on the lock; if it is still verifying, the
            # kill lands between dbt's exit and the swap all the same: the swap cannot start while the lock is held.
            time.sleep(0.2)
            assert rival.poll() is None and build_file[0].exists()
            os.killpg(rival.pid, signal.SIGKILL)
            rival.wait(timeout=30)

    _killed_rival_leaves_first_published(tmp_path, kill_after_dbt)


def test_build_missing_a_relation_is_not_published(tmp_path: Path, monkeypatch) -> None:
    """The swap happens only if every relation dbt reports as built is in the private file. Both builds run the
    stand-in; that the real dbt's manifest and run results name every relation it built is the next test's."""
    published = tmp_path / "kz_migration.duckdb"
    counts = _write_counts(tmp_path / "a", {2023: (300, 40)})
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts)}, project_dir=TINY_PROJECT)
    before = published.read_bytes()
    real_run = publish.run_dbt_build

    def run_then_drop_a_mart(build, dbt_args=(), env=None, project_dir=TINY_PROJECT):
        real_run(build, dbt_args, env, project_dir)
        with duckdb.connect(str(build.database)) as connection:
            connection.execute("drop table main.fct_yearly_flows")

    monkeypatch.setattr(publish, "run_dbt_build", run_then_drop_a_mart)
    with pytest.raises(BuildFailed, match="lacks 1 relation"):
        build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts)}, project_dir=TINY_PROJECT)
    assert published.read_bytes() == before


def test_relations_read_from_the_real_dbt_artifacts_are_those_it_published(session_build: SessionBuild) -> None:
    """What the check above relies on, on the real dbt's output: from the session build's manifest and run
    results, `expected_relations` names every table and view the published file holds (the session's warehouse
    was published by the real publisher, so all of them were there), and every model and seed dbt built."""
    expected = publish.expected_relations(session_build.target)
    with duckdb.connect(str(session_build.published), read_only=True) as connection:
        present = set(connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "union all select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall())
    results = json.loads((session_build.target / "build_results.json").read_text())["results"]
    built = {
        (r["schema"], r["alias"]) for r in results
        if r["unique_id"].split(".")[0] in ("model", "seed") and r["materialized"] != "ephemeral"
    }
    assert len(expected) > 30 and ("main", "fct_claim_replication") in expected
    assert expected == built == present, (sorted(expected ^ built), sorted(expected ^ present))
