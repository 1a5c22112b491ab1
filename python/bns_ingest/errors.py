"""Problems found in input files, collected and raised together as one exception."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as the format allows."""

    file: str
    message: str
    sheet: str = ""
    row: int | str = ""
    column: str = ""
    value: object = ""

    def __str__(self) -> str:
        place = [self.file]
        if self.sheet:
            place.append(f"sheet {self.sheet!r}")
        if self.row != "":
            place.append(f"row {self.row}")
        if self.column:
            place.append(f"column {self.column}")
        where = ", ".join(place)
        shown = f" (value {self.value!r})" if self.value not in ("", None) else ""
        return f"{where}: {self.message}{shown}"


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Numbers inside text compare as numbers («node 2» before «node 10»)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", text))


def _column_key(column: str) -> tuple[tuple[int, int | str], ...]:
    """Spreadsheet letters in column order (B before AA); other column names naturally."""
    if column.isascii() and column.isalpha():
        return ((0, len(column)), (1, column.upper()))
    return _natural(column)


def reading_order(problem: Problem) -> tuple:
    """Sort key: file, sheet, row, column, as an analyst reads the input; file-wide problems first."""
    return (problem.file, problem.sheet, _natural(str(problem.row)), _column_key(problem.column))


class IngestError(Exception):
    """Raised once per ingest with every problem found, so the analyst can fix them in one pass.

    `heading` replaces the ingest's first line for the commands that read no BNS input (a removal, a
    rollback): their failures are about the official set, not about a download."""

    def __init__(self, problems: list[Problem], heading: str | None = None):
        self.problems = list(problems)
        lines = [heading or f"{len(self.problems)} problem(s) in the BNS input; nothing was written:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class ProblemLog:
    """Collects problems while parsing so that one bad cell does not hide the next one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def raise_if_any(self) -> None:
        if self.problems:
            raise IngestError(sorted(self.problems, key=reading_order))
