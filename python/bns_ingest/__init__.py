"""Ingest official BNS downloads (dynamic-table xlsx, iblock CSV export, Taldau JSON) into the
canonical raw tables described in docs/canonical_format.md."""

from bns_ingest.errors import IngestError, Problem
from bns_ingest.pipeline import ingest, parse_sources

__all__ = ["IngestError", "Problem", "ingest", "parse_sources"]
