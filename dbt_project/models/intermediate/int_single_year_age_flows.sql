-- External arrivals and departures per region, year, sex and single year of age (the table by sex and
-- age), one table per region-year as in int_working_age_flows_by_region_year.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

age_bands as (
    select
        table_code,
        region_code,
        year,
        direction_code,
        sex_code,
        age_from,
        age_to,
        persons
    from counts
    where
        flow_code = 'external'
        and direction_code in ('arrival', 'departure')
        and sex_code in ('M', 'F')
        and age_band_code not in ('_T', 'WA')
        and country_code = '_T'
        and settlement_code = '_T'
        and education_code = '_T'
        and specialty_code = '_T'
),

-- Should two tables by age cover the same region-year, use one of them (the first by name).
first_table as (
    select
        region_code,
        year,
        min(table_code) as table_code
    from age_bands
    group by region_code, year
),

final as (
    select
        age_bands.region_code,
        age_bands.year,
        age_bands.sex_code,
        age_bands.age_from,
        age_bands.age_to,
        -- Empty (not 0) when the table has no row for the direction.
        cast(sum(age_bands.persons) filter (where age_bands.direction_code = 'arrival') as bigint) as arrivals,
        cast(sum(age_bands.persons) filter (where age_bands.direction_code = 'departure') as bigint) as departures
    from age_bands
    inner join first_table
        on age_bands.region_code = first_table.region_code
        and age_bands.year = first_table.year
        and age_bands.table_code = first_table.table_code
    group by age_bands.region_code, age_bands.year, age_bands.sex_code, age_bands.age_from, age_bands.age_to
)

select * from final
