"""Writing a reference table: deterministic gzip bytes, and an interrupted write leaves the old file intact."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from reference_data.canonical import write_table


def test_same_frame_gives_same_bytes_and_readable_csv(tmp_path):
    frame = pd.DataFrame({"year": [2000, 2001], "persons": [5, 7]})
    first, second = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    write_table(frame, first)
    write_table(frame, second)
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()).decode() == "year,persons\n2000,5\n2001,7\n"
    assert first.stat().st_mode & 0o777 == 0o644


class Unwritable(pd.DataFrame):
    def to_csv(self, *args, **kwargs):
        raise RuntimeError("disk full")


def test_failed_write_keeps_the_old_table_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "t.csv.gz"
    write_table(pd.DataFrame({"persons": [1]}), target)
    before = target.read_bytes()
    with pytest.raises(RuntimeError, match="disk full"):
        write_table(Unwritable({"persons": [2]}), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv.gz"]
