-- The one definition of the derived external balance: a region's all-flows balance minus its interregional
-- balance (moves between settlements of one region cancel inside it, so what is left crosses the border).
-- One row per region and year where both are published; data/reference/constraints.csv carries these
-- figures as hard constraints (tests/marts/test_flow_kind_marts.py checks that they equal this model).
with all_flows as (
    select * from {{ ref('int_all_flows_balance') }}
    where settlement_code = '_T' and region_code <> '00'
),

interregional as (
    select * from {{ ref('int_interregional_flows_by_region_year') }}
),

derived as (
    select
        all_flows.region_code,
        all_flows.year,
        all_flows.net_persons as all_flows_net_persons,
        interregional.net_persons as interregional_net_persons,
        all_flows.net_persons - interregional.net_persons as external_net_persons,
        all_flows.layer_code as all_flows_layer_code,
        all_flows.source_id as all_flows_source_id,
        interregional.source_id as interregional_source_id,
        interregional.months_summed as interregional_months_summed
    from all_flows
    inner join interregional
        on all_flows.region_code = interregional.region_code
        and all_flows.year = interregional.year
),

final as (
    select
        *,
        'derived:' || all_flows_source_id || '+' || interregional_source_id as provenance,
        'external balance = all flows ' || all_flows_net_persons || ' - interregional '
        || interregional_net_persons || ' = ' || external_net_persons as derivation
    from derived
)

select * from final
