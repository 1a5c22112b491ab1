with source as (
    select * from {{ ref('country_groups') }}
),

renamed as (
    select
        group_code,
        group_name_en,
        group_name_ru,
        parent_group_code,
        is_top_level,
        group_order
    from source
)

select * from renamed
