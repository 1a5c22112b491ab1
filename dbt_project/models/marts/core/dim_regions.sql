with regions as (
    select * from {{ ref('stg_reference__regions') }}
),

final as (
    select
        region_code,
        region_name_en,
        region_short_name_en,
        region_name_ru,
        region_name_kk,
        admin_centre_en,
        region_kind,
        bns_order,
        first_year,
        last_year,
        successor_region_codes,
        territory_code,
        region_kind = 'republic' as is_republic,
        region_code = '{{ var("treated_region_code") }}' as is_treated_region
    from regions
)

select * from final
