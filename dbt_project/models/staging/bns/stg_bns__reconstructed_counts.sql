-- The base layer: the bundled reconstruction (or the tables KZ_COUNTS_DIR names).
-- A table, not a view: a view would keep a path to CSV files that BI tools opening the published
-- warehouse from elsewhere cannot resolve.
-- Row order means nothing here, and keeping the files' order makes DuckDB write the table on one thread:
-- this model alone (its own session) lets it write in parallel, 1.7x faster at 10^6 rows (bench/).
{{ config(
    materialized="table",
    pre_hook="set session preserve_insertion_order = false",
    post_hook="reset session preserve_insertion_order",
) }}

{{ staged_canonical_counts('bns_counts', 'reconstructed_counts') }}
