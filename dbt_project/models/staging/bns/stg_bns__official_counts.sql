-- The official layer: the tables `make ingest` wrote from BNS downloads (none: no rows).
-- A table, not a view, for the same reason as stg_bns__reconstructed_counts.
-- Row order means nothing here, and keeping the files' order makes DuckDB write the table on one thread:
-- this model alone (its own session) lets it write in parallel, 1.7x faster at 10^6 rows (bench/).
{{ config(
    materialized="table",
    pre_hook="set session preserve_insertion_order = false",
    post_hook="reset session preserve_insertion_order",
) }}

{{ staged_canonical_counts('bns_counts', 'official_counts') }}
