"""The report's section on partner statistics: Germany's record of migration with Kazakhstan against BNS's.

Reads ``fct_partner_mirror_flows`` (one row per year) and, for whether the reconstruction uses Germany's series,
the role ``fct_published_figures`` gives Germany's figures. Every BNS number is labelled published (with the
months it covers) or modeled, so a reader never takes the reconstruction's cell for an official figure.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd

from analysis.marts import Tables

MIRROR_MART = "fct_partner_mirror_flows"
FIGURES_MART = "fct_published_figures"
TableRenderer = Callable[..., str]


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _months_label(months: object) -> str:
    """``01-09`` -> ``Jan–Sep``; ``01-12`` -> ``full year``."""
    if not isinstance(months, str) or not months:
        return ""
    if months == "01-12":
        return "full year"
    first, last = (int(part) for part in months.split("-"))
    return f"{MONTH_NAMES[first - 1]}–{MONTH_NAMES[last - 1]}"


def _provenance_label(provenance: object) -> str:
    if not isinstance(provenance, str):
        return ""
    return "MODELED" if provenance == "modeled" else f"published ({provenance.split(':', 1)[-1]})"


def departures_table(tables: Tables) -> pd.DataFrame:
    """Germany's arrivals from Kazakhstan against BNS's departures to Germany, every year Germany recorded."""
    mirror = tables.get(MIRROR_MART)
    if mirror is None or mirror.empty:
        return pd.DataFrame()
    rows = mirror[mirror["germany_arrivals_from_kazakhstan"].notna()].sort_values("year")
    return pd.DataFrame(
        {
            "year": rows["year"],
            "Germany: arrivals from Kazakhstan": rows["germany_arrivals_from_kazakhstan"],
            "of which German citizens": rows["germany_arrivals_german_citizens"],
            "BNS published: departures to Germany": rows["published_bns_departures_to_germany"],
            "period published": rows["published_departures_months"].map(_months_label),
            "published, per 12 months": rows["published_bns_departures_to_germany_per_year"].round(0),
            "coverage BNS / Germany (published, per 12 months)": rows["published_departure_coverage_ratio"],
            "coverage lower bound (published, unscaled)": rows["published_departure_coverage_lower_bound_ratio"],
            "warehouse: departures to Germany": rows["bns_departures_to_germany"],
            "warehouse cell is": rows["bns_departures_to_germany_provenance"].map(_provenance_label),
            "coverage from the warehouse cell": rows["warehouse_departure_coverage_ratio"],
        }
    )


def arrivals_table(tables: Tables) -> pd.DataFrame:
    """The reverse direction: Germany's departures to Kazakhstan against BNS's arrivals from Germany."""
    mirror = tables.get(MIRROR_MART)
    if mirror is None or mirror.empty:
        return pd.DataFrame()
    rows = mirror[mirror["germany_departures_to_kazakhstan"].notna()].sort_values("year")
    return pd.DataFrame(
        {
            "year": rows["year"],
            "Germany: departures to Kazakhstan": rows["germany_departures_to_kazakhstan"],
            "BNS published: arrivals from Germany": rows["published_bns_arrivals_from_germany"],
            "period published": rows["published_arrivals_months"].map(_months_label),
            "coverage BNS / Germany (published, per 12 months)": rows["published_arrival_coverage_ratio"],
            "warehouse: arrivals from Germany": rows["bns_arrivals_from_germany"],
            "warehouse cell is": rows["bns_arrivals_from_germany_provenance"].map(_provenance_label),
            "coverage from the warehouse cell": rows["warehouse_arrival_coverage_ratio"],
        }
    )


def reconstruction_uses_partner_series(tables: Tables) -> bool | None:
    """True when any of Germany's figures is a constraint of the reconstruction; None if the mart is absent."""
    figures = tables.get(FIGURES_MART)
    if figures is None:
        return None
    partner = figures[figures["recording_country_code"] == "DEU"]
    return bool((partner["role_code"] != "context").any())


