with source as (
    select * from {{ ref('analysis_periods') }}
),

renamed as (
    select
        period_code,
        period_set_code,
        period_name_en,
        start_year,
        end_year,
        is_crisis,
        period_order
    from source
)

select * from renamed
