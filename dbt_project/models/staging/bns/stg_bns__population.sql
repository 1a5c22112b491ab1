with source as (
    select * from {{ ref('bns_population_by_region') }}
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
