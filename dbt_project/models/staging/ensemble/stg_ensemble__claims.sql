-- The paper's claims computed and classified on each member's own warehouse.
{{ config(materialized="table") }}

with source as (
    select * from {{ source('ensemble', 'claims') }}
),

renamed as (
    select
        member_id,
        claim_id,
        computed_value,
        status as claim_status
    from source
)

select * from renamed
