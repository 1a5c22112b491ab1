-- The causal estimates computed on each member's own warehouse (python -m reference_data.ensemble).
{{ config(materialized="table") }}

with source as (
    select * from {{ read_ensemble_csv('estimates.csv', {
        'member_id': 'INTEGER', 'design_code': 'VARCHAR', 'outcome_code': 'VARCHAR', 'estimator_code': 'VARCHAR',
        'estimate': 'DOUBLE', 'p_value': 'DOUBLE'}) }}
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
