"""Faults in the suite (issue 11): a build killed inside the publish window, a reader during rebuilds, and a
full disk under the warehouse and under the official set. Each leaves the published file (or the official
set) complete and says why in one message, never a traceback.

The publishing code does not care what dbt built, so these replace dbt by a stand-in that writes a small DuckDB
file into the private build (as dbt would) in milliseconds: most by replacing `run_dbt_build`, the full-disk
build by running tests/stand_in_dbt.py as its dbt (the real dbt never starts there: the build stops when it
cannot write its private folder). The real dbt's failures are in tests/test_publish.py.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse import publish
from warehouse.publish import Paths, build_and_publish

from .conftest import REPO_ROOT
from .test_publish import TINY_PROJECT, _almaty_arrivals, _private_folders, _write_counts

ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "python")}

# dbt's stand-in: the private build gets one mart holding `arrivals` for Almaty in 2023.
FAKE_DBT = """
import duckdb
from warehouse import publish

def fake_run(build, dbt_args=(), env=None, project_dir=None):
    with duckdb.connect(str(build.database)) as connection:
        connection.execute(
            "create table fct_yearly_flows as select '75' as region_code, 2023 as year, "
            f"{ARRIVALS} as arrivals, 40 as departures"
        )
"""
# In a child process the stand-in replaces dbt for good; in the test process monkeypatch does it.
INSTALL_FAKE_DBT = """
publish.run_dbt_build = fake_run
publish.expected_relations = lambda target: {("main", "fct_yearly_flows")}
"""


def fake_publish(monkeypatch: pytest.MonkeyPatch, published: Path, arrivals: int) -> None:
    namespace: dict[str, object] = {}
    exec(FAKE_DBT.replace("{ARRIVALS}", str(arrivals)), namespace)
    monkeypatch.setattr(publish, "run_dbt_build", namespace["fake_run"])
    monkeypatch.setattr(publish, "expected_relations", lambda target: {("main", "fct_yearly_flows")})
    build_and_publish(published)


KILLED_IN_WINDOW = FAKE_DBT + INSTALL_FAKE_DBT + """
import os, sys, time
from pathlib import Path
moment, ready = sys.argv[2], Path(sys.argv[3])
real_replace = os.replace

def replace_then_wait(source, target):
    if Path(target) != Path(sys.argv[1]):  # the build's other renames (its link)
        return real_replace(source, target)
    if moment == "after_rename":
        real_replace(source, target)
    ready.write_text("in the window")
    time.sleep(120)  # killed here
    real_replace(source, target)

os.replace = replace_then_wait
publish.build_and_publish(Path(sys.argv[1]))
"""


@pytest.mark.parametrize("moment", ["before_rename", "after_rename"])
def test_build_killed_inside_the_publish_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """SIGKILL while the build holds the publish lock, just before or just after its rename: the published
    file is the old one or the new one, complete either way, and the next build takes both locks at once."""
    published = tmp_path / "kz_migration.duckdb"
    fake_publish(monkeypatch, published, 300)
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_IN_WINDOW.replace("{ARRIVALS}", "777"), str(published), moment, str(ready)],
        env=ENV,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert child.poll() is None, "the build ended before reaching the publish window"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert _almaty_arrivals(published) == ({2023: 300} if moment == "before_rename" else {2023: 777})
    # Both locks died with the process: the next build neither waits nor finds a stale lock.
    started = time.monotonic()
    fake_publish(monkeypatch, published, 555)
    assert time.monotonic() - started < 30
    assert _almaty_arrivals(published) == {2023: 555}
    assert not _private_folders(published), "the killed build's folder is removed"


READER = """
import sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
reads = errors = 0
seen = set()
held = duckdb.connect(path, read_only=True)  # a BI tool that keeps its connection
import os
while not os.path.exists(stop):
    try:
        with duckdb.connect(path, read_only=True) as connection:  # one that reconnects for every query
            seen.add(connection.execute("select arrivals from fct_yearly_flows").fetchone()[0])
        seen.add(held.execute("select arrivals from fct_yearly_flows").fetchone()[0])
        reads += 2
    except Exception as error:
        errors += 1
        print("error:", error, file=sys.stderr)
print(reads, errors, sorted(seen))
"""


def test_readers_during_rebuilds_see_only_complete_warehouses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published = tmp_path / "kz_migration.duckdb"
    fake_publish(monkeypatch, published, 100)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop)], env=ENV, stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(0.5)
        for arrivals in (101, 102, 103, 104, 105):
            fake_publish(monkeypatch, published, arrivals)
            time.sleep(0.1)
    finally:
        stop.write_text("stop")
        out, _ = reader.communicate(timeout=60)
    reads, errors, seen = out.split(" ", 2)
    assert int(errors) == 0
    assert int(reads) > 20, "the reader really ran during the rebuilds"
    assert set(eval(seen)) <= {100, 101, 102, 103, 104, 105}
    assert _almaty_arrivals(published) == {2023: 105}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs (root can mount one here); skipped where mounting is not allowed."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> None:
    """Take every free block of `disk`."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        for block in (1 << 20, 4096, 1):
            try:
                while True:
                    handle.write(b"\0" * block)
            except OSError:
                pass


