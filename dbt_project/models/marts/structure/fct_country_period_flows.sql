with country_counts as (
    select * from {{ ref('int_structure__country_counts') }}
),

periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

countries as (
    select * from country_counts
    where country_code <> '_T'
),

-- Yearly shares, computed exactly as in fct_country_flows, for the averages of yearly shares.
yearly as (
    {{ structure_country_shares('countries', 'year') }}
),

yearly_in_periods as (
    {{ structure_years_in_periods('yearly', 'periods') }}
),

-- Years with data for the region inside each period (the same for every country and direction).
region_period_years as (
    select
        region_code,
        period_code,
        cast(count(distinct year) as integer) as years_covered
    from yearly_in_periods
    group by region_code, period_code
),

period_sums as (
    select
        region_code,
        region_name_en,
        {{ structure_period_columns() }},
        direction_code,
        country_code,
        country_name_en,
        is_aggregate,
        -- A country that changed group inside a period counts in the group it had in the period's last year.
        arg_max(group_code, year) as group_code,
        arg_max(is_baltic, year) as is_baltic,
        sum(persons) as persons,
        {{ structure_avgs_of_yearly(['share_of_all_pct', 'share_of_group_pct', 'share_of_non_cis_pct']) }},
        bool_and(is_published) as is_published
    from yearly_in_periods
    group by all
),

measured as (
    {{ structure_country_shares('period_sums', 'period_code') }}
),

final as (
    select
        measured.* replace (cast(measured.persons as bigint) as persons),
        region_period_years.years_covered,
        cast(round(1.0 * measured.persons / region_period_years.years_covered, 2) as double) as avg_yearly_persons
    from measured
    inner join region_period_years
        on measured.region_code = region_period_years.region_code
        and measured.period_code = region_period_years.period_code
)

select * from final
