with specialty_counts as (
    select * from {{ ref('int_structure__specialty_counts') }}
),

periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

specialties as (
    select * from specialty_counts
    where specialty_code <> '_T'
),

-- Yearly measures, computed exactly as in fct_specialty_flows, for the averages of yearly ratios and shares.
yearly as (
    select
        *,
        {{ structure_specialty_measures('year') }}
    from specialties
),

yearly_in_periods as (
    {{ structure_years_in_periods('yearly', 'periods') }}
),

period_sums as (
    select
        region_code,
        region_name_en,
        period_code,
        period_set_code,
        period_name_en,
        start_year,
        end_year,
        specialty_code,
        specialty_name_en,
        cast(count(*) as integer) as years_covered,
        cast(sum(arrivals) as bigint) as arrivals,
        cast(sum(departures) as bigint) as departures,
        avg(share_of_arrivals_pct) as avg_yearly_share_of_arrivals_pct,
        avg(share_of_departures_pct) as avg_yearly_share_of_departures_pct,
        avg(arrivals_per_departure) as avg_yearly_arrivals_per_departure,
        bool_and(is_published) as is_published
    from yearly_in_periods
    group by region_code, region_name_en, period_code, period_set_code, period_name_en, start_year, end_year,
        specialty_code, specialty_name_en
),

measured as (
    select
        *,
        {{ structure_specialty_measures('period_code') }}
    from period_sums
),

final as (
    select
        region_code,
        region_name_en,
        period_code,
        period_set_code,
        period_name_en,
        start_year,
        end_year,
        years_covered,
        specialty_code,
        specialty_name_en,
        arrivals,
        departures,
        cast(net_migration as bigint) as net_migration,
        share_of_arrivals_pct,
        cast(round(avg_yearly_share_of_arrivals_pct, 4) as double) as avg_yearly_share_of_arrivals_pct,
        share_of_departures_pct,
        cast(round(avg_yearly_share_of_departures_pct, 4) as double) as avg_yearly_share_of_departures_pct,
        arrivals_per_departure,
        cast(round(avg_yearly_arrivals_per_departure, 6) as double) as avg_yearly_arrivals_per_departure,
        is_published
    from measured
)

select * from final
