with flows as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

measured as (
    select
        flows.region_code,
        regions.region_name_en,
        flows.year,
        flows.age_scope_code,
        flows.arrivals,
        flows.departures,
        flows.arrivals - flows.departures as net_migration,
        {{ turnover('flows.arrivals', 'flows.departures') }} as turnover,
        {{ migration_effectiveness_index('flows.arrivals', 'flows.departures') }} as migration_effectiveness_index,
        {{ safe_ratio('flows.arrivals', 'flows.departures') }} as arrivals_per_departure,
        {{ yoy_growth_pct('flows.arrivals', 'flows.region_code, flows.age_scope_code',
            comparable='not flows.has_boundary_change') }} as arrivals_yoy_growth_pct,
        {{ yoy_growth_pct('flows.departures', 'flows.region_code, flows.age_scope_code',
            comparable='not flows.has_boundary_change') }} as departures_yoy_growth_pct,
        flows.residents_on_1_january,
        {{ safe_ratio('1000 * flows.arrivals', 'flows.residents_on_1_january') }} as arrivals_per_1000_residents,
        {{ safe_ratio('1000 * flows.departures', 'flows.residents_on_1_january') }} as departures_per_1000_residents,
        {{ safe_ratio('1000 * (flows.arrivals - flows.departures)', 'flows.residents_on_1_january') }}
            as net_migration_per_1000_residents,
        flows.population_source_id,
        flows.has_boundary_change,
        flows.is_published
    from flows
    inner join regions on flows.region_code = regions.region_code
),

final as (
    select * from measured
)

select * from final
