"""fct_published_figures and fct_partner_mirror_flows against the figure files and the count tables, read with
the csv module and pandas (never through the warehouse's SQL)."""

from __future__ import annotations

import csv
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reference_data.checks import TOLERANCE

from ..conftest import REPO_ROOT, SHARED_DIR, default_counts_dir

CONSTRAINTS = REPO_ROOT / "data" / "reference" / "constraints.csv"
SEEDS = REPO_ROOT / "dbt_project" / "seeds"
DESTATIS = REPO_ROOT / "data" / "partner" / "destatis_kazakhstan_migration.csv"
# The official layer the build read (the Makefile points it at data/official/tables once something is ingested).
OFFICIAL = REPO_ROOT / os.environ.get("KZ_OFFICIAL_DIR", "dbt_project/sources_empty")
MIRROR_SHARED = SHARED_DIR / "published" / "mirror"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def figures(built_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_published_figures").df()


@pytest.fixture(scope="module")
def mirror(built_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_partner_mirror_flows order by year").df().set_index("year")


@pytest.fixture(scope="module")
def by_table() -> dict[str, pd.DataFrame]:
    """The bundled count tables, only the cells a figure can speak about (both sexes, whole territory)."""
    frames = {}
    for code in ("by_country", "by_education", "by_specialty"):
        path = next(default_counts_dir().glob(f"{code}.csv*"))
        frame = pd.read_csv(path, dtype={"region_code": str}, keep_default_na=False)
        frames[code] = frame[(frame.sex_code == "_T") & (frame.settlement_code == "_T")]
    return frames


def test_every_row_of_every_figure_file_is_in_the_mart(figures: pd.DataFrame) -> None:
    per_file = figures.groupby("figure_file_name").size().to_dict()
    official_rows = sum(len(_rows(path)) for path in OFFICIAL.glob("*.csv"))
    expected = {
        "data/reference/constraints.csv": len(_rows(CONSTRAINTS)),
        "dbt_project/seeds/bns_national_external_flows.csv": len(_rows(SEEDS / "bns_national_external_flows.csv")),
        "dbt_project/seeds/bns_population_by_region.csv": len(_rows(SEEDS / "bns_population_by_region.csv")),
        "dbt_project/seeds/bns_all_flows_balance.csv": len(_rows(SEEDS / "bns_all_flows_balance.csv")),
        # Three figures per row of the interregional flows: arrivals, departures, balance.
        "dbt_project/seeds/interregional_flows_by_region.csv": 3 * len(
            _rows(SEEDS / "interregional_flows_by_region.csv")),
        # Three figures per row of Germany's record: arrivals, departures, balance.
        "data/partner/destatis_kazakhstan_migration.csv": 3 * len(_rows(DESTATIS)),
    }
    official = {name: count for name, count in per_file.items() if name.startswith("data/official/")}
    assert {name: count for name, count in per_file.items() if name not in official} == expected
    assert sum(official.values()) == official_rows
    assert set(figures.loc[figures.figure_file_name == "data/reference/constraints.csv", "figure_id"]) == {
        row["constraint_id"] for row in _rows(CONSTRAINTS)
    }
    assert figures.figure_id.is_unique


def test_figures_keep_their_published_value_and_source(figures: pd.DataFrame) -> None:
    indexed = figures.set_index("figure_id")
    for row in _rows(CONSTRAINTS):
        figure = indexed.loc[row["constraint_id"]]
        assert figure.figure_value == float(row["value"]), row["constraint_id"]
        assert figure.source_id == row["source_id"]
        assert (figure.region_code, int(figure.year), figure.months) == (row["region_code"], int(row["year"]),
                                                                         row["months"])
    sources = (REPO_ROOT / "data" / "reference" / "SOURCES.md").read_text(encoding="utf-8")
    urls = dict(re.findall(r"^\| `([^`]+)` \|.*?(https?://[^ |)>]+)", sources, flags=re.MULTILINE))
    press = figures[figures.source_kind == "press_quoted_release"]
    assert len(press) > 100
    assert (press.source_url == press.source_id.map(urls)).all()
    derived = figures[figures.source_kind == "derived"]
    assert len(derived) >= 10 and derived.derivation.str.contains("=").all()


def _cell(tables: dict[str, pd.DataFrame], figure: dict[str, str], direction: str, country: str) -> int | None:
    population = figure["population"]
    if population.startswith("specialists"):
        frame = tables["by_specialty"]
        mask = (frame.specialty_code == figure["specialty_code"]) & (frame.age_band_code == "WA")
    elif population in ("working_age", "persons_15_plus"):
        frame = tables["by_education"]
        mask = (frame.education_code == figure["education_code"]) & (frame.age_band_code == "WA")
    else:
        frame = tables["by_country"]
        cis = frame.country_code.isin(_cis_members())
        if country == "group:CIS":
            mask = cis
        elif country == "group:NON_CIS":
            mask = ~cis & (frame.country_code != "_T")
        else:
            mask = frame.country_code == country
        mask &= frame.age_band_code == "_T"
    mask &= (frame.year == int(figure["year"])) & (frame.region_code == figure["region_code"])
    cells = frame[mask & (frame.direction_code == direction)]
    return int(cells.persons.sum()) if len(cells) else None


def _tolerance(comparison: str) -> int:
    """The generator's tolerance; `within_<n>` (a count derived from a printed share) is n persons."""
    within = re.fullmatch(r"within_(\d+)", comparison)
    return int(within.group(1)) if within else TOLERANCE[comparison]


def _cis_members() -> set[str]:
    return {row["country_code"] for row in _rows(SEEDS / "country_group_memberships.csv") if row["group_code"] == "CIS"}


def test_warehouse_value_difference_and_verdict_of_every_bundled_figure(
    figures: pd.DataFrame, by_table: dict[str, pd.DataFrame]
) -> None:
    """Every figure of constraints.csv against the count tables, recomputed here with the generator's tolerances."""
    indexed = figures.set_index("figure_id")
    checked = 0
    for row in _rows(CONSTRAINTS):
        figure = indexed.loc[row["constraint_id"]]
        if row["use"] in ("out_of_scope", "context", "conflict") or row["comparison"] == "text":
            # Not a cell of the tables (internal migration, a partner's record, a share, a sum over years, text).
            assert pd.isna(figure.warehouse_value), row["constraint_id"]
            continue
        if row["direction_code"] == "net":
            arrivals = _cell(by_table, row, "arrival", row["country_code"])
            departures = _cell(by_table, row, "departure", row["country_code"])
            expected = None if arrivals is None or departures is None else arrivals - departures
        else:
            expected = _cell(by_table, row, row["direction_code"], row["country_code"])
        assert expected is not None, row["constraint_id"]
        value = float(row["value"])
        assert figure.warehouse_value == expected, row["constraint_id"]
        assert figure.warehouse_minus_figure == expected - value
        assert figure.warehouse_minus_figure_pct == pytest.approx(round(100 * (expected - value) / abs(value), 2))
        tolerance = _tolerance(row["comparison"])
        assert figure.tolerance_persons == tolerance
        part_year = row["months"] != "01-12"
        if row["comparison"] == "at_most":
            assert figure.is_bound_respected == (expected <= value)
        elif part_year or row["population"] in ("persons_15_plus", "specialists_15_plus", "ethnic_russians"):
            assert figure.is_bound_respected == (expected >= value - tolerance), row["constraint_id"]
            assert pd.isna(figure.is_within_rounding)
        else:
            assert figure.is_within_rounding == (abs(expected - value) <= tolerance), row["constraint_id"]
            assert pd.isna(figure.is_bound_respected)
        checked += 1
    assert checked >= 200


def test_roles_follow_the_generators_use(figures: pd.DataFrame) -> None:
    bundled = figures[figures.figure_file_name == "data/reference/constraints.csv"]
    role = {"hard": "constraint", "target": "constraint", "lower_bound": "constraint",
            "signed_part_year": "constraint", "check": "validation_only", "validation": "validation_only",
            "superseded": "documented_conflict", "conflict": "documented_conflict", "out_of_scope": "context",
            "context": "context"}
    assert (bundled.role_code == bundled.use_code.map(role)).all()
    # The hard figures hold exactly in the tables the warehouse serves.
    hard = bundled[bundled.use_code == "hard"]
    assert hard.is_within_rounding.all() and (hard.warehouse_minus_figure == 0).all()
    taldau = figures[figures.figure_file_name.str.endswith("bns_national_external_flows.csv")]
    in_tables = taldau[taldau.year >= 2000]
    assert (in_tables.role_code == "constraint").all() and (in_tables.warehouse_minus_figure == 0).all()
    assert taldau[taldau.year < 2000].warehouse_value.isna().all()
    partner = figures[figures.recording_country_code != "KAZ"]
    assert (partner.role_code == "context").all() and (partner.source_kind == "partner_statistic").all()
    # The partner records press_figures_3 carried (BVA, Rosstat) are recognised from the source register.
    assert {"DEU", "RUS"} <= set(partner[partner.figure_file_name == "data/reference/constraints.csv"]
                                 .recording_country_code)


def test_all_flows_and_interregional_figures_are_context_with_their_seed_values(figures: pd.DataFrame) -> None:
    """The two flow-kind seeds are figures too: not external migration, so context with no warehouse verdict."""
    expected = {}
    for row in _rows(SEEDS / "bns_all_flows_balance.csv"):
        expected[("all", row["year"], "01-12", row["region_code"], row["settlement_code"], "net")] = (
            float(row["net_persons"]), row["source_id"])
    for row in _rows(SEEDS / "interregional_flows_by_region.csv"):
        month = row["month_number"]
        months = f"{int(month):02d}-{int(month):02d}" if month else "01-12"
        for direction, column in (("arrival", "arrivals"), ("departure", "departures"), ("net", "net_persons")):
            expected[("internal", row["year"], months, row["region_code"], "_T", direction)] = (
                float(row[column]), row["source_id"])
    kinds = figures[figures.flow_code.isin(["all", "internal"])
                    & figures.figure_file_name.str.startswith("dbt_project/seeds/")]
    found = {(row.flow_code, str(row.year), row.months, row.region_code, row.settlement_code, row.direction_code):
             (row.figure_value, row.source_id) for row in kinds.itertuples()}
    assert found == expected
    assert (kinds.role_code == "context").all() and kinds.warehouse_value.isna().all()
    assert (kinds.source_url.notna() | kinds.source_description.notna()).all()
    assert set(kinds[kinds.flow_code == "all"].measure.str.slice(0, 20)) == {"balance (all flows),"}


def test_germanys_figures_sit_beside_the_mirror_flow(figures: pd.DataFrame, by_table: dict[str, pd.DataFrame]) -> None:
    country = by_table["by_country"]
    republic_germany = country[(country.region_code == "00") & (country.country_code == "DEU")
                               & (country.age_band_code == "_T")].set_index(["year", "direction_code"]).persons
    indexed = figures.set_index("figure_id")
    for row in _rows(DESTATIS):
        year, nationality = int(row["year"]), row["nationality_code"].upper()
        arrivals = indexed.loc[f"DESTATIS_{year}_{nationality}_ARRIVALS_IN_GERMANY"]
        departures = indexed.loc[f"DESTATIS_{year}_{nationality}_DEPARTURES_FROM_GERMANY"]
        balance = indexed.loc[f"DESTATIS_{year}_{nationality}_BALANCE_OF_GERMANY"]
        assert arrivals.figure_value == int(row["arrivals_in_germany_from_kazakhstan"])
        assert departures.figure_value == int(row["departures_from_germany_to_kazakhstan"])
        assert balance.figure_value == int(row["balance_of_germany_with_kazakhstan"])
        # Directions are Kazakhstan's: Germany's arrivals from Kazakhstan are departures to Germany.
        assert (arrivals.direction_code, departures.direction_code, balance.direction_code) == (
            "departure", "arrival", "partner_net")
        assert arrivals.country_code == "DEU" and arrivals.recording_country_code == "DEU"
        if nationality == "TOTAL":
            assert arrivals.warehouse_value == republic_germany[(year, "departure")]
            assert departures.warehouse_value == republic_germany[(year, "arrival")]
            assert balance.warehouse_value == (republic_germany[(year, "departure")]
                                               - republic_germany[(year, "arrival")])
            assert arrivals.warehouse_comparison_code == "partner_mirror"
        else:
            assert pd.isna(arrivals.warehouse_value)
        assert pd.isna(arrivals.is_within_rounding) and pd.isna(arrivals.is_bound_respected)


def test_mirror_arithmetic_holds_in_the_file_and_the_mart(mirror: pd.DataFrame) -> None:
    rows = _rows(DESTATIS)
    assert len(rows) == 3 * 24 and {int(r["year"]) for r in rows} == set(range(2000, 2024))
    by_key = {(int(r["year"]), r["nationality_code"]): r for r in rows}
    for (year, _), r in by_key.items():
        arrivals = int(r["arrivals_in_germany_from_kazakhstan"])
        departures = int(r["departures_from_germany_to_kazakhstan"])
        assert arrivals - departures == int(r["balance_of_germany_with_kazakhstan"])
        for column in ("arrivals_in_germany_from_kazakhstan", "departures_from_germany_to_kazakhstan",
                       "balance_of_germany_with_kazakhstan"):
            assert int(by_key[(year, "german")][column]) + int(by_key[(year, "foreign")][column]) == int(
                by_key[(year, "total")][column])
        total, shown = by_key[(year, "total")], mirror.loc[year]
        assert shown.germany_arrivals_from_kazakhstan == int(total["arrivals_in_germany_from_kazakhstan"])
        assert shown.germany_balance_with_kazakhstan == (
            shown.germany_arrivals_from_kazakhstan - shown.germany_departures_to_kazakhstan)
        assert shown.germany_arrivals_from_kazakhstan == (
            shown.germany_arrivals_german_citizens + shown.germany_arrivals_foreign_citizens)


def test_coverage_ratios_from_the_published_figures(mirror: pd.DataFrame) -> None:
    """The longest published BNS figure of each year against Germany's arrivals, recomputed from the files."""
    germany = {int(r["year"]): int(r["arrivals_in_germany_from_kazakhstan"]) for r in _rows(DESTATIS)
               if r["nationality_code"] == "total"}
    published: dict[int, tuple[int, float]] = {}
    for row in _rows(CONSTRAINTS):
        if (row["region_code"], row["country_code"], row["direction_code"], row["population"]) != (
                "00", "DEU", "departure", "all_ages") or row["use"] in ("superseded", "conflict", "context"):
            continue
        first, last = (int(m) for m in row["months"].split("-"))
        covered = last - first + 1
        if covered > published.get(int(row["year"]), (0, 0.0))[0]:
            published[int(row["year"])] = (covered, float(row["value"]))
    assert 2022 in published
    for year, (covered, value) in published.items():
        assert mirror.loc[year, "published_bns_departures_to_germany"] == value
        if year in germany:
            assert mirror.loc[year, "published_departure_coverage_ratio"] == pytest.approx(
                round(value * 12 / covered / germany[year], 3))
            assert mirror.loc[year, "published_departure_coverage_lower_bound_ratio"] == pytest.approx(
                round(value / germany[year], 3))
    # First half of 2022: 1,332 departures to Germany, scaled to 2,664, against Germany's 5,084 arrivals.
    assert mirror.loc[2022, "published_departure_coverage_ratio"] == pytest.approx(0.524)
    # A partner's record (BVA's resettlers, use = context) is never taken for a BNS figure.
    assert mirror.loc[2023, "published_departures_figure_id"] != "P3_DEU2023_PARTNER_BVA_KAZ"
    no_figure = [y for y in germany if y not in published]
    assert mirror.loc[no_figure, "published_departure_coverage_ratio"].isna().all()
    assert mirror.loc[no_figure, "is_bns_departures_to_germany_modeled"].all()


def test_report_section_marks_modeled_numbers_and_says_the_model_ignores_germany(built_warehouse: Path) -> None:
    from analysis.marts import load_marts
    from analysis.report.partner_mirror import departures_table, partner_mirror_html

    tables = load_marts(built_warehouse, ["fct_partner_mirror_flows", "fct_published_figures"])
    section = partner_mirror_html(tables, lambda frame, **_: frame.to_html())
    assert "does <strong>not</strong> use Germany's series" in section
    assert "2022: 0.52 (Jan–Jun: 1,332 × 12 / 6 = 2,664 / Germany's 5,084)" in html.unescape(section)
    shown = departures_table(tables).set_index("year")
    assert shown.loc[2023, "warehouse cell is"] == "MODELED"
    assert pd.isna(shown.loc[2021, "BNS published: departures to Germany"])
    # As the report renders it: a year BNS published nothing for is an empty cell, not pandas' `<NA>`.
    from analysis.report.cells import html_table

    rendered = partner_mirror_html(tables, html_table)
    assert "&lt;NA&gt;" not in rendered and "<NA>" not in rendered
    row_2021 = re.search(r"<tr[^>]*>\s*<td[^>]*>2021</td>(.*?)</tr>", rendered, flags=re.DOTALL)
    assert row_2021 is not None and re.search(r"<td[^>]*></td>", row_2021.group(1))


def test_tolerances_are_the_generators(figures: pd.DataFrame) -> None:
    """Every comparison code the generator knows has its tolerance in the mart; `within_<n>` is n."""
    for code, tolerance in figures.groupby("comparison_code").tolerance_persons.unique().items():
        assert list(tolerance) == [_tolerance(code) if code != "text" else 0], code
    assert set(TOLERANCE) - {"rounded_100_at_least"} <= set(figures.comparison_code)


@pytest.mark.skipif(not MIRROR_SHARED.is_dir(), reason="the shared partner statistics are not on this machine")
def test_carry_script_reproduces_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "destatis.csv"
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "carry_destatis_mirror.py"), str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == DESTATIS.read_bytes()
