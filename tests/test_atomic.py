"""The atomic writer keeps the old file when writing fails; the publish lock excludes a second publisher."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from warehouse.atomic import write_atomically
from warehouse.publish import publish_lock


def test_successful_write_replaces_file_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "out" / "table.csv"
    write_atomically(target, lambda p: p.write_text("new\n"))
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]


def test_failed_write_keeps_previous_content(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    target.write_text("old\n")

    def half_write(path: Path) -> None:
        path.write_text("partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomically(target, half_write)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_publish_lock_excludes_a_second_publisher(tmp_path: Path) -> None:
    published = tmp_path / "kz_migration.duckdb"
    probe = textwrap.dedent(f"""
        import fcntl, sys
        handle = open({str(published) + ".publish.lock"!r}, "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.exit(3)
    """)
    with publish_lock(published):
        assert subprocess.run([sys.executable, "-c", probe], check=False).returncode == 3
    assert subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0
