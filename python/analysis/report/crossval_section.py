"""The report's section on how far the reconstruction can be trusted, and the banner's sentence on it.

Both are generated from the marts ``fct_reconstruction_crossval_by_kind`` and ``fct_reconstruction_crossval``
(``make crossval``): no number is typed here. Self-contained: :func:`accuracy_sentence` for the banner and
:func:`crossval_section_html` for the section, given the report's table renderer.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.marts import Tables

CROSSVAL_MARTS = ("fct_reconstruction_crossval", "fct_reconstruction_crossval_by_kind")
BUNDLED = "bundled"
BEFORE = "before_issue_21"
SECTION_ID = "crossval"
# Kind of figure -> how the banner and the section name it.
KIND_LABELS = {
    "regional_total": "regional totals",
    "regional_balance": "regional balances (a small difference of two flows)",
    "national_by_country": "national figures by country",
    "education_specialty": "national figures by education or specialty",
    "almaty": "Almaty city's totals",
    "national_total": "national balances",
    "part_year": "part-year figures (held out as bounds)",
    "all": "all kinds",
}


def _summary(tables: Tables) -> pd.DataFrame:
    return tables.get("fct_reconstruction_crossval_by_kind", pd.DataFrame())


def _row(summary: pd.DataFrame, kind: str, variant: str = BUNDLED) -> pd.Series | None:
    rows = summary[(summary.model_variant == variant) & (summary.figure_kind_code == kind)]
    return None if rows.empty else rows.iloc[0]


def _pct(share: float | None) -> str:
    return "n/a" if share is None or pd.isna(share) else f"{100 * float(share):.0f}%"


def accuracy_sentence(tables: Tables) -> str | None:
    """The measured accuracy in plain words, e.g. "modeled regional totals missed held-out official figures by a
    median of 31%"; None when the warehouse has no cross-validation."""
    summary = _summary(tables)
    if summary.empty:
        return None
    parts = []
    for kind in ("regional_total", "national_by_country", "education_specialty"):
        row = _row(summary, kind)
        if row is not None and pd.notna(row.median_abs_pct_error):
            parts.append(f"modeled {KIND_LABELS[kind]} missed held-out official figures by a median of "
                         f"{float(row.median_abs_pct_error):.0f}% ({int(row.annual_figure_count)} figures)")
    sentence = "; ".join(parts)
    bounds = _row(summary, "part_year")
    if bounds is not None and pd.notna(bounds.share_bounds_respected):
        sentence += (f"; the modeled years respected {_pct(bounds.share_bounds_respected)} of "
                     f"{int(bounds.bound_count)} held-out part-year figures")
    pooled = _row(summary, "all")
    if pooled is not None and pd.notna(pooled.interval_coverage):
        sentence += (f"; the stated 80% intervals held {_pct(pooled.interval_coverage)} of the held-out annual "
                     "figures")
    return f"Measured out of sample (<a href='#{SECTION_ID}'>cross-validation</a>): {sentence}." if sentence else None


def _by_kind_table(summary: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for kind, label in KIND_LABELS.items():
        now, before = _row(summary, kind), _row(summary, kind, BEFORE)
        if now is None:
            continue
        rows.append({
            "kind of figure": label,
            "figures": int(now.figure_count),
            "median abs. error": "" if pd.isna(now.median_abs_pct_error) else f"{now.median_abs_pct_error:.1f}%",
            "before the fix": ("" if before is None or pd.isna(before.median_abs_pct_error)
                               else f"{before.median_abs_pct_error:.1f}%"),
            "within 10%": _pct(now.share_within_10_pct) if pd.notna(now.share_within_10_pct) else "",
            "within rounding": _pct(now.share_within_rounding) if pd.notna(now.share_within_rounding) else "",
            "bounds respected": (f"{_pct(now.share_bounds_respected)} of {int(now.bound_count)}"
                                 if int(now.bound_count) else ""),
            "bounds before": (f"{_pct(before.share_bounds_respected)}" if before is not None
                              and int(before.bound_count) else ""),
            "80% interval coverage": _pct(now.interval_coverage) if pd.notna(now.interval_coverage) else "",
        })
    return pd.DataFrame(rows)


def _worst(tables: Tables, count: int = 8) -> pd.DataFrame:
    figures = tables.get("fct_reconstruction_crossval", pd.DataFrame())
    if figures.empty:
        return figures
    # Balances are small differences of two flows: their % error is in the table by kind, not ranked here.
    annual = figures[(figures.model_variant == BUNDLED) & ~figures.is_bound.astype(bool)
                     & (figures.figure_kind_code != "regional_balance")]
    worst = annual.sort_values(["abs_pct_error", "constraint_id"], ascending=[False, True]).head(count)
    return pd.DataFrame({
        "figure": worst.constraint_id, "source": worst.source_id.str.slice(0, 24), "kind": worst.figure_kind_code,
        "region": worst.region_code, "year": worst.year, "direction": worst.direction_code,
        "country": worst.country_code, "published (official)": worst.published_value,
        "modeled, held out": worst.predicted_value,
        "80% interval": [f"{low:,} – {high:,}" if pd.notna(low) else ""
                         for low, high in zip(worst.interval_low, worst.interval_high, strict=True)],
        "abs. error": [f"{value:.0f}%" for value in worst.abs_pct_error],
    })


def crossval_section_html(tables: Tables, table: Callable[..., str]) -> str:
    """The section: accuracy by kind (now and before the model fix), the worst-predicted figures."""
    summary = _summary(tables)
    if summary.empty:
        return ""
    return "\n".join([
        f"<h2 id='{SECTION_ID}'>How far the reconstruction can be trusted: figures it never saw</h2>",
        "<p>The published figures are split into ten folds (a region-year, or a national year, stays in one "
        "fold, so a figure, its parts and the balance derived from it are held out together). The reconstruction "
        "is refit without each fold and predicts every held-out figure; part-year figures are held out as bounds "
        "(the modeled year must be at least the part-year figure). Figures with the role <code>validation</code> "
        "are never used by the reconstruction. <strong>Every predicted value is modeled</strong>; every "
        "published value is official (<code>fct_reconstruction_crossval</code>, <code>make crossval</code>). "
        "Almaty city's path was calibrated by hand to its published figures, so its row is not out of sample. "
        "“Before the fix” is the model before issue 21, with no memory of a region's or a country's real "
        "figures in neighbouring years. Every held-out regional total is under-predicted (the model spreads the "
        "national total too evenly over regions): read a modeled regional total as uncertain by about half. "
        "The interval is the spread of ensemble members refit without the figure, widened for its kind by "
        "the factor the other folds need to reach 80%.</p>",
        table(_by_kind_table(summary), text_columns=tuple(_by_kind_table(summary).columns)),
        "<h3>The held-out annual totals the reconstruction missed most (balances apart)</h3>",
        table(_worst(tables), text_columns=("figure", "source", "kind", "region", "direction", "country",
                                            "80% interval", "abs. error")),
    ])


def banner_addition(tables: Tables) -> str:
    """The banner's sentence, escaped for HTML where it carries no markup of its own."""
    sentence = accuracy_sentence(tables)
    return f" <strong>{sentence}</strong>" if sentence else ""


