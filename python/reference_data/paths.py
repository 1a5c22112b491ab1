"""Where the generator reads its inputs and writes its tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Paths:
    seeds_dir: Path
    reference_dir: Path

    @property
    def constraints_file(self) -> Path:
        return self.reference_dir / "constraints.csv"

    @property
    def priors_dir(self) -> Path:
        return self.reference_dir / "priors"

    @property
    def tables_dir(self) -> Path:
        return self.reference_dir / "tables"


def table_file(tables_dir: Path, table_code: str) -> Path:
    """The committed file of one reference table."""
    return tables_dir / f"{table_code}.csv.gz"


def default_paths() -> Paths:
    return Paths(seeds_dir=REPO_ROOT / "dbt_project" / "seeds", reference_dir=REPO_ROOT / "data" / "reference")
