with source as (
    select * from {{ ref('regions') }}
),

renamed as (
    select
        region_code,
        region_name_ru,
        region_name_kk,
        region_name_en,
        region_short_name_en,
        admin_centre_en,
        region_kind,
        bns_order,
        first_year,
        last_year,
        successor_region_codes,
        territory_code
    from source
)

select * from renamed
