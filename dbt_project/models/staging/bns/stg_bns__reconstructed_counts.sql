-- The base layer: the bundled reconstruction (or the tables KZ_COUNTS_DIR names).
-- CSV (the bundled tables): a table, parsed once. A view would parse the text again for every model that
-- reads it, and keep a path to CSV files that BI tools opening the published warehouse from elsewhere
-- cannot resolve. Row order means nothing here, and keeping the files' order makes DuckDB write the table
-- on one thread: this model alone (its own session) lets it write in parallel, 1.7x faster at 10^6 rows.
-- Parquet (KZ_COUNTS_FORMAT=parquet, a large set of counts): a view. DuckDB reads the typed columns where
-- they lie, only those a model needs, skipping row groups by their statistics; a copy of 10^7 rows would
-- cost more than every read of them together (bench/bench_scale.py). The published warehouse then reads
-- the Parquet files at their path (give KZ_COUNTS_DIR as an absolute path).
{%- set is_parquet = env_var('KZ_COUNTS_FORMAT', 'csv') == 'parquet' %}
{{ config(
    materialized="view" if is_parquet else "table",
    pre_hook=[] if is_parquet else ["set session preserve_insertion_order = false"],
    post_hook=[] if is_parquet else ["reset session preserve_insertion_order"],
) }}

{{ staged_canonical_counts('bns_counts', 'reconstructed_counts') }}
