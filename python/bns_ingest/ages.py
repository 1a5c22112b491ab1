"""Age row labels of BNS tables mapped to canonical age bands."""

from __future__ import annotations

import re

from bns_ingest.cells import ALL_AGES, AgeBand

_UNIT = re.compile(r"\s*(лет|года|год)\b")
_SINGLE = re.compile(r"^(\d{1,3})$")
_BAND = re.compile(r"^(\d{1,3})\s*[-–—]\s*(\d{1,3})$")
_OPEN = re.compile(r"^(\d{1,3})\s*(и|и более|и старше|и выше|\+)?\s*(старше|более)?$")
_WORKING_AGE = {"трудоспособного возраста", "в трудоспособном возрасте", "трудоспособный возраст"}


def parse_age_label(label: str) -> AgeBand | None:
    """`Y25` [25, 26), `Y15T19` [15, 20), `Y80_GE` [80, ∞), `WA`, or `_T` for «Всего»."""
    text = _UNIT.sub("", str(label).lower().replace("\xa0", " ")).strip()
    text = re.sub(r"\s+", " ", text)
    if text in {"всего", "все возрасты"}:
        return ALL_AGES
    if text in _WORKING_AGE:
        return AgeBand("WA", None, None)
    if match := _SINGLE.match(text):
        age = int(match.group(1))
        return AgeBand(f"Y{age}", age, age + 1)
    if match := _BAND.match(text):
        low, high = int(match.group(1)), int(match.group(2))
        return AgeBand(f"Y{low}T{high}", low, high + 1) if high > low else None
    if (match := _OPEN.match(text)) and (match.group(2) or match.group(3)):
        age = int(match.group(1))
        return AgeBand(f"Y{age}_GE", age, None)
    return None
