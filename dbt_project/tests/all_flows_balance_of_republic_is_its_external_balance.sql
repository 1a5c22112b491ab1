-- For the Republic every internal move cancels, so its all-flows balance is its external balance: national
-- arrivals minus departures (Taldau). Holds in every year 2000–2024 of the BNS export. One row per year
-- that differs.
{{ config(severity='error') }}

with all_flows as (
    select * from {{ ref('int_all_flows_balance') }}
    where region_code = '00' and settlement_code = '_T'
),

external_flows as (
    select * from {{ ref('int_total_flows_by_region_year') }}
    where region_code = '00'
),

final as (
    select
        'the Republic''s all-flows balance is not its external balance: ' || all_flows.year
        || ', all flows ' || all_flows.net_persons || ' (' || all_flows.source_id || '), external arrivals '
        || external_flows.arrivals || ' - departures ' || external_flows.departures || ' = '
        || (external_flows.arrivals - external_flows.departures) as failure,
        all_flows.year,
        all_flows.net_persons as all_flows_net_persons,
        external_flows.arrivals - external_flows.departures as external_net_persons
    from all_flows
    inner join external_flows on all_flows.year = external_flows.year
    where abs(all_flows.net_persons - (external_flows.arrivals - external_flows.departures)) > {{ var('sum_tolerance', 0) }}
)

select * from final
