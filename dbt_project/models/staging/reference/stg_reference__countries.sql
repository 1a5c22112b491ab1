with source as (
    select * from {{ ref('countries') }}
),

renamed as (
    select
        country_code,
        country_name_en,
        country_name_ru,
        country_name_kk,
        is_aggregate,
        display_order
    from source
)

select * from renamed
