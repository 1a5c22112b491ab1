"""Carry the second batch of press-quoted BNS figures and the derived external balances into constraints.csv.

Two inputs (``../shared`` is read here, never committed as it is):

* ``press_figures_2.csv``: one figure per row (geography, period, measure, value, unit, source URL, note);
  each becomes one constraint row with the source id of its URL (SOURCES.md lists every id).
* the derived external balances (all-flows balance - interregional balance; intraregional moves cancel inside a
  region) are read from the published warehouse's ``fct_external_balance_derived`` (one SQL definition,
  ``int_external_balance_derived``, on the seeds ``bns_all_flows_balance`` and ``interregional_flows_by_region``
  that ``scripts/carry_flow_kinds.py`` carries). Each becomes a ``net`` constraint whose note carries the
  arithmetic. Build the warehouse first (``make build``).

    PYTHONPATH=python python scripts/carry_press_figures.py [WAREHOUSE]   # rewrites data/reference/constraints.csv

Rows already carried (same constraint_id) are replaced, so the script can run again.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PRESS = SHARED / "published" / "press_figures_2.csv"
# The published warehouse, whose fct_external_balance_derived gives the derived external balances.
WAREHOUSE = ROOT / "warehouse" / "kz_migration.duckdb"
CONSTRAINTS = ROOT / "data" / "reference" / "constraints.csv"

SOURCE_OF_URL = {
    "caravan.kz/amp/news/obrazovannye": "caravan_2022_h1",
    "caravan.kz/news/problema-utechki": "caravan_2022_specialty",
    "ult.kz/": "ult_2022",
    "elordainfo.kz/": "elordainfo_2022",
    "globalnews.kz/": "globalnews_2022",
    "egemen.kz/amp/article/342209": "egemen_2023",
    "demos.kz/": "demos_2023",
    "bizmedia.kz/": "bizmedia_2023",
    "24.kz/": "kz24_2024",
    "inbusiness.kz/": "inbusiness_2025",
    "bestnewskz.com/": "bestnews_2025",
    "azattyq-ruhy.kz/society/1930": "azattyq_ruhy_2019",
    "lsm.kz/": "lsm_2020",
    "qazaqtimes.com/": "qazaqtimes_2018",
    "newsline.kz/": "newsline_2017",
    "mgorod.kz/news/s-nachala-goda": "mgorod_2013",
    "rus.azattyq.org/": "azattyq_2012",
    "365info.kz/": "info365_2021",
    "lat.egemen.kz/": "egemen_2025",
}
REGION_OF_GEOGRAPHY = {
    "Kazakhstan": "00", "Almaty city": "75", "Mangystau region": "47", "Almaty region": "19",
    "Karaganda region": "35", "Kostanay region": "39", "Pavlodar region": "55", "North Kazakhstan region": "59",
}
COUNTRY = {
    "Russia": "RUS", "Germany": "DEU", "Poland": "POL", "USA": "USA", "Uzbekistan": "UZB", "Belarus": "BLR",
    "Kyrgyzstan": "KGZ", "Canada": "CAN", "Israel": "ISR", "Turkey": "TUR", "Mongolia": "MNG", "Ukraine": "UKR",
    "Turkmenistan": "TKM", "China": "CHN", "Tajikistan": "TJK", "Afghanistan": "AFG", "Azerbaijan": "AZE",
    "South Korea": "KOR", "Iran": "IRN", "Georgia": "GEO",
}
EDUCATION = {"higher": "higher", "secondary vocational": "secondary_vocational",
             "general secondary": "general_secondary", "basic secondary": "lower"}
SPECIALTY = {"technical": "technical", "economic": "economic", "pedagogical": "pedagogical", "medical": "medical",
             "legal": "legal", "architecture-construction": "architecture_construction",
             "agricultural": "agricultural", "other": "other"}
PART = {"01-03": "Q1", "01-06": "H1", "01-07": "M7", "01-09": "Q3", "01-12": ""}
# The order in which the derived balances of a year are listed in constraints.csv.
EXTERNAL_BALANCE_REGIONS = ("75", "31", "27", "71", "79")
DERIVED_SOURCE = "derived:bns_iblock_all_flows_balance+kanatislambekov_interregional"
HEADER = ["constraint_id", "source_id", "region_code", "year", "months", "population", "direction_code",
          "country_code", "education_code", "specialty_code", "value", "comparison", "use", "note"]


def source_id(url: str) -> str:
    for fragment, source in SOURCE_OF_URL.items():
        if fragment in url:
            return source
    raise SystemExit(f"{PRESS}: no source id for URL {url!r}; add it to SOURCE_OF_URL and SOURCES.md")


def period(text: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d{4})(?:-(\d\d)\.\.(\d\d))?", text)
    if not match:
        raise SystemExit(f"{PRESS}: unreadable period {text!r}")
    year, start, end = match.groups()
    return int(year), f"{start}-{end}" if start else "01-12"


def subject(measure: str, year: int, months: str) -> tuple[str, str, str, str, str]:
    """(population, direction, country, education, specialty) of a press measure."""
    direction = "departure" if re.match(r"(external )?(departures|emigrants)", measure) else "arrival"
    if measure.startswith("external migration balance"):
        return "all_ages", "net", "_T", "_T", "_T"
    if "ethnic Russians" in measure:
        return "ethnic_russians", direction, "_T", "_T", "_T"
    if measure.endswith("abroad"):
        return "all_ages", direction, "_T", "_T", "_T"
    if match := re.match(r"(?:departures|arrivals|immigrants) (?:to|from) (.+)$", measure):
        return "all_ages", direction, COUNTRY[match.group(1)], "_T", "_T"
    if match := re.match(r"departures 15\+ with (.+) education$", measure):
        return "persons_15_plus", direction, "_T", EDUCATION[match.group(1)], "_T"
    if match := re.match(r"(?:departures|arrivals) (.+) specialty$", measure):
        population = "specialists" if months == "01-12" else "specialists_15_plus"
        return population, direction, "_T", "_T", SPECIALTY[match.group(1)]
    if "with a specialty" in measure:
        return "specialists", direction, "_T", "_T", "_T"
    if "aged 16 to pension age" in measure:
        return "working_age", direction, "_T", "_T", "_T"
    return "all_ages", direction, "_T", "_T", "_T"


def use_of(population: str, direction: str, year: int, months: str, rounded: bool, region: str,
           country: str) -> tuple[str, str, str]:
    """(comparison, use, note) for one press figure: how the tables must honour it."""
    if direction == "net":
        return ("rounded_100", "superseded", "first print; Taldau 2011 arrivals - departures = 38016 - 32920 = "
                "5096 (see CONFLICTS.md)")
    if months != "01-12":
        note = {"ethnic_russians": "ethnic Russians only: a subset of all arrivals",
                "persons_15_plus": "aged 15 and over; the tables' education levels are working-age",
                "specialists_15_plus": "aged 15 and over; the tables' specialists are working-age",
                "working_age": "aged 16 to pension age (statutory); inside the paper_2025 working age"}
        return ("rounded_100_at_least" if rounded else "at_least", "lower_bound", note.get(population, ""))
    if population == "specialists":
        return ("rounded_100" if rounded else "exact", "target",
                "read as working-age migrants with higher or secondary vocational education")
    if region == "00" and country == "_T":
        return "within_100", "check", "rounded by the press; the tables hold the Taldau total (see CONFLICTS.md)"
    if rounded:
        return "rounded_100", "target", "rounded by the press: the national cell is held within half the unit"
    return "exact", "hard", ""


def press_rows() -> list[dict]:
    rows = []
    with open(PRESS, encoding="utf-8", newline="") as handle:
        for number, figure in enumerate(csv.DictReader(handle), start=2):
            region = REGION_OF_GEOGRAPHY.get(figure["geography"])
            if region is None:
                raise SystemExit(f"{PRESS}: row {number}: unknown geography {figure['geography']!r}")
            year, months = period(figure["period"])
            population, direction, country, education, specialty = subject(figure["measure"], year, months)
            rounded = "rounded" in figure["unit"]
            comparison, use, note = use_of(population, direction, year, months, rounded, region, country)
            key = country if country != "_T" else education if education != "_T" else specialty
            prefix = "K" if region == "00" else "A" if region == "75" else f"R{region}_"
            constraint_id = (f"{prefix}{year}{PART[months]}_{direction[:3].upper()}_{key.upper()[:6]}"
                             + ("_15P" if population == "persons_15_plus" else "")
                             + ("_WA" if population == "working_age" else "")
                             + ("_ETHRUS" if population == "ethnic_russians" else ""))
            press_note = figure["note"].replace(",", ";")
            rows.append({
                "constraint_id": constraint_id, "source_id": source_id(figure["source_url"]), "region_code": region,
                "year": str(year), "months": months, "population": population, "direction_code": direction,
                "country_code": country, "education_code": education, "specialty_code": specialty,
                "value": figure["value"], "comparison": comparison, "use": use,
                "note": "; ".join(part for part in (note, f"press: {press_note}" if press_note else "") if part),
            })
    return rows


def derived_rows(warehouse: Path = WAREHOUSE) -> list[dict]:
    """The derived external balances as the warehouse defines them (int_external_balance_derived, mart
    fct_external_balance_derived): the arithmetic lives there, in one place, not here."""
    import duckdb

    try:
        connection = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as error:
        raise SystemExit(f"{warehouse}: cannot open the warehouse ({error}); run `make build` first") from None
    with connection:
        derived = connection.execute(
            "select region_code, year, external_net_persons, derivation from main.fct_external_balance_derived "
            "where provenance = ? order by year, region_code", [DERIVED_SOURCE]).fetchall()
    if not derived:
        raise SystemExit(f"{warehouse}: fct_external_balance_derived has no rows of {DERIVED_SOURCE}")
    order = {region: position for position, region in enumerate(EXTERNAL_BALANCE_REGIONS)}
    derived.sort(key=lambda row: (row[1], order.get(row[0], len(order)), row[0]))
    return [
        {
            "constraint_id": f"D{region}_{year}_NET_T", "source_id": DERIVED_SOURCE, "region_code": region,
            "year": str(year), "months": "01-12", "population": "all_ages", "direction_code": "net",
            "country_code": "_T", "education_code": "_T", "specialty_code": "_T", "value": str(external),
            "comparison": "exact", "use": "hard", "note": derivation,
        }
        for region, year, external, derivation in derived
    ]


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    with open(CONSTRAINTS, encoding="utf-8", newline="") as handle:
        existing = list(csv.DictReader(handle))
    derived = derived_rows(Path(arguments[0]) if arguments else WAREHOUSE)
    new = derived + press_rows()
    ids = [row["constraint_id"] for row in new]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise SystemExit(f"duplicate constraint ids {duplicated}")
    kept = [row for row in existing if row["constraint_id"] not in set(ids)]
    with open(CONSTRAINTS, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept + new)
    print(f"{CONSTRAINTS}: {len(kept)} kept, {len(new)} carried ({len(derived)} derived balances)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
