"""Carry the third batch of press-quoted figures (``press_figures_3.csv``) into constraints.csv.

Input (read here, never committed as it is): ``../shared/published/press_figures_3.csv``, 96 figures with
``geography, period, measure, value, unit, source_url, quote``. Unlike the second batch, the measures are
mixed: counts, shares (%), changes (%), partner-side records and text. Every row is mapped by hand in
``SPECS`` below (one spec per row, in file order; a row without a spec, or a spec without a row, stops the
script naming the row), because no rule reads «CIS share of departures (first print)» or «Spätaussiedler
registered in Germany» correctly. Each spec says what the figure is in the tables' terms (region, year,
months, population, direction, country ...), its role (``use``) and, for a share or a change, the count
it implies with the arithmetic in the note (``value`` of a constraint row is always persons).

Roles (documented in SOURCES.md):

* ``hard`` / ``lower_bound`` / ``target`` / ``check``: the generator holds the figure (as for the earlier
  batches);
* ``validation``: held out: the generator never reads it; the tables are scored against it
  (``analysis.crossval``). Derived counts of a printed share (CIS share x total) and rounded regional
  balances the generator cannot take exactly;
* ``superseded``: a first print the revised Taldau total replaces;
* ``context``: not a cell of the tables, or a restatement of figures already held (a percent change the
  held totals reproduce, an urban/rural split, a partner country's record); the note gives the arithmetic;
* ``conflict``: cannot hold with figures already held; CONFLICTS.md gives the arithmetic.

    PYTHONPATH=python python scripts/carry_press_figures_3.py     # rewrites data/reference/constraints.csv

Rows already carried (constraint ids starting ``P3_``) are replaced, so the script can run again.
"""

from __future__ import annotations

import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESS = ROOT.parent / "shared" / "published" / "press_figures_3.csv"
CONSTRAINTS = ROOT / "data" / "reference" / "constraints.csv"
TALDAU = ROOT / "dbt_project" / "seeds" / "bns_national_external_flows.csv"
PREFIX = "P3_"
HEADER = ["constraint_id", "source_id", "region_code", "year", "months", "population", "direction_code",
          "country_code", "education_code", "specialty_code", "value", "comparison", "use", "note"]

SOURCE_OF_URL = {
    "mdz-moskau.eu/": "mdz_moskau_2024",
    "daz.asia/": "daz_2017",
    "tengrinews.kz/kazakhstan_news/skolko": "tengrinews_2019",
    "7kun.kz/": "kun7_2019",
    "kursiv.media/": "kursiv_2021",
    "zakon.kz/obshestvo/6510851": "zakon_2026",
    "24.kz/kz/zha-aly-tar/kogam/756705": "kz24_2026",
    "liter.kz/v-kakie-strany": "liter_2026",
    "kazpravda.kz/": "kazpravda_2026",
    "centralasia.media/": "centralasia_2025",
    "etonechto.com/": "etonechto_2025",
    "lada.kz/kazakhstan-news/142069": "lada_2025_h1",
    "vechastana.kz/": "vechastana_2025",
    "lada.kz/kazakhstan-news/145738": "lada_2025_q3",
    "bestnewskz.com/": "bestnews_2025",
    "the-tenge.kz/articles/polozhitelnoe": "thetenge_2025",
    "massaget.kz/": "massaget_2025",
    "kazlenta.kz/": "kazlenta_2025",
    "bes.media/": "besmedia_2024",
    "thediplomat.com": "thediplomat_2024",
    "kzvesti.kz/": "kzvesti_2023",
    "mgorod.kz/news/iz-kakih-stran": "mgorod_2023",
    "demos.kz/": "demos_2023",
    "quotedbusiness.com/": "quotedbusiness_2023",
    "the-tenge.kz/articles/mom": "thetenge_mom_2023",
    "kapital.kz/": "kapital_2022",
    "inform.kz/": "inform_2022",
    "mgorod.kz/news/bolee-pyati": "mgorod_2022",
    "silkwaytv.kz/": "silkway_2022",
    "vlast.kz/": "vlast_2016",
    "strategy2050.kz/": "strategy2050_2014",
    "caravan.kz/news/problema-utechki": "caravan_2022_specialty",
    "rusfact.ru/": "rusfact_2019",
}


