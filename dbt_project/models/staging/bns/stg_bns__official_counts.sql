-- The official layer: the tables `make ingest` wrote from BNS downloads (none: no rows).
-- A table, not a view, for the same reason as stg_bns__reconstructed_counts.
{{ config(materialized="table") }}

{{ staged_canonical_counts('bns_counts', 'official_counts') }}
