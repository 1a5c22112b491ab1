with source as (
    select * from {{ ref('bns_all_flows_balance') }}
),

renamed as (
    select
        year,
        region_code,
        settlement_code,
        net_persons,
        source_id,
        provenance
    from source
)

select * from renamed
