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
        {{ structure_period_columns() }},
        cast(count(*) as integer) as years_covered,
        {%- for column in ['working_age', 'higher', 'secondary_vocational'] %}
        cast(sum({{ column }}_arrivals) as bigint) as {{ column }}_arrivals,
        cast(sum({{ column }}_departures) as bigint) as {{ column }}_departures,
        {%- endfor %}
        {%- for level in ['higher', 'secondary_vocational'] %}
        {%- set yearly_ratios = [level ~ '_departure_to_arrival_share_ratio', level ~ '_arrivals_per_departure'] %}
        {{ structure_avgs_of_yearly(yearly_ratios, 6) }},
        {%- endfor %}
        bool_and(is_published) as is_published
    from yearly_in_periods
    group by all
),

measured as (
    select
        *,
        {{ structure_education_measures() }}
    from period_sums
),

final as (
    select * from measured
)

select * from final
