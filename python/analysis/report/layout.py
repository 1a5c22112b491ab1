"""The report's page: sections registered in a list, a sticky navigation bar built from them, folding.

A section is a :class:`Section` (an anchor, a title, a function that renders its body, whether it starts
folded, and the marts behind it). :func:`render_page` lays out any list of them: the navigation bar links to
every section, a folded section is a ``<details>`` whose summary is its heading (opened when a link points
into it), and each section ends with links to the CSV and Parquet files of the marts behind it. A module that
adds a section to the report appends one :class:`Section` to the list; nothing else changes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Where the downloads sit relative to index.html (written by ``python -m warehouse.export``).
DOWNLOADS_DIR = "data"


@dataclass(frozen=True)
class Section:
    """One section of the report: ``render(content)`` returns its body (without the heading)."""

    anchor: str
    title: str
    render: Callable[[Any], str]
    folded: bool = False
    nav_label: str | None = None
    # Marts whose exported files hold the data behind the section (links under it).
    marts: tuple[str, ...] = ()
    # Other files beside index.html behind the section (e.g. replication.csv).
    files: tuple[str, ...] = ()

    def heading(self, content: Any) -> str:
        """The title with the build's design in it (``ReportContent.fill``: ``{treated}``, ``{crisis}``)."""
        text = content.fill(self.title) if hasattr(content, "fill") else self.title
        return text[:1].upper() + text[1:]


# Words a snake_case column name is made of, as a reader says them.
HEADER_WORDS = {
    "ci": "CI",
    "id": "ID",
    "pct": "(%)",
    "yoy": "year on year",
    "rho": "ρ",
    "rmspe": "RMSPE",
    "mspe": "MSPE",
    "did": "DiD",
    "sdid": "synthetic DiD",
    "n": "n",
    "p": "p",
    "r": "r",
    "en": "(English)",
    "ru": "(Russian)",
    "kk": "(Kazakh)",
    "avg": "average",
    "kato": "KATO",
}
# Whole names better said otherwise than word by word.
HEADER_NAMES = {
    "claim_id": "claim",
    "contradicted_claim_id": "contradicted claim",
    "pearson_ci_low": "Pearson r, 95% CI low",
    "pearson_ci_high": "Pearson r, 95% CI high",
    "pearson_r": "Pearson r",
    "pearson_p": "Pearson p",
    "spearman_rho": "Spearman ρ",
    "spearman_p": "Spearman p",
    "n": "years (n)",
    "table_code": "table",
    "modeled_cells": "reconstructed cells (modeled)",
}
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def human_header(column: object) -> str:
    """``pearson_ci_low`` -> ``Pearson r, 95% CI low``; a header that is already words is left as it is."""
    name = str(column)
    if name in HEADER_NAMES:
        return HEADER_NAMES[name]
    if not _SNAKE.match(name):
        return name
    words = [HEADER_WORDS.get(word, word) for word in name.split("_")]
    return " ".join(word for word in words if word)


STYLE = """
:root { --nav-height: 2.6rem; }
html { scroll-padding-top: calc(var(--nav-height) + .6rem); }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 0 1rem 2rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-top: 1.2rem; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin: 2rem 0 .6rem; font-size: 1.3rem; }
nav.sections { position: sticky; top: 0; z-index: 10; background: #fff; border-bottom: 1px solid #ccc;
       padding: .45rem 0; font-size: .85rem; display: flex; flex-wrap: wrap; gap: .15rem .9rem; }
nav.sections a { color: #1a4f8b; text-decoration: none; white-space: nowrap; }
nav.sections a:hover { text-decoration: underline; }
table { border-collapse: collapse; font-size: .85rem; margin: .8rem 0; max-width: 100%; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; vertical-align: top; }
/* Text may wrap anywhere so that a table never outgrows the page; a number or a year is never split. */
td.text { overflow-wrap: anywhere; } td:not(.text) { white-space: nowrap; } th { overflow-wrap: break-word; }
th { background: #f3f3f3; } th::first-letter { text-transform: uppercase; } td.text, th.text { text-align: left; }
code { overflow-wrap: anywhere; }
.banner { background: #fff3cd; border: 2px solid #e0a800; padding: .8rem 1rem; border-radius: 4px; }
.official { background: #e6f4ea; border: 2px solid #34a853; padding: .8rem 1rem; border-radius: 4px; }
.reproduced { background: #e6f4ea; } .not_reproduced { background: #fde8e8; } .not_computable { background: #f1f1f1; }
.note { color: #555; font-size: .9rem; } figure { margin: 1.2rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; } .missing { color: #a00; }
table.headline, table.compact { width: 100%; table-layout: fixed; font-size: .8rem; }
table.headline td, table.headline th { padding: .25rem .3rem; }
.scroll { max-width: 100%; overflow-x: auto; }
details.section > summary { cursor: pointer; list-style: none; }
details.section > summary::-webkit-details-marker { display: none; }
details.section > summary h2 { display: inline-block; border: 0; margin-bottom: 0; }
details.section > summary::after { content: " ▸ show"; color: #1a4f8b; font-size: .85rem; }
details.section[open] > summary::after { content: " ▾ hide"; }
details.section > summary { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.claims { font-size: .82rem; margin: .8rem 0; border-top: 1px solid #ddd; }
.claims .claim-head, .claims details.claim > summary { display: grid; gap: .6rem;
  grid-template-columns: 3.2rem 5.5rem minmax(0, 1fr) 7rem minmax(0, 11rem) minmax(0, 9rem); padding: .25rem .4rem;
  border-bottom: 1px solid #ddd; }
.claims .claim-head { background: #f3f3f3; font-weight: 600; }
.claims details.claim > summary { cursor: pointer; list-style: none; }
.claims details.claim > summary::-webkit-details-marker { display: none; }
.claims details.claim > summary:hover { outline: 1px solid #1a4f8b; }
.claims span { overflow-wrap: anywhere; } .claims .num { text-align: right; }
.claims dl { margin: 0; padding: .4rem .6rem .6rem 3.8rem; display: grid; grid-template-columns: 11rem minmax(0, 1fr);
  gap: .15rem .8rem; border-bottom: 1px solid #ddd; background: #fafafa; }
.claims dt { font-weight: 600; } .claims dt::first-letter { text-transform: uppercase; }
.claims dd { margin: 0; overflow-wrap: anywhere; }
ul.answers { padding-left: 1.2rem; } ul.answers li { margin: .35rem 0; }
p.downloads { font-size: .8rem; color: #555; }
"""

