-- The causal panel with borders held constant over the 2017 and 2022 changes: regions created then are added back to
-- the region they were split from, so that no control unit jumps when a border moves.
with yearly as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
    where region_kind <> 'republic'
),

territories as (
    select
        territory_code,
        string_agg(region_code, ' ' order by region_code) as member_region_codes
    from regions
    group by territory_code
),

by_territory as (
    select
        regions.territory_code,
        yearly.year,
        cast(sum(yearly.arrivals) filter (where yearly.age_scope_code = 'working_age') as bigint)
            as arrivals_working_age,
        cast(sum(yearly.departures) filter (where yearly.age_scope_code = 'working_age') as bigint)
            as departures_working_age,
        cast(sum(yearly.arrivals) filter (where yearly.age_scope_code = 'all_ages') as bigint)
            as arrivals_all_ages,
        cast(sum(yearly.departures) filter (where yearly.age_scope_code = 'all_ages') as bigint)
            as departures_all_ages,
        cast(sum(yearly.residents_on_1_january) filter (where yearly.age_scope_code = 'all_ages') as bigint)
            as residents_on_1_january,
        -- Both age scopes of a region-year divide by the same population.
        string_agg(distinct yearly.population_source_id, ' ' order by yearly.population_source_id)
            as population_source_id,
        -- A territory-year is complete only when every member region that existed that year reported.
        count(*) filter (where yearly.age_scope_code = 'all_ages') as reporting_regions,
        count(*) filter (where yearly.age_scope_code = 'working_age') as reporting_regions_working_age
    from yearly
    inner join regions on yearly.region_code = regions.region_code
    where
        yearly.year >= regions.first_year
        and (regions.last_year is null or yearly.year <= regions.last_year)
    group by regions.territory_code, yearly.year
),

years as (
    select distinct year from yearly
),

existing_members as (
    select
        regions.territory_code,
        years.year,
        count(*) as existing_regions
    from regions
    inner join years
        on regions.first_year <= years.year
        and (regions.last_year is null or regions.last_year >= years.year)
    group by regions.territory_code, years.year
),

complete_years as (
    select
        by_territory.territory_code,
        regions.region_name_en as territory_name_en,
        territories.member_region_codes,
        by_territory.year,
        case
            when by_territory.reporting_regions_working_age = existing_members.existing_regions
                then by_territory.arrivals_working_age
        end as arrivals_working_age,
        case
            when by_territory.reporting_regions_working_age = existing_members.existing_regions
                then by_territory.departures_working_age
        end as departures_working_age,
        case
            when by_territory.reporting_regions_working_age = existing_members.existing_regions
                then {{ net_migration('by_territory.arrivals_working_age', 'by_territory.departures_working_age') }}
        end as net_migration_working_age,
        by_territory.arrivals_all_ages,
        by_territory.departures_all_ages,
        {{ net_migration('by_territory.arrivals_all_ages', 'by_territory.departures_all_ages') }}
            as net_migration_all_ages,
        by_territory.residents_on_1_january,
        by_territory.population_source_id,
        by_territory.territory_code = '{{ var("treated_region_code") }}' as is_treated,
        by_territory.year >= {{ var("crisis_start_year") }} as is_post,
        list_contains({{ text_list(var("bordering_russia_region_codes")) }}, by_territory.territory_code)
            as is_bordering_russia,
        by_territory.reporting_regions = existing_members.existing_regions as is_complete
    from by_territory
    inner join existing_members using (territory_code, year)
    inner join territories using (territory_code)
    inner join regions on by_territory.territory_code = regions.region_code
),

final as (
    select
        * exclude (is_complete),
        {{ safe_ratio('1000 * net_migration_working_age', 'residents_on_1_january') }}
            as net_migration_working_age_per_1000_residents,
        {{ safe_ratio('1000 * net_migration_all_ages', 'residents_on_1_january') }}
            as net_migration_all_ages_per_1000_residents
    from complete_years
    where is_complete
)

select * from final
