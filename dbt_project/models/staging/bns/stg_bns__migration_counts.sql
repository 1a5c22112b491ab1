-- Canonical-format tables from KZ_COUNTS_DIR (bundled reconstruction or `make ingest` output).
-- A table, not a view: a view would keep a path to CSV files that BI tools opening the published
-- warehouse from elsewhere cannot resolve.
{{ config(materialized="table") }}

with source as (
    select * from {{ read_canonical_counts() }}
),

renamed as (
    -- The canonical columns in file order, as in every staging model of counts: they are unioned by position.
    select
        {%- for column in canonical_column_types() %}
        {{ column }},
        {%- endfor %}
        parse_filename(filename) as source_file_name
    from source
)

select * from renamed
