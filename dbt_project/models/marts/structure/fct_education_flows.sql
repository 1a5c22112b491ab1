with education_counts as (
    select * from {{ ref('int_structure__education_counts') }}
),

levels as (
    select * from education_counts
    where education_code <> '_T'
),

measured as (
    select
        region_code,
        region_name_en,
        year,
        direction_code,
        education_code,
        education_name_en,
        is_specialist,
        persons,
        sum(persons) over (partition by region_code, year, direction_code) as working_age_persons,
        {{ structure_share_within('persons', ['region_code', 'year', 'direction_code']) }} as share_of_working_age_pct,
        is_published
    from levels
),

final as (
    select
        region_code,
        region_name_en,
        year,
        direction_code,
        education_code,
        education_name_en,
        is_specialist,
        cast(persons as bigint) as persons,
        cast(working_age_persons as bigint) as working_age_persons,
        share_of_working_age_pct,
        is_published
    from measured
)

select * from final
