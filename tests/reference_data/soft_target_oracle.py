"""Oracle for the soft targets: each Almaty claim of the paper recomputed from the CSVs alone, in pandas.

Test code only. The values are derived with pandas / numpy straight from the count CSVs and the dimension
seeds (CIS and Baltic membership from ``country_group_memberships.csv``); nothing comes from the generator or
from the dbt marts, so this is an independent second computation of every claim, to check the SQL definitions
that :mod:`reference_data.soft_targets` runs. The comparison with the reported value is
:func:`claims.rules.classify`, the one claim engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from claims.rules import REPRODUCED, _describe, classify
from reference_data.paths import REPO_ROOT, table_file

ALMATY = "75"
REPUBLIC = "00"
YEARS = np.arange(2000, 2024)
SEEDS_DIR = REPO_ROOT / "dbt_project" / "seeds"
DEFAULT_CLAIMS = REPO_ROOT / "data" / "claims" / "paper_claims.csv"
NOT_COUNTRIES = ("_T", "_U", "_O")  # total, not stated, other unlisted: never "the largest country"


def group_members(seeds_dir: Path = SEEDS_DIR) -> dict[str, pd.DataFrame]:
    """Membership rows (country_code, valid_from_year, valid_to_year) per group code."""
    memberships = pd.read_csv(seeds_dir / "country_group_memberships.csv", dtype={"country_code": str})
    return {code: rows for code, rows in memberships.groupby("group_code")}


def country_names(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    countries = pd.read_csv(seeds_dir / "countries.csv", dtype=str, keep_default_na=False)
    return dict(zip(countries.country_code, countries.country_name_en, strict=True))


def years(first: int, last: int) -> np.ndarray:
    return (first <= YEARS) & (last >= YEARS)


class Tables:
    """Almaty's series pulled out of the four CSVs."""

    def __init__(self, tables_dir: Path, seeds_dir: Path = SEEDS_DIR) -> None:
        def read(name: str) -> pd.DataFrame:
            # The paper's window: the tables run to 2025, the claims (and their SQL) read 2000-2023.
            frame = pd.read_csv(table_file(tables_dir, name), dtype={"region_code": str})
            return frame[frame.year.isin(YEARS)]

        country = read("by_country")
        self.country = country[country.region_code == ALMATY]
        self.education_all = read("by_education")
        specialty = read("by_specialty")
        self.specialty = specialty[specialty.region_code == ALMATY]
        self.members = group_members(seeds_dir)
        self.names = country_names(seeds_dir)

    def wa(self, direction: str, level: str = "_T", region: str = ALMATY) -> np.ndarray:
        """Working-age flows by year (education ``_T`` = all working-age migrants)."""
        frame = self.education_all
        rows = frame[(frame.region_code == region) & (frame.direction_code == direction)
                     & (frame.education_code == level)]
        return rows.set_index("year").persons.reindex(YEARS).to_numpy(dtype=float)

    def _in_group(self, rows: pd.DataFrame, group: str) -> pd.Series:
        """Whether each row's country belongs to ``group`` in the row's year (membership periods from the seed)."""
        keyed = rows[["country_code", "year"]].rename_axis("row").reset_index()
        merged = keyed.merge(self.members[group], on="country_code", how="inner")
        covering = merged[(merged.valid_from_year <= merged.year) & (merged.year <= merged.valid_to_year)]
        return pd.Series(rows.index.isin(covering["row"]), index=rows.index)

    def country_rows(self, direction: str) -> pd.DataFrame:
        return self.country[(self.country.direction_code == direction) & (self.country.country_code != "_T")]

    def sum_by_year(self, rows: pd.DataFrame) -> np.ndarray:
        return rows.groupby("year").persons.sum().reindex(YEARS, fill_value=0).to_numpy(dtype=float)

    def countries(self, direction: str, codes: tuple[str, ...] | None = None) -> np.ndarray:
        rows = self.country_rows(direction)
        if codes is not None:
            rows = rows[rows.country_code.isin(codes)]
        return self.sum_by_year(rows)

    def group(self, direction: str, group: str) -> np.ndarray:
        rows = self.country_rows(direction)
        return self.sum_by_year(rows[self._in_group(rows, group)])

    def specialists(self, direction: str, code: str) -> np.ndarray:
        rows = self.specialty[self.specialty.direction_code == direction]
        rows = rows.assign(specialty_code=rows.specialty_code.replace({"it": "other"}))  # the paper has no IT group
        rows = rows[rows.specialty_code == code]
        return rows.groupby("year").persons.sum(min_count=1).reindex(YEARS).to_numpy(dtype=float)

    def specialty_codes(self) -> list[str]:
        return sorted(set(self.specialty.specialty_code.replace({"it": "other"})) - {"_T"})