@dataclass(frozen=True)
class Spec:
    """What one press row is in the tables' terms. ``value`` None = the printed figure in persons."""

    key: str  # constraint id without the prefix
    region: str
    year: int
    months: str
    direction: str
    use: str
    comparison: str = "exact"
    country: str = "_T"
    population: str = "all_ages"
    specialty: str = "_T"
    value: int | None = None
    note: str = ""


def taldau() -> dict[tuple[int, str], int]:
    with open(TALDAU, encoding="utf-8", newline="") as handle:
        return {(int(r["year"]), r["direction_code"]): int(r["persons"]) for r in csv.DictReader(handle)
                if r["table_code"] == "national_total"}


T = taldau()


def share(percent: float, total: int, decimals: int) -> tuple[int, int]:
    """Count implied by a printed share of a total, and half the rounding unit of the share in persons."""
    half = 0.5 * 10 ** -decimals
    return round(percent / 100 * total), math.ceil(half / 100 * total)


def share_spec(key: str, year: int, months: str, direction: str, group: str, percent: float, decimals: int,
               total: int, total_text: str, use: str = "validation") -> Spec:
    value, slack = share(percent, total, decimals)
    bound = "; a part-year count: the annual cell must be at least it" if months != "01-12" else ""
    return Spec(key, "00", year, months, direction, use, comparison=f"within_{slack}", country=f"group:{group}",
                value=value, note=f"derived from the printed share: {percent}% x {total_text} = {value} "
                f"(+/- {slack} for the share's rounding){bound}")


def change_note(new: int, old: int, printed: float, what: str) -> str:
    return (f"restates held figures: {what} {new} / {old} - 1 = {100 * (new / old - 1):.2f}% "
            f"(printed {printed}%)")


