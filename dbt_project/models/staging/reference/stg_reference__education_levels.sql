with source as (
    select * from {{ ref('education_levels') }}
),

renamed as (
    select
        education_code,
        education_name_en,
        education_name_ru,
        is_specialist,
        education_order
    from source
)

select * from renamed
