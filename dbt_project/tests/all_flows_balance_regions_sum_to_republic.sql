-- Over all flows, moves between regions cancel in the sum of the regions, so the regions' all-flows balances
-- add up to the Republic's (also by urban/rural: every move leaves one settlement and enters another). An
-- export may list only some places; a year is checked only when every region of that year is listed
-- (is_region_set_complete), a partial extract is checked at the Republic by
-- all_flows_balance_of_republic_is_its_external_balance. One row per group that does not add up.
{{ config(severity='error') }}

with balances as (
    select * from {{ ref('int_all_flows_balance') }}
    where is_region_set_complete
),

grouped as (
    select
        year,
        settlement_code,
        sum(net_persons) filter (where region_code <> '00') as parts_persons,
        max(net_persons) filter (where region_code = '00') as total_persons
    from balances
    group by year, settlement_code
),

final as (
    select
        'regions do not add up to the Republic: balance_all_flows, ' || year || ', settlement '
        || settlement_code || ', parts ' || parts_persons || ', total ' || total_persons as failure,
        year,
        settlement_code,
        parts_persons,
        total_persons
    from grouped
    where
        total_persons is not null
        and abs(parts_persons - total_persons) > {{ var('sum_tolerance', 0) }}
)

select * from final
