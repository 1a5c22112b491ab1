with education_by_year as (
    select * from {{ ref('int_structure__education_by_region_year') }}
),

periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

-- Yearly measures, computed exactly as in fct_education_structure, for the averages of yearly ratios.
yearly as (
    select
        *,
        {{ structure_education_measures() }}
    from education_by_year
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
        cast(count(*) as integer) as years_covered,
        {%- for column in ['working_age', 'higher', 'secondary_vocational'] %}
        cast(sum({{ column }}_arrivals) as bigint) as {{ column }}_arrivals,
        cast(sum({{ column }}_departures) as bigint) as {{ column }}_departures,
        {%- endfor %}
        {%- for level in ['higher', 'secondary_vocational'] %}
        avg({{ level }}_departure_to_arrival_share_ratio) as avg_yearly_{{ level }}_departure_to_arrival_share_ratio,
        avg({{ level }}_arrivals_per_departure) as avg_yearly_{{ level }}_arrivals_per_departure,
        {%- endfor %}
        bool_and(is_published) as is_published
    from yearly_in_periods
    group by region_code, region_name_en, period_code, period_set_code, period_name_en, start_year, end_year
),

measured as (
    select
        *,
        {{ structure_education_measures() }}
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
        working_age_arrivals,
        working_age_departures,
        working_age_net_migration,
        {%- for level in ['higher', 'secondary_vocational'] %}
        {{ level }}_arrivals,
        {{ level }}_departures,
        {{ level }}_net_migration,
        {{ level }}_share_of_arrivals_pct,
        {{ level }}_share_of_departures_pct,
        {{ level }}_departure_to_arrival_share_ratio,
        cast(round(avg_yearly_{{ level }}_departure_to_arrival_share_ratio, 6) as double)
            as avg_yearly_{{ level }}_departure_to_arrival_share_ratio,
        {{ level }}_arrivals_per_departure,
        cast(round(avg_yearly_{{ level }}_arrivals_per_departure, 6) as double) as avg_yearly_{{ level }}_arrivals_per_departure,
        {%- endfor %}
        specialist_share_of_arrivals_pct,
        specialist_share_of_departures_pct,
        is_published
    from measured
)

select * from final
