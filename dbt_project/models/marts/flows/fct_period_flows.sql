with yearly as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

aggregated as (
    select
        yearly.region_code,
        regions.region_name_en,
        periods.period_code,
        periods.period_name_en,
        periods.period_set_code,
        yearly.age_scope_code,
        any_value(periods.start_year) as start_year,
        any_value(periods.end_year) as end_year,
        cast(any_value(periods.end_year - periods.start_year + 1) as integer) as years_in_period,
        {{ flow_aggregates('yearly') }}
    from yearly
    inner join periods on yearly.year between periods.start_year and periods.end_year
    inner join regions on yearly.region_code = regions.region_code
    group by all
),

final as (
    select
        *,
        years_covered = years_in_period as has_every_year
    from aggregated
)

select * from final
