"""Problems found in input files, collected and raised together as one exception."""

from __future__ import annotations

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


class IngestError(Exception):
    """Raised once per ingest with every problem found, so the analyst can fix them in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the BNS input; nothing was written:"]
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
            raise IngestError(self.problems)
