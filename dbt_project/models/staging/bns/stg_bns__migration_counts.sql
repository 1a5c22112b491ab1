-- Canonical-format tables from KZ_COUNTS_DIR (bundled reconstruction or `make ingest` output).
-- A table, not a view: a view would keep a path to CSV files that BI tools opening the published
-- warehouse from elsewhere cannot resolve.
{{ config(materialized="table") }}

with source as (
    select * from {{ read_canonical_counts() }}
),

renamed as (
    select
        table_code,
        year,
        region_code,
        flow_code,
        direction_code,
        country_code,
        sex_code,
        settlement_code,
        age_band_code,
        age_from,
        age_to,
        education_code,
        specialty_code,
        persons,
        source_id,
        provenance,
        parse_filename(filename) as source_file_name
    from source
)

select * from renamed