def test_full_disk_under_the_warehouse_leaves_it_intact_and_says_why(small_disk: Path, stand_in_dbt: Path) -> None:
    published = small_disk / "warehouse" / "kz_migration.duckdb"
    counts = _write_counts(small_disk / "counts", {2023: (300, 40)})
    build_and_publish(published, env={"KZ_COUNTS_DIR": str(counts)}, project_dir=TINY_PROJECT)
    shutil.rmtree(Paths.for_published(published).build_root, ignore_errors=True)
    before = published.read_bytes()
    fill(small_disk)
    result = subprocess.run(
        [sys.executable, "-m", "warehouse.publish", "--published-path", str(published),
         "--project-dir", str(TINY_PROJECT)],
        env={**ENV, "KZ_COUNTS_DIR": str(counts), "KZ_DBT_EXECUTABLE": str(stand_in_dbt)},
        capture_output=True, text=True, cwd=REPO_ROOT, check=False,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and "published warehouse was not changed" in last, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert published.read_bytes() == before
    assert _almaty_arrivals(published) == {2023: 300}


def _official_set(tmp: Path, out: Path) -> dict[str, bytes]:
    from .ingest.bns_layouts import write_taldau

    src = tmp / "taldau"
    src.mkdir()
    write_taldau(src, "2929752", {year: str(1000 + year) for year in range(1991, 2024)})
    subprocess.run([sys.executable, "-m", "bns_ingest", str(src), "--out", str(out)], env=ENV, check=True,
                   capture_output=True)
    return {str(p.relative_to(out.parent)): p.read_bytes() for p in sorted(out.parent.rglob("*")) if p.is_file()}


def _ingest_big_download(tmp: Path, out: Path, limit=None) -> subprocess.CompletedProcess[str]:
    from .ingest.bns_layouts import REPUBLIC_LABEL, Sheet, region_block, write_workbook

    years = list(range(2000, 2024))
    src = tmp / "regions"
    src.mkdir()
    rows = region_block(years, "big")
    assert rows[0][0] == REPUBLIC_LABEL
    write_workbook(src / "arrivals.xlsx", [Sheet("Прибывшие", "Прибывшие из-за пределов республики", years, rows)])
    return subprocess.run(
        [sys.executable, "-m", "bns_ingest", str(src), "--out", str(out)],
        env=ENV, capture_output=True, text=True, cwd=REPO_ROOT, preexec_fn=limit, check=False,
    )


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out.parent)): p.read_bytes() for p in sorted(out.parent.rglob("*")) if p.is_file()}


def test_full_disk_under_the_official_set_leaves_it_intact_and_says_why(small_disk: Path, tmp_path: Path) -> None:
    out = small_disk / "official" / "tables"
    _official_set(tmp_path, out)
    before = _snapshot(out)
    fill(small_disk)
    result = _ingest_big_download(tmp_path, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the official set could not be written" in result.stderr and "No space left" in result.stderr
    (small_disk / "filler").unlink()
    assert _snapshot(out) == before  # the same files, and no partial version left behind


def _file_size_limit(limit_bytes: int):
    def limit() -> None:  # pragma: no cover - runs in the child
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return limit


def test_write_past_the_file_size_limit_leaves_the_official_set_intact(tmp_path: Path) -> None:
    """The same fault without a mount: RLIMIT_FSIZE makes a larger write fail as a full disk would."""
    out = tmp_path / "official" / "tables"
    _official_set(tmp_path, out)
    before = _snapshot(out)
    result = _ingest_big_download(tmp_path, out, _file_size_limit(8 << 10))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "the official set could not be written" in result.stderr and "File too large" in result.stderr
    assert _snapshot(out) == before


def test_a_duckdb_failure_while_checkpointing_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB reports a full disk as its own IOException, not an OSError: it must still end as BuildFailed."""
    published = tmp_path / "kz_migration.duckdb"
    fake_publish(monkeypatch, published, 300)
    before = published.read_bytes()

    class FullDisk:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            raise duckdb.IOException('Could not write file "build.duckdb": No space left on device')

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(publish.duckdb, "connect", FullDisk)
    build_file = tmp_path / "build.duckdb"
    build_file.touch()
    with pytest.raises(publish.BuildFailed, match=r"No space left on device.*not changed"):
        publish.finalize_and_swap(build_file, published)
    assert published.read_bytes() == before


def test_the_cli_reports_a_failed_write_in_one_line(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import errno, sys
        from warehouse import publish
        def no_space(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        publish.new_private_build = no_space
        sys.exit(publish.main(["--published-path", {str(tmp_path / "kz.duckdb")!r}]))
    """)
    result = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: the build could not be written ([Errno 28] No space left on device); "
        "the published warehouse was not changed"
    ]
