"""The page as a whole: its header (the banner on where the figures come from, the working-age note) over the
sections of :data:`analysis.report.sections.REPORT_SECTIONS`, and the files written beside it.
"""

from __future__ import annotations

import html
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from analysis.marts import PAPER_RULE_SET
from analysis.report.content import ReportContent
from analysis.report.crossval_section import banner_addition
from analysis.report.layout import Section, render_page
from analysis.report.sections import REPORT_SECTIONS
from claims.replication import write_csv_atomically


def _rule_set_note(content: ReportContent) -> str:
    """Which definition of working age the figures use; a warning when it is not the paper's."""
    rule_set = content.working_age_rule_set
    if rule_set == PAPER_RULE_SET:
        return (
            "<p>Working age: the study's definition (<code>paper_2025</code>: 16 to 63 for men, 16 to 60.5 "
            "for women).</p>"
        )
    shown = html.escape(rule_set) if rule_set else "not recorded in the warehouse"
    return (
        f'<div class="banner"><strong>Working age: {shown}.</strong> The study states its claims for '
        "16 to 63 (men) and 16 to 60.5 (women); claims about working-age migrants are compared with figures "
        "under another definition here, so a difference may come from the definition alone.</div>"
    )


def _banner(content: ReportContent) -> str:
    provenance = content.provenance
    modeled = int(provenance["modeled_cells"].sum()) if not provenance.empty else 0
    total = modeled + (int(provenance["published_cells"].sum()) if not provenance.empty else 0)
    official = int(provenance["official_cells"].sum()) if "official_cells" in provenance else 0
    shares = (
        f"{official:,} of {total:,} migration cells ({official / total:.1%}) are official BNS downloads "
        f"(<code>make ingest</code>), {total - official - modeled:,} ({(total - official - modeled) / total:.1%}) "
        f"bundled published figures and {modeled:,} ({modeled / total:.1%}) reconstructed (<code>modeled</code>)"
        if total
        else ""
    )
    if content.reconstruction:
        detail = shares or "the warehouse does not say where its figures come from (no <code>dim_data_sources</code>)"
        return (
            '<div class="banner"><strong>Bundled reconstruction, not official data.</strong> '
            f"The regional tables behind this report are, where no official download covers them, the project's "
            f"calibrated reconstruction: {detail}. "
            "<strong>The reconstruction was calibrated to the paper's own claims</strong>: where the paper gives "
            "a figure, the reconstruction was fitted to match it. So a claim that “reproduces” here shows only "
            "that the paper's claims can hold together in one data set, not that official statistics support "
            "them, and the causal estimates describe the reconstruction, not Kazakhstan. Load official BNS "
            "downloads with <code>make ingest</code> and rebuild."
            f"{banner_addition(content.crossval or {})}</div>"
        )
    return f'<div class="official">Every migration figure in this warehouse is a published BNS figure: {shares}.</div>'


def _build_note(content: ReportContent) -> str:
    """Which build of the warehouse the report was made from (dbt's start time, as `dim_build_settings` has it)."""
    if content.build_started_at is None:
        return ""
    return f', <span id="warehouse-build">build of {html.escape(content.build_started_at)} UTC</span>'


def render_html(content: ReportContent, sections: list[Section] | None = None) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = "\n".join(
        [
            f"<h1>External migration of {html.escape(content.treated_name)}'s working-age population: replication "
            "and causal analysis</h1>",
            f'<p class="note">kz-migration {html.escape(content.project_version or "(version not recorded)")} · '
            f"data as of {html.escape(content.data_as_of or '(not recorded)')} · generated {generated} from "
            f"<code>{html.escape(content.warehouse)}</code>{_build_note(content)}. Reproduces and tests "
            "Sagandykova et al. (2025), "
            "doi:10.51176/1997-9967-2025-3-106-122. <a href='#cite'>How to cite</a>.</p>",
            _banner(content),
            _rule_set_note(content),
        ]
    )
    return render_page(
        f"kz-migration: {content.treated_name} external migration report",
        header,
        REPORT_SECTIONS if sections is None else sections,
        content,
    )


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; the report is meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(content: ReportContent, out_dir: Path) -> Path:
    """Write index.html, replication.csv, contradictions.csv and figures/*.png; return index.html's path."""
    out_dir = Path(out_dir)
    figures_dir = out_dir / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    for rendered in (*content.paper_figures, *content.causal_figures):
        if rendered.png is not None:
            _write_atomically(figures_dir / f"{rendered.name}.png", rendered.png)
    write_csv_atomically(content.replication, out_dir / "replication.csv")
    write_csv_atomically(content.contradictions, out_dir / "contradictions.csv")
    index = out_dir / "index.html"
    _write_atomically(index, render_html(content).encode("utf-8"))
    return index
