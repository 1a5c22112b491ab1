with source as (
    select * from {{ ref('bns_national_external_flows') }}
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
        'bns_national_external_flows.csv' as source_file_name
    from source
)

select * from renamed
