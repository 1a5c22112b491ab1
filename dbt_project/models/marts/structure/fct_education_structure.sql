with education_by_year as (
    select * from {{ ref('int_structure__education_by_region_year') }}
),

measured as (
    select
        *,
        {{ structure_education_measures() }}
    from education_by_year
),

final as (
    select * from measured
)

select * from final
