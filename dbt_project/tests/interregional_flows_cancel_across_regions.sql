-- Every move between regions is one region's arrival and another's departure: over all regions arrivals
-- equal departures and the balances sum to zero, year by year. One row per year that does not.
{{ config(severity='error') }}

with per_year as (
    select
        year,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(net_persons) as net_persons
    from {{ ref('int_interregional_flows_by_region_year') }}
    group by year
),

final as (
    select
        'interregional flows do not cancel across regions: ' || year || ', arrivals ' || arrivals
        || ', departures ' || departures || ', balances sum to ' || net_persons as failure,
        year,
        arrivals,
        departures,
        net_persons
    from per_year
    where arrivals <> departures or net_persons <> 0
)

select * from final
