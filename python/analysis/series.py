"""Named yearly series from the marts, for correlations named on the command line.

A name has three or four dot-separated parts: ``REGION.DIRECTION.WHAT[.DETAIL]``

* ``REGION``: ``almaty``, ``republic``, ``zhambyl`` (Taraz), ``west_kazakhstan`` (Oral), or a two-digit
  KATO code such as ``75``;
* ``DIRECTION``: ``arrivals``, ``departures`` or ``net`` (arrivals minus departures);
* ``WHAT``:

  ==========================  ============================================================  =========================
  ``total``                   all migrants (all ages)                                       ``fct_yearly_flows``
  ``working_age``             migrants of working age                                       ``fct_yearly_flows``
  ``CIS`` / ``OTHER`` /       a country group (all ages); ``NON_CIS`` = OTHER + NOT_STATED   ``fct_country_group_flows``
  ``BALTIC`` / ``NOT_STATED``
  / ``NON_CIS``
  ``RUS``, ``CHN``, …         one country, ISO 3166-1 alpha-3 (all ages)                    ``fct_country_flows``
  ``education.LEVEL``         working-age migrants with an education level                  ``fct_education_flows``
                              (``higher``, ``secondary_vocational``, …)
  ``specialty.CODE``          working-age specialists of a specialty (``technical``, …)     ``fct_specialty_flows``
  ==========================  ============================================================  =========================

Examples: ``almaty.arrivals.RUS``, ``almaty.arrivals.total``, ``almaty.departures.CIS``,
``almaty.net.working_age``, ``75.arrivals.education.higher``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.marts import Tables

REGION_ALIASES = {
    "almaty": "75",
    "republic": "00",
    "zhambyl": "31",
    "taraz": "31",
    "west_kazakhstan": "27",
    "oral": "27",
}
DIRECTIONS = ("arrivals", "departures", "net")
GROUPS = ("CIS", "OTHER", "BALTIC", "NOT_STATED", "NON_CIS")
_DIRECTION_CODES = {"arrivals": "arrival", "departures": "departure"}

EXAMPLES = (
    "almaty.arrivals.total",
    "almaty.arrivals.working_age",
    "almaty.arrivals.RUS",
    "almaty.departures.RUS",
    "almaty.departures.CIS",
    "almaty.arrivals.OTHER",
    "almaty.arrivals.CHN",
    "almaty.net.working_age",
    "almaty.arrivals.education.higher",
    "almaty.departures.specialty.technical",
)


class UnknownSeries(ValueError):
    """A series name that does not follow the grammar or names data the marts do not have."""


@dataclass(frozen=True)
class SeriesName:
    region_code: str
    direction: str
    what: str
    detail: str | None = None

    @property
    def source_mart(self) -> str:
        if self.what in ("total", "working_age"):
            return "fct_yearly_flows"
        if self.what in GROUPS:
            return "fct_country_group_flows"
        if self.what == "education":
            return "fct_education_flows"
        if self.what == "specialty":
            return "fct_specialty_flows"
        return "fct_country_flows"


def parse_series_name(name: str) -> SeriesName:
    parts = name.strip().split(".")
    if len(parts) not in (3, 4):
        raise UnknownSeries(f"series name {name!r} must be REGION.DIRECTION.WHAT[.DETAIL], e.g. almaty.arrivals.RUS")
    region, direction, what = parts[0].lower(), parts[1].lower(), parts[2]
    region_code = REGION_ALIASES.get(region, region)
    if not (len(region_code) == 2 and region_code.isdigit()):
        raise UnknownSeries(
            f"series {name!r}: unknown region {parts[0]!r} (use {', '.join(REGION_ALIASES)} or a KATO code)"
        )
    if direction not in DIRECTIONS:
        raise UnknownSeries(f"series {name!r}: direction must be one of {', '.join(DIRECTIONS)}")
    detail = parts[3] if len(parts) == 4 else None
    if what in ("education", "specialty"):
        if detail is None:
            raise UnknownSeries(f"series {name!r}: {what} needs a code, e.g. {name}.higher")
    elif detail is not None:
        raise UnknownSeries(f"series {name!r}: only education and specialty take a fourth part")
    elif what not in ("total", "working_age", *GROUPS) and not (len(what) == 3 and what.isalpha()):
        raise UnknownSeries(
            f"series {name!r}: WHAT must be total, working_age, a group ({', '.join(GROUPS)}), an ISO alpha-3 "
            "country code, education.LEVEL or specialty.CODE"
        )
    if what not in ("total", "working_age", "education", "specialty"):
        what = what.upper()
    return SeriesName(region_code, direction, what, detail)


def _mart(tables: Tables, name: str) -> pd.DataFrame:
    if name not in tables:
        raise UnknownSeries(f"mart {name} is not in the warehouse")
    return tables[name]


def _long_by_direction(
    rows: pd.DataFrame, direction: str, value: str, label: str, years: list[int] | None = None
) -> pd.Series:
    """Yearly values of a mart stored one row per direction (arrival/departure).

    With ``years`` the result covers exactly those years and a missing row counts as zero.
    """
    by_direction = rows.pivot_table(index="year", columns="direction_code", values=value, aggfunc="sum")
    by_direction = by_direction.reindex(columns=["arrival", "departure"])
    if years is not None:
        by_direction = by_direction.reindex(years).fillna(0.0)
    if direction == "net":
        return (by_direction["arrival"] - by_direction["departure"]).rename(label)
    return by_direction[_DIRECTION_CODES[direction]].rename(label)


def yearly_series(tables: Tables, name: str) -> pd.Series:
    """The named series as floats indexed by year (see the module docstring for the grammar)."""
    parsed = parse_series_name(name)
    mart = _mart(tables, parsed.source_mart)
    rows = mart[mart["region_code"] == parsed.region_code]
    if parsed.source_mart == "fct_yearly_flows":
        rows = rows[rows["age_scope_code"] == ("all_ages" if parsed.what == "total" else "working_age")]
        column = "net_migration" if parsed.direction == "net" else parsed.direction
        series = rows.set_index("year")[column].rename(name)
    elif parsed.source_mart == "fct_specialty_flows":
        rows = rows[rows["specialty_code"] == parsed.detail].set_index("year")
        series = (rows["arrivals"] - rows["departures"]) if parsed.direction == "net" else rows[parsed.direction]
        series = series.rename(name)
    elif parsed.source_mart == "fct_education_flows":
        series = _long_by_direction(rows[rows["education_code"] == parsed.detail], parsed.direction, "persons", name)
    elif parsed.source_mart == "fct_country_group_flows":
        # NON_CIS: every migrant not from/to the CIS, the paper's "other countries" as a whole.
        members = ["OTHER", "NOT_STATED"] if parsed.what == "NON_CIS" else [parsed.what]
        series = _long_by_direction(rows[rows["group_code"].isin(members)], parsed.direction, "persons", name)
    else:
        if parsed.what not in set(mart["country_code"]):
            raise UnknownSeries(f"series {name!r}: country {parsed.what} has no rows in fct_country_flows")
        # Zero-filled: a country without a row in a year the table covers had no migrants that year.
        covered = sorted(set(rows["year"]))
        country_rows = rows[rows["country_code"] == parsed.what]
        series = _long_by_direction(country_rows, parsed.direction, "persons", name, years=covered)
    series = series.astype(float).sort_index()
    series.index = series.index.astype(int)
    series.index.name = "year"
    if series.dropna().empty:
        raise UnknownSeries(f"series {name!r} has no data in {parsed.source_mart}")
    return series
