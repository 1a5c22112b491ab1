-- Specialists by specialty (T4, `_T` = all specialists) cannot outnumber the working-age migrants with
-- higher or secondary vocational education (T3). Fails with each region-year-direction that does.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

specialists as (
    select region_code, year, direction_code, persons as specialists
    from counts
    where table_code = 'by_specialty' and specialty_code = '_T'
),

educated as (
    select region_code, year, direction_code, sum(persons) as higher_or_vocational
    from counts
    where table_code = 'by_education' and education_code in ('higher', 'secondary_vocational')
      and specialty_code = '_T'
    group by region_code, year, direction_code
),

compared as (
    select *
    from specialists
    inner join educated using (region_code, year, direction_code)
)

select * from compared
where specialists > higher_or_vocational + {{ var('sum_tolerance', 0) }}
