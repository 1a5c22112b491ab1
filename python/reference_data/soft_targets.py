"""Soft-target report: each Almaty claim of the paper recomputed from the generated CSVs alone.

Nothing here uses the generator: it reads ``data/reference/tables/*.csv.gz`` with pandas, derives
each claimed quantity and compares it with the reported value within that value's rounding
(``approx``), as a bound (``at_least``), exactly, as a set, a flag or a sign. Claims that cannot
hold together with the others are listed in ``data/reference/claim_conflicts.csv`` (the
arithmetic is in CONFLICTS.md); the report marks them ``conflict`` instead of failing them.
"""

# One claim per entry reads best as one (long) line in the table of checks below.
# ruff: noqa: E501
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from reference_data.paths import table_file

ALMATY = "75"
YEARS = np.arange(2000, 2024)
CIS = ("ARM", "AZE", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB")
BALTIC = ("EST", "LVA", "LTU")


def tolerance(reported: str) -> float:
    """Half a unit of the last reported digit; whole hundreds and thousands are taken as rounded there."""
    number = Decimal(reported)
    exponent = number.normalize().as_tuple().exponent
    if exponent < 0:
        return float(Decimal(1).scaleb(exponent)) / 2
    return float(Decimal(1).scaleb(exponent)) / 2 if abs(number) >= 100 else 0.5


def approx(value: float, reported: str) -> bool:
    return abs(value - float(reported)) <= tolerance(reported) + 1e-12


class Tables:
    """Almaty's series pulled out of the four CSVs."""

    def __init__(self, tables_dir: Path) -> None:
        read = lambda name: pd.read_csv(table_file(tables_dir, name), dtype={"region_code": str})  # noqa: E731
        country = read("by_country")
        self.country = country[country.region_code == ALMATY]
        education = read("by_education")
        self.education_all = education
        self.education = education[education.region_code == ALMATY]
        specialty = read("by_specialty")
        self.specialty = specialty[specialty.region_code == ALMATY]

    def wa(self, direction: str, level: str = "_T", region: str = ALMATY) -> np.ndarray:
        frame = self.education_all
        rows = frame[(frame.region_code == region) & (frame.direction_code == direction)
                     & (frame.education_code == level)]
        return rows.set_index("year").persons.reindex(YEARS).to_numpy(dtype=float)

    def countries(self, direction: str, codes: tuple[str, ...] | None = None, exclude: bool = False) -> np.ndarray:
        rows = self.country[(self.country.direction_code == direction) & (self.country.country_code != "_T")]
        if codes is not None:
            rows = rows[~rows.country_code.isin(codes)] if exclude else rows[rows.country_code.isin(codes)]
        return rows.groupby("year").persons.sum().reindex(YEARS, fill_value=0).to_numpy(dtype=float)

    def specialists(self, direction: str, code: str) -> np.ndarray:
        rows = self.specialty[(self.specialty.direction_code == direction) & (self.specialty.specialty_code == code)]
        return rows.set_index("year").persons.reindex(YEARS).to_numpy(dtype=float)


def years(first: int, last: int) -> np.ndarray:
    return (first <= YEARS) & (last >= YEARS)


def higher_share_ratio(t: Tables, first: int, last: int) -> float:
    span = years(first, last)
    departures = t.wa("departure", "higher")[span].sum() / t.wa("departure")[span].sum()
    arrivals = t.wa("arrival", "higher")[span].sum() / t.wa("arrival")[span].sum()
    return departures / arrivals


def claim_checks(t: Tables) -> dict[str, Callable[[], tuple[str, bool]]]:
    """claim_id -> function returning (computed value as text, holds)."""
    arr, dep = t.wa("arrival"), t.wa("departure")
    h_arr, h_dep = t.wa("arrival", "higher"), t.wa("departure", "higher")
    sv_arr, sv_dep = t.wa("arrival", "secondary_vocational"), t.wa("departure", "secondary_vocational")
    i = {int(y): k for k, y in enumerate(YEARS)}
    total_arr, total_dep = t.countries("arrival"), t.countries("departure")
    cis_arr, cis_dep = t.countries("arrival", CIS), t.countries("departure", CIS)
    other_arr, other_dep = total_arr - cis_arr, total_dep - cis_dep  # the paper's "other countries" include not stated
    rus_arr, rus_dep = t.countries("arrival", ("RUS",)), t.countries("departure", ("RUS",))
    chn_arr = t.countries("arrival", ("CHN",))
    pre, post = years(2000, 2021), years(2022, 2023)
    spec_arr = {s: t.specialists("arrival", s) for s in t.specialty.specialty_code.unique()}
    spec_dep = {s: t.specialists("departure", s) for s in t.specialty.specialty_code.unique()}
    nat_arr = t.wa("arrival", "_T", "00")
    nat_h_arr = t.wa("arrival", "higher", "00")

    def sign_years(mask):
        return set(YEARS[mask].tolist())

    def shares(values, base, span):
        return 100 * values[span].sum() / base[span].sum()

    def c(value, ok, fmt="{:.4g}"):
        return (fmt.format(value) if not isinstance(value, str) else value, bool(ok))

    def spec_share(direction, code):
        table = spec_arr if direction == "arrival" else spec_dep
        return shares(table[code], table["_T"], post)

    def did(region):
        net = t.wa("arrival", "_T", region) - t.wa("departure", "_T", region)
        return net[post].mean() - net[pre].mean()

    checks = {
        "C01": lambda: c(arr[i[2023]] / dep[i[2023]], approx(arr[i[2023]] / dep[i[2023]], "6.5")),
        "C02": lambda: c(100 * (arr[i[2023]] / arr[i[2022]] - 1), approx(100 * (arr[i[2023]] / arr[i[2022]] - 1), "194.6")),
        "C03": lambda: c(dep[i[2023]], dep[i[2023]] == 888),
        "C04": lambda: c(min(dep[i[2000]], dep[i[2001]]) / dep[i[2023]], min(dep[i[2000]], dep[i[2001]]) > 8 * dep[i[2023]]),
        "C05": lambda: c(arr[i[2023]], arr[i[2023]] > 5800),
        "C06": lambda: c(100 * arr[i[2023]] / nat_arr[i[2023]], approx(100 * arr[i[2023]] / nat_arr[i[2023]], "37.2")),
        "C07": lambda: c(str(sorted(sign_years(dep > arr))),
                         sign_years(dep > arr) == set(range(2000, 2003)) | set(range(2014, 2022))),
        "C08": lambda: c(str(sorted(sign_years(arr > dep))),
                         sign_years(arr > dep) == set(range(2003, 2014)) | set(range(2022, 2024))),
        "C09": lambda: c(dep[i[2000]] / arr[i[2000]], approx(dep[i[2000]] / arr[i[2000]], "3.6")),
        "C10": lambda: c(f"max arrivals {YEARS[arr.argmax()]}, min departures {YEARS[dep.argmin()]}",
                         YEARS[arr.argmax()] == 2023 and YEARS[dep.argmin()] == 2023 and (arr == arr.max()).sum() == 1),
        "C11": lambda: c(higher_share_ratio(t, 2022, 2023), approx(higher_share_ratio(t, 2022, 2023), "1.3")),
        "C12": lambda: c(arr[years(2003, 2013)].sum() / dep[years(2003, 2013)].sum(),
                         approx(arr[years(2003, 2013)].sum() / dep[years(2003, 2013)].sum(), "1.6")),
        "C13": lambda: c((dep / arr)[years(2014, 2021)].mean(), approx((dep / arr)[years(2014, 2021)].mean(), "1.8")),
        "C14": lambda: c(higher_share_ratio(t, 2003, 2013), approx(higher_share_ratio(t, 2003, 2013), "2.0")),
        "C15": lambda: c(higher_share_ratio(t, 2014, 2021), approx(higher_share_ratio(t, 2014, 2021), "1.4")),
        "C16": lambda: c(f"{int((h_dep / dep > h_arr / arr).sum())} of 24 years", (h_dep / dep > h_arr / arr).all()),
        "C17": lambda: c(cis_arr[i[2023]], cis_arr[i[2023]] >= 5000),
        "C18": lambda: c(cis_arr[i[2023]] / other_arr[i[2023]], approx(cis_arr[i[2023]] / other_arr[i[2023]], "3.5")),
        "C19": lambda: c(100 * cis_arr[i[2023]] / total_arr[i[2023]], approx(100 * cis_arr[i[2023]] / total_arr[i[2023]], "78")),
        "C20": lambda: c(cis_dep[i[2023]] / other_dep[i[2023]], approx(cis_dep[i[2023]] / other_dep[i[2023]], "1.6")),
        "C21": lambda: c(cis_dep[i[2023]], cis_dep[i[2023]] > 800),
        "C22": lambda: c(np.corrcoef(rus_arr, total_arr)[0, 1], approx(np.corrcoef(rus_arr, total_arr)[0, 1], "0.935")),
        "C23": lambda: c(100 * (rus_arr / total_arr).mean(), approx(100 * (rus_arr / total_arr).mean(), "40")),
        "C24": lambda: c(np.corrcoef(rus_dep, cis_dep)[0, 1], approx(np.corrcoef(rus_dep, cis_dep)[0, 1], "0.999")),
        "C25": lambda: c(100 * (rus_dep / cis_dep).mean(), approx(100 * (rus_dep / cis_dep).mean(), "94")),
        "C26": lambda: largest_other(t, "arrival", "CHN", YEARS >= 0, "9400"),
        "C27": lambda: largest_other(t, "departure", "DEU", YEARS >= 0, "7600"),
        "C28": lambda: c(str(sorted(sign_years(cis_arr > cis_dep))),
                         cis_arr[i[2022]] > cis_dep[i[2022]] and not (cis_arr > cis_dep)[years(2009, 2021)].all()
                         and sign_years(cis_arr > cis_dep) & set(range(2010, 2022)) == set()),
        "C29": lambda: c(rus_arr[i[2023]] / rus_arr[i[2021]], approx(rus_arr[i[2023]] / rus_arr[i[2021]], "6.8")),
        "C30": lambda: c(f"{100 * (rus_arr / total_arr)[pre].mean():.2f} -> {100 * (rus_arr / total_arr)[post].mean():.2f}",
                         approx(100 * (rus_arr / total_arr)[pre].mean(), "39")
                         and approx(100 * (rus_arr / total_arr)[post].mean(), "61")),
        "C31": lambda: c(rus_arr[post].sum(), approx(rus_arr[post].sum(), "4500")),
        "C32": lambda: (lambda u: c(f"{100 * (u / total_arr)[pre].mean():.2f} -> {100 * (u / total_arr)[post].mean():.2f}",
                                    approx(100 * (u / total_arr)[pre].mean(), "33")
                                    and approx(100 * (u / total_arr)[post].mean(), "13")))(t.countries("arrival", ("UZB",))),
        "C33": lambda: (lambda v: c(" / ".join(f"{x:.0f}" for x in v), list(v) == [964, 831, 472, 290]))(
            [t.countries("arrival", (code,))[post].sum() for code in ("UZB", "KGZ", "TJK", "UKR")]),
        "C34": lambda: c(f"{other_arr[years(2014, 2021)].min():.0f}-{other_arr[years(2014, 2021)].max():.0f}",
                         ((other_arr[years(2014, 2021)] >= 400) & (other_arr[years(2014, 2021)] <= 900)).all()),
        "C35": lambda: c(f"{chn_arr[i[2019]]:.0f}; {chn_arr[i[2019]] / chn_arr[i[2018]]:.2f}; "
                         f"+{chn_arr[i[2020]] - chn_arr[i[2019]]:.0f}",
                         chn_arr[i[2019]] == 356 and approx(chn_arr[i[2019]] / chn_arr[i[2018]], "2.0")
                         and approx(chn_arr[i[2020]] - chn_arr[i[2019]], "100")),
        "C36": lambda: c(np.corrcoef(chn_arr[pre], other_arr[pre])[0, 1],
                         approx(np.corrcoef(chn_arr[pre], other_arr[pre])[0, 1], "0.904")),
        "C37": lambda: c(f"{chn_arr[pre].sum():.0f}; {100 * chn_arr[pre].sum() / other_arr[pre].sum():.2f}",
                         approx(chn_arr[pre].sum(), "9900") and approx(100 * chn_arr[pre].sum() / other_arr[pre].sum(), "46")),
        "C38": lambda: (lambda v: c(" / ".join(f"{x:.0f}" for x in v),
                                    all(approx(x, r) for x, r in zip(v, ("2700", "700", "900"), strict=True))))(
            [t.countries("arrival", (code,))[pre].sum() for code in ("TUR", "MNG", "DEU")]),
        "C39": lambda: (lambda tur: c(f"{tur:.0f}; {chn_arr[i[2022]]:.0f}, {chn_arr[i[2023]]:.0f}",
                                      tur == 5 and chn_arr[i[2022]] == 24 and chn_arr[i[2023]] == 24))(
            t.countries("arrival", ("TUR",))[post].sum()),
        "C40": lambda: (lambda b: c(shares(b, other_arr, post), approx(shares(b, other_arr, post), "43")))(
            t.countries("arrival", BALTIC)),
        "C41": lambda: (lambda b: c(100 * (b / other_arr)[years(2014, 2021)].mean(),
                                    approx(100 * (b / other_arr)[years(2014, 2021)].mean(), "1.1")))(
            t.countries("arrival", BALTIC)),
        "C42": lambda: (lambda v: c(" / ".join(f"{x:.0f}" for x in v), list(v) == [493, 185, 339]))(
            [t.countries("arrival", (code,))[post].sum() for code in ("LTU", "LVA", "EST")]),
        "C43": lambda: (lambda v: c(" / ".join(f"{x:.1f}" for x in v),
                                    all(approx(x, r) for x, r in zip(v, ("21", "4", "23"), strict=True))))(
            [shares(t.countries("departure", (code,)), other_dep, post) for code in ("USA", "TUR", "_U")]),
        "C44": lambda: (lambda g: c(f"{shares(g, other_dep, pre):.2f} -> {shares(g, other_dep, post):.2f}",
                                    approx(shares(g, other_dep, pre), "0.2") and approx(shares(g, other_dep, post), "33")))(
            t.countries("departure", ("GRC",))),
        "C45": lambda: (lambda g: c(f"{g[i[2022]]:.0f}; {g[i[2023]]:.0f}", g[i[2022]] == 206 and g[i[2023]] == 151))(
            t.countries("departure", ("GRC",))),
        "C46": lambda: c(h_arr[i[2023]] / h_dep[i[2023]], approx(h_arr[i[2023]] / h_dep[i[2023]], "4.7")),
        "C47": lambda: c(f"net negative in {int((h_arr < h_dep)[pre].sum())} of 22 years; 2006 gap "
                         f"{h_dep[i[2006]] - h_arr[i[2006]]:.0f}",
                         (h_arr < h_dep)[pre].all() and h_dep[i[2006]] - h_arr[i[2006]] == 90
                         and (h_dep - h_arr)[pre].argmin() == i[2006]),
        "C48": lambda: c(h_dep[i[2021]] / h_dep[i[2022]], approx(h_dep[i[2021]] / h_dep[i[2022]], "2.0")),
        "C49": lambda: c(f"{h_dep[i[2021]]:.0f}; {h_dep[i[2023]]:.0f}", h_dep[i[2021]] == 1283 and h_dep[i[2023]] == 558),
        "C50": lambda: c(h_arr[i[2023]], h_arr[i[2023]] == 2607),
        "C51": lambda: c(100 * h_arr[i[2023]] / nat_h_arr[i[2023]], approx(100 * h_arr[i[2023]] / nat_h_arr[i[2023]], "34")),
        "C52": lambda: c(int(YEARS[(sv_dep - sv_arr).argmax()]), YEARS[(sv_dep - sv_arr).argmax()] == 2000),
        "C53": lambda: c(sv_arr[i[2023]] / sv_dep[i[2023]], sv_arr[i[2023]] > 6 * sv_dep[i[2023]]),
        "C54": lambda: c(f"{100 * sv_arr[i[2010]] / arr[i[2010]]:.2f} (peak {YEARS[(sv_arr / arr)[pre].argmax()]})",
                         approx(100 * sv_arr[i[2010]] / arr[i[2010]], "25") and YEARS[(sv_arr / arr).argmax()] == 2010),
        "C55": lambda: c(sv_dep[i[2023]] / sv_dep[i[2021]], approx(sv_dep[i[2023]] / sv_dep[i[2021]], "0.5")),
        "C56": lambda: c(", ".join(s for s in spec_arr if spec_arr[s][post].sum() <= spec_dep[s][post].sum()) or "all",
                         all(spec_arr[s][post].sum() > spec_dep[s][post].sum() for s in spec_arr)),
        "C57": lambda: (lambda m, n: c(f"{m[i[2001]]:.0f}; {m[i[2001]] / n[i[2001]]:.2f}",
                                       m[i[2001]] > 750 and approx(m[i[2001]] / n[i[2001]], "4.6")))(
            spec_arr["medical"], spec_dep["medical"]),
        "C58": lambda: c(spec_dep["medical"][pre].sum() / spec_arr["medical"][pre].sum(),
                         approx(spec_dep["medical"][pre].sum() / spec_arr["medical"][pre].sum(), "1.7")),
        "C59": lambda: c(f"{spec_arr['_T'][post].sum() / spec_dep['_T'][post].sum():.2f}; {spec_arr['_T'][post].sum():.0f}",
                         approx(spec_arr["_T"][post].sum() / spec_dep["_T"][post].sum(), "3")
                         and approx(spec_arr["_T"][post].sum(), "5000")),
        "C60": lambda: (lambda v: c(" / ".join(f"{x:.1f}" for x in v),
                                    all(approx(x, r) for x, r in zip(v, ("36", "21", "18", "8", "5", "5", "5", "2"), strict=True))))(
            [spec_share("arrival", s) for s in ("other", "technical", "economic", "pedagogical", "legal", "medical",
                                                "architecture_construction", "agricultural")]),
        "C61": lambda: (lambda v, agri, trio: c(" / ".join(f"{x:.1f}" for x in v) + f"; {agri:.0f}; {trio:.1f}",
                                                all(approx(x, r) for x, r in zip(v, ("53", "7", "17", "12"), strict=True))
                                                and agri == 5 and approx(trio, "11")))(
            [spec_share("departure", s) for s in ("other", "architecture_construction", "economic", "technical")],
            spec_dep["agricultural"][post].sum(),
            sum(spec_share("departure", s) for s in ("legal", "medical", "pedagogical"))),
        "C62": lambda: c(shares(h_arr + sv_arr, arr, post), shares(h_arr + sv_arr, arr, post) > 60),
        "C63": lambda: (lambda v: c(" / ".join(f"{x:.1f}" for x in v),
                                    all(approx(x, r) for x, r in zip(v, ("27.5", "19.3", "17.8"), strict=True))))(
            [spec_share("arrival", s) for s in ("technical", "economic", "pedagogical")]),
        "C64": lambda: c(f"Almaty {did(ALMATY):+.0f}; Zhambyl {did('31'):+.0f}; West Kazakhstan {did('27'):+.0f}",
                         did(ALMATY) - (did("31") + did("27")) / 2 > 0
                         and abs(did(ALMATY)) > 5 * max(abs(did("31")), abs(did("27")))),
    }
    return checks


def largest_other(t: Tables, direction: str, expected: str, span: np.ndarray, reported: str) -> tuple[str, bool]:
    rows = t.country[(t.country.direction_code == direction) & ~t.country.country_code.isin((*CIS, "_T", "_U", "_O"))]
    sums = rows[rows.year.isin(YEARS[span])].groupby("country_code").persons.sum().sort_values(ascending=False)
    leader, total = sums.index[0], float(sums.iloc[0])
    return f"{leader} {total:.0f}", leader == expected and approx(total, reported)


def soft_target_report(tables_dir: Path, conflicts_file: Path, claims_file: Path | None = None) -> pd.DataFrame:
    """One row per Almaty claim: computed value, whether it holds, and its status."""
    checks = claim_checks(Tables(tables_dir))
    conflicts = pd.read_csv(conflicts_file, dtype=str).set_index("claim_id")
    rows = []
    for claim_id, check in checks.items():
        computed, holds = check()
        if holds:
            status = "reproduced"
        elif claim_id in conflicts.index:
            status = "documented_conflict"
        else:
            status = "not_reproduced"
        rows.append((claim_id, computed, holds, status,
                     conflicts.decision.get(claim_id, "") if claim_id in conflicts.index else ""))
    report = pd.DataFrame(rows, columns=["claim_id", "computed", "holds", "status", "conflict_decision"])
    if claims_file is not None:
        claims = pd.read_csv(claims_file, dtype=str)[["claim_id", "measure", "reported_value", "comparison"]]
        report = claims.merge(report, on="claim_id", how="right")
    return report
