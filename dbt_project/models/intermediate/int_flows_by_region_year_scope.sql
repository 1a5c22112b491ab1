-- Yearly external flows per region in both age scopes (all ages; working age), with the resident
-- population on 1 January where BNS publishes it (an ingested population workbook before the bundled seed)
-- and the source of that population.
with all_ages as (
    select * from {{ ref('int_total_flows_by_region_year') }}
),

working_age as (
    select * from {{ ref('int_working_age_flows_by_region_year') }}
),

population as (
    select
        region_code,
        year,
        residents_on_1_january,
        source_id as population_source_id
    from {{ ref('int_population_by_region_year') }}
    where sex_code = '_T' and settlement_code = '_T'
),

boundary_changes as (
    select distinct
        region_code,
        change_year as year
    from {{ ref('stg_reference__region_boundary_changes') }}
),

stacked as (
    select
        region_code,
        year,
        'all_ages' as age_scope_code,
        cast(arrivals as bigint) as arrivals,
        cast(departures as bigint) as departures,
        is_published
    from all_ages
    union all
    select
        region_code,
        year,
        'working_age' as age_scope_code,
        arrivals,
        departures,
        false as is_published
    from working_age
),

final as (
    select
        stacked.*,
        population.residents_on_1_january,
        population.population_source_id,
        boundary_changes.year is not null as has_boundary_change
    from stacked
    left join population using (region_code, year)
    left join boundary_changes using (region_code, year)
)

select * from final
