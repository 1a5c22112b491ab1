"""Two builds of one warehouse at once: they never share a file, and the published file is never emptied.

Reproduces issue 11's race: a second build that starts just before the first publishes used to delete the
first's build file, so the first published a fresh, empty database. These tests start the second build
at exactly that moment (while the first is between dbt's exit and the swap), kill it at the worst
moments, and read the published file with DuckDB each time.
"""

from __future__ import annotations

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

from .test_publish import TINY_PROJECT, _almaty_arrivals, _write_counts

SECOND_BUILD = """
import sys
from warehouse.publish import main
sys.exit(main(sys.argv[1:]))
"""


def _private_folders(published: Path) -> list[Path]:
    """Build folders left under the build root (the parse kept for the next build is a file, not a build)."""
    root = Paths.for_published(published).build_root
    return [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()] if root.is_dir() else []


def _table_count(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select count(*) from duckdb_tables()").fetchone()[0]


def _start_second_build(published: Path, counts: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "KZ_COUNTS_DIR": str(counts)}
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
    published = tmp_path / "kz_migration.duckdb"
    first_counts = _write_counts(tmp_path / "first", {2023: (300, 40)})
    second_counts = _write_counts(tmp_path / "second", {2023: (777, 40)})
    real_run = publish.run_dbt_build
    second: list[subprocess.Popen[str]] = []

    def run_then_start_rival(build, dbt_args=(), env=None, project_dir=TINY_PROJECT, database_path=None):
        real_run(build, dbt_args, env, project_dir, database_path)
        # The first build's dbt has exited; its file is not yet published: the old code's fatal window.
        rival = _start_second_build(published, second_counts)
        second.append(rival)
        time.sleep(3)  # long enough for the rival to reach its lock and clean-up in the old code
        assert rival.poll() is None, rival.communicate()

    monkeypatch.setattr(publish, "run_dbt_build", run_then_start_rival)
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(first_counts)}, project_dir=TINY_PROJECT)
    assert _table_count(published) > 0
    assert _almaty_arrivals(published) == {2023: 300}

    # The rival waited for the first build, said so, then built and published its own file.
    _, err = second[0].communicate(timeout=180)
    assert second[0].returncode == 0, err
    assert "Another build of" in err and "waiting" in err
    assert _almaty_arrivals(published) == {2023: 777}
    assert not _private_folders(published), "private folders cleaned up"


def test_no_wait_refuses_with_one_line_message(tmp_path: Path) -> None:
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


@pytest.mark.parametrize("moment", ["during_dbt", "after_dbt"])
def test_second_build_killed_at_worst_moment_leaves_first_published(tmp_path: Path, moment: str) -> None:
    """The second build is killed with SIGKILL while it builds; the published file stays the first's."""
    published = tmp_path / "kz_migration.duckdb"
    counts_a = _write_counts(tmp_path / "a", {2023: (300, 40)})
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts_a)}, project_dir=TINY_PROJECT)
    before = published.read_bytes()
    rival = _start_second_build(published, _write_counts(tmp_path / "b", {2023: (777, 40)}))
    root = Paths.for_published(published).build_root

    def rival_reached(name: str) -> bool:
        return any((folder / name).exists() for folder in root.iterdir()) if root.is_dir() else False

    # during dbt: its build file exists; after dbt: its dbt child has exited, the swap is under way.
    _wait_for(lambda: rival_reached(published.name))
    if moment == "after_dbt":
        _wait_for(lambda: _children(rival.pid) != [])
        _wait_for(lambda: _children(rival.pid) == [], timeout=120)
    os.killpg(rival.pid, signal.SIGKILL)
    rival.wait(timeout=30)
    if published.read_bytes() != before:
        # The rival got all the way through its swap before the kill landed: then it must be complete.
        assert _almaty_arrivals(published) == {2023: 777}
    else:
        assert _almaty_arrivals(published) == {2023: 300}
    assert _table_count(published) > 0

    # The next build cleans up the killed build's private folder and publishes normally.
    counts_c = _write_counts(tmp_path / "c", {2023: (555, 40)})
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts_c)}, project_dir=TINY_PROJECT)
    assert _almaty_arrivals(published) == {2023: 555}
    assert not _private_folders(published)


def test_build_missing_a_relation_is_not_published(tmp_path: Path, monkeypatch) -> None:
    """The swap happens only if every relation dbt reports as built is in the private file."""
    published = tmp_path / "kz_migration.duckdb"
    counts = _write_counts(tmp_path / "a", {2023: (300, 40)})
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts)}, project_dir=TINY_PROJECT)
    before = published.read_bytes()
    real_run = publish.run_dbt_build

    def run_then_drop_a_mart(build, dbt_args=(), env=None, project_dir=TINY_PROJECT, database_path=None):
        real_run(build, dbt_args, env, project_dir, database_path)
        with duckdb.connect(str(build.database)) as connection:
            connection.execute("drop table main.fct_yearly_flows")

    monkeypatch.setattr(publish, "run_dbt_build", run_then_drop_a_mart)
    with pytest.raises(BuildFailed, match="lacks 1 relation"):
        build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts)}, project_dir=TINY_PROJECT)
    assert published.read_bytes() == before
