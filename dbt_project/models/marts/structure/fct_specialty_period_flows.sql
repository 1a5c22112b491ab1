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
        {{ structure_period_columns() }},
        specialty_code,
        specialty_name_en,
        cast(count(*) as integer) as years_covered,
        cast(sum(arrivals) as bigint) as arrivals,
        cast(sum(departures) as bigint) as departures,
        {{ structure_avgs_of_yearly(['share_of_arrivals_pct', 'share_of_departures_pct']) }},
        {{ structure_avgs_of_yearly(['arrivals_per_departure'], 6) }},
        bool_and(is_published) as is_published
    from yearly_in_periods
    group by all
),

measured as (
    select
        *,
        {{ structure_specialty_measures('period_code') }}
    from period_sums
),

final as (
    select * from measured
)

select * from final