# One spec per row of press_figures_3.csv, in file order.
SPECS: list[Spec] = [
    # Partner-side records: Germany's resettlement register and Russia's, not BNS flows.
    Spec("DEU2023_PARTNER_BVA_KAZ", "00", 2023, "01-12", "departure", "context", country="DEU",
         note="partner record (BVA Friedland): ethnic German resettlers and families from Kazakhstan; "
              "BNS departures to Germany Jan-Sep 2023 are 1795 (P3_K2023Q3_DEP_DEU): the German register "
              "alone is 2549 / 1795 = 1.42 x the nine-month BNS count"),
    Spec("DEU2023_PARTNER_BVA_ALL", "00", 2023, "01-12", "departure", "context", country="DEU",
         note="partner record (BVA Friedland): resettlers from all countries; Kazakhstan 2549 / 6655 = 38.3%"),
    Spec("DEU2017H1_PARTNER_BVA_KAZ", "00", 2017, "01-06", "departure", "context", country="DEU",
         note="partner record (BVA): resettlers from Kazakhstan Jan-Jun 2017; a subset of Germany's arrivals "
              "from Kazakhstan (Destatis 12711-0008), not a BNS count"),
    Spec("RUS2018_PARTNER_ROSSTAT_A", "00", 2018, "01-12", "departure", "context", "rounded_100", country="RUS",
         value=26500, note="partner record (Rosstat via RIA Novosti); wording ambiguous (gross inflow or net "
                           "gain); a second print says 25.5 thousand (P3_RUS2018_PARTNER_ROSSTAT_B)"),
    Spec("RUS2018_PARTNER_ROSSTAT_B", "00", 2018, "01-12", "departure", "context", "rounded_100", country="RUS",
         value=25500, note="partner record, other print of P3_RUS2018_PARTNER_ROSSTAT_A (26.5 thousand)"),
    Spec("RUS2020_PARTNER_PASSPORTS", "00", 2020, "01-12", "departure", "context", "rounded_1000",
         country="RUS", note="Russian citizenship granted to people from Kazakhstan (MVD): not a migration flow"),
    # Kazakhstan 2025 (zakon.kz, 24.kz): the shares and changes against the Taldau totals.
    share_spec("K2025_ARR_CIS", 2025, "01-12", "arrival", "CIS", 81.8, 1, T[(2025, "arrival")],
               f"Taldau 2025 arrivals {T[(2025, 'arrival')]}"),
    Spec("K2025_DEP_CHANGE", "00", 2024, "01-12", "departure", "context", "within_10",
         value=round(T[(2025, "departure")] / (1 - 0.402)),
         note="2024 departures implied by the printed change: 7608 / (1 - 0.402); "
              + change_note(T[(2025, "departure")], T[(2024, "departure")], -40.2, "departures 2025 / 2024")),
    Spec("K2025_ARR_CHANGE", "00", 2024, "01-12", "arrival", "context", "within_20",
         value=round(T[(2025, "arrival")] / (1 - 0.189)),
         note="2024 arrivals implied by the printed change: 23761 / (1 - 0.189); "
              + change_note(T[(2025, "arrival")], T[(2024, "arrival")], -18.9, "arrivals 2025 / 2024")),
    Spec("K2025_ARR_CHANGE_FP", "00", 2024, "01-12", "arrival", "superseded", "within_20",
         value=round(T[(2025, "arrival")] / (1 - 0.207)),
         note="against the 2024 first print: 23761 / 29948 - 1 = -20.66% (printed -20.7%); the implied 2024 "
              "arrivals 23761 / 0.793 are the first print 29948, revised to 29282 (Taldau)"),
    Spec("K2025_DEP_CHANGE_FP", "00", 2024, "01-12", "departure", "superseded", "within_10",
         value=round(T[(2025, "departure")] / (1 - 0.405)),
         note="against the 2024 first print: 7608 / 12784 - 1 = -40.49% (printed -40.5%); the implied 2024 "
              "departures are the first print 12784, revised to 12732 (Taldau)"),
    # BNS release of 13 March 2026 (liter.kz): regional 2025 totals.
    Spec("R19_2025_ARR_T", "19", 2025, "01-12", "arrival", "hard"),
    Spec("A2025_ARR_T", "75", 2025, "01-12", "arrival", "hard",
         note="Almaty city 2025: replaces the path modeled from the Jan-Sep figure (2.6 thousand)"),
    Spec("A2025_DEP_T", "75", 2025, "01-12", "departure", "hard",
         note="Almaty city 2025: balance 4068 - 757 = +3311"),
    Spec("K2025_MODAL_AGE", "00", 2025, "01-12", "arrival", "context", "text", value=35,
         note="text: the modal five-year age group of both arrivals and departures is 35-39 (value = its "
              "first year, not a count)"),
    # Energyprom balances (kazpravda.kz).
    Spec("R19_2025_NET_T", "19", 2025, "01-12", "net", "validation", "rounded_100", value=5500,
         note="with the held arrivals 5754 the departures are 5754 - 5500 = 254 (+/- 50)"),
    Spec("R47_2025_NET_T", "47", 2025, "01-12", "net", "validation", "rounded_100", value=3400),
    Spec("K2019_NET_T", "00", 2019, "01-12", "net", "check", "rounded_1000", value=-33000,
         note=f"Taldau {T[(2019, 'arrival')]} - {T[(2019, 'departure')]} = "
              f"{T[(2019, 'arrival')] - T[(2019, 'departure')]}: within the rounding"),
    Spec("K2022_NET_T", "00", 2022, "01-12", "net", "superseded", "rounded_100", value=-6900,
         note=f"the first print 17293 - 24239 = -6946 rounds to -6.9 thousand; Taldau revised "
              f"{T[(2022, 'arrival')]} - {T[(2022, 'departure')]} = {T[(2022, 'arrival')] - T[(2022, 'departure')]}"),
    # Kazakhstan 2025 part-years.
    Spec("K2025H1_ARR_T", "00", 2025, "01-06", "arrival", "lower_bound", "at_least"),
    Spec("K2025H1_DEP_T", "00", 2025, "01-06", "departure", "lower_bound", "at_least"),
    share_spec("K2025H1_ARR_CIS", 2025, "01-06", "arrival", "CIS", 82.2, 1, 11267, "Jan-Jun arrivals 11267"),
    share_spec("K2025H1_DEP_CIS", 2025, "01-06", "departure", "CIS", 73.9, 1, 3518, "Jan-Jun departures 3518"),
    Spec("K2025H1_DEP_RUS", "00", 2025, "01-06", "departure", "lower_bound", "rounded_100_at_least",
         country="RUS", value=2300),
    Spec("K2025H1_DEP_DEU", "00", 2025, "01-06", "departure", "lower_bound", "at_least", country="DEU"),
    share_spec("K2025Q3_ARR_CIS", 2025, "01-09", "arrival", "CIS", 82.7, 1, 16100,
               "Jan-Sep arrivals 16.1 thousand (K2025Q3_ARR_T)"),
    share_spec("K2025Q3_DEP_CIS", 2025, "01-09", "departure", "CIS", 73.2, 1, 5900,
               "Jan-Sep departures 5.9 thousand (K2025Q3_DEP_T)"),
    Spec("R19_2025Q3_ARR_T", "19", 2025, "01-09", "arrival", "lower_bound", "rounded_100_at_least", value=4400),
    Spec("R47_2025Q3_ARR_T", "47", 2025, "01-09", "arrival", "lower_bound", "rounded_100_at_least", value=2300),
    Spec("R71_2025Q3_ARR_T", "71", 2025, "01-09", "arrival", "lower_bound", "rounded_100_at_least", value=1000),
    Spec("K2025Q3_ARR_CHANGE", "00", 2024, "01-09", "arrival", "context", "rounded_100",
         value=round(16100 / (1 - 0.206)),
         note="Jan-Sep 2024 arrivals implied by the printed change: 16.1 thousand / (1 - 0.206) = 20277; "
              f"below the 2024 total {T[(2024, 'arrival')]} (Taldau) as it must be"),
    share_spec("K2025Q1_ARR_CIS_SHARE", 2025, "01-03", "arrival", "CIS", 84.1, 1, 4137 + 783,
               "Jan-Mar arrivals 4137 + 783 = 4920", use="context"),
    Spec("K2025Q1_DEP_CIS_SHARE", "00", 2025, "01-03", "departure", "context", "text", country="group:CIS",
         value=68, note="share in percent, not a count: no Jan-Mar 2025 departures total is printed"),
    Spec("K2025Q1_ARR_CIS", "00", 2025, "01-03", "arrival", "validation", "at_least", country="group:CIS",
         note="residence-permit holders from the CIS; 4137 / (4137 + 783) = 84.08% = the printed share 84.1%"),
    Spec("K2025Q1_ARR_NONCIS", "00", 2025, "01-03", "arrival", "validation", "at_least",
         country="group:NON_CIS"),
    Spec("R19_2025Q1_ARR_T", "19", 2025, "01-03", "arrival", "lower_bound", "at_least"),
    Spec("R47_2025Q1_ARR_T", "47", 2025, "01-03", "arrival", "lower_bound", "at_least"),
    Spec("K2025Q1_ARR_AGE20_44", "00", 2025, "01-03", "arrival", "context", "within_3",
         value=round(0.617 * 4920),
         note="arrivals aged 20-44 derived from the printed share: 61.7% x 4920 = 3036 (by_sex_age is annual)"),
    # 2024 first print (the-tenge.kz) and later print (massaget.kz).
    Spec("K2024_ARR_T_FP", "00", 2024, "01-12", "arrival", "superseded",
         note=f"first print; Taldau revised {T[(2024, 'arrival')]} (seed)"),
    Spec("K2024_DEP_T_FP", "00", 2024, "01-12", "departure", "superseded",
         note=f"first print; Taldau revised {T[(2024, 'departure')]} (seed)"),
    Spec("K2024_NET_T_FP", "00", 2024, "01-12", "net", "superseded",
         note=f"first print 29948 - 12784 = 17164; Taldau revised {T[(2024, 'arrival')]} - "
              f"{T[(2024, 'departure')]} = {T[(2024, 'arrival')] - T[(2024, 'departure')]}"),
    share_spec("K2024_ARR_CIS_FP", 2024, "01-12", "arrival", "CIS", 81.1, 1, 29948, "first-print arrivals 29948",
               use="superseded"),
    share_spec("K2024_DEP_CIS_FP", 2024, "01-12", "departure", "CIS", 74.9, 1, 12784,
               "first-print departures 12784", use="superseded"),
    share_spec("K2024_ARR_CIS", 2024, "01-12", "arrival", "CIS", 81.6, 1, T[(2024, "arrival")],
               f"Taldau 2024 arrivals {T[(2024, 'arrival')]}"),
    share_spec("K2024_DEP_CIS", 2024, "01-12", "departure", "CIS", 74.8, 1, T[(2024, "departure")],
               f"Taldau 2024 departures {T[(2024, 'departure')]}"),
    # 2024 departures by specialty (kazlenta.kz): as the earlier annual specialty figures.
    Spec("K2024_DEP_TECH", "00", 2024, "01-12", "departure", "target", "rounded_100", population="specialists",
         specialty="technical", value=1500,
         note="read as working-age migrants with higher or secondary vocational education"),
    Spec("K2024_DEP_ECON", "00", 2024, "01-12", "departure", "target", population="specialists",
         specialty="economic", note="read as working-age migrants with higher or secondary vocational education"),
    Spec("K2024_DEP_PED", "00", 2024, "01-12", "departure", "target", population="specialists",
         specialty="pedagogical", note="read as working-age migrants with higher or secondary vocational education"),
    Spec("K2024_DEP_ARCH", "00", 2024, "01-12", "departure", "target", population="specialists",
         specialty="architecture_construction",
         note="read as working-age migrants with higher or secondary vocational education"),
    Spec("K2024_DEP_AGRI", "00", 2024, "01-12", "departure", "target", population="specialists",
         specialty="agricultural", note="read as working-age migrants with higher or secondary vocational education"),
    Spec("A2024_ARR_CHANGE", "75", 2023, "01-12", "arrival", "context", "within_5", value=round(6260 / (1 - 0.023)),
         note="Almaty city 2023 arrivals implied by the printed change: 6260 / (1 - 0.023) = 6407; "
              "restates held figures: 6260 / 6409 - 1 = -2.32% (printed -2.3%)"),
    # 2024 part-years.
    Spec("K2024Q3_ARR_CHN", "00", 2024, "01-09", "arrival", "lower_bound", "at_least", country="CHN"),
    Spec("K2024Q3_DEP_T", "00", 2024, "01-09", "departure", "lower_bound", "rounded_100_at_least", value=10200),
    Spec("K2024Q1_DEP_T", "00", 2024, "01-03", "departure", "lower_bound", "at_least"),
    # National Jan-Sep 2023 (kzvesti.kz, thediplomat.com).
    Spec("K2023Q3_ARR_T", "00", 2023, "01-09", "arrival", "lower_bound", "at_least"),
    Spec("K2023Q3_DEP_T", "00", 2023, "01-09", "departure", "lower_bound", "at_least"),
    share_spec("K2023Q3_ARR_CIS", 2023, "01-09", "arrival", "CIS", 88, 0, 19136, "Jan-Sep arrivals 19136"),
    share_spec("K2023Q3_DEP_CIS_SHARE", 2023, "01-09", "departure", "CIS", 78.1, 1, 12732,
               "Jan-Sep departures 12732; the printed CIS count is 9948 (P3_K2023Q3_DEP_CIS): 9948 / 12732 = "
               "78.13%", use="context"),
    Spec("K2023Q3_DEP_RUS", "00", 2023, "01-09", "departure", "lower_bound", "at_least", country="RUS"),
    Spec("K2023Q3_DEP_DEU", "00", 2023, "01-09", "departure", "lower_bound", "at_least", country="DEU",
         note="the tables before this figure held 470 for the whole year (see CONFLICTS.md)"),
    Spec("K2023Q3_DEP_BLR", "00", 2023, "01-09", "departure", "lower_bound", "at_least", country="BLR"),
    Spec("K2023Q3_DEP_TUR", "00", 2023, "01-09", "departure", "lower_bound", "at_least", country="TUR"),
    Spec("K2023Q3_DEP_UKR", "00", 2023, "01-09", "departure", "lower_bound", "at_least", country="UKR"),
    Spec("K2023Q3_DEP_CHN", "00", 2023, "01-09", "departure", "lower_bound", "at_least", country="CHN"),
    Spec("K2023Q3_DEP_CIS", "00", 2023, "01-09", "departure", "validation", "at_least", country="group:CIS",
         note="the page says 2023; 9948 + 2784 = 12732 = the Jan-Sep departures, so Jan-Sep"),
    Spec("K2023Q3_DEP_NONCIS", "00", 2023, "01-09", "departure", "validation", "at_least",
         country="group:NON_CIS", note="the page says 2023; Jan-Sep as P3_K2023Q3_DEP_CIS"),
    share_spec("K2023_ARR_CIS", 2023, "01-12", "arrival", "CIS", 86.3, 1, T[(2023, "arrival")],
               f"Taldau 2023 arrivals {T[(2023, 'arrival')]}"),
    # Q1 2023 (demos.kz): settlement split (the tables hold settlement _T only).
    Spec("K2023Q1_ARR_URBAN", "00", 2023, "01-03", "arrival", "context", "rounded_100", value=5500,
         note="urban; urban + rural = 5.5 + 2.2 = 7.7 thousand = the held Q1 arrivals 7680 (K2023Q1_ARR__T)"),
    Spec("K2023Q1_ARR_RURAL", "00", 2023, "01-03", "arrival", "context", "rounded_100", value=2200,
         note="rural; see P3_K2023Q1_ARR_URBAN"),
    Spec("K2023Q1_DEP_URBAN", "00", 2023, "01-03", "departure", "context", "rounded_100", value=2000,
         note="urban; urban + rural = 2000 + 620 = 2620, within rounding of the held 2664 (K2023Q1_DEP__T)"),
    Spec("K2023Q1_DEP_RURAL", "00", 2023, "01-03", "departure", "context", note="rural; see P3_K2023Q1_DEP_URBAN"),
    Spec("K2014Q1_NET_T", "00", 2014, "01-03", "net", "context",
         note=f"a positive quarter; the year's balance is {T[(2014, 'arrival')]} - {T[(2014, 'departure')]} = "
              f"{T[(2014, 'arrival')] - T[(2014, 'departure')]} (Taldau): a quarter bounds nothing annual"),
    # Q1 2023 and 2019/2022 exchange with Russia (quotedbusiness.com).
    Spec("K2023Q1_DEP_RUS", "00", 2023, "01-03", "departure", "lower_bound", "at_least", country="RUS"),
    Spec("K2023Q1_ARR_RUS_ETHRUS", "00", 2023, "01-03", "arrival", "lower_bound", "at_least", country="RUS",
         population="ethnic_russians", note="ethnic Russians only: a subset of all arrivals from Russia"),
    Spec("K2023Q1_ARR_RUS_ETHKAZ", "00", 2023, "01-03", "arrival", "context", country="RUS",
         note="ethnic Kazakhs only; with ethnic Russians and Germans the Q1 arrivals from Russia are at least "
              "2419 + 756 + 73 = 3248"),
    Spec("K2023Q1_ARR_RUS_ETHDEU", "00", 2023, "01-03", "arrival", "context", country="RUS",
         note="ethnic Germans only; see P3_K2023Q1_ARR_RUS_ETHKAZ"),
    Spec("K2022_DEP_RUS", "00", 2022, "01-12", "departure", "target", "rounded_100", country="RUS", value=19500,
         note="rounded by the press: the national cell is held within half the unit; Jan-Sep 16643 "
              "(P3_K2022Q3_DEP_RUS) fits"),
    Spec("K2019_DEP_RUS", "00", 2019, "01-12", "departure", "target", "rounded_100", country="RUS", value=39800,
         note="rounded by the press: the national cell is held within half the unit"),
    Spec("K2022_ARR_RUS", "00", 2022, "01-12", "arrival", "validation", "rounded_1000", country="RUS", value=6000,
         note="'almost 6 thousand': held out, scored within half a thousand"),
    Spec("K2023H1_ARR_HIGHER_SHARE", "00", 2023, "01-06", "arrival", "context", "text",
         population="persons_15_plus", value=22,
         note="share in percent, not a count: immigrants aged 15+ with higher education (page truncated); "
              "no Jan-Jun count of immigrants aged 15+ is printed"),
    Spec("K2022Q3_DEP_RUS", "00", 2022, "01-09", "departure", "lower_bound", "at_least", country="RUS"),
    Spec("K2022M79_DEP_RUS", "00", 2022, "07-09", "departure", "context", country="RUS",
         note="restates held figures: Jan-Sep 16643 - Jan-Jun 9875 (K2022H1_DEP_RUS) = 6768"),
    share_spec("K2022H1_ARR_CIS", 2022, "01-06", "arrival", "CIS", 84.5, 1, 7287,
               "Jan-Jun arrivals 7287 (K2022H1_ARR__T)"),
    share_spec("K2022H1_DEP_CIS", 2022, "01-06", "departure", "CIS", 83.0, 1, 12344,
               "Jan-Jun departures 12344 (K2022H1_DEP__T)"),
    share_spec("K2022Q1_ARR_CIS", 2022, "01-03", "arrival", "CIS", 86, 0, 4108, "Q1 arrivals 4108 (K2022Q1_ARR_T)"),
    share_spec("K2022Q1_DEP_CIS", 2022, "01-03", "departure", "CIS", 80.8, 1, 5281,
               "Q1 departures 5281 (K2022Q1_DEP_T)"),
    Spec("K2022Q3_ARR_T", "00", 2022, "01-09", "arrival", "lower_bound", "at_least", value=11000,
         note="'more than 11 thousand'"),
    # 2016 and 2014 part-years.
    Spec("K2016M4_ARR_T", "00", 2016, "01-04", "arrival", "lower_bound", "at_least"),
    Spec("K2016M4_DEP_T", "00", 2016, "01-04", "departure", "lower_bound", "at_least"),
    share_spec("K2016M4_ARR_CIS", 2016, "01-04", "arrival", "CIS", 73.5, 1, 4142, "Jan-Apr arrivals 4142"),
    share_spec("K2016M4_DEP_CIS", 2016, "01-04", "departure", "CIS", 88.1, 1, 7663, "Jan-Apr departures 7663"),
    Spec("K2014H1_ARR_T", "00", 2014, "01-06", "arrival", "lower_bound", "at_least"),
    Spec("K2014H1_DEP_T", "00", 2014, "01-06", "departure", "lower_bound", "at_least"),
    # Multi-year sums: not one year's cell.
    Spec("K2012_2021_ARR_SUM", "00", 2021, "01-12", "arrival", "context", "rounded_1000", value=162000,
         note="sum over 2012-2021 ('since 2012'): Taldau "
              f"{sum(T[(y, 'arrival')] for y in range(2012, 2022))}: within the rounding"),
    Spec("K2012_2021_DEP_SUM", "00", 2021, "01-12", "departure", "context", "rounded_1000", value=333000,
         note="sum over 2012-2021 ('since 2012'): Taldau "
              f"{sum(T[(y, 'departure')] for y in range(2012, 2022))}, 661 above the rounding of 333 thousand "
              "(the page's own approximation of the period)"),
    Spec("K2010_2019_DEP_SUM", "00", 2019, "01-12", "departure", "conflict", "at_least", value=366000,
         note="'over 366 thousand in the last ten years': Taldau gives "
              f"{sum(T[(y, 'departure')] for y in range(2010, 2020))} for 2010-2019 and at most "
              f"{max(sum(T[(y, 'departure')] for y in range(s, s + 10)) for s in range(2000, 2016))} for any "
              "ten years from 2000 (see CONFLICTS.md)"),
]


