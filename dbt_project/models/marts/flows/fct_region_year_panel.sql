-- The region × year panel for causal analysis: every region (not the Republic) in the years it existed,
-- so that the analysis can use all regions as controls.
with yearly as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
    where region_kind <> 'republic'
),

working_age as (
    select * from yearly
    where age_scope_code = 'working_age'
),

all_ages as (
    select * from yearly
    where age_scope_code = 'all_ages'
),

joined as (
    select
        regions.region_code,
        regions.region_name_en,
        all_ages.year,
        working_age.arrivals as arrivals_working_age,
        working_age.departures as departures_working_age,
        {{ net_migration('working_age.arrivals', 'working_age.departures') }} as net_migration_working_age,
        all_ages.arrivals as arrivals_all_ages,
        all_ages.departures as departures_all_ages,
        {{ net_migration('all_ages.arrivals', 'all_ages.departures') }} as net_migration_all_ages,
        all_ages.residents_on_1_january,
        all_ages.population_source_id,
        regions.first_year as region_first_year,
        regions.last_year as region_last_year
    from all_ages
    inner join regions on all_ages.region_code = regions.region_code
    left join working_age
        on all_ages.region_code = working_age.region_code
        and all_ages.year = working_age.year
    where
        all_ages.year >= regions.first_year
        and (regions.last_year is null or all_ages.year <= regions.last_year)
),

final as (
    select
        region_code,
        region_name_en,
        year,
        arrivals_working_age,
        departures_working_age,
        net_migration_working_age,
        {{ safe_ratio('1000 * net_migration_working_age', 'residents_on_1_january') }}
            as net_migration_working_age_per_1000_residents,
        arrivals_all_ages,
        departures_all_ages,
        net_migration_all_ages,
        {{ safe_ratio('1000 * net_migration_all_ages', 'residents_on_1_january') }}
            as net_migration_all_ages_per_1000_residents,
        residents_on_1_january,
        population_source_id,
        region_code = '{{ var("treated_region_code") }}' as is_treated,
        year >= {{ var("crisis_start_year") }} as is_post,
        list_contains({{ text_list(var("control_region_codes")) }}, region_code) as is_control,
        region_first_year,
        region_last_year
    from joined
)

select * from final
