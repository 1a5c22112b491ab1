"""Issue 11's hostile downloads (tests/ingest/hostile_cases.py): each is refused with its location and
leaves the previous output byte-identical, or is accepted with the right figures; none raises anything
but IngestError. Memory stays bounded on the stray far cell and the absurd dimension."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from bns_ingest import IngestError, ingest, textfile, xlsx_reader

from .bns_layouts import write_workbook
from .hostile_cases import BLOCK, CASES, REPO, SAMPLES, arrivals

NEEDS_SAMPLES = {name for name in CASES if "real sample" in name}


@pytest.fixture(autouse=True)
def small_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The size limits lowered, so the cases past them write a few MiB instead of hundreds."""
    monkeypatch.setattr(xlsx_reader, "MAX_PART_BYTES", 4 << 20)
    monkeypatch.setattr(textfile, "MAX_TEXT_BYTES", 4 << 20)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous_output(tmp_path: Path) -> Path:
    good = tmp_path / "good"
    good.mkdir()
    write_workbook(good / "arrivals.xlsx", [arrivals(BLOCK)])
    ingest(good, tmp_path / "out")
    return tmp_path / "out"


@pytest.mark.parametrize("name", sorted(name for name, case in CASES.items() if case.refuse))
def test_hostile_download_is_refused_with_its_location(name: str, tmp_path: Path, previous_output: Path) -> None:
    if name in NEEDS_SAMPLES and not SAMPLES.is_dir():
        pytest.skip("../shared/bns-samples not present")
    case = CASES[name]
    src = tmp_path / "src"
    src.mkdir()
    case.make(src)
    before = snapshot(previous_output)
    entries_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(IngestError) as caught:
        ingest(src, previous_output, partial_regions=case.partial_regions)
    message = str(caught.value)
    for fragment in case.refuse:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert snapshot(previous_output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == entries_before


@pytest.mark.parametrize("name", sorted(name for name, case in CASES.items() if case.accept))
def test_download_in_another_encoding_or_separator_is_accepted(name: str, tmp_path: Path) -> None:
    if name in NEEDS_SAMPLES and not SAMPLES.is_dir():
        pytest.skip("../shared/bns-samples not present")
    case = CASES[name]
    src = tmp_path / "src"
    src.mkdir()
    case.make(src)
    ingest(src, tmp_path / "out", partial_regions=case.partial_regions)
    assert case.accept(tmp_path / "out") is None, case.accept(tmp_path / "out")


def _limited_to(megabytes: int):
    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return limit


@pytest.mark.parametrize("name", ["xlsx: stray cell at XFD1048576", "xlsx: declared dimension A1:XFD1048576"])
def test_far_cell_is_refused_in_bounded_memory(name: str, tmp_path: Path) -> None:
    """Before, one stray cell at XFD1048576 took 6 GB; now the CLI refuses it within 1 GiB of address
    space (Python and calamine included), exiting 1 with the message and no traceback."""
    src = tmp_path / "src"
    src.mkdir()
    CASES[name].make(src)
    result = subprocess.run(
        [sys.executable, "-m", "bns_ingest", str(src), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "python")},
        preexec_fn=_limited_to(1024),
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert "XFD1048576" in result.stderr
    assert not (tmp_path / "out").exists()
