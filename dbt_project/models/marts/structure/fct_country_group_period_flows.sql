with group_counts as (
    select * from {{ ref('int_structure__country_group_counts') }}
),

periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

-- Yearly shares, computed exactly as in fct_country_group_flows, for the averages of yearly shares.
yearly as (
    {{ structure_group_shares('group_counts', 'year') }}
),

yearly_in_periods as (
    {{ structure_years_in_periods('yearly', 'periods') }}
),

period_sums as (
    select
        region_code,
        region_name_en,
        {{ structure_period_columns() }},
        direction_code,
        group_code,
        group_name_en,
        parent_group_code,
        is_top_level,
        cast(count(distinct year) as integer) as years_covered,
        cast(sum(persons) as bigint) as persons,
        {{ structure_avgs_of_yearly(['share_of_all_pct', 'share_of_parent_group_pct', 'share_of_non_cis_pct']) }},
        bool_and(is_published) as is_published
    from yearly_in_periods
    group by all
),

measured as (
    {{ structure_group_shares('period_sums', 'period_code') }}
),

final as (
    select
        *,
        cast(round(1.0 * persons / years_covered, 2) as double) as avg_yearly_persons
    from measured
)

select * from final
