with source as (
    select * from {{ source('bns_official_population', 'population_by_region') }}
),

renamed as (
    select
        year,
        region_code,
        sex_code,
        settlement_code,
        population as residents_on_1_january,
        source_id,
        provenance
    from source
)

select * from renamed
