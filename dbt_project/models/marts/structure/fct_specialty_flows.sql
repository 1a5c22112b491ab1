with specialty_counts as (
    select * from {{ ref('int_structure__specialty_counts') }}
),

specialties as (
    select * from specialty_counts
    where specialty_code <> '_T'
),

measured as (
    select
        *,
        {{ structure_specialty_measures('year') }}
    from specialties
),

final as (
    select * exclude (specialty_order) from measured
)

select * from final
