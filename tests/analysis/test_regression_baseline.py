"""The before/after baseline's digests see a changed value and nothing else (tiny tables and figures)."""

from __future__ import annotations

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from . import regression_baseline as baseline


def _digests(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    connection = duckdb.connect()
    connection.execute("create table main.fct_toy (toy_code varchar primary key, n integer, share double)")
    connection.executemany("insert into main.fct_toy values (?, ?, ?)", rows)
    return baseline.as_text(baseline.mart_digests(connection)).set_index("column")


def test_a_mart_digest_follows_the_values_not_the_row_order_or_rounding_noise():
    rows = [("a", 1, 0.1 + 0.2), ("b", 2, 1 / 3), ("c", 3, None)]
    reference = _digests(rows)
    assert list(reference.index) == ["toy_code", "n", "share"] and set(reference["rows"]) == {"3"}
    assert _digests(rows[::-1]).equals(reference)  # insertion order is not content
    noisy = [(code, n, None if share is None else share * (1 + 1e-14)) for code, n, share in rows]
    assert _digests(noisy).equals(reference)  # summation-order noise is below 9 significant digits
    changed = _digests([("a", 1, 0.3), ("b", 2, 0.3334), ("c", 3, None)])
    assert changed.at["share", "sha256"] != reference.at["share", "sha256"]
    assert changed.drop(index="share").equals(reference.drop(index="share"))
    assert _digests(rows[:2])["rows"].eq("2").all()


def _figure(ys: list[float], title: str = "t") -> bytes:
    figure, axes = plt.subplots()
    axes.set_title(title)
    axes.plot([2021, 2022, 2023], ys, label="net")
    axes.bar(["x", "y"], [ys[0], ys[1]])
    axes.fill_between([0, 1], [0, 0], [1, ys[2]])
    axes.legend()
    return baseline.figure_fingerprint(figure)


def test_a_figure_fingerprint_follows_what_it_plots():
    reference = _figure([1.0, 2.0, 3.0])
    assert reference == _figure([1.0, 2.0, 3.0])
    assert reference != _figure([1.0, 2.0, 3.5])  # a band's edge (fill_between) moves
    assert reference != _figure([1.0, 2.5, 3.0])  # a point and a bar move
    assert reference != _figure([1.0, 2.0, 3.0], title="other")


def test_a_difference_is_named_row_and_column():
    before = pd.DataFrame({"claim_id": ["C1", "C2"], "status": ["reproduced", "reproduced"]})
    after = pd.DataFrame({"claim_id": ["C1", "C3"], "status": ["not_reproduced", "reproduced"]})
    assert baseline.differing_rows(before, after, ["claim_id"]) == [
        "only in the baseline: C2", "new: C3", "C1 status: 'reproduced' -> 'not_reproduced'"]