def _published_ratios(tables: Tables) -> str:
    """Each year's published coverage ratio with its arithmetic: ``2022: 0.52 (Jan–Jun: 1,332 × 12 / 6 = …)``."""
    mirror = tables.get(MIRROR_MART)
    if mirror is None:
        return ""
    rows = mirror[mirror["published_departure_coverage_ratio"].notna()].sort_values("year")
    parts = []
    for year, months, published, per_year, ratio, germany in zip(
        rows["year"], rows["published_departures_months"], rows["published_bns_departures_to_germany"],
        rows["published_bns_departures_to_germany_per_year"], rows["published_departure_coverage_ratio"],
        rows["germany_arrivals_from_kazakhstan"], strict=True,
    ):
        covered = _months_covered(str(months))
        scaled = "" if covered == 12 else f" × 12 / {covered} = {float(per_year):,.0f}"
        parts.append(
            f"{int(year)}: {float(ratio):.2f} ({_months_label(months)}: {float(published):,.0f}{scaled}"
            f" / Germany's {float(germany):,.0f})"
        )
    return "; ".join(parts)


def _months_covered(months: str) -> int:
    first, last = months.split("-")
    return int(last) - int(first) + 1


def partner_mirror_html(tables: Tables, table: TableRenderer) -> str:
    """The section: what each side records, the coverage ratio where both exist, modeled cells marked."""
    departures = departures_table(tables)
    if departures.empty:
        return (
            "<h2 id='partner'>Partner statistics: Germany's record</h2>"
            f"<p class='missing'>The mart <code>{MIRROR_MART}</code> is not in this warehouse.</p>"
        )
    uses = reconstruction_uses_partner_series(tables)
    use_sentence = {
        True: "The reconstruction <strong>uses</strong> Germany's series for its Germany cells "
        "(<code>fct_published_figures.role_code</code> of Germany's figures).",
        False: "The reconstruction does <strong>not</strong> use Germany's series: no cell is fitted to it and "
        "no Germany cell is predicted from it (every figure of Germany's record has the role <code>context</code> "
        "in <code>fct_published_figures</code>). Its Germany cells are modeled from the national totals, "
        "country weights and the BNS figures published for Germany.",
        None: "",
    }[uses]
    ratios = _published_ratios(tables)
    return "\n".join(
        [
            "<h2 id='partner'>Partner statistics: Germany's record against BNS's</h2>",
            "<p>Germany's Federal Statistical Office registers every move from and to Kazakhstan (GENESIS table "
            "12711-0008, final values 2000–2023, <code>fct_partner_mirror_flows</code>). An emigrant who leaves "
            "Kazakhstan without deregistering is missing from BNS's departures but present in Germany's "
            "arrivals, so the ratio BNS / Germany measures how much of the flow BNS records. BNS publishes "
            "departures to Germany only in some releases, often for part of a year: a part-year figure is "
            "scaled to twelve months for the ratio (an estimate that assumes the months are alike) and also "
            "shown unscaled, which bounds the full-year ratio from below.</p>",
            f"<p><strong>Coverage from published BNS figures:</strong> {html.escape(ratios) or 'none computable'}."
            "</p>",
            '<div class="banner"><strong>MODELED marks the reconstruction\'s numbers.</strong> Where BNS '
            "published nothing for the year, the warehouse's departures to Germany are the reconstruction's "
            "cell, not an official figure, and the ratio computed from it says how the model compares with "
            f"Germany, not how BNS does. {use_sentence}</div>",
            "<h3>Departures from Kazakhstan to Germany</h3>",
            table(departures, text_columns=("period published", "warehouse cell is")),
            "<h3>The reverse direction: arrivals in Kazakhstan from Germany</h3>",
            table(arrivals_table(tables), text_columns=("period published", "warehouse cell is")),
        ]
    )
