-- The causal estimates computed on each member's own warehouse (python -m reference_data.ensemble).
{{ config(materialized="table") }}

with source as (
    select * from {{ source('ensemble', 'estimates') }}
),

renamed as (
    select
        member_id,
        design_code,
        outcome_code,
        estimator_code,
        estimate,
        p_value
    from source
)

select * from renamed
