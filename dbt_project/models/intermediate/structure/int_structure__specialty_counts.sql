-- External arrivals and departures of working-age specialists (higher or secondary vocational education)
-- by specialty (table by_specialty), one row per region × year × specialty including the `_T` total.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

specialties as (
    select * from {{ ref('stg_reference__specialties') }}
),

specialty_rows as (
    {{ structure_count_rows('counts', 'by_specialty', 'specialty_code', age_band_code='WA') }}
),

pivoted as (
    select
        region_code,
        year,
        specialty_code,
        cast(sum(persons) filter (where direction_code = 'arrival') as bigint) as arrivals,
        cast(sum(persons) filter (where direction_code = 'departure') as bigint) as departures,
        bool_and(is_published) as is_published
    from specialty_rows
    group by all
),

final as (
    select
        pivoted.region_code,
        regions.region_name_en,
        pivoted.year,
        pivoted.specialty_code,
        specialties.specialty_name_en,
        specialties.specialty_order,
        pivoted.arrivals,
        pivoted.departures,
        pivoted.is_published
    from pivoted
    inner join regions on pivoted.region_code = regions.region_code
    inner join specialties on pivoted.specialty_code = specialties.specialty_code
)

select * from final
