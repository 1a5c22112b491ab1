with flows as (
    select * from {{ ref('int_flows_by_region_year_scope') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

error_bands as (
    select * from {{ ref('int_crossval_error_bands') }}
),

measured as (
    select
        flows.region_code,
        regions.region_name_en,
        flows.year,
        flows.age_scope_code,
        flows.arrivals,
        flows.departures,
        {{ net_migration('flows.arrivals', 'flows.departures') }} as net_migration,
        {{ turnover('flows.arrivals', 'flows.departures') }} as turnover,
        {{ migration_effectiveness_index('flows.arrivals', 'flows.departures') }} as migration_effectiveness_index,
        {{ safe_ratio('flows.arrivals', 'flows.departures') }} as arrivals_per_departure,
        {{ yoy_growth_pct('flows.arrivals', 'previous_year.arrivals',
            comparable='not flows.has_boundary_change') }} as arrivals_yoy_growth_pct,
        {{ yoy_growth_pct('flows.departures', 'previous_year.departures',
            comparable='not flows.has_boundary_change') }} as departures_yoy_growth_pct,
        flows.residents_on_1_january,
        {{ safe_ratio('1000 * flows.arrivals', 'flows.residents_on_1_january') }} as arrivals_per_1000_residents,
        {{ safe_ratio('1000 * flows.departures', 'flows.residents_on_1_january') }} as departures_per_1000_residents,
        {{ safe_ratio(
            '1000 * ' ~ net_migration('flows.arrivals', 'flows.departures'), 'flows.residents_on_1_january'
        ) }}
            as net_migration_per_1000_residents,
        flows.population_source_id,
        flows.has_boundary_change,
        flows.is_published,
        {{ yearly_flow_figure_kind('flows', is_balance=false) }} as interval_figure_kind_code,
        {{ yearly_flow_figure_kind('flows', is_balance=true) }} as net_migration_interval_figure_kind_code
    from flows
    inner join regions on flows.region_code = regions.region_code
    left join flows as previous_year
        on flows.region_code = previous_year.region_code
        and flows.age_scope_code = previous_year.age_scope_code
        and flows.year = previous_year.year + 1
),

with_intervals as (
    select
        measured.* exclude (interval_figure_kind_code, net_migration_interval_figure_kind_code),
        {{ modeled_interval_end('measured.arrivals', 'counts', 'low') }} as arrivals_interval_80_low,
        {{ modeled_interval_end('measured.arrivals', 'counts', 'high') }} as arrivals_interval_80_high,
        {{ modeled_interval_end('measured.departures', 'counts', 'low') }} as departures_interval_80_low,
        {{ modeled_interval_end('measured.departures', 'counts', 'high') }} as departures_interval_80_high,
        {{ modeled_interval_end('measured.net_migration', 'balances', 'low', 'true') }}
            as net_migration_interval_80_low,
        {{ modeled_interval_end('measured.net_migration', 'balances', 'high', 'true') }}
            as net_migration_interval_80_high,
        counts.figure_kind_code as interval_figure_kind_code,
        balances.figure_kind_code as net_migration_interval_figure_kind_code
    from measured
    left join error_bands as counts
        on measured.interval_figure_kind_code = counts.figure_kind_code
        and not counts.is_balance
    left join error_bands as balances
        on measured.net_migration_interval_figure_kind_code = balances.figure_kind_code
        and balances.is_balance
),

final as (
    select * from with_intervals
)

select * from final
