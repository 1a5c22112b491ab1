"""What a build produces, in a form that can be committed and compared: the before/after regression baseline.

A baseline is four files in ``tests/analysis/baseline/``, captured from one warehouse built from the bundled
count tables:

* ``tables.sha256``: the count tables it was built from (the inputs);
* ``replication.csv``: ``fct_claim_replication`` row by row (every claim's value, status and explanation);
* ``marts.csv``: every mart of the ``main`` schema, column by column: row count and a digest of the column's
  values in primary-key order (doubles to 9 significant digits, so a changed summation order does not count as
  a change; the build time is left out);
* ``figures.csv``: every figure of the report, as a digest of what it plots (titles, labels, the data of its
  lines, bars, bands and points), independent of fonts and of the PNG encoder.

``tests/analysis/test_replication_unchanged.py`` rebuilds all four from the session's warehouse and fails,
naming what changed, whenever they differ. A change that is meant (new tables, a fix) is recorded by
recapturing, with the command in :data:`RECAPTURE_COMMAND`::

    PYTHONPATH=python .venv/bin/python -m tests.analysis.regression_baseline [--warehouse FILE]

Without ``--warehouse`` it builds a warehouse from the bundled tables into a temporary folder first, as the
test session does. For two builds side by side (a commit against the working tree) use
``scripts/compare_warehouses.py``, which compares every row of every mart.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import duckdb
import numpy as np
import pandas as pd

BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
TABLES_FILE = BASELINE_DIR / "tables.sha256"
REPLICATION_FILE = BASELINE_DIR / "replication.csv"
MARTS_FILE = BASELINE_DIR / "marts.csv"
FIGURES_FILE = BASELINE_DIR / "figures.csv"
RECAPTURE_COMMAND = "PYTHONPATH=python .venv/bin/python -m tests.analysis.regression_baseline"
# Columns whose value differs between any two builds by design (as in scripts/compare_warehouses.py).
# The counts folder is recorded as the build was given it (relative by make, absolute by the tests); the
# tables themselves are fingerprinted in tables.sha256.
IGNORED_COLUMNS = {("dim_build_settings", "built_at"), ("dim_build_settings", "counts_directory")}
SIGNIFICANT_DIGITS = 9


def tables_fingerprint(folder: Path) -> str:
    """sha256 of each count table of ``folder``, one line each (the format of ``sha256sum``)."""
    return "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in sorted(folder.glob("*.csv.gz"))
    )


def replication_table(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``fct_claim_replication`` as text, one row per claim (how it reads in a CSV)."""
    return as_text(connection.execute("select * from main.fct_claim_replication order by claim_id").df())


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _as_text(column: str, data_type: str) -> str:
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return f"printf('%.{SIGNIFICANT_DIGITS}g', {_quote(column)})"
    return f"cast({_quote(column)} as varchar)"


