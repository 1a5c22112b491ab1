-- External arrivals and departures per region and year, all ages: the rows in which every breakdown is
-- the total member. Several tables print the same total; the equal_across test on this model's input
-- guarantees they agree, so any one of them can be taken.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

totals as (
    select
        region_code,
        year,
        direction_code,
        persons,
        provenance
    from counts
    where
        flow_code = 'external'
        and direction_code in ('arrival', 'departure')
        and country_code = '_T'
        and sex_code = '_T'
        and settlement_code = '_T'
        and age_band_code = '_T'
        and education_code = '_T'
        and specialty_code = '_T'
),

one_per_region_year as (
    select
        region_code,
        year,
        min(persons) filter (where direction_code = 'arrival') as arrivals,
        min(persons) filter (where direction_code = 'departure') as departures,
        bool_and(provenance like 'published:%') as is_published
    from totals
    group by region_code, year
),

final as (
    select
        region_code,
        year,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        is_published
    from one_per_region_year
)

select * from final
