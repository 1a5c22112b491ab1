with totals as (
    select * from {{ ref('int_total_flows_by_region_year') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

measured as (
    select
        totals.region_code,
        regions.region_name_en,
        totals.year,
        'all_ages' as age_scope_code,
        totals.arrivals,
        totals.departures,
        totals.arrivals - totals.departures as net_migration,
        {{ safe_ratio('totals.arrivals', 'totals.departures') }} as arrivals_per_departure,
        {{ yoy_growth_pct('totals.arrivals', 'totals.region_code') }} as arrivals_yoy_growth_pct,
        {{ yoy_growth_pct('totals.departures', 'totals.region_code') }} as departures_yoy_growth_pct,
        totals.is_published
    from totals
    inner join regions on totals.region_code = regions.region_code
),

final as (
    select * from measured
)

select * from final
