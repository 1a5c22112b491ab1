with yearly as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

aggregated as (
    select
        yearly.region_code,
        periods.period_code,
        periods.period_set_code,
        yearly.age_scope_code,
        any_value(periods.start_year) as start_year,
        any_value(periods.end_year) as end_year,
        any_value(periods.end_year - periods.start_year + 1) as years_in_period,
        {{ flow_aggregates('yearly') }}
    from yearly
    inner join periods on yearly.year between periods.start_year and periods.end_year
    group by yearly.region_code, periods.period_code, periods.period_set_code, yearly.age_scope_code
),

final as (
    select
        region_code,
        period_code,
        period_set_code,
        age_scope_code,
        start_year,
        end_year,
        cast(years_in_period as integer) as years_in_period,
        cast(years_covered as integer) as years_covered,
        years_covered = years_in_period as has_every_year,
        arrivals,
        departures,
        net_migration,
        avg_yearly_arrivals,
        avg_yearly_departures,
        avg_yearly_net_migration,
        arrivals_per_departure_of_sums,
        departures_per_arrival_of_sums,
        avg_of_yearly_arrivals_per_departure,
        avg_of_yearly_departures_per_arrival
    from aggregated
)

select * from final
