with derived as (
    select * from {{ ref('int_external_balance_derived') }}
),

warehouse as (
    select * from {{ ref('int_total_flows_by_region_year') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

final as (
    select
        derived.region_code,
        regions.region_name_en,
        derived.year,
        derived.all_flows_net_persons,
        derived.interregional_net_persons,
        derived.external_net_persons,
        derived.derivation,
        derived.all_flows_layer_code,
        derived.all_flows_source_id,
        derived.interregional_source_id,
        derived.interregional_months_summed,
        derived.provenance,
        {{ net_migration('warehouse.arrivals', 'warehouse.departures') }} as warehouse_external_net_persons,
        {{ net_migration('warehouse.arrivals', 'warehouse.departures') }} - derived.external_net_persons
            as difference_persons
    from derived
    inner join regions on derived.region_code = regions.region_code
    left join warehouse
        on derived.region_code = warehouse.region_code
        and derived.year = warehouse.year
)

select * from final
