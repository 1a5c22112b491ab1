-- Interregional (internal, between regions) flows per region and year: the months summed where the source
-- prints months (2024), the yearly total as printed otherwise. Its own kind of flow, never external migration.
with interregional as (
    select * from {{ ref('stg_bns__interregional_flows') }}
),

per_year as (
    select
        region_code,
        year,
        cast(sum(arrivals) as bigint) as arrivals,
        cast(sum(departures) as bigint) as departures,
        cast(sum(net_persons) as bigint) as net_persons,
        cast(count(month_number) as integer) as months_summed,
        min(source_id) as source_id,
        min(provenance) as provenance
    from interregional
    group by region_code, year
),

final as (
    select * from per_year
)

select * from final