def source_id(url: str, number: int) -> str:
    for fragment, source in SOURCE_OF_URL.items():
        if fragment in url:
            return source
    raise SystemExit(f"{PRESS}: row {number}: no source id for URL {url!r}; add it to SOURCE_OF_URL and SOURCES.md")


def printed_persons(figure: dict, number: int) -> int:
    """The printed figure in persons (only for specs that take the figure as printed)."""
    try:
        value = float(figure["value"])
    except ValueError:
        raise SystemExit(f"{PRESS}: row {number}: column value: not a number: {figure['value']!r}") from None
    if figure["unit"] != "persons" or value != int(value):
        raise SystemExit(f"{PRESS}: row {number}: column unit: {figure['unit']!r} ({figure['value']}) is not a "
                         "whole number of persons; give the spec a value")
    return int(value)


def press_rows() -> list[dict]:
    with open(PRESS, encoding="utf-8", newline="") as handle:
        figures = list(csv.DictReader(handle))
    if len(figures) != len(SPECS):
        raise SystemExit(f"{PRESS}: {len(figures)} rows, but {len(SPECS)} specs: map every row in SPECS")
    rows = []
    for number, (figure, spec) in enumerate(zip(figures, SPECS, strict=True), start=2):
        value = spec.value if spec.value is not None else printed_persons(figure, number)
        printed = f"printed: {figure['value']} {figure['unit']} ({figure['geography']}; {figure['period']}; " \
                  f"{figure['measure']})"
        note = "; ".join(part for part in (spec.note, printed) if part)
        rows.append({
            "constraint_id": PREFIX + spec.key, "source_id": source_id(figure["source_url"], number),
            "region_code": spec.region, "year": str(spec.year), "months": spec.months,
            "population": spec.population, "direction_code": spec.direction, "country_code": spec.country,
            "education_code": "_T", "specialty_code": spec.specialty, "value": str(value),
            "comparison": spec.comparison, "use": spec.use,
            "note": note.replace(",", ";").replace("\n", " "),
        })
    return rows


def main() -> int:
    with open(CONSTRAINTS, encoding="utf-8", newline="") as handle:
        existing = list(csv.DictReader(handle))
    new = press_rows()
    ids = [row["constraint_id"] for row in new]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise SystemExit(f"duplicate constraint ids {duplicated}")
    kept = [row for row in existing if not row["constraint_id"].startswith(PREFIX)]
    with open(CONSTRAINTS, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept + new)
    uses: dict[str, int] = {}
    for row in new:
        uses[row["use"]] = uses.get(row["use"], 0) + 1
    print(f"{CONSTRAINTS}: {len(kept)} kept, {len(new)} carried from press_figures_3 {dict(sorted(uses.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