# Open a folded section when a link (or the address) points at it or into it: browsers differ on whether
# a fragment inside a closed <details> opens it.
SCRIPT = """<script>
function kzOpen(id) {
  var target = id && document.getElementById(id);
  if (!target) { return; }
  for (var node = target; node; node = node.parentElement) { if (node.tagName === 'DETAILS') { node.open = true; } }
  var inner = target.querySelector(':scope > details.section');
  if (inner) { inner.open = true; }
}
window.addEventListener('hashchange', function () { kzOpen(decodeURIComponent(location.hash.slice(1))); });
document.addEventListener('DOMContentLoaded', function () {
  kzOpen(decodeURIComponent(location.hash.slice(1)));
  document.querySelectorAll('a[href^="#"]').forEach(function (link) {
    link.addEventListener('click', function () { kzOpen(link.getAttribute('href').slice(1)); });
  });
});
</script>"""


def download_links(marts: Iterable[str], files: Iterable[str] = ()) -> str:
    """``Data: fct_yearly_flows (CSV, Parquet)`` linking the exported files (relative to index.html)."""
    items = [
        f"<code>{html.escape(mart)}</code> (<a href='{DOWNLOADS_DIR}/{html.escape(mart)}.csv'>CSV</a>, "
        f"<a href='{DOWNLOADS_DIR}/{html.escape(mart)}.parquet'>Parquet</a>)"
        for mart in dict.fromkeys(marts)
    ]
    items += [f"<a href='{html.escape(name)}'>{html.escape(name)}</a>" for name in dict.fromkeys(files)]
    if not items:
        return ""
    return (
        "<p class='downloads'>Data behind this: "
        + "; ".join(items)
        + f" — every mart with its dictionary in <a href='{DOWNLOADS_DIR}/'>{DOWNLOADS_DIR}/</a>.</p>"
    )


def render_section(section: Section, content: Any) -> str:
    body = section.render(content) + download_links(section.marts, section.files)
    title = html.escape(section.heading(content))
    anchor = html.escape(section.anchor)
    if section.folded:
        return (
            f"<section id='{anchor}'><details class='section'><summary><h2>{title}</h2></summary>\n{body}\n"
            "</details></section>"
        )
    return f"<section id='{anchor}'><h2>{title}</h2>\n{body}\n</section>"


def navigation(sections: Sequence[Section]) -> str:
    links = " ".join(f"<a href='#{html.escape(s.anchor)}'>{html.escape(s.nav_label or s.title)}</a>" for s in sections)
    return f"<nav class='sections' aria-label='Sections'>{links}</nav>"


def render_page(title: str, header_html: str, sections: Sequence[Section], content: Any) -> str:
    """The whole page: a sticky navigation bar over every section, then the header and the sections."""
    anchors = [s.anchor for s in sections]
    duplicated = sorted({a for a in anchors if anchors.count(a) > 1})
    if duplicated:
        raise ValueError(f"report sections share an anchor: {', '.join(duplicated)}")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<style>{STYLE}</style>{SCRIPT}</head><body>",
            navigation(sections),
            header_html,
            *(render_section(section, content) for section in sections),
            "</body></html>",
        ]
    )


_LEADING_HEADING = re.compile(r"^\s*<h2[^>]*>.*?</h2>\s*", flags=re.S)


def without_heading(fragment: str) -> str:
    """A rendered fragment without its leading ``<h2>`` (the layout draws the section's heading itself)."""
    return _LEADING_HEADING.sub("", fragment, count=1)
