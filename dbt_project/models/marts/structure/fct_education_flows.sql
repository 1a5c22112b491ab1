with education_counts as (
    select * from {{ ref('int_structure__education_counts') }}
),

levels as (
    select * from education_counts
    where education_code <> '_T'
),

measured as (
    select
        * exclude (education_order),
        sum(persons) over (partition by region_code, year, direction_code) as working_age_persons,
        {{ structure_share_within('persons', ['region_code', 'year', 'direction_code']) }} as share_of_working_age_pct
    from levels
),

final as (
    select
        * replace (
            cast(persons as bigint) as persons,
            cast(working_age_persons as bigint) as working_age_persons
        )
    from measured
)

select * from final
