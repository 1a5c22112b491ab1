with source as (
    select * from {{ ref('interregional_flows_by_region') }}
),

renamed as (
    select
        year,
        month_number,
        region_code,
        arrivals,
        departures,
        net_persons,
        source_id,
        provenance
    from source
)

select * from renamed
