with source as (
    select * from {{ ref('specialties') }}
),

renamed as (
    select
        specialty_code,
        specialty_name_en,
        specialty_name_ru,
        specialty_order
    from source
)

select * from renamed