def mart_digests(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per mart × column: mart, column, data type, row count, sha256 of its values in key order."""
    tables = [row[0] for row in connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' order by table_name").fetchall()]
    rows = []
    for table in tables:
        key = connection.execute(
            "select constraint_column_names from duckdb_constraints() "
            "where schema_name = 'main' and table_name = ? and constraint_type = 'PRIMARY KEY'", [table]).fetchone()
        columns = connection.execute(
            "select column_name, data_type from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index", [table]).fetchall()
        # Without a key the rows are put in order of all their columns: still one order for one content.
        order = ", ".join(_quote(c) for c in (key[0] if key else [name for name, _ in columns]))
        kept = [(name, data_type) for name, data_type in columns if (table, name) not in IGNORED_COLUMNS]
        digests = ", ".join(
            f"sha256(coalesce(string_agg(coalesce({_as_text(name, data_type)}, '<null>'), '|' order by {order}), ''))"
            for name, data_type in kept)
        count, *values = connection.execute(f"select count(*), {digests} from main.{_quote(table)}").fetchone()
        rows += [{"mart": table, "column": name, "data_type": data_type, "rows": count, "sha256": digest}
                 for (name, data_type), digest in zip(kept, values, strict=True)]
    return pd.DataFrame(rows, columns=["mart", "column", "data_type", "rows", "sha256"])


def _numbers(values: object) -> str:
    array = np.asarray(values, dtype=object).ravel()
    out = []
    for value in array:
        try:
            out.append(f"{float(value):.{SIGNIFICANT_DIGITS}g}")
        except (TypeError, ValueError):
            out.append(str(value))
    return ",".join(out)


def _artist_lines(figure: object) -> Iterator[str]:
    """What a matplotlib figure shows, in data coordinates, one line per element."""
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection
    from matplotlib.patches import Polygon, Rectangle

    for number, axes in enumerate(figure.axes):  # type: ignore[attr-defined]
        yield f"axes {number}: {axes.get_title()!r} x={axes.get_xlabel()!r} y={axes.get_ylabel()!r}"
        for which, ticks in (("x", axes.get_xticklabels()), ("y", axes.get_yticklabels())):
            labels = [tick.get_text() for tick in ticks]
            if any(labels):
                yield f"{which}ticks {labels!r}"
        for line in axes.get_lines():
            yield f"line {line.get_label()!r} {_numbers(line.get_xydata())}"
        for patch in axes.patches:
            if isinstance(patch, Rectangle):
                shape = (patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height())
                yield f"rectangle {patch.get_label()!r} {_numbers(shape)}"
            elif isinstance(patch, Polygon):
                yield f"polygon {patch.get_label()!r} {_numbers(patch.get_xy())}"
            else:
                yield f"patch {type(patch).__name__} {patch.get_label()!r}"
        for collection in axes.collections:
            if isinstance(collection, LineCollection):
                data = [_numbers(segment) for segment in collection.get_segments()]
            elif isinstance(collection, PolyCollection):
                data = [_numbers(path.vertices) for path in collection.get_paths()]
            elif isinstance(collection, PathCollection):
                data = [_numbers(collection.get_offsets())]
            else:
                data = [type(collection).__name__]
            yield f"collection {collection.get_label()!r} {';'.join(data)}"
        for text in axes.texts:
            yield f"text {text.get_text()!r} {_numbers(text.get_position())}"
        legend = axes.get_legend()
        if legend is not None:
            yield f"legend {[text.get_text() for text in legend.get_texts()]!r}"


def figure_fingerprint(figure: object) -> bytes:
    """A digest of what the figure plots (stands in for its PNG bytes in :func:`figure_digests`)."""
    import matplotlib.pyplot as plt

    lines = list(_artist_lines(figure))
    plt.close(figure)  # type: ignore[arg-type]
    return f"{len(lines)} elements {hashlib.sha256(chr(10).join(lines).encode()).hexdigest()}".encode()


def figure_digests(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure the report draws (the paper's and the causal ones), by name, with a digest of its data."""
    from analysis.causal.run import run_all
    from analysis.report import figures
    from analysis.report.causal_figures import render_causal_figures
    from analysis.report.paper_figures import render_paper_figures

    # Every figure is encoded by figures.to_png (through figures.render_figure): a digest stands in for it.
    with mock.patch.object(figures, "to_png", figure_fingerprint):
        rendered = render_paper_figures(tables) + render_causal_figures(run_all(tables))
    rows = []
    for figure in rendered:
        elements, digest = figure.png.decode().split(" elements ") if figure.png else ("0", "")
        rows.append({"figure": figure.name, "title": figure.title, "elements": int(elements), "sha256": digest,
                     "problem": figure.problem or ""})
    return pd.DataFrame(rows, columns=["figure", "title", "elements", "sha256", "problem"])


def capture(warehouse: Path) -> dict[str, pd.DataFrame]:
    """The replication, mart and figure baselines of one built warehouse."""
    from analysis.marts import load_marts

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        replication = replication_table(connection)
        marts = mart_digests(connection)
    return {"replication": replication, "marts": marts, "figures": figure_digests(load_marts(warehouse))}


def read_baseline(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A captured frame as it reads back from its CSV (every cell text), for comparison with the baseline."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return pd.read_csv(io.StringIO(buffer.getvalue()), dtype=str, keep_default_na=False)


def write(captured: dict[str, pd.DataFrame], counts_dir: Path) -> list[Path]:
    BASELINE_DIR.mkdir(parents=True, exist_ok=True)
    TABLES_FILE.write_text(tables_fingerprint(counts_dir), encoding="utf-8")
    written = [TABLES_FILE]
    for name, path in (("replication", REPLICATION_FILE), ("marts", MARTS_FILE), ("figures", FIGURES_FILE)):
        captured[name].to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


@contextmanager
def _warehouse(given: Path | None, counts_dir: Path) -> Iterator[Path]:
    if given is not None:
        yield given
        return
    from warehouse.publish import build_and_publish

    with tempfile.TemporaryDirectory() as folder:
        print(f"building a warehouse from {counts_dir} into {folder}", file=sys.stderr)
        yield build_and_publish(Path(folder) / "kz_migration.duckdb", env={"KZ_COUNTS_DIR": str(counts_dir)})


def differing_rows(before: pd.DataFrame, after: pd.DataFrame, key: Iterable[str]) -> list[str]:
    """Readable differences between a baseline and a fresh capture: rows gone, rows new, cells changed."""
    key = list(key)
    old, new = before.set_index(key), after.set_index(key)
    lines = [f"only in the baseline: {k}" for k in old.index.difference(new.index)]
    lines += [f"new: {k}" for k in new.index.difference(old.index)]
    for k in old.index.intersection(new.index):
        for column in old.columns.intersection(new.columns):
            if old.at[k, column] != new.at[k, column]:
                lines.append(f"{k} {column}: {old.at[k, column]!r} -> {new.at[k, column]!r}")
    lines += [f"column only in the baseline: {c}" for c in old.columns.difference(new.columns)]
    lines += [f"new column: {c}" for c in new.columns.difference(old.columns)]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    from tests.conftest import default_counts_dir

    parser = argparse.ArgumentParser(description="Recapture the before/after baseline in tests/analysis/baseline/.")
    parser.add_argument("--warehouse", type=Path, help="a warehouse built from the bundled tables (default: build one)")
    args = parser.parse_args(argv)
    counts_dir = default_counts_dir()
    with _warehouse(args.warehouse, counts_dir) as warehouse:
        written = write(capture(warehouse), counts_dir)
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