def higher_share_ratio(t: Tables, first: int, last: int) -> float:
    span = years(first, last)
    departures = t.wa("departure", "higher")[span].sum() / t.wa("departure")[span].sum()
    arrivals = t.wa("arrival", "higher")[span].sum() / t.wa("arrival")[span].sum()
    return departures / arrivals


def only_year(values: np.ndarray, extreme: Callable[[np.ndarray], float], span: np.ndarray | None = None) -> int | None:
    """The single year holding the extreme value (over ``span``), None if several years tie."""
    mask = np.ones(len(YEARS), dtype=bool) if span is None else span
    hits = YEARS[mask][values[mask] == extreme(values[mask])]
    return int(hits[0]) if len(hits) == 1 else None


def claim_values(t: Tables) -> dict[str, Callable[[], Any]]:
    """claim_id -> function returning the computed value, shaped as claims.rules expects."""
    arr, dep = t.wa("arrival"), t.wa("departure")
    h_arr, h_dep = t.wa("arrival", "higher"), t.wa("departure", "higher")
    sv_arr, sv_dep = t.wa("arrival", "secondary_vocational"), t.wa("departure", "secondary_vocational")
    i = {int(y): k for k, y in enumerate(YEARS)}
    total_arr, total_dep = t.countries("arrival"), t.countries("departure")
    cis_arr, cis_dep = t.group("arrival", "CIS"), t.group("departure", "CIS")
    # The paper sorts countries into the CIS and "other countries"; "not stated" counts among the others.
    other_arr, other_dep = total_arr - cis_arr, total_dep - cis_dep
    baltic_arr = t.group("arrival", "BALTIC")
    rus_arr, rus_dep = t.countries("arrival", ("RUS",)), t.countries("departure", ("RUS",))
    chn_arr = t.countries("arrival", ("CHN",))
    pre, post, late = years(2000, 2021), years(2022, 2023), years(2014, 2021)
    spec_arr = {s: t.specialists("arrival", s) for s in [*t.specialty_codes(), "_T"]}
    spec_dep = {s: t.specialists("departure", s) for s in [*t.specialty_codes(), "_T"]}
    nat_arr, nat_h_arr = t.wa("arrival", "_T", REPUBLIC), t.wa("arrival", "higher", REPUBLIC)

    def arrivals_of(code: str, span: np.ndarray) -> float:
        return float(t.countries("arrival", (code,))[span].sum())

    def pooled(values: np.ndarray, base: np.ndarray, span: np.ndarray) -> float:
        return float(100 * values[span].sum() / base[span].sum())

    def averaged(values: np.ndarray, base: np.ndarray, span: np.ndarray) -> float:
        return float(100 * (values[span] / base[span]).mean())

    def spec_share(direction: str, code: str) -> float:
        table = spec_arr if direction == "arrival" else spec_dep
        return pooled(table[code], table["_T"], post)

    def largest_other(direction: str) -> tuple[str, float]:
        rows = t.country_rows(direction)
        rows = rows[rows.year.isin(YEARS)]  # the paper's 2000-2023, whatever later years the tables hold
        rows = rows[~t._in_group(rows, "CIS") & ~rows.country_code.isin(NOT_COUNTRIES)]
        sums = rows.groupby("country_code").persons.sum().sort_values(ascending=False)
        return t.names[str(sums.index[0])], float(sums.iloc[0])

    def did(region: str) -> float:
        net = t.wa("arrival", "_T", region) - t.wa("departure", "_T", region)
        return float(net[post].mean() - net[pre].mean())

    def each_year_every_specialty() -> bool:
        return all(spec_arr[s][i[y]] > spec_dep[s][i[y]] for s in t.specialty_codes() for y in (2022, 2023))

    gap_h = h_dep - h_arr  # departures over arrivals, higher education
    sv_share = 100 * sv_arr / arr
    return {
        "C01": lambda: arr[i[2023]] / dep[i[2023]],
        "C02": lambda: 100 * (arr[i[2023]] / arr[i[2022]] - 1),
        "C03": lambda: dep[i[2023]],
        "C04": lambda: min(dep[i[2000]], dep[i[2001]]) / dep[i[2023]],
        "C05": lambda: arr[i[2023]],
        "C06": lambda: 100 * arr[i[2023]] / nat_arr[i[2023]],
        "C07": lambda: set(YEARS[dep > arr].tolist()),
        "C08": lambda: set(YEARS[arr > dep].tolist()),
        "C09": lambda: dep[i[2000]] / arr[i[2000]],
        "C10": lambda: only_year(arr, np.max) == 2023 and only_year(dep, np.min) == 2023,
        "C11": lambda: higher_share_ratio(t, 2022, 2023),
        "C12": lambda: arr[years(2003, 2013)].sum() / dep[years(2003, 2013)].sum(),
        "C13": lambda: (dep / arr)[late].mean(),
        "C14": lambda: higher_share_ratio(t, 2003, 2013),
        "C15": lambda: higher_share_ratio(t, 2014, 2021),
        "C16": lambda: bool((h_dep / dep > h_arr / arr).all()),
        "C17": lambda: cis_arr[i[2023]],
        "C18": lambda: cis_arr[i[2023]] / other_arr[i[2023]],
        "C19": lambda: 100 * cis_arr[i[2023]] / total_arr[i[2023]],
        "C20": lambda: cis_dep[i[2023]] / other_dep[i[2023]],
        "C21": lambda: cis_dep[i[2023]],
        "C22": lambda: np.corrcoef(rus_arr, total_arr)[0, 1],
        "C23": lambda: averaged(rus_arr, total_arr, YEARS > 0),
        "C24": lambda: np.corrcoef(rus_dep, cis_dep)[0, 1],
        "C25": lambda: averaged(rus_dep, cis_dep, YEARS > 0),
        "C26": lambda: largest_other("arrival"),
        "C27": lambda: largest_other("departure"),
        "C28": lambda: bool((cis_arr <= cis_dep)[years(2009, 2021)].all() and cis_arr[i[2022]] > cis_dep[i[2022]]),
        "C29": lambda: rus_arr[i[2023]] / rus_arr[i[2021]],
        "C30": lambda: [averaged(rus_arr, total_arr, pre), averaged(rus_arr, total_arr, post)],
        "C31": lambda: rus_arr[post].sum(),
        "C32": lambda: [pooled(t.countries("arrival", ("UZB",)), total_arr, span) for span in (pre, post)],
        "C33": lambda: [arrivals_of(code, post) for code in ("UZB", "KGZ", "TJK", "UKR")],
        "C34": lambda: dict(zip(YEARS[late].tolist(), other_arr[late].tolist(), strict=True)),
        "C35": lambda: [chn_arr[i[2019]], chn_arr[i[2019]] / chn_arr[i[2018]], chn_arr[i[2020]] - chn_arr[i[2019]]],
        "C36": lambda: np.corrcoef(chn_arr[pre], other_arr[pre])[0, 1],
        "C37": lambda: [chn_arr[pre].sum(), pooled(chn_arr, other_arr, pre)],
        "C38": lambda: [arrivals_of(code, pre) for code in ("TUR", "MNG", "DEU")],
        "C39": lambda: [arrivals_of("TUR", post), {2022: chn_arr[i[2022]], 2023: chn_arr[i[2023]]}],
        "C40": lambda: pooled(baltic_arr, other_arr, post),
        "C41": lambda: averaged(baltic_arr, other_arr, late),
        "C42": lambda: [arrivals_of(code, post) for code in ("LTU", "LVA", "EST")],
        "C43": lambda: [pooled(t.countries("departure", (code,)), other_dep, post) for code in ("USA", "TUR", "_U")],
        "C44": lambda: [pooled(t.countries("departure", ("GRC",)), other_dep, span) for span in (pre, post)],
        "C45": lambda: [t.countries("departure", ("GRC",))[i[y]] for y in (2022, 2023)],
        "C46": lambda: h_arr[i[2023]] / h_dep[i[2023]],
        "C47": lambda: [bool((gap_h[pre] > 0).all()), int(YEARS[pre][gap_h[pre].argmin()]), gap_h[i[2006]]],
        "C48": lambda: h_dep[i[2021]] / h_dep[i[2022]],
        "C49": lambda: [h_dep[i[2021]], h_dep[i[2023]]],
        "C50": lambda: h_arr[i[2023]],
        "C51": lambda: 100 * h_arr[i[2023]] / nat_h_arr[i[2023]],
        "C52": lambda: only_year(sv_dep - sv_arr, np.max) == 2000,
        "C53": lambda: sv_arr[i[2023]] / sv_dep[i[2023]],
        "C54": lambda: [sv_share[i[2010]], int(YEARS[sv_share.argmax()])],
        "C55": lambda: sv_dep[i[2023]] / sv_dep[i[2021]],
        "C56": each_year_every_specialty,
        "C57": lambda: [spec_arr["medical"][i[2001]], spec_arr["medical"][i[2001]] / spec_dep["medical"][i[2001]]],
        "C58": lambda: spec_dep["medical"][pre].sum() / spec_arr["medical"][pre].sum(),
        "C59": lambda: [spec_arr["_T"][post].sum() / spec_dep["_T"][post].sum(), spec_arr["_T"][post].sum()],
        "C60": lambda: [spec_share("arrival", s) for s in ("other", "technical", "economic", "pedagogical", "legal",
                                                           "medical", "architecture_construction", "agricultural")],
        "C61": lambda: [*(spec_share("departure", s) for s in ("other", "architecture_construction", "economic",
                                                               "technical")),
                        spec_dep["agricultural"][post].sum(),
                        sum(spec_share("departure", s) for s in ("legal", "medical", "pedagogical"))],
        "C62": lambda: pooled(h_arr + sv_arr, arr, post),
        # The measure behind the abstract's three "increases" is not defined (CONFLICTS.md, C63).
        "C63": lambda: None,
        # With a balanced panel and one treated region, the TWFE DiD is this difference of mean changes.
        "C64": lambda: did(ALMATY) - (did("31") + did("27")) / 2,
    }


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, so that values print and compare plainly."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def oracle_report(tables_dir: Path, conflicts_file: Path, claims_file: Path = DEFAULT_CLAIMS,
                  seeds_dir: Path = SEEDS_DIR) -> pd.DataFrame:
    """One row per claim: computed value, the claim engine's status, and the report status.

    ``claim_status`` is :func:`claims.rules.classify`'s status; ``status`` is the same except that
    a claim listed in ``conflicts_file`` that does not reproduce is ``documented_conflict``.
    """
    values = claim_values(Tables(tables_dir, seeds_dir))
    conflicts = pd.read_csv(conflicts_file, dtype=str).set_index("claim_id")
    claims = pd.read_csv(claims_file, dtype=str, keep_default_na=False)
    unknown = sorted(set(claims.claim_id) - set(values))
    if unknown:
        raise ValueError(f"{claims_file}: no soft-target computation for claim(s) {unknown}")
    rows = []
    for claim in claims.to_dict("records"):
        claim_id = claim["claim_id"]
        check = classify(claim, _plain(values[claim_id]()))
        holds = check.status == REPRODUCED
        conflict = claim_id in conflicts.index
        status = "documented_conflict" if conflict and not holds else check.status
        rows.append({
            "claim_id": claim_id, "measure": claim["measure"], "reported_value": claim["reported_value"],
            "comparison": claim["comparison"], "holds": holds,
            "computed": "" if check.computed_value is None else _describe(check.computed_value),
            "claim_status": check.status, "status": status, "explanation": check.explanation,
            "conflict_decision": conflicts.decision.get(claim_id, "") if conflict else "",
        })
    return pd.DataFrame(rows)
