"""Rows and groups of the generator's input frames, typed for mypy.

pandas-stubs types every field of ``itertuples()`` and every ``groupby`` key as the union of all pandas
scalars, so ``int(row.year)`` would not type-check; the columns' real types are fixed where the CSVs are
read (:mod:`reference_data.inputs`). These two helpers hand the rows and keys on as ``Any``, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


def each_row(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples()``: one named tuple per row, the index first."""
    return iter(frame.itertuples())


def each_group(frame: pd.DataFrame, by: str | list[str]) -> Iterator[tuple[Any, pd.DataFrame]]:
    """``frame.groupby(by, sort=True)``: (key, rows) per group in key order (a tuple key when ``by`` is a list)."""
    return iter(frame.groupby(by, sort=True))
