-- The base layer: the bundled reconstruction (or the tables KZ_COUNTS_DIR names).
-- A table, not a view: a view would keep a path to CSV files that BI tools opening the published
-- warehouse from elsewhere cannot resolve.
{{ config(materialized="table") }}

{{ staged_canonical_counts('bns_counts', 'reconstructed_counts') }}
