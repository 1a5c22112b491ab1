with source as (
    select * from {{ ref('region_boundary_changes') }}
),

renamed as (
    select
        region_code,
        change_year,
        change_kind,
        counterpart_region_codes,
        description_en
    from source
)

select * from renamed
